/**
 * Writes harness/workload/traces/sample.kmem.txt: a SYNTHETIC trace in the text
 * format the kmem:mm_page_alloc / mm_page_free / mm_page_free_batched
 * tracepoints print through /sys/kernel/tracing/trace_pipe on a 6.x kernel
 * (TP_printk of include/trace/events/kmem.h: pfn in hex). Nothing here was
 * recorded on a machine; the workload is a plausible 4-CPU server mix (page
 * cache and anonymous faults, slab refills, network receive in softirq) over
 * 100 ms, seeded so the file is reproducible:
 *
 *   npx tsx harness/workload/traces/make-sample.ts
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Prng, STREAM_SAMPLE_TRACE, cumulativeWeights, streamId } from '../prng.ts';

const CPUS = 4;
const DURATION_US = 100_000;
const ALLOCS_PER_CPU_PER_SEC = 5000;
const BASE_SEC = 8123;
const BASE_USEC = 456_789;

interface Kind {
  gfp: string;
  mt: number;
  orders: number[];
  ctx: 'task' | 'softirq' | 'hardirq';
  comms: string[];
  lifeUs: number;
}

// What allocates pages on a busy server, roughly.
const KINDS: { w: number; k: Kind }[] = [
  { w: 30, k: { gfp: 'GFP_HIGHUSER_MOVABLE|__GFP_ZERO', mt: 1, orders: [0], ctx: 'task', comms: ['postgres', 'java', 'bash', 'nginx'], lifeUs: 30_000 } },
  { w: 20, k: { gfp: 'GFP_HIGHUSER_MOVABLE', mt: 1, orders: [0], ctx: 'task', comms: ['postgres', 'rsync', 'java'], lifeUs: 40_000 } },
  { w: 15, k: { gfp: 'GFP_KERNEL|__GFP_ZERO', mt: 0, orders: [0], ctx: 'task', comms: ['kworker/u8:2', 'systemd-journal', 'nginx'], lifeUs: 8_000 } },
  { w: 10, k: { gfp: 'GFP_KERNEL|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP', mt: 0, orders: [1, 2, 3], ctx: 'task', comms: ['nginx', 'java', 'kworker/u8:2'], lifeUs: 20_000 } },
  { w: 12, k: { gfp: 'GFP_ATOMIC|__GFP_NOWARN', mt: 0, orders: [0], ctx: 'softirq', comms: ['<idle>', 'ksoftirqd/', 'nginx'], lifeUs: 1_500 } },
  { w: 5, k: { gfp: 'GFP_NOWAIT|__GFP_NOWARN', mt: 0, orders: [0], ctx: 'softirq', comms: ['<idle>', 'ksoftirqd/'], lifeUs: 2_000 } },
  { w: 5, k: { gfp: 'GFP_KERNEL|__GFP_RECLAIMABLE', mt: 2, orders: [0], ctx: 'task', comms: ['find', 'updatedb', 'rsync'], lifeUs: 60_000 } },
  { w: 2, k: { gfp: 'GFP_ATOMIC', mt: 0, orders: [0], ctx: 'hardirq', comms: ['<idle>', 'java'], lifeUs: 500 } },
  { w: 1, k: { gfp: 'none', mt: 0, orders: [0], ctx: 'task', comms: ['modprobe'], lifeUs: 50_000 } },
];

interface Ev {
  us: number;
  cpu: number;
  text: string;
  seq: number;
}

const r = new Prng(2020, streamId(STREAM_SAMPLE_TRACE, 0));
const kindCum = cumulativeWeights(KINDS.map((x) => x.w));
const pids = new Map<string, number>();
const pidOf = (comm: string, cpu: number): number => {
  if (comm === '<idle>') return 0;
  const key = comm.endsWith('/') ? `${comm}${cpu}` : comm;
  let pid = pids.get(key);
  if (pid === undefined) {
    pid = comm === 'ksoftirqd/' ? 12 + 8 * cpu : 300 + r.below(30000);
    pids.set(key, pid);
  }
  return pid;
};
const commName = (comm: string, cpu: number): string => (comm.endsWith('/') ? `${comm}${cpu}` : comm);
const hashedPtr = (): string => `00000000${r.nextU32().toString(16).padStart(8, '0')}`;

const live = new Set<number>();
// Page frames: DMA32 (below 4 GiB) and Normal, aligned to the order.
const pickPfn = (order: number): number => {
  for (;;) {
    const base = r.chance(0.7) ? 0x10000 + r.below(0xe0000) : 0x100000 + r.below(0x28000);
    const pfn = base - (base % 2 ** order);
    if (!live.has(pfn)) {
      live.add(pfn);
      return pfn;
    }
  }
};

/**
 * The line header. `maySleep`: the event is an allocation whose GFP has
 * __GFP_DIRECT_RECLAIM (GFP_KERNEL, GFP_HIGHUSER_MOVABLE...), which
 * prepare_alloc_pages() checks with might_sleep_if(): a real kernel would
 * report it IRQs-off, so a plausible trace never shows one that way.
 */
function header(comm: string, cpu: number, ctx: string, us: number, maySleep = false): string {
  // "%16s-%-7d [%03d] %s %5lu.%06lu: " with irq-flags: irqs-off, need-resched, hardirq/softirq, preempt-depth, migrate-disable
  // The draw is made either way, so the rest of the file keeps its random stream.
  const irqsOff = ctx === 'hardirq' || (r.chance(ctx === 'softirq' ? 0.3 : 0.05) && !maySleep);
  const flags = `${irqsOff ? 'd' : '.'}${r.chance(0.03) ? 'N' : '.'}${ctx === 'hardirq' ? 'h' : ctx === 'softirq' ? 's' : '.'}${ctx === 'task' ? (r.chance(0.5) ? '.' : '1') : '2'}.`;
  const total = BASE_USEC + us;
  const sec = BASE_SEC + Math.floor(total / 1e6);
  const usec = total % 1e6;
  const task = `${commName(comm, cpu)}-${pidOf(comm, cpu)}`;
  return `${task.padStart(22)}     [${String(cpu).padStart(3, '0')}] ${flags} ${sec}.${String(usec).padStart(6, '0')}`;
}

/** The GFP string includes __GFP_DIRECT_RECLAIM (GFP_KERNEL and GFP_HIGHUSER_MOVABLE do; GFP_ATOMIC, GFP_NOWAIT, none do not). */
const mayReclaim = (gfp: string): boolean => /(^|\|)(GFP_KERNEL|GFP_HIGHUSER_MOVABLE)(\||$)/.test(gfp);

const events: Ev[] = [];
let seq = 0;
const meanGapUs = 1e6 / ALLOCS_PER_CPU_PER_SEC;
for (let cpu = 0; cpu < CPUS; cpu++) {
  for (let us = r.exponential(meanGapUs); us < DURATION_US; us += r.exponential(meanGapUs)) {
    const t = Math.floor(us);
    const kind = KINDS[r.pick(kindCum)]!.k;
    const order = kind.orders[r.below(kind.orders.length)]!;
    const comm = kind.comms[r.below(kind.comms.length)]!;
    const failed = kind.gfp.startsWith('GFP_NOWAIT') && r.chance(0.01);
    const pfn = failed ? 0 : pickPfn(order);
    const page = failed ? '0000000000000000' : hashedPtr();
    events.push({
      us: t,
      cpu,
      seq: seq++,
      text: `${header(comm, cpu, kind.ctx, t, mayReclaim(kind.gfp))}: mm_page_alloc: page=${page} pfn=0x${pfn.toString(16)} order=${order} migratetype=${kind.mt} gfp_flags=${kind.gfp}`,
    });
    if (!failed && order === 0 && r.chance(0.08)) {
      // pcp refill from the buddy lists under zone->lock
      events.push({
        us: t,
        cpu,
        seq: seq++,
        text: `${header(comm, cpu, kind.ctx, t)}: mm_page_alloc_zone_locked: page=${hashedPtr()} pfn=0x${(pfn ^ 0x40).toString(16)} order=0 migratetype=${kind.mt} percpu_refill=1`,
      });
    }
    if (failed) continue;
    const freeUs = Math.floor(us + r.exponential(kind.lifeUs));
    if (freeUs >= DURATION_US) continue;
    const freeCpu = r.chance(0.1) ? r.below(CPUS) : cpu;
    const freeComm = kind.ctx === 'softirq' ? 'ksoftirqd/' : comm;
    const batched = order === 0 && kind.mt === 1 && r.chance(0.4);
    events.push({
      us: freeUs,
      cpu: freeCpu,
      seq: seq++,
      text: batched
        ? `${header(freeComm, freeCpu, 'task', freeUs)}: mm_page_free_batched: page=${hashedPtr()} pfn=0x${pfn.toString(16)} order=0`
        : `${header(freeComm, freeCpu, kind.ctx === 'hardirq' ? 'softirq' : kind.ctx, freeUs)}: mm_page_free: page=${hashedPtr()} pfn=0x${pfn.toString(16)} order=${order}`,
    });
  }
  // Pages allocated before the trace began, freed during it (the importer skips these).
  for (let i = 0; i < 6; i++) {
    const t = r.below(DURATION_US);
    const pfn = pickPfn(0);
    events.push({ us: t, cpu, seq: seq++, text: `${header('kswapd0', cpu, 'task', t)}: mm_page_free: page=${hashedPtr()} pfn=0x${pfn.toString(16)} order=0` });
  }
  // pcp drains (free_pcppages_bulk) show up as their own tracepoint.
  for (let i = 0; i < 4; i++) {
    const t = r.below(DURATION_US);
    events.push({ us: t, cpu, seq: seq++, text: `${header('kworker/u8:2', cpu, 'task', t)}: mm_page_pcpu_drain: page=${hashedPtr()} pfn=0x${(0x20000 + r.below(0x10000)).toString(16)} order=0 migratetype=1` });
  }
}
// trace_pipe merges the per-CPU buffers in time order.
events.sort((a, b) => a.us - b.us || a.seq - b.seq);
// A page freed in the same microsecond it was allocated must still come after its allocation: the seq tie-break keeps that.

const lines = [
  '# SYNTHETIC sample, not recorded on any machine: generated by harness/workload/traces/make-sample.ts in the text format',
  '# of the kmem:mm_page_alloc / kmem:mm_page_free / kmem:mm_page_free_batched tracepoints as /sys/kernel/tracing/trace_pipe',
  '# prints them on a 6.x kernel (4 CPUs, 100 ms). See harness/workload/SCENARIOS.md for recording a real trace.',
  ...events.map((e) => e.text),
];
const out = join(dirname(fileURLToPath(import.meta.url)), 'sample.kmem.txt');
writeFileSync(out, `${lines.join('\n')}\n`);
console.log(`${out}: ${events.length} events`);
