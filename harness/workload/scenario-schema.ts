/**
 * The scenario file's schema and the resolved Scenario's types.
 *
 * A scenario is data: kernel config + machine + workload + run length. The
 * schema fills every default (each one documented in its `.describe()` text and
 * in SCENARIOS.md); scenario.ts (parseScenario) then resolves what depends on
 * other fields and runs the cross-field checks; scenario-set.ts is `--set`.
 * The strategies' own sections are checked against the strategies loaded, by
 * sim/preflight.ts.
 */
import * as z from 'zod';
import { MAX_PAGE_ORDER, NR_PAGE_ORDERS, type ProfileName } from '../core/profile.ts';
import type { ZoneKind as CoreZoneKind } from '../core/watermarks.ts';
import { schemaFieldPaths } from '../util/zod-errors.ts';

// ---------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------

/** Zone kinds in zone_idx order (the core's ZoneKind). */
export const ZONE_KINDS = ['DMA', 'DMA32', 'Normal', 'HighMem', 'Movable', 'Device'] as const;
export type ZoneKind = (typeof ZONE_KINDS)[number] & CoreZoneKind;

/** Background GFP mix keys; `legacy0` is a `__get_free_page(0)` caller (gfp == 0, FLAG_LEGACY_GFP0). */
export const GFP_MIX_NAMES = ['GFP_KERNEL', 'GFP_ATOMIC', 'GFP_NOWAIT', 'GFP_HIGHUSER_MOVABLE', 'legacy0'] as const;
export type GfpMixName = (typeof GFP_MIX_NAMES)[number];

/** The largest machine the model holds (16M frames of 4 KiB, DESIGN.md). */
export const MAX_MEMORY_MIB = 65536;
export const MAX_CPUS = 1024;

const weight = z.number().min(0).default(0);
const share = (def: number, what: string) =>
  z.number().min(0).max(1).default(def).describe(`${what} A share in [0, 1]. Default: ${def}.`);
const cpuSet = (what: string, def: 'all' | number[] = 'all') =>
  z
    .union([z.literal('all'), z.array(z.number().int().min(0).max(MAX_CPUS - 1))])
    .default(def)
    .describe(`${what} "all" or a list of CPU indices (each < machine.cpus). Default: ${JSON.stringify(def)}.`);

const contextWeights = (def: { task: number; softirq: number; hardirq: number; nmi: number }, what: string) =>
  z
    .object({
      task: weight.describe('Weight of task context (in_task()). Default inside the object: 0.'),
      softirq: weight.describe('Weight of softirq context (in_serving_softirq()). Default inside the object: 0.'),
      hardirq: weight.describe('Weight of hardirq context (in_hardirq(); IRQs are off there). Default inside the object: 0.'),
      nmi: weight.describe('Weight of NMI context (in_nmi(); IRQs are off there). Default inside the object: 0.'),
    })
    .strict()
    .default(def)
    .describe(
      `${what} Relative weights (need not sum to 1); a key left out of a given object weighs 0. ` +
        `Default: ${JSON.stringify(def)}.`,
    );

/**
 * Which hardirq handler a hardirq event comes from. 'threadable': a device
 * handler that forced IRQ threading would move to a thread (lockdep marks it
 * with lockdep_hardirq_threaded() in __handle_irq_event_percpu(), and an
 * hrtimer not marked HRTIMER_MODE_HARD with irq_config in
 * __lockdep_hrtimer_enter()): LD_WAIT_CONFIG on !RT. 'never-threaded': the
 * tick and HRTIMER_MODE_HARD timers, IPIs, IRQF_NO_THREAD / IRQF_PERCPU
 * handlers: LD_WAIT_SPIN on every kernel (task_wait_context(),
 * kernel/locking/lockdep.c). On PREEMPT_RT only never-threaded handlers run in
 * hardirq (a threaded one is a task-context event), so both are LD_WAIT_SPIN there.
 */
const hardirqKind = (what: string) =>
  z
    .enum(['threadable', 'never-threaded'])
    .default('threadable')
    .describe(`Which hardirq handlers the ${what} come from: 'threadable' (a device handler: LD_WAIT_CONFIG on !RT) or 'never-threaded' (timers, IPIs, IRQF_NO_THREAD: LD_WAIT_SPIN on every kernel). Default: "threadable".`);

const DEFAULT_KV_CONTEXTS = { task: 0.8, softirq: 0.2, hardirq: 0, nmi: 0 };
const DEFAULT_BG_CONTEXTS = { task: 0.7, softirq: 0.25, hardirq: 0.05, nmi: 0 };
const DEFAULT_GFP_MIX = { GFP_KERNEL: 0.6, GFP_ATOMIC: 0.1, GFP_NOWAIT: 0.1, GFP_HIGHUSER_MOVABLE: 0.2, legacy0: 0 };
const DEFAULT_ORDER_MIX = [0.93, 0.03, 0.02, 0.015, 0.005];
const DEFAULT_SEEDS = [1, 2, 3, 4, 5];

const kernelSchema = z
  .object({
    profile: z
      .enum(['5.9', '5.10', '6.1', '6.12', '7.2', '6.x'])
      .default('5.9')
      .describe(
        'Kernel profile: "5.9" (the 2020 thread), "5.10", "6.1", "6.12", "7.2" (the kernels the lab boots; README, "Kernel profiles"), or "6.x", an alias of the newest ("7.2"; results record "7.2"). Default: "5.9".',
      ),
    preemptRt: z.boolean().default(false).describe('CONFIG_PREEMPT_RT: spinlock_t becomes a sleeping lock. Default: false.'),
    lockdep: z
      .boolean()
      .default(false)
      .describe('CONFIG_PROVE_LOCKING + CONFIG_PROVE_RAW_LOCK_NESTING: wait-context checks ("BUG: Invalid wait context"). Default: false.'),
    debugPagealloc: z
      .boolean()
      .default(false)
      .describe('CONFIG_DEBUG_PAGEALLOC enabled at boot: kernel_map_pages() in post_alloc_hook. Default: false.'),
    kasan: z.boolean().default(false).describe('CONFIG_KASAN: kasan_alloc_pages() in post_alloc_hook. Default: false.'),
    pageOwner: z.boolean().default(false).describe('page_owner=on: set_page_owner() saves a stack in the stack depot (takes a lock). Default: false.'),
    thp: z
      .boolean()
      .nullable()
      .default(null)
      .describe(
        'CONFIG_TRANSPARENT_HUGEPAGE with khugepaged: raises the default vm.min_free_kbytes (set_recommended_min_free_kbytes). null: as Debian builds its kernels, on without preemptRt, off with it. Default: null.',
      ),
    initOnAlloc: z
      .boolean()
      .nullable()
      .default(null)
      .describe(
        "init_on_alloc: every allocated page is cleared (clear_page(), cost table clearPage), as __GFP_ZERO does for one allocation. null: as Debian ships the profile's kernel (CONFIG_INIT_ON_ALLOC_DEFAULT_ON=y in Debian's 5.10, 6.1, 6.12 and 7.2 packages, so on). Default: null.",
      ),
    arch: z
      .enum(['x86_64', 'powerpc'])
      .default('x86_64')
      .describe('Architecture: decides how kernel_map_pages() locks (powerpc hash MMU takes sleepable locks) and the default zone layout. Default: "x86_64".'),
    earlyBoot: z
      .boolean()
      .default(false)
      .describe(
        'Model the early-boot window: gfp_allowed_mask = GFP_BOOT_MASK strips __GFP_RECLAIM|__GFP_IO|__GFP_FS from every background and pressure allocation, so GFP_KERNEL and GFP_NOWAIT arrive as gfp 0 (flagged FLAG_LEGACY_GFP0). Default: false.',
      ),
  })
  .strict()
  .prefault({})
  .describe('Kernel configuration. Default: every field at its default.');

const zoneSchema = z
  .object({
    kind: z.enum(ZONE_KINDS).describe('Zone type (ZONE_DMA, ZONE_DMA32, ZONE_NORMAL, ...). Required.'),
    managedPages: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('Managed pages of the zone (4 KiB each; 0: an empty zone, which still shapes the watermarks and lowmem reserves). Give this or memoryMiB, not both.'),
    memoryMiB: z.number().min(0).optional().describe('Size of the zone in MiB (256 pages per MiB). Give this or managedPages, not both.'),
  })
  .strict();

const zoneinfoSchema = z
  .object({
    file: z.string().min(1).describe('Path of a /proc/zoneinfo capture, relative to the scenario file. Required.'),
    buddyinfo: z
      .string()
      .min(1)
      .nullable()
      .default(null)
      .describe('Path of a /proc/buddyinfo capture (the initial free lists), relative to the scenario file; null: every managed page starts free. Default: null.'),
    minFreeKbytes: z
      .number()
      .int()
      .min(0)
      .nullable()
      .default(null)
      .describe('vm.min_free_kbytes of the captured machine; null: 4 x the sum of the lowmem zones\' "min" watermarks in the capture. Default: null.'),
    watermarkScaleFactor: z
      .number()
      .int()
      .min(1)
      .max(3000)
      .nullable()
      .default(null)
      .describe('vm.watermark_scale_factor of the captured machine; null: machine.watermarkScaleFactor. Default: null.'),
  })
  .strict();

const machineSchema = z
  .object({
    cpus: z
      .number()
      .int()
      .min(1)
      .max(MAX_CPUS)
      .optional()
      .describe('Number of CPUs (1..1024). Default: 4, or the CPU count of machine.zoneinfo when one is imported.'),
    memoryMiB: z
      .number()
      .min(64)
      .max(MAX_MEMORY_MIB)
      .optional()
      .describe('Managed memory in MiB (64..65536). Default: the sum of machine.zones when given, else 4096.'),
    zones: z
      .array(zoneSchema)
      .min(1)
      .nullable()
      .default(null)
      .describe(
        'The zones in zone_idx order (DMA, DMA32, Normal, HighMem, Movable, Device), empty ones included; null: x86_64 gets DMA 16 MiB, DMA32 up to 3 GiB of memory (the PCI hole takes the rest of the first 4 GiB), Normal the rest, and empty Movable and Device zones; powerpc gets Normal and an empty Movable. Default: null.',
      ),
    minFreeKbytes: z
      .number()
      .int()
      .min(0)
      .nullable()
      .default(null)
      .describe(
        'vm.min_free_kbytes; null: what the booting kernel sets, init_per_zone_wmark_min()\'s int_sqrt(lowmem_kbytes * 16) clamped to [128, 262144], raised by khugepaged (set_recommended_min_free_kbytes: 11 pageblocks per populated zone up to Normal, at most 5% of lowmem) when kernel.thp is on. Default: null.',
      ),
    watermarkScaleFactor: z
      .number()
      .int()
      .min(1)
      .max(3000)
      .default(10)
      .describe('vm.watermark_scale_factor (in 1/10000 of managed pages): the low-min and high-low watermark gaps. Default: 10.'),
    lowmemReserveRatio: z
      .array(z.number().int().min(0))
      .min(1)
      .max(6)
      .nullable()
      .default(null)
      .describe(
        'vm.lowmem_reserve_ratio, one value per zone of machine.zones (same order); null: the kernel table per zone kind, DMA 256, DMA32 256, Normal 32, HighMem/Movable/Device 0 ("256 256 32 0 0" on x86-64). Default: null.',
      ),
    zoneinfo: zoneinfoSchema
      .nullable()
      .default(null)
      .describe('Import a real machine from /proc/zoneinfo (+ /proc/buddyinfo) instead of memoryMiB/zones; null: the machine above. Default: null.'),
  })
  .strict()
  .prefault({})
  .describe('The machine. Default: 4 CPUs, 4096 MiB, kernel-computed watermarks.');

const burstSchema = z
  .object({
    everyMs: z.number().positive().describe('Period of the bursts in ms (virtual). Required.'),
    calls: z.number().int().min(1).describe('kvfree_rcu() calls per CPU per burst. Required.'),
    cpus: cpuSet('CPUs that burst (all at the same instants, like rcuscale\'s kfree threads).'),
    spacingNs: z
      .number()
      .min(0)
      .default(50)
      .describe('Time between two calls of one burst on one CPU, in ns (a tight kfree_rcu loop). Default: 50.'),
    startMs: z.number().min(0).default(0).describe('Time of the first burst in ms. Default: 0.'),
    context: z
      .enum(['task', 'softirq', 'hardirq', 'nmi'])
      .default('task')
      .describe('Calling context of burst calls (rcuscale runs kthreads: task). Default: "task".'),
  })
  .strict();

const kvfreeRcuSchema = z
  .object({
    ratePerCpuPerSec: z
      .number()
      .min(0)
      .default(20000)
      .describe('Poisson rate of kvfree_rcu() calls on each calling CPU, per second of virtual time. Default: 20000.'),
    cpus: cpuSet('CPUs that call kvfree_rcu().'),
    headlessShare: share(0.1, 'Share of calls that use the headless one-argument form kvfree_rcu(ptr) (FLAG_HEADLESS). It calls might_sleep(), so these calls come from task context with IRQs on and no raw lock held; contexts, rawLockHeldShare and irqsOffShare apply to the two-argument calls.'),
    contexts: contextWeights(DEFAULT_KV_CONTEXTS, 'Calling contexts of kvfree_rcu() calls.'),
    rawLockHeldShare: share(0, 'Share of two-argument calls made while the caller already holds a raw_spinlock_t (FLAG_RAW_LOCK_HELD).'),
    irqsOffShare: share(0, 'Share of two-argument task/softirq calls made with IRQs already disabled (FLAG_IRQS_OFF; hardirq and NMI calls always have it).'),
    hardirqKind: hardirqKind('kvfree_rcu() calls made in hardirq context'),
    burst: burstSchema
      .nullable()
      .default(null)
      .describe('Periodic floods of kvfree_rcu() calls on top of the Poisson rate; null: none. Default: null.'),
  })
  .strict()
  .prefault({})
  .describe('The kvfree_rcu() callers. Default: every field at its default.');

const rcuSchema = z
  .object({
    gracePeriodMs: z
      .number()
      .positive()
      .default(10)
      .describe('Length of an RCU grace period in ms of virtual time (a few ms to a few tens of ms on HZ=1000 machines). Default: 10.'),
    drainDelayMs: z
      .number()
      .min(0)
      .default(20)
      .describe('Delay before kfree_rcu_monitor() detaches the per-CPU blocks: KFREE_DRAIN_JIFFIES = HZ / 50, 20 ms at HZ=1000 (kernel/rcu/tree.c, 5.10). Default: 20.'),
    blockEntries: z
      .number()
      .int()
      .min(1)
      .max(4096)
      .default(510)
      .describe(
        'Pointers per block page, KVFREE_BULK_MAX_ENTR = (PAGE_SIZE - sizeof(struct kvfree_rcu_bulk_data)) / sizeof(void *) = (4096 - 16) / 8 = 510 on x86-64 (5.10: header is nr_records + next). Default: 510.',
      ),
  })
  .strict()
  .prefault({})
  .describe('The kvfree_rcu() consumer\'s RCU timing and block size. Default: every field at its default.');

const gfpMixSchema = z
  .object({
    GFP_KERNEL: weight.describe('Weight of GFP_KERNEL (may sleep: always task context). Default inside the object: 0.'),
    GFP_ATOMIC: weight.describe('Weight of GFP_ATOMIC (ALLOC_HIGH|ALLOC_HARDER; any context). Default inside the object: 0.'),
    GFP_NOWAIT: weight.describe('Weight of GFP_NOWAIT (no reclaim; any context). Default inside the object: 0.'),
    GFP_HIGHUSER_MOVABLE: weight.describe('Weight of GFP_HIGHUSER_MOVABLE (user pages, MIGRATE_MOVABLE; task context). Default inside the object: 0.'),
    legacy0: weight.describe('Weight of legacy gfp == 0 callers, __get_free_page(0) (FLAG_LEGACY_GFP0; task context). Default inside the object: 0.'),
  })
  .strict();

const backgroundSchema = z
  .object({
    allocsPerCpuPerSec: z
      .number()
      .min(0)
      .default(20000)
      .describe('Poisson rate of ordinary page allocations on each background CPU, per second. Default: 20000.'),
    cpus: cpuSet('CPUs that make background allocations.'),
    gfpMix: gfpMixSchema
      .default(DEFAULT_GFP_MIX)
      .describe(`GFP mix of background allocations: relative weights; a key left out of a given object weighs 0. Default: ${JSON.stringify(DEFAULT_GFP_MIX)}.`),
    orderMix: z
      .array(z.number().min(0))
      .min(1)
      .max(NR_PAGE_ORDERS)
      .default(DEFAULT_ORDER_MIX)
      .describe(`Relative weights of orders 0, 1, 2, ... (at most ${NR_PAGE_ORDERS} entries, orders 0..${MAX_PAGE_ORDER}; missing orders weigh 0). Default: ${JSON.stringify(DEFAULT_ORDER_MIX)}.`),
    lifetimeMeanMs: z
      .number()
      .positive()
      .default(10)
      .describe('Mean of the exponential time a background page is held before it is freed, in ms. Default: 10.'),
    contexts: contextWeights(
      DEFAULT_BG_CONTEXTS,
      'Calling contexts of non-sleeping background allocations (GFP_ATOMIC, GFP_NOWAIT); sleeping ones are always task context.',
    ),
    remoteFreeShare: share(0, 'Share of background pages freed on another CPU than the one that allocated them (e.g. network buffers).'),
    hardirqKind: hardirqKind('background allocations made in hardirq context'),
  })
  .strict()
  .prefault({})
  .describe('Ordinary page allocations and frees. Default: every field at its default.');

const pressurePhaseSchema = z
  .object({
    startMs: z.number().min(0).describe('Start of the phase in ms. Required.'),
    endMs: z.number().positive().describe('End of the phase in ms (> startMs). Required.'),
    targetFreeOf: z
      .enum(['min', 'low', 'high'])
      .default('min')
      .describe('Which zone watermark the free memory is held near (summed over the zones). Default: "min".'),
    factor: z
      .number()
      .positive()
      .default(1.05)
      .describe('Target free pages = factor x the sum of that watermark over the zones. Default: 1.05.'),
    rampMs: z
      .number()
      .positive()
      .nullable()
      .default(null)
      .describe('Time over which the fill allocations are made; null: min(50, (endMs - startMs) / 4). Default: null.'),
    churnPerCpuPerSec: z
      .number()
      .min(0)
      .default(2000)
      .describe('Extra background-mix allocations per CPU per second after the ramp, keeping allocations happening at the watermark. Default: 2000.'),
    churnLifetimeMs: z
      .number()
      .positive()
      .default(20)
      .describe('Mean exponential lifetime of the churn allocations, in ms. Default: 20.'),
    reclaimable: z
      .boolean()
      .default(true)
      .describe(
        'Whether reclaim (kswapd, direct reclaim) may take the fill pages back, as it takes page cache; false: anonymous memory on a machine without swap (or mlocked), which stays until the phase ends, so free memory stays at the target and the watermarks are really crossed. Default: true.',
      ),
  })
  .strict();

const userspaceFloodSchema = z
  .object({
    cpus: cpuSet('CPUs running the close(open)-style loop.', [0]),
    callsPerSec: z
      .number()
      .min(0)
      .default(200000)
      .describe('kvfree_rcu() calls per second on each flooding CPU (one per loop iteration). Default: 200000.'),
    headlessShare: share(0, 'Share of flood calls in the headless form.'),
    startMs: z.number().min(0).default(0).describe('Start of the flood in ms. Default: 0.'),
    endMs: z.number().positive().nullable().default(null).describe('End of the flood in ms; null: the end of the run. Default: null.'),
  })
  .strict();

const traceSchema = z
  .object({
    file: z.string().min(1).describe('Path of the trace to replay, relative to the scenario file. Required.'),
    format: z
      .enum(['jsonl', 'csv', 'kmem'])
      .nullable()
      .default(null)
      .describe('Trace format (see SCENARIOS.md "Trace formats"); null: from the extension, .jsonl -> jsonl, .csv -> csv, else kmem. Default: null.'),
    offsetMs: z
      .number()
      .min(0)
      .default(0)
      .describe('Added to every replayed timestamp, in ms (kmem traces are rebased to start at 0; csv/jsonl keep their timestamp_ns). Default: 0.'),
    loop: z
      .boolean()
      .default(false)
      .describe('Replay the trace again and again until the end of the run (each pass gets fresh slots). Default: false.'),
    foldCpus: z
      .boolean()
      .default(true)
      .describe('Map trace CPU c to c mod machine.cpus; false: a CPU >= machine.cpus is an error. Default: true.'),
  })
  .strict();

const workloadSchema = z
  .object({
    kvfreeRcu: kvfreeRcuSchema,
    rcu: rcuSchema,
    background: backgroundSchema,
    pressure: z
      .array(pressurePhaseSchema)
      .default([])
      .describe('Memory-pressure phases, in time order, not overlapping. Default: [] (none).'),
    userspaceFlood: userspaceFloodSchema
      .nullable()
      .default(null)
      .describe('User space driving kvfree_rcu() in a close(open)-style loop; null: none. Default: null.'),
    trace: traceSchema.nullable().default(null).describe('A recorded trace replayed on top of the synthetic load; null: none. Default: null.'),
  })
  .strict()
  .prefault({})
  .describe('The work. Default: every field at its default.');

/**
 * Default warm-up (ms of virtual time): six mean background lifetimes (10 ms)
 * and two kvfree_rcu() block cycles (grace period 10 ms + drain delay 20 ms),
 * so pcplists, kvfree_rcu() blocks and strategy caches are in a steady state
 * when measurement starts.
 */
export const DEFAULT_WARMUP_MS = 60;

const warmupSchema = z
  .object({
    ms: z
      .number()
      .min(0)
      .max(60_000)
      .default(DEFAULT_WARMUP_MS)
      .describe(
        `Virtual time (ms) the scenario's steady load (background allocations and Poisson kvfree_rcu() calls, not bursts, floods, pressure phases or traces) runs before measurement starts; the metrics count only what follows, and the warm-up's own figures are reported apart (warmup in results.json). 0: a cold start (empty pcplists, no kvfree_rcu() blocks), for boot-time questions; reports label it. Default: ${DEFAULT_WARMUP_MS}.`,
      ),
  })
  .strict()
  .prefault({})
  .describe(`The warm-up before measurement. Default: { "ms": ${DEFAULT_WARMUP_MS} }.`);

const runSchema = z
  .object({
    durationMs: z.number().positive().default(1000).describe('Length of a run in ms of virtual time (> 0), after the warm-up; event times (bursts, phases, traces) count from its start. Default: 1000.'),
    warmup: warmupSchema,
    seeds: z
      .array(z.number().int().min(0).max(Number.MAX_SAFE_INTEGER))
      .min(1)
      .default(DEFAULT_SEEDS)
      .describe('Seeds run by default (each seed is one run per strategy). Default: [1, 2, 3, 4, 5].'),
  })
  .strict()
  .prefault({})
  .describe('Run length and seeds. Default: every field at its default.');

export const ScenarioSchema = z
  .object({
    name: z.string().min(1).optional().describe('Scenario name (used in results and reports). Default: the file name without .json.'),
    description: z.string().default('').describe('What the scenario probes and why, one paragraph. Default: "".'),
    order: z
      .number()
      .optional()
      .describe(
        'Where a built-in scenario comes in the default matrix and in `list`: built-ins sort by order, then those without one by file name. Not part of the workload: it changes no result and is not kept in the resolved scenario. Default: none (after the ordered ones).',
      ),
    kernel: kernelSchema,
    machine: machineSchema,
    workload: workloadSchema,
    run: runSchema,
    strategies: z
      .record(z.string(), z.record(z.string(), z.unknown()).describe('Parameters of the strategy of that name, checked by the strategy itself.'))
      .default({})
      .describe('Per-strategy parameter overrides, { "<strategy name>": { ...params } }; each strategy validates its own. Default: {}.'),
  })
  .strict();

export type ScenarioInput = z.input<typeof ScenarioSchema>;

// ---------------------------------------------------------------------------
// The resolved scenario
// ---------------------------------------------------------------------------

export type CpuSet = 'all' | number[];
export type ContextName = 'task' | 'softirq' | 'hardirq' | 'nmi';
export type HardirqKind = 'threadable' | 'never-threaded';
export interface ContextWeights {
  task: number;
  softirq: number;
  hardirq: number;
  nmi: number;
}
export type GfpMix = Record<GfpMixName, number>;

export interface PressurePhase {
  startMs: number;
  endMs: number;
  targetFreeOf: 'min' | 'low' | 'high';
  factor: number;
  /** Resolved: never null. */
  rampMs: number;
  churnPerCpuPerSec: number;
  churnLifetimeMs: number;
  reclaimable: boolean;
}

export interface Scenario {
  name: string;
  description: string;
  /** The scenario file as given to loadScenario/parseScenario (for messages). */
  file: string;
  kernel: {
    profile: ProfileName;
    preemptRt: boolean;
    /** CONFIG_TRANSPARENT_HUGEPAGE (resolved: Debian's default when the scenario left it null). */
    thp: boolean;
    lockdep: boolean;
    debugPagealloc: boolean;
    kasan: boolean;
    pageOwner: boolean;
    initOnAlloc: boolean | null;
    arch: 'x86_64' | 'powerpc';
    earlyBoot: boolean;
  };
  machine: {
    cpus: number;
    memoryMiB: number;
    /** Resolved zones, lowest first. */
    zones: { kind: ZoneKind; managedPages: number }[];
    minFreeKbytes: number;
    watermarkScaleFactor: number;
    lowmemReserveRatio: number[];
    /** Paths are absolute once resolved. */
    zoneinfo: { file: string; buddyinfo: string | null; minFreeKbytes: number | null; watermarkScaleFactor: number | null } | null;
  };
  workload: {
    kvfreeRcu: {
      ratePerCpuPerSec: number;
      cpus: CpuSet;
      headlessShare: number;
      contexts: ContextWeights;
      rawLockHeldShare: number;
      irqsOffShare: number;
      hardirqKind: HardirqKind;
      burst: { everyMs: number; calls: number; cpus: CpuSet; spacingNs: number; startMs: number; context: ContextName } | null;
    };
    rcu: { gracePeriodMs: number; drainDelayMs: number; blockEntries: number };
    background: {
      allocsPerCpuPerSec: number;
      cpus: CpuSet;
      gfpMix: GfpMix;
      orderMix: number[];
      lifetimeMeanMs: number;
      contexts: ContextWeights;
      hardirqKind: HardirqKind;
      remoteFreeShare: number;
    };
    pressure: PressurePhase[];
    userspaceFlood: { cpus: CpuSet; callsPerSec: number; headlessShare: number; startMs: number; endMs: number | null } | null;
    /** `file` is absolute and `format` resolved once parsed. */
    trace: { file: string; format: 'jsonl' | 'csv' | 'kmem'; offsetMs: number; loop: boolean; foldCpus: boolean } | null;
  };
  /** warmup.ms: the steady load's run-in before measurement (0: cold start). */
  run: { durationMs: number; seeds: number[]; warmup: { ms: number } };
  strategies: Record<string, unknown>;
}

/**
 * Every settable field as a dotted path (`machine.zones[].kind`,
 * `strategies.<name>`), with its description. Used by SCENARIOS.md checks and to
 * suggest the closest key for a bad `--set`.
 */
export function scenarioFieldPaths(): { path: string; description: string }[] {
  return schemaFieldPaths(ScenarioSchema);
}
