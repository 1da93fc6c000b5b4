/**
 * The trace oracle: replay a real kernel's kmem trace through the model of
 * that kernel, started from the state captured just before the trace, and
 * compare what the model's pcplists and buddy do with what the kernel's own
 * tracepoints recorded.
 *
 * Kernel side (include/trace/events/kmem.h, mm/page_alloc.c):
 * - pcp refills: pages of mm_page_alloc_zone_locked with percpu_refill=1. In
 *   5.10 __rmqueue() fires it for every block it takes under zone->lock with
 *   percpu_refill = (order == 0), and order-0 pages only come through
 *   rmqueue_bulk(); from v5.19 __rmqueue_smallest() fires it with
 *   percpu_refill = pcp_allowed_order(order) && migratetype < MIGRATE_PCPTYPES,
 *   so the pages rmqueue_bulk() takes (including the one handed to the
 *   allocation that missed) and, rarely, an order <= 3 allocation that went to
 *   rmqueue_buddy() because pcp->lock was busy.
 * - pcp drains: pages of mm_page_pcpu_drain, fired by free_pcppages_bulk() for
 *   every block it gives back (high reached on a free, drain_all_pages(), and
 *   from v6.7 decay_pcp_high() in vmstat's periodic refresh).
 * - fallbacks: mm_page_alloc_extfrag events, one per __rmqueue_fallback() that
 *   took a block from another migratetype.
 * Model side: the same quantities from the core (PerCpuPages.refillPages and
 * drainPages, Buddy.fallbackAllocs), attributed to the CPU of the event that
 * caused them.
 *
 * Replay: every mm_page_alloc is allocPages() with its gfp_flags (parsed with
 * the profile's GFP layout) on its CPU, in timestamp order; mm_page_free frees
 * the model page the kernel pfn got (mm_page_free_batched repeats a free that
 * mm_page_free already recorded, free_unref_page_list / free_unref_folios);
 * a free of a page allocated before the trace began frees a model page that
 * was allocated at start. From v6.7 (profiles with pcp->high auto-tuning) the
 * vmstat tick that calls decay_pcp_high() is replayed once a second of trace
 * time on every CPU. The start state: the machine from the zoneinfo, the free
 * lists from the buddyinfo, each CPU's pcplists holding the pageset `count`
 * the zoneinfo shows (as order-0 movable pages: zoneinfo prints no split) and
 * its pcp->high.
 */
import { InputError, describeFound } from '../errors.ts';
import { percentChange } from '../util/percent-change.ts';
import { createCore, type Core } from '../core/core.ts';
import { DEFAULT_COST_TABLE } from '../core/cost-table.ts';
import { CTX_HARDIRQ, CTX_NMI, CTX_SOFTIRQ, CTX_TASK } from '../core/context.ts';
import { LOC_ALLOCATED, LOC_TAIL } from '../core/frames.ts';
import { parseGfp } from '../core/gfp.ts';
import { PROFILES } from '../core/profile.ts';
import type { Zone } from '../core/zone.ts';
import { machineFromZoneinfo, parseBuddyinfo, parseZoneinfo, type ParsedZoneinfo } from '../machine/zoneinfo.ts';
import {
  EV_ALLOC,
  EV_EXTFRAG,
  EV_FREE,
  EV_FREE_BATCHED,
  EV_PCPU_DRAIN,
  EV_ZONE_LOCKED,
  IRQ_HARDIRQ,
  IRQ_NMI,
  IRQ_OFF,
  IRQ_SOFTIRQ,
  PFN_NONE,
  parseKmemText,
  type KmemText,
} from '../workload/kmem-text.ts';
import { resolveKernel, type ResolvedKernel } from './kernel-version.ts';

export interface TraceCount {
  kernel: number;
  model: number;
}
export interface TraceCounts {
  pcpRefill: TraceCount;
  pcpDrain: TraceCount;
  extfrag: TraceCount;
}
export interface TraceCheck {
  kernel: ResolvedKernel;
  counts: TraceCounts;
  perCpu: Array<{ cpu: number } & TraceCounts>;
  events: number;
  /** Percent. */
  tolerance: number;
  withinTolerance: boolean;
  notes: string[];
}

/** The default tolerance in percent: the model within 10% of the kernel. */
export const TRACE_TOLERANCE = 10;
/** vmstat's sysctl_stat_interval (HZ: one second), the period of refresh_cpu_vm_stats(). */
const VMSTAT_INTERVAL_NS = 1e9;

const COUNT_KEYS = ['pcpRefill', 'pcpDrain', 'extfrag'] as const;

/** |model - kernel| <= tolerancePct% of kernel (0 and 0 agree). */
export function countWithin(c: TraceCount, tolerancePct: number): boolean {
  return Math.abs(c.model - c.kernel) * 100 <= tolerancePct * c.kernel;
}

/** (model - kernel) / kernel in percent; null when the kernel counted 0. */
export function percentDiff(c: TraceCount): number | null {
  return percentChange(c.model, c.kernel);
}

/**
 * Replays the trace through the model of `input.kernel` started from the
 * captured zoneinfo/buddyinfo (and sysctls) and counts refills, drains and
 * fallbacks on both sides, in pages for refills and drains. Callers may rely
 * on: the same inputs give the same numbers; withinTolerance is true when
 * every total count agrees within `tolerance` percent (default 10); per-CPU counts
 * are reported, not judged (a drain_all_pages() may run on another CPU than
 * the pcplist's owner). Bad input (an unreadable trace, zoneinfo, buddyinfo or
 * sysctl text, a trace with lost or overwritten events, a CPU the zoneinfo
 * does not have, an unknown gfp flag) throws one InputError naming the file
 * and the line.
 */
export interface TraceCheckInput {
  traceText: string;
  traceFile: string;
  zoneinfoText: string;
  zoneinfoFile: string;
  buddyinfoText: string;
  buddyinfoFile: string;
  sysctlText?: string;
  sysctlFile?: string;
  /** A `uname -r` string or a profile name (resolveKernel). */
  kernel: string;
  /** Percent (default 10). */
  tolerance?: number;
}

export function checkTrace(input: TraceCheckInput): TraceCheck {
  const tolerance = input.tolerance ?? TRACE_TOLERANCE;
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new InputError({ file: '--tolerance', where: 'tolerance', expected: 'a percentage >= 0 (10 is 10%)', found: describeFound(tolerance) });
  }
  const kernel = resolveKernel(input.kernel);
  const trace = parseKmemText(input.traceText, input.traceFile);
  checkComplete(trace);
  const zi = parseZoneinfo(input.zoneinfoText, input.zoneinfoFile);
  const bi = parseBuddyinfo(input.buddyinfoText, input.buddyinfoFile);
  const sysctlFile = input.sysctlFile ?? 'sysctl';
  const sysctl = input.sysctlText === undefined ? new Map<string, { value: string; line: number }>() : parseSysctlText(input.sysctlText, sysctlFile);
  const notes: string[] = [];

  const minFree = sysctlInt(sysctl, 'vm.min_free_kbytes', sysctlFile);
  const wsf = sysctlInt(sysctl, 'vm.watermark_scale_factor', sysctlFile);
  const ratioEntry = sysctl.get('vm.lowmem_reserve_ratio');
  let lowmemReserveRatio: number[] | undefined;
  if (ratioEntry) {
    const vals = ratioEntry.value.split(/\s+/).filter((v) => v !== '');
    if (vals.some((v) => !/^\d+$/.test(v))) {
      throw new InputError({ file: sysctlFile, where: `line ${ratioEntry.line}: vm.lowmem_reserve_ratio`, expected: 'non-negative integers', found: describeFound(ratioEntry.value) });
    }
    // The sysctl prints one value per zone type the kernel has (MAX_NR_ZONES), zoneinfo
    // prints every zone of the node: they agree on x86-64; use them only then.
    if (vals.length === zi.zones.length) lowmemReserveRatio = vals.map(Number);
  }
  const machine = machineFromZoneinfo(zi, {
    minFreeKbytes: minFree ?? 4 * lowmemMinSum(zi),
    watermarkScaleFactor: wsf ?? 10,
    buddyinfo: bi,
    sysctlSource: sysctlFile,
    ...(lowmemReserveRatio ? { lowmemReserveRatio } : {}),
  });
  if (minFree === null) notes.push(`no vm.min_free_kbytes given: ${machine.minFreeKbytes} (4 x the zones' min watermarks)`);
  const profile = PROFILES[kernel.profile];
  const zoneIdx = kernelPfnToZone(zi);
  const start = inferStartLists(trace, zi, zoneIdx, profile.pcpMaxOrder);
  notes.push(...start.notes);
  for (let i = 0; i < zi.zones.length; i++) {
    const z = zi.zones[i]!;
    if (z.pagesets.length === 0) continue;
    const mz = machine.zones[i]!;
    mz.initialPcpLists = start.lists[i]!;
    mz.initialFreeByMigratetype = start.freeByMigratetype[i]!;
    mz.initialPcpHigh = z.pagesets.map((p) => p.high);
  }
  if (trace.maxCpu >= machine.cpus) {
    const at = trace.cpu.findIndex((c) => c === trace.maxCpu);
    throw new InputError({
      file: input.traceFile,
      where: `line ${trace.line[at]}`,
      expected: `CPUs 0..${machine.cpus - 1} (${input.zoneinfoFile} has ${machine.cpus} pagesets per zone)`,
      found: `CPU ${trace.maxCpu}`,
    });
  }

  const core = createCore({
    profile: kernel.profile,
    machine,
    costs: DEFAULT_COST_TABLE,
    lockdep: false,
    preemptRt: kernel.preemptRt,
    debug: { debugPagealloc: false, kasan: false, pageOwner: false, arch: 'x86_64', pageOwnerNewStackPeriod: 64 },
  });
  try {
    const pcp = core.alloc.pcp;
    for (let i = 0; i < zi.zones.length; i++) {
      const z = zi.zones[i]!;
      for (const ps of z.pagesets) {
        const model = pcp.batch[ps.cpu * zi.zones.length + i];
        if (model !== undefined && model !== ps.batch) notes.push(`zone ${z.kind} cpu ${ps.cpu}: pcp batch ${ps.batch} in ${input.zoneinfoFile}, ${model} in the model`);
      }
    }
    const r = replay(core, trace, zoneIdx, kernel, input.traceFile, profile.pcpHighAutoTune);
    notes.push(...r.notes);
    const counts = totals(r.perCpu);
    const withinTolerance = COUNT_KEYS.every((k) => countWithin(counts[k], tolerance));
    return { kernel, counts, perCpu: r.perCpu, events: trace.length, tolerance, withinTolerance, notes };
  } finally {
    core.release();
  }
}

/** A trace with events missing can not be compared: refuse it in one line. */
function checkComplete(trace: KmemText): void {
  const lost = trace.lost[0];
  if (lost) {
    const total = trace.lost.reduce((s, l) => s + l.events, 0);
    throw new InputError({
      file: trace.file,
      where: `line ${lost.line}`,
      expected: 'a trace without lost events (raise /sys/kernel/tracing/buffer_size_kb and trace again)',
      found: `CPU:${lost.cpu} [LOST ${lost.events} EVENTS] (${total} lost in ${trace.lost.length} markers)`,
    });
  }
  const h = trace.header;
  if (h.entriesInBuffer !== null && h.entriesWritten !== null && h.entriesWritten > h.entriesInBuffer) {
    throw new InputError({
      file: trace.file,
      where: 'header "entries-in-buffer/entries-written"',
      expected: 'every written entry still in the buffer (the oldest were overwritten: raise buffer_size_kb)',
      found: `${h.entriesInBuffer}/${h.entriesWritten}`,
    });
  }
}

/** `sysctl` output lines `vm.min_free_kbytes = 45056` (also `key: value` and `key value`). */
function parseSysctlText(text: string, file: string): Map<string, { value: string; line: number }> {
  const out = new Map<string, { value: string; line: number }>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const m = /^([\w.\-/]+)\s*[=:]\s*(.*)$/.exec(line);
    if (!m) throw new InputError({ file, where: `line ${i + 1}`, expected: 'a sysctl line "vm.min_free_kbytes = 45056"', found: describeFound(line) });
    out.set(m[1]!.replace(/\//g, '.'), { value: m[2]!.trim(), line: i + 1 });
  }
  return out;
}

function sysctlInt(map: Map<string, { value: string; line: number }>, key: string, file: string): number | null {
  const e = map.get(key);
  if (!e) return null;
  if (!/^\d+$/.test(e.value)) throw new InputError({ file, where: `line ${e.line}: ${key}`, expected: 'a non-negative integer', found: describeFound(e.value) });
  return Number(e.value);
}

/** Sum of the min watermarks of the zones up to Normal (what min_free_kbytes / 4 was split over). */
function lowmemMinSum(zi: ParsedZoneinfo): number {
  let s = 0;
  for (const z of zi.zones) if (z.kind === 'DMA' || z.kind === 'DMA32' || z.kind === 'Normal') s += z.min;
  return s;
}

function emptyCounts(): TraceCounts {
  return { pcpRefill: { kernel: 0, model: 0 }, pcpDrain: { kernel: 0, model: 0 }, extfrag: { kernel: 0, model: 0 } };
}

function totals(perCpu: ReadonlyArray<{ cpu: number } & TraceCounts>): TraceCounts {
  const t = emptyCounts();
  for (const c of perCpu) {
    for (const k of COUNT_KEYS) {
      t[k].kernel += c[k].kernel;
      t[k].model += c[k].model;
    }
  }
  return t;
}

/**
 * Model pages allocated at start, handed out for frees of pages the kernel
 * allocated before the trace began: per zone, a cursor walking down from the
 * zone's end over frames that are allocated order-0 pages (what
 * fillFromBuddyinfo leaves), turning an aligned run of 2^order of them into
 * one allocated block of that order.
 */
class StartPages {
  private readonly cursor: number[];
  constructor(private readonly core: Core) {
    this.cursor = core.alloc.zones.map((z) => z.endPfn);
  }

  take(zone: Zone, order: number): number {
    const f = this.core.alloc.frames;
    const size = 1 << order;
    let p = this.cursor[zone.idx]!;
    for (;;) {
      p = Math.floor((p - size - zone.startPfn) / size) * size + zone.startPfn;
      if (p < zone.startPfn) {
        this.cursor[zone.idx] = zone.startPfn;
        return -1;
      }
      let ok = true;
      for (let q = p; q < p + size; q++) {
        if (f.list[q] !== LOC_ALLOCATED || f.order[q] !== 0) {
          ok = false;
          break;
        }
      }
      if (ok) {
        this.cursor[zone.idx] = p;
        for (let q = p + 1; q < p + size; q++) f.list[q] = LOC_TAIL;
        f.order[p] = order;
        return p;
      }
    }
  }
}

interface ReplayResult {
  perCpu: Array<{ cpu: number } & TraceCounts>;
  notes: string[];
}

/** Kernel pfn -> index of its zone in the zoneinfo, from start_pfn and spanned (the last populated zone for a pfn outside all). */
function kernelPfnToZone(zi: ParsedZoneinfo): (pfn: number) => number {
  const ranges = zi.zones.map((z, i) => ({ i, start: z.startPfn ?? -1, end: (z.startPfn ?? -1) + z.spanned })).filter((r) => r.start >= 0);
  const last = ranges[ranges.length - 1]?.i ?? zi.zones.length - 1;
  return (pfn: number): number => {
    for (const r of ranges) if (pfn >= r.start && pfn < r.end) return r.i;
    return last;
  };
}

/**
 * What each CPU's pcplists held when the trace began. /proc/zoneinfo prints one
 * count per CPU and zone, not the lists, and the lists decide which allocation
 * refills; the trace itself tells, list by list (zone, CPU, migratetype,
 * order), what the list must have held: up to the list's first refill (which
 * the kernel does only on an empty list) its length is the start length plus
 * the frees onto it (each freed page counted on the list of the migratetype
 * it was allocated with, movable for a page allocated before the trace) minus
 * the allocations from it and the pages drained from it; so at the first refill
 * the start length is exactly known, and for a list never refilled it is at
 * least what kept the length from going negative. Whatever the zoneinfo count
 * has beyond the lists so explained (pages on lists this trace never takes
 * from: other orders, THP) is parked on the highest-order list of that CPU
 * and zone that no allocation of the trace uses, movable order-0 if there is
 * none. Callers may rely on: lists[zone][cpu][pindex] in pages, summing to the
 * zoneinfo count unless the trace needs more (then a note says so).
 */
function inferStartLists(
  trace: KmemText,
  zi: ParsedZoneinfo,
  zoneOf: (pfn: number) => number,
  maxOrder: number,
): { lists: number[][][]; freeByMigratetype: number[][]; notes: string[] } {
  const nrLists = 3 * (maxOrder + 1);
  const cpus = Math.max(1, ...zi.zones.map((z) => z.pagesets.length));
  const key = (z: number, cpu: number, pindex: number): number => (z * cpus + cpu) * nrLists + pindex;
  const size = zi.zones.length * cpus * nrLists;
  const delta = new Float64Array(size); // frees - allocs - drains so far
  const need = new Float64Array(size); // -min(delta): the start length the list needs so far
  const exact = new Uint8Array(size); // first refill seen: need is exact, stop tracking
  const used = new Uint8Array(size); // some allocation of the trace takes from this list
  const allocMt = new Map<number, number>();
  const touch = (k: number, d: number): void => {
    if (exact[k]) return;
    delta[k] = delta[k]! + d;
    if (-delta[k]! > need[k]!) need[k] = -delta[k]!;
  };
  for (let i = 0; i < trace.length; i++) {
    const ord = trace.order[i]!;
    const pfn = trace.pfn[i]!;
    const kind = trace.kind[i]!;
    if (pfn === PFN_NONE || ord > maxOrder) continue;
    const cpu = trace.cpu[i]!;
    if (cpu >= cpus) continue;
    const z = zoneOf(pfn);
    if (kind === EV_ALLOC) {
      const mt = trace.migratetype[i]!;
      allocMt.set(pfn, mt);
      if (mt < 0 || mt > 2) continue;
      const k = key(z, cpu, 3 * ord + mt);
      used[k] = 1;
      touch(k, -(1 << ord));
    } else if (kind === EV_FREE || (kind === EV_FREE_BATCHED && !allocMt.has(-pfn - 1))) {
      // a batched free repeats its mm_page_free: counted once (marked by -pfn-1 below)
      const mt = allocMt.get(pfn) ?? 1;
      if (kind === EV_FREE) allocMt.set(-pfn - 1, 1);
      if (mt < 0 || mt > 2) continue;
      touch(key(z, cpu, 3 * ord + mt), 1 << ord);
    } else if (kind === EV_FREE_BATCHED) {
      allocMt.delete(-pfn - 1);
    } else if (kind === EV_PCPU_DRAIN) {
      const mt = trace.migratetype[i]!;
      if (mt >= 0 && mt <= 2) touch(key(z, cpu, 3 * ord + mt), -(1 << ord));
    } else if (kind === EV_ZONE_LOCKED && trace.aux[i] === 1) {
      const mt = trace.migratetype[i]!;
      if (mt >= 0 && mt <= 2) exact[key(z, cpu, 3 * ord + mt)] = 1;
    }
  }
  // The buddy's free lists per migratetype (unmovable, reclaimable): pages the kernel
  // took from them under zone->lock (mm_page_alloc_zone_locked of that migratetype)
  // before its first fallback for that migratetype (mm_page_alloc_extfrag), less what
  // drains gave back to them, prove what they held at start.
  const nz = zi.zones.length;
  const fDelta = new Float64Array(nz * 3);
  const fNeed = new Float64Array(nz * 3);
  const fDone = new Uint8Array(nz * 3);
  const touchFree = (k: number, d: number): void => {
    if (fDone[k]) return;
    fDelta[k] = fDelta[k]! + d;
    if (-fDelta[k]! > fNeed[k]!) fNeed[k] = -fDelta[k]!;
  };
  for (let i = 0; i < trace.length; i++) {
    const kind = trace.kind[i]!;
    const mt = trace.migratetype[i]!;
    const pfn = trace.pfn[i]!;
    if (mt < 0 || mt > 2 || pfn === PFN_NONE) continue;
    const k = zoneOf(pfn) * 3 + mt;
    if (kind === EV_ZONE_LOCKED) touchFree(k, -(1 << trace.order[i]!));
    else if (kind === EV_PCPU_DRAIN) touchFree(k, 1 << trace.order[i]!);
    else if (kind === EV_EXTFRAG) fDone[k] = 1;
  }
  const freeByMigratetype = zi.zones.map((_, z) => [fNeed[z * 3]!, 0, fNeed[z * 3 + 2]!]);

  const notes: string[] = [];
  let parkedTotal = 0;
  let sharedTotal = 0;
  let over = 0;
  const lists = zi.zones.map((zone, z) =>
    zone.pagesets.map((ps) => {
      const cpu = ps.cpu;
      const out = new Array<number>(nrLists).fill(0);
      let sum = 0;
      for (let p = 0; p < nrLists; p++) {
        const order = Math.floor(p / 3);
        const pages = Math.ceil(need[key(z, cpu, p)]! / (1 << order)) * (1 << order);
        out[p] = pages;
        sum += pages;
      }
      let rest = ps.count - sum;
      if (rest < 0) over += -rest;
      // The kernel never refilled a used list it has only a lower bound for: it held more.
      // Those lists share the rest first; what is left goes to a list nothing takes from.
      const open: number[] = [];
      for (let p = 0; p < nrLists; p++) if (used[key(z, cpu, p)] && !exact[key(z, cpu, p)]) open.push(p);
      for (let j = 0; j < open.length && rest > 0; j++) {
        const p = open[j]!;
        const order = Math.floor(p / 3);
        const share = Math.floor(rest / (open.length - j) / (1 << order)) << order;
        out[p]! += share;
        sharedTotal += share;
        rest -= share;
      }
      if (rest > 0) {
        let park = -1;
        for (let p = nrLists - 1; p >= 0 && park < 0; p--) {
          const order = Math.floor(p / 3);
          if (!used[key(z, cpu, p)] && rest >= 1 << order) park = p;
        }
        if (park < 0) park = 1; // movable order-0
        const order = Math.floor(park / 3);
        const blocks = Math.floor(rest / (1 << order));
        out[park]! += blocks << order;
        parkedTotal += blocks << order;
        rest -= blocks << order;
        out[1]! += rest; // what no block of that order holds: order-0 movable
      }
      return out;
    }),
  );
  notes.push(
    `start pcplists inferred from the trace (zoneinfo prints one count per CPU): ${sharedTotal} pages beyond the lower bounds of lists the kernel never refilled, ${parkedTotal} on lists no allocation of the trace uses`,
  );
  if (over > 0) notes.push(`the trace needs ${over} more pages on the start pcplists than the zoneinfo counts (captured before the trace began)`);
  const claimed = freeByMigratetype.reduce((a, v) => a + v[0]! + v[2]!, 0);
  if (claimed > 0) notes.push(`start free lists: ${claimed} free pages given to unmovable/reclaimable pageblocks (what the kernel took from those lists without a fallback; buddyinfo has no split by migratetype)`);
  return { lists, freeByMigratetype, notes };
}

function replay(core: Core, trace: KmemText, zoneIdx: (pfn: number) => number, kernel: ResolvedKernel, file: string, vmstatDecay: boolean): ReplayResult {
  const alloc = core.alloc;
  const pcp = alloc.pcp;
  const buddy = alloc.buddy;
  const zones = alloc.zones;
  const cpus = pcp.cpus;
  const perCpu = Array.from({ length: cpus }, (_, cpu) => ({ cpu, ...emptyCounts() }));
  const notes: string[] = [];

  const zoneOfKernelPfn = (pfn: number): Zone => zones[zoneIdx(pfn)]!;

  // gfp_flags texts parsed once, with the profile's GFP layout.
  const gfps = new Uint32Array(trace.gfpTexts.length);
  for (let g = 0; g < trace.gfpTexts.length; g++) {
    try {
      gfps[g] = parseGfp(trace.gfpTexts[g]!, core.gfp);
    } catch (e) {
      const at = trace.gfp.indexOf(g);
      throw new InputError({
        file,
        where: `line ${trace.line[at]}: gfp_flags`,
        expected: `GFP flags of the ${kernel.profile} layout`,
        found: `${describeFound(trace.gfpTexts[g])}: ${e instanceof Error ? e.message.replace(/^parseGfp: /, '') : String(e)}`,
      });
    }
  }

  // Timestamp order (the trace file is merged by time; sort stably in case it is not).
  const n = trace.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let sorted = true;
  for (let i = 1; i < n; i++) if (trace.time[i]! < trace.time[i - 1]!) sorted = false;
  if (!sorted) {
    const idx = Array.from(order);
    idx.sort((a, b) => trace.time[a]! - trace.time[b]! || a - b);
    order.set(idx);
  }

  const live = new Map<number, number>(); // kernel pfn -> model pfn
  const liveOrder = new Map<number, number>();
  const awaitingBatched = new Set<number>(); // freed by mm_page_free, its mm_page_free_batched may follow
  const startPages = new StartPages(core);
  let failedKernel = 0;
  let failedModel = 0;
  let startFrees = 0;
  let startExhausted = 0;
  let reallocated = 0;
  let orderMismatch = 0;
  let thpRefillPages = 0;
  let decayTicks = 0;
  let nextTick = vmstatDecay ? (Math.floor(trace.startNs / VMSTAT_INTERVAL_NS) + 1) * VMSTAT_INTERVAL_NS - trace.startNs : Infinity;

  const before = { refill: 0, drain: 0, fallback: 0 };
  const mark = (): void => {
    before.refill = pcp.refillPages;
    before.drain = pcp.drainPages;
    before.fallback = buddy.fallbackAllocs;
  };
  const credit = (cpu: number): void => {
    const c = perCpu[cpu]!;
    c.pcpRefill.model += pcp.refillPages - before.refill;
    c.pcpDrain.model += pcp.drainPages - before.drain;
    c.extfrag.model += buddy.fallbackAllocs - before.fallback;
  };
  const freeModel = (cpu: number, ctx: number, irqsOff: boolean, t: number, pfn: number, ord: number): void => {
    mark();
    alloc.beginOp(cpu, ctx, irqsOff, t);
    alloc.freePages(pfn, ord);
    credit(cpu);
  };

  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const t = trace.time[i]!;
    // vmstat_update() -> refresh_cpu_vm_stats() -> decay_pcp_high(), per CPU and zone (v6.7+).
    while (t >= nextTick) {
      for (let cpu = 0; cpu < cpus; cpu++) {
        mark();
        alloc.beginOp(cpu, CTX_TASK, false, nextTick);
        for (const z of zones) if (z.managedPages > 0) pcp.decayPcpHigh(z, cpu * zones.length + z.idx);
        credit(cpu);
      }
      decayTicks++;
      nextTick += VMSTAT_INTERVAL_NS;
    }
    const cpu = trace.cpu[i]!;
    const irq = trace.irq[i]!;
    const ctx = irq & IRQ_NMI ? CTX_NMI : irq & IRQ_HARDIRQ ? CTX_HARDIRQ : irq & IRQ_SOFTIRQ ? CTX_SOFTIRQ : CTX_TASK;
    const irqsOff = (irq & IRQ_OFF) !== 0;
    const kpfn = trace.pfn[i]!;
    const ord = trace.order[i]!;
    switch (trace.kind[i]) {
      case EV_ALLOC: {
        if (kpfn === PFN_NONE) {
          failedKernel++;
          break;
        }
        awaitingBatched.delete(kpfn);
        mark();
        alloc.beginOp(cpu, ctx, irqsOff, t);
        const pfn = alloc.allocPages(gfps[trace.gfp[i]!]!, ord);
        credit(cpu);
        if (pfn < 0) {
          failedModel++;
          break;
        }
        if (live.has(kpfn)) reallocated++; // its free went unrecorded: the older model page stays allocated
        live.set(kpfn, pfn);
        liveOrder.set(kpfn, ord);
        break;
      }
      case EV_FREE_BATCHED:
      case EV_FREE: {
        // mm_page_free_batched follows the mm_page_free of the same free; alone, it is the free.
        if (trace.kind[i] === EV_FREE_BATCHED && awaitingBatched.delete(kpfn)) break;
        const pfn = live.get(kpfn);
        if (pfn !== undefined) {
          const o = liveOrder.get(kpfn)!;
          if (o !== ord && trace.kind[i] === EV_FREE) orderMismatch++;
          live.delete(kpfn);
          liveOrder.delete(kpfn);
          freeModel(cpu, ctx, irqsOff, t, pfn, o);
        } else {
          startFrees++;
          const p = startPages.take(zoneOfKernelPfn(kpfn), ord);
          if (p < 0) startExhausted++;
          else freeModel(cpu, ctx, irqsOff, t, p, ord);
        }
        if (trace.kind[i] === EV_FREE) awaitingBatched.add(kpfn);
        break;
      }
      case EV_ZONE_LOCKED:
        if (trace.aux[i] === 1) {
          perCpu[cpu]!.pcpRefill.kernel += 1 << ord;
          if (ord > PROFILES[kernel.profile].pcpMaxOrder) thpRefillPages += 1 << ord;
        }
        break;
      case EV_PCPU_DRAIN:
        perCpu[cpu]!.pcpDrain.kernel += 1 << ord;
        break;
      case EV_EXTFRAG:
        perCpu[cpu]!.extfrag.kernel++;
        break;
    }
  }

  notes.push(`replayed on profile ${kernel.profile}${kernel.preemptRt ? ' (PREEMPT_RT)' : ''}: ${n} events, ${trace.otherEvents} lines of other events skipped`);
  if (startFrees > 0) notes.push(`${startFrees} frees of pages allocated before the trace began (freed from the model's pages in use at start${startExhausted > 0 ? `; ${startExhausted} found none` : ''})`);
  if (failedKernel > 0) notes.push(`${failedKernel} allocations failed in the kernel (page=NULL): not replayed`);
  if (failedModel > 0) notes.push(`${failedModel} allocations the kernel served failed in the model`);
  if (reallocated > 0) notes.push(`${reallocated} pfns allocated again without a recorded free`);
  if (orderMismatch > 0) notes.push(`${orderMismatch} frees with another order than their allocation (freed with the allocation's order)`);
  if (thpRefillPages > 0) notes.push(`${thpRefillPages} kernel refill pages are of orders above ${PROFILES[kernel.profile].pcpMaxOrder} (THP pcplists), which the model does not keep on pcplists`);
  if (vmstatDecay) notes.push(`${decayTicks} vmstat ticks replayed (decay_pcp_high once a second on every CPU)`);
  return { perCpu, notes };
}
