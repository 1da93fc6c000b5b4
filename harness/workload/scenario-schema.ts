/**
 * The scenario file: its zod schema, its loader and the CLI's `--set`.
 *
 * A scenario is data: kernel config + machine + workload + run length. The
 * schema fills every default (each one documented in its `.describe()` text and
 * in SCENARIOS.md); `parseScenario` then resolves what depends on other fields
 * (zones from memoryMiB, min_free_kbytes as the kernel computes it, paths
 * relative to the scenario file) and runs the cross-field checks. Any bad input
 * ends as ONE InputError naming the file, the field path, what was expected and
 * what was found.
 *
 * The resolved Scenario is itself a valid scenario input: parsing it again gives
 * the same Scenario (computed fields keep their computed values).
 */
import { BnodeCache } from '../core/bnode-cache.ts';
import { debianInitOnAlloc } from '../core/post-alloc-hook.ts';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as z from 'zod';
import { InputError, describeFound } from '../errors.ts';
import { closestName } from '../util/closest-name.ts';
import { parseJsonText } from '../util/json-text.ts';
import { MAX_PAGE_ORDER, NEWEST_PROFILE, NR_PAGE_ORDERS, PAGE_SIZE_KB, resolveProfileName, type ProfileName } from '../core/profile.ts';
import { bootMinFreeKbytes, debianThpDefault } from '../machine/min-free-kbytes.ts';
import { LOWMEM_RESERVE_RATIO_DEFAULT, type ZoneKind as CoreZoneKind } from '../core/watermarks.ts';
import { parseBuddyinfo, parseZoneinfo, machineFromZoneinfo } from '../machine/zoneinfo.ts';
import type { MachineSpec } from '../core/machine-spec.ts';
import { createCore } from '../core/core.ts';
import { resolveCostTable } from '../core/cost-table.ts';
import type { StrategyDefinition } from '../core/strategy-api.ts';
import { WMARK_LOW } from '../core/zone.ts';
import { STRATEGIES_DIR } from '../sim/strategy-registry.ts';

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

// The raw input of each parsed scenario (for applySet: computed defaults are
// recomputed from the input, not frozen) and the MachineSpec it implies.
const rawInputs = new WeakMap<Scenario, unknown>();
const machineSpecs = new WeakMap<Scenario, MachineSpec>();

// ---------------------------------------------------------------------------
// Loading and error reporting
// ---------------------------------------------------------------------------

export { jsonErrorOffset, parseJsonText } from '../util/json-text.ts';

/**
 * Read, parse and validate a scenario file. Returns the fully defaulted,
 * resolved scenario; throws one InputError (file + field path or line/column)
 * on any problem, never another exception for bad input.
 */
export function loadScenario(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError({ file: path, where: 'file', expected: 'a readable scenario file (JSON)', found: ioReason(err) });
  }
  return parseScenario(parseJsonText(text, path), path);
}

function ioReason(err: unknown): string {
  const code = (err as { code?: string } | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'a directory';
  if (code === 'EACCES') return 'a file without read permission';
  return err instanceof Error ? err.message : String(err);
}

/** `workload.pressure[0].factor` from a zod path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out === '' ? '(top level)' : out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg as string];
  }
  return cur;
}

const TYPE_WORDS: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  record: 'an object',
  array: 'an array',
  null: 'null',
};

type Issue = z.core.$ZodIssue;

function expectedOf(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return TYPE_WORDS[issue.expected] ?? issue.expected;
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'array') return `at least ${min} entr${min === 1 ? 'y' : 'ies'}`;
      if (issue.origin === 'string') return 'a non-empty string';
      return `a number ${issue.inclusive ? '>=' : '>'} ${min}`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'array') return `at most ${max} entr${max === 1 ? 'y' : 'ies'}`;
      return `a number ${issue.inclusive ? '<=' : '<'} ${max}`;
    }
    case 'invalid_value':
      return issue.values.length === 1
        ? JSON.stringify(issue.values[0])
        : `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return issue.message;
  }
}

/** The innermost, most specific issue of a union failure, with its full path. */
function flattenUnion(issue: Issue, input: unknown): { issue: Issue; path: PropertyKey[] } {
  if (issue.code !== 'invalid_union') return { issue, path: [...issue.path] };
  const value = valueAt(input, issue.path);
  // A branch whose first error lies deeper than the union itself matched the
  // shape (e.g. an array of CPUs with one bad entry): report that error.
  for (const branch of issue.errors) {
    const first = branch[0];
    if (first && first.path.length > 0) {
      const inner = flattenUnion(first, value);
      return { issue: inner.issue, path: [...issue.path, ...inner.path] };
    }
  }
  const expected = issue.errors
    .map((b) => (b[0] ? expectedOf(b[0]) : ''))
    .filter((s) => s !== '')
    .map((s) => (s === 'an array' ? 'an array of CPU indices' : s))
    .join(' or ');
  return { issue: { ...issue, code: 'custom', message: expected || 'a valid value', params: {} } as Issue, path: [...issue.path] };
}

/** Turn the first zod issue into one InputError (file, field path, expected, found). */
export function issueToInputError(issues: readonly Issue[], input: unknown, file: string, schema: z.ZodType = ScenarioSchema): InputError {
  const first = issues[0];
  if (!first) return new InputError({ file, where: '(top level)', expected: 'a valid scenario', found: 'an invalid one' });
  const { issue, path } = flattenUnion(first, input);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const known = knownKeysAt(schema, path);
    const guess = closestName(key, known);
    // A key is the user's text: shown short (a 200-character key must not make a 600-character message).
    const shown = key.length > 32 ? `${key.slice(0, 29)}...` : key;
    return new InputError({
      file,
      where: formatPath([...path, shown]),
      // At most 7 fields named (the guess names the likely one): the message stays one readable line.
      expected: known.length > 0 ? `one of the fields ${known.length > 7 ? `${known.slice(0, 7).join(', ')}, ...` : known.join(', ')}` : 'no field here',
      found: `unknown field ${JSON.stringify(shown)}${guess ? ` (did you mean "${guess}"?)` : ''}`,
    });
  }
  const found = valueAt(input, path);
  return new InputError({ file, where: formatPath(path), expected: expectedOf(issue), found: describeFound(found) });
}

// ---------------------------------------------------------------------------
// Schema walking (for unknown keys, applySet and the documentation test)
// ---------------------------------------------------------------------------

type AnySchema = z.ZodType;

function defOf(s: AnySchema): { type: string; [k: string]: unknown } {
  return (s as unknown as { _zod: { def: { type: string; [k: string]: unknown } } })._zod.def;
}

/** Strip default/prefault/nullable/optional wrappers. */
function unwrap(s: AnySchema): AnySchema {
  let cur = s;
  for (;;) {
    const d = defOf(cur);
    if (d.type === 'default' || d.type === 'prefault' || d.type === 'nullable' || d.type === 'optional' || d.type === 'readonly') {
      cur = d['innerType'] as AnySchema;
    } else if (d.type === 'pipe') {
      cur = d['in'] as AnySchema;
    } else return cur;
  }
}

/** The child schemas of `s` for one path segment (several for unions), [] if none. */
function childSchemas(s: AnySchema, seg: PropertyKey): AnySchema[] {
  const u = unwrap(s);
  const d = defOf(u);
  if (d.type === 'unknown' || d.type === 'any') return [u]; // free-form (strategy parameters)
  if (d.type === 'object') {
    const shape = d['shape'] as Record<string, AnySchema>;
    const child = typeof seg === 'string' ? shape[seg] : undefined;
    return child ? [child] : [];
  }
  if (d.type === 'array') return typeof seg === 'number' ? [d['element'] as AnySchema] : [];
  if (d.type === 'record') return typeof seg === 'string' ? [d['valueType'] as AnySchema] : [];
  if (d.type === 'union') return (d['options'] as AnySchema[]).flatMap((o) => childSchemas(o, seg));
  return [];
}

function schemaAtPath(schema: AnySchema, path: readonly PropertyKey[]): AnySchema[] {
  let cur = [schema];
  for (const seg of path) cur = cur.flatMap((s) => childSchemas(s, seg));
  return cur;
}

function objectKeys(s: AnySchema): string[] {
  const u = unwrap(s);
  const d = defOf(u);
  if (d.type === 'object') return Object.keys(d['shape'] as Record<string, unknown>);
  if (d.type === 'union') return (d['options'] as AnySchema[]).flatMap(objectKeys);
  return [];
}

function knownKeysAt(schema: AnySchema, path: readonly PropertyKey[]): string[] {
  return [...new Set(schemaAtPath(schema, path).flatMap(objectKeys))];
}

/**
 * Every settable field as a dotted path (`machine.zones[].kind`,
 * `strategies.<name>`), with its description. Used by SCENARIOS.md checks and to
 * suggest the closest key for a bad `--set`.
 */
export function scenarioFieldPaths(): { path: string; description: string }[] {
  const out: { path: string; description: string }[] = [];
  const walk = (s: AnySchema, prefix: string): void => {
    const u = unwrap(s);
    const d = defOf(u);
    if (d.type === 'object') {
      for (const [k, child] of Object.entries(d['shape'] as Record<string, AnySchema>)) {
        const p = prefix === '' ? k : `${prefix}.${k}`;
        out.push({ path: p, description: descriptionOf(child) });
        walk(child, p);
      }
    } else if (d.type === 'array') {
      const el = d['element'] as AnySchema;
      if (defOf(unwrap(el)).type === 'object') walk(el, `${prefix}[]`);
    } else if (d.type === 'record') {
      out.push({ path: `${prefix}.<name>`, description: descriptionOf(d['valueType'] as AnySchema) });
    }
  };
  walk(ScenarioSchema, '');
  return out;
}

function descriptionOf(s: AnySchema): string {
  let cur: AnySchema | undefined = s;
  while (cur) {
    const desc = (cur as { description?: string }).description;
    if (desc) return desc;
    const d = defOf(cur);
    cur = (d['innerType'] as AnySchema | undefined) ?? undefined;
  }
  return '';
}

// ---------------------------------------------------------------------------
// Resolution and cross-field checks
// ---------------------------------------------------------------------------

type Parsed = z.output<typeof ScenarioSchema>;

/**
 * Validate `json` (the parsed content of `file`) and return the fully defaulted,
 * resolved Scenario. Relative paths inside are taken relative to `file`'s folder.
 * Throws exactly one InputError on any problem.
 */
export function parseScenario(json: unknown, file: string): Scenario {
  const r = ScenarioSchema.safeParse(json);
  if (!r.success) throw issueToInputError(r.error.issues, json, file);
  const scenario = resolveScenario(r.data, json, file);
  rawInputs.set(scenario, structuredClone(json));
  return scenario;
}

function fail(file: string, where: string, expected: string, found: string): never {
  throw new InputError({ file, where, expected, found });
}

/** Pages in `mib` MiB of 4 KiB pages. */
function mibToPages(mib: number): number {
  return Math.round((mib * 1024) / PAGE_SIZE_KB);
}

/**
 * The zones a machine of `memoryMiB` gets when the scenario gives none:
 * x86_64: DMA 16 MiB, DMA32 up to 3 GiB (the PCI hole sits below 4 GiB), Normal
 * the rest (possibly empty), and the empty Movable and Device zones a distro
 * kernel shows in /proc/zoneinfo; powerpc: Normal and an empty Movable. Firmware
 * and memmap reservations are not modelled (a real zone manages a little less).
 */
export function defaultZones(memoryMiB: number, arch: 'x86_64' | 'powerpc'): { kind: ZoneKind; managedPages: number }[] {
  if (arch === 'powerpc') {
    return [
      { kind: 'Normal', managedPages: mibToPages(memoryMiB) },
      { kind: 'Movable', managedPages: 0 },
    ];
  }
  return [
    { kind: 'DMA', managedPages: mibToPages(16) },
    { kind: 'DMA32', managedPages: mibToPages(Math.max(0, Math.min(memoryMiB, 3072) - 16)) },
    { kind: 'Normal', managedPages: mibToPages(Math.max(0, memoryMiB - 3072)) },
    { kind: 'Movable', managedPages: 0 },
    { kind: 'Device', managedPages: 0 },
  ];
}

/** Zones counted by nr_free_buffer_pages() (those <= ZONE_NORMAL). */
function isLowmemKind(kind: ZoneKind): boolean {
  return kind === 'DMA' || kind === 'DMA32' || kind === 'Normal';
}

/**
 * min_free_kbytes as init_per_zone_wmark_min() computes it at boot, without
 * khugepaged: int_sqrt(lowmem_kbytes * 16) clamped to [128, 262144]
 * (harness/machine/min-free-kbytes.ts bootMinFreeKbytes, which also models THP).
 */
export function kernelMinFreeKbytes(zones: readonly { kind: ZoneKind; managedPages: number }[], profile: ProfileName): number {
  return bootMinFreeKbytes(zones, profile, { thp: false }).minFreeKbytes;
}

/**
 * min_free_kbytes implied by a /proc/zoneinfo capture: 4 x the sum of the
 * lowmem zones' "min" watermarks (__setup_per_zone_wmarks splits
 * min_free_kbytes / 4 over them). undefined if the text has no "min" lines.
 */
export function minFreeKbytesFromZoneinfo(text: string): number | undefined {
  let kind = '';
  let sum = 0;
  let seen = false;
  let taken = false;
  for (const line of text.split('\n')) {
    const h = /^Node\s+\d+,\s+zone\s+(\S+)/.exec(line);
    if (h) {
      kind = h[1] ?? '';
      taken = false;
      continue;
    }
    const m = /^\s+min\s+(\d+)\s*$/.exec(line);
    if (m && !taken) {
      taken = true;
      seen = true;
      if (kind === 'DMA' || kind === 'DMA32' || kind === 'Normal') sum += Number(m[1]);
    }
  }
  return seen ? sum * PAGE_SIZE_KB : undefined;
}

function readInputFile(path: string, scenarioFile: string, where: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    return fail(scenarioFile, where, what, `${JSON.stringify(path)}: ${ioReason(err)}`);
  }
}

/** Re-throw a plain Error from a helper module as an InputError about `file`. */
function asInputError(err: unknown, file: string, where: string, expected: string): InputError {
  if (err instanceof InputError) return err;
  return new InputError({ file, where, expected, found: err instanceof Error ? err.message : String(err) });
}

function resolveScenario(parsed: Parsed, raw: unknown, file: string): Scenario {
  // zod hands out default values by reference: copy so no two scenarios share an array.
  const p = structuredClone(parsed);
  const dir = dirname(file);
  const rawMachine = (raw as { machine?: Record<string, unknown> }).machine ?? {};
  const durationMs = p.run.durationMs;

  // -- kernel ---------------------------------------------------------------
  // `6.x` is an alias: the scenario (and every result) records the profile it stands for.
  const profile = resolveProfileName(p.kernel.profile) ?? NEWEST_PROFILE;
  const thp = p.kernel.thp ?? debianThpDefault(p.kernel.preemptRt);

  // -- machine --------------------------------------------------------------
  let spec: MachineSpec;
  let zoneinfo: Scenario['machine']['zoneinfo'] = null;
  if (p.machine.zoneinfo) {
    for (const k of ['memoryMiB', 'zones', 'minFreeKbytes'] as const) {
      if (rawMachine[k] !== undefined && rawMachine[k] !== null) {
        fail(file, `machine.${k}`, 'nothing when machine.zoneinfo imports the machine', describeFound(rawMachine[k]));
      }
    }
    const zi = p.machine.zoneinfo;
    const zPath = resolve(dir, zi.file);
    const zText = readInputFile(zPath, file, 'machine.zoneinfo.file', 'a readable /proc/zoneinfo capture');
    const bPath = zi.buddyinfo === null ? null : resolve(dir, zi.buddyinfo);
    const bText = bPath === null ? null : readInputFile(bPath, file, 'machine.zoneinfo.buddyinfo', 'a readable /proc/buddyinfo capture');
    const minFree = zi.minFreeKbytes ?? minFreeKbytesFromZoneinfo(zText);
    if (minFree === undefined) {
      fail(file, 'machine.zoneinfo.minFreeKbytes', 'a number (the capture has no "min" watermark lines to derive it from)', 'null');
    }
    try {
      const parsed = parseZoneinfo(zText, zPath);
      const buddy = bText === null || bPath === null ? undefined : parseBuddyinfo(bText, bPath);
      spec = machineFromZoneinfo(parsed, {
        minFreeKbytes: minFree,
        watermarkScaleFactor: zi.watermarkScaleFactor ?? p.machine.watermarkScaleFactor,
        ...(p.machine.cpus !== undefined ? { cpus: p.machine.cpus } : {}),
        ...(p.machine.lowmemReserveRatio !== null ? { lowmemReserveRatio: p.machine.lowmemReserveRatio } : {}),
        sysctlSource: `${file} (machine)`,
        ...(buddy !== undefined ? { buddyinfo: buddy } : {}),
      });
    } catch (err) {
      throw asInputError(err, zPath, '(zoneinfo import)', 'a /proc/zoneinfo capture');
    }
    zoneinfo = { file: zPath, buddyinfo: bPath, minFreeKbytes: zi.minFreeKbytes, watermarkScaleFactor: zi.watermarkScaleFactor };
  } else {
    let zones: { kind: ZoneKind; managedPages: number }[];
    let memoryMiB: number;
    if (p.machine.zones) {
      const seen = new Set<string>();
      zones = p.machine.zones.map((z, i) => {
        if ((z.managedPages === undefined) === (z.memoryMiB === undefined)) {
          fail(file, `machine.zones[${i}]`, 'exactly one of managedPages and memoryMiB', z.managedPages === undefined ? 'neither' : 'both');
        }
        if (seen.has(z.kind)) fail(file, `machine.zones[${i}].kind`, 'each zone kind once', `"${z.kind}" again`);
        seen.add(z.kind);
        return { kind: z.kind, managedPages: z.managedPages ?? mibToPages(z.memoryMiB!) };
      });
      const totalPages = zones.reduce((a, z) => a + z.managedPages, 0);
      const totalMiB = (totalPages * PAGE_SIZE_KB) / 1024;
      if (p.machine.memoryMiB !== undefined) {
        if (totalPages > mibToPages(p.machine.memoryMiB)) {
          fail(file, 'machine.zones', `zones summing to at most machine.memoryMiB (${p.machine.memoryMiB} MiB)`, `${totalMiB} MiB`);
        }
        memoryMiB = p.machine.memoryMiB;
      } else {
        if (totalMiB > MAX_MEMORY_MIB) fail(file, 'machine.zones', `zones summing to at most ${MAX_MEMORY_MIB} MiB`, `${totalMiB} MiB`);
        memoryMiB = totalMiB;
      }
    } else {
      memoryMiB = p.machine.memoryMiB ?? 4096;
      zones = defaultZones(memoryMiB, p.kernel.arch);
    }
    // zone_idx order: the core walks zones (zonelists, lowmem_reserve) by index.
    for (let i = 1; i < zones.length; i++) {
      if (ZONE_KINDS.indexOf(zones[i]!.kind) < ZONE_KINDS.indexOf(zones[i - 1]!.kind)) {
        fail(file, `machine.zones[${i}].kind`, `zones in zone_idx order (${ZONE_KINDS.join(', ')})`, `"${zones[i]!.kind}" after "${zones[i - 1]!.kind}"`);
      }
    }
    const ratios = p.machine.lowmemReserveRatio ?? zones.map((z) => LOWMEM_RESERVE_RATIO_DEFAULT[z.kind]);
    if (ratios.length !== zones.length) {
      fail(file, 'machine.lowmemReserveRatio', `${zones.length} values, one per zone (${zones.map((z) => z.kind).join(', ')})`, `${ratios.length} values`);
    }
    spec = {
      cpus: p.machine.cpus ?? 4,
      minFreeKbytes: p.machine.minFreeKbytes ?? bootMinFreeKbytes(zones, profile, { thp, watermarkScaleFactor: p.machine.watermarkScaleFactor }).minFreeKbytes,
      watermarkScaleFactor: p.machine.watermarkScaleFactor,
      lowmemReserveRatio: [...ratios],
      zones: zones.map((z) => ({ kind: z.kind, managedPages: z.managedPages })),
    };
  }
  const cpus = spec.cpus;
  const machine: Scenario['machine'] = {
    cpus,
    memoryMiB: p.machine.zoneinfo
      ? (spec.zones.reduce((a, z) => a + z.managedPages, 0) * PAGE_SIZE_KB) / 1024
      : (p.machine.memoryMiB ?? (spec.zones.reduce((a, z) => a + z.managedPages, 0) * PAGE_SIZE_KB) / 1024),
    zones: spec.zones.map((z) => ({ kind: z.kind, managedPages: z.managedPages })),
    minFreeKbytes: spec.minFreeKbytes,
    watermarkScaleFactor: spec.watermarkScaleFactor,
    lowmemReserveRatio: [...spec.lowmemReserveRatio],
    zoneinfo,
  };

  // -- strategy sections -------------------------------------------------------
  // Each key names a strategy (a file of strategies/); its parameters are the
  // strategy's to check (checkScenarioStrategies), but a misspelt name would
  // otherwise be ignored without a word.
  const strategyNames = knownStrategyNames();
  for (const name of Object.keys(p.strategies)) {
    if (!strategyNames.includes(name)) {
      const near = closestName(name, strategyNames);
      const shown = name.length > 32 ? `${name.slice(0, 29)}...` : name;
      fail(file, `strategies.${shown}`, near ? `a strategy name (did you mean "${near}"?)` : `a strategy name (${strategyNames.join(', ')})`, `unknown strategy ${describeFound(name)}`);
    }
  }

  // -- CPU sets ---------------------------------------------------------------
  const checkCpus = (set: CpuSet, where: string): void => {
    if (set === 'all') return;
    const seen = new Set<number>();
    set.forEach((c, i) => {
      if (c >= cpus) fail(file, `${where}[${i}]`, `a CPU index < machine.cpus (${cpus})`, String(c));
      if (seen.has(c)) fail(file, `${where}[${i}]`, 'each CPU once', `CPU ${c} again`);
      seen.add(c);
    });
  };
  const w = p.workload;
  checkCpus(w.kvfreeRcu.cpus, 'workload.kvfreeRcu.cpus');
  checkCpus(w.background.cpus, 'workload.background.cpus');
  if (w.kvfreeRcu.burst) checkCpus(w.kvfreeRcu.burst.cpus, 'workload.kvfreeRcu.burst.cpus');
  if (w.userspaceFlood) checkCpus(w.userspaceFlood.cpus, 'workload.userspaceFlood.cpus');

  // -- mixes ------------------------------------------------------------------
  const positive = (weights: Record<string, number> | number[], where: string, needed: boolean): void => {
    const sum = Object.values(weights).reduce((a, b) => a + b, 0);
    if (needed && !(sum > 0)) fail(file, where, 'at least one weight > 0', 'all weights 0');
  };
  positive(w.kvfreeRcu.contexts, 'workload.kvfreeRcu.contexts', w.kvfreeRcu.ratePerCpuPerSec > 0);
  const bgUsed = w.background.allocsPerCpuPerSec > 0 || w.pressure.length > 0;
  positive(w.background.gfpMix, 'workload.background.gfpMix', bgUsed);
  positive(w.background.orderMix, 'workload.background.orderMix', bgUsed);
  positive(w.background.contexts, 'workload.background.contexts', bgUsed);

  // -- burst --------------------------------------------------------------------
  const burst = w.kvfreeRcu.burst;
  if (burst && burst.calls * burst.spacingNs >= burst.everyMs * 1e6) {
    fail(
      file,
      'workload.kvfreeRcu.burst.spacingNs',
      `calls x spacingNs shorter than everyMs (${burst.everyMs} ms), so one burst ends before the next`,
      `${burst.calls} x ${burst.spacingNs} ns = ${(burst.calls * burst.spacingNs) / 1e6} ms`,
    );
  }

  // -- pressure phases -------------------------------------------------------
  let prevEnd = -1;
  const pressure: PressurePhase[] = w.pressure.map((ph, i) => {
    const at = `workload.pressure[${i}]`;
    if (!(ph.endMs > ph.startMs)) fail(file, `${at}.endMs`, `a time after startMs (${ph.startMs})`, String(ph.endMs));
    if (ph.startMs < prevEnd) fail(file, `${at}.startMs`, `a time >= the previous phase's endMs (${prevEnd}); phases must not overlap`, String(ph.startMs));
    if (ph.startMs >= durationMs) fail(file, `${at}.startMs`, `a time before run.durationMs (${durationMs})`, String(ph.startMs));
    prevEnd = ph.endMs;
    const rampMs = ph.rampMs ?? Math.min(50, (ph.endMs - ph.startMs) / 4);
    if (rampMs > ph.endMs - ph.startMs) fail(file, `${at}.rampMs`, `at most endMs - startMs (${ph.endMs - ph.startMs})`, String(rampMs));
    return { ...ph, rampMs };
  });

  // -- userspace flood -------------------------------------------------------
  const flood = w.userspaceFlood;
  if (flood && flood.endMs !== null && !(flood.endMs > flood.startMs)) {
    fail(file, 'workload.userspaceFlood.endMs', `a time after startMs (${flood.startMs})`, String(flood.endMs));
  }

  // -- trace -----------------------------------------------------------------
  let trace: Scenario['workload']['trace'] = null;
  if (w.trace) {
    const tPath = resolve(dir, w.trace.file);
    if (!existsSync(tPath)) fail(file, 'workload.trace.file', 'an existing trace file', `${JSON.stringify(tPath)}: no such file`);
    const format = w.trace.format ?? (tPath.endsWith('.jsonl') ? 'jsonl' : tPath.endsWith('.csv') ? 'csv' : 'kmem');
    trace = { file: tPath, format, offsetMs: w.trace.offsetMs, loop: w.trace.loop, foldCpus: w.trace.foldCpus };
  }

  const name = p.name ?? (file.split(/[\\/]/).pop() ?? file).replace(/\.json$/i, '');
  const scenario: Scenario = {
    name,
    description: p.description,
    file,
    kernel: { ...p.kernel, profile, thp },
    machine,
    workload: {
      kvfreeRcu: {
        ratePerCpuPerSec: w.kvfreeRcu.ratePerCpuPerSec,
        cpus: w.kvfreeRcu.cpus,
        headlessShare: w.kvfreeRcu.headlessShare,
        contexts: { ...w.kvfreeRcu.contexts },
        rawLockHeldShare: w.kvfreeRcu.rawLockHeldShare,
        irqsOffShare: w.kvfreeRcu.irqsOffShare,
        hardirqKind: w.kvfreeRcu.hardirqKind,
        burst: burst ? { ...burst } : null,
      },
      rcu: { ...w.rcu },
      background: {
        ...w.background,
        gfpMix: { ...w.background.gfpMix },
        orderMix: [...w.background.orderMix],
        contexts: { ...w.background.contexts },
      },
      pressure,
      userspaceFlood: flood ? { ...flood } : null,
      trace,
    },
    run: { durationMs, seeds: [...p.run.seeds], warmup: { ms: p.run.warmup.ms } },
    strategies: p.strategies,
  };
  machineSpecs.set(scenario, spec);
  return scenario;
}

let strategyNamesCache: string[] | null = null;

/** Names of the strategies in strategies/ (each file is named after its strategy). */
function knownStrategyNames(): string[] {
  if (strategyNamesCache === null) {
    try {
      strategyNamesCache = readdirSync(STRATEGIES_DIR)
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
        .map((f) => f.slice(0, -3))
        .sort();
    } catch {
      strategyNamesCache = [];
    }
  }
  return strategyNamesCache;
}

// ---------------------------------------------------------------------------
// Strategy parameters given by a scenario
// ---------------------------------------------------------------------------

/**
 * Check the scenario's `strategies` section against the strategies themselves:
 * each section's parameters by the strategy's own schema, then whether what
 * the strategy holds in reserve from boot fits in the scenario's machine (see
 * checkReservesFit). Throws one InputError naming the scenario file and
 * `strategies.<name>.<param>` (or `origin`, e.g. the --set that changed the
 * scenario). Sections of strategies not in `strategies` are left alone
 * (parseScenario already checked their names).
 */
export function checkScenarioStrategies(scenario: Scenario, strategies: readonly StrategyDefinition[], origin?: string): void {
  // With `origin` (the --set that changed the scenario), errors name it, as applySet's do.
  const file = origin === undefined ? scenario.file : `${origin} (scenario ${scenario.file})`;
  for (const [name, section] of Object.entries(scenario.strategies)) {
    const strategy = strategies.find((s) => s.name === name);
    if (!strategy) continue;
    const params = checkStrategyParams(strategy, section as Record<string, unknown>, file, `strategies.${name}`);
    checkReservesFit(strategy, params, scenario, file, `strategies.${name}`);
  }
}

/** Parse `params` with the strategy's schema; one InputError (`<where>.<param>`) if they do not fit it. Returns the parsed parameters. */
export function checkStrategyParams(strategy: StrategyDefinition, params: Record<string, unknown>, file: string, where: string): Record<string, unknown> {
  const r = strategy.params.safeParse(params);
  if (r.success) return r.data as Record<string, unknown>;
  const issue = r.error.issues[0];
  const shape = (strategy.params as unknown as { shape?: Record<string, unknown> }).shape ?? {};
  const known = Object.keys(shape);
  if (issue?.code === 'unrecognized_keys') {
    const bad = issue.keys[0] ?? '';
    const near = closestName(bad, known);
    fail(file, `${where}.${bad.length > 40 ? `${bad.slice(0, 37)}...` : bad}`, `a parameter of ${strategy.name} (${known.join(', ') || 'it has none'})`, `unknown parameter ${describeFound(bad)}${near ? ` (did you mean "${near}"?)` : ''}`);
  }
  const path = issue ? issue.path.map(String).join('.') : '';
  fail(file, path ? `${where}.${path}` : where, issue ? expectedOf(issue) : 'valid parameters', describeFound(issue ? valueAt(params, issue.path) : params));
}

/**
 * Pages a strategy holds in reserve from boot (a dedicated pool, a page
 * cache) must fit in the machine: the strategy's setup on the scenario's
 * machine must get every page it asks for and leave each zone at or above its
 * low watermark.
 * Below it kswapd is already awake before the first event, and a pool sized
 * beyond memory simply stops filling: either way the run would not measure
 * what the parameters say. Throws one InputError naming `file` and `where`.
 */
export function checkReservesFit(strategy: StrategyDefinition, params: Record<string, unknown>, scenario: Scenario, file: string, where: string): void {
  const machine = scenarioMachine(scenario);
  const k = scenario.kernel;
  const core = createCore({
    profile: k.profile,
    machine,
    costs: resolveCostTable({}),
    lockdep: k.lockdep,
    preemptRt: k.preemptRt,
    debug: { debugPagealloc: k.debugPagealloc, kasan: k.kasan, pageOwner: k.pageOwner, arch: k.arch, pageOwnerNewStackPeriod: 64, initOnAlloc: k.initOnAlloc ?? debianInitOnAlloc(k.profile) },
  });
  const ext = core.extensionsFor(strategy.name);
  const bnodeCache = new BnodeCache(core, ext);
  strategy.setup({ core, ext, bnodeCache }, strategy.params.parse(params) as Record<string, unknown>);
  bnodeCache.fillAtBoot();
  const reserved = ext.reserves.reduce((a, r) => a + r.pages, 0);
  if (reserved === 0) return;
  const failed = core.alloc.stats.allocFailures;
  const low = core.alloc.zones.find((z) => z.managedPages > 0 && z.nrFree < (z.wmark[WMARK_LOW] ?? 0));
  if (failed > 0 || low) {
    const managed = machine.zones.reduce((a, z) => a + z.managedPages, 0);
    fail(
      file,
      where,
      `reserves that fit in memory (${managed} pages on ${machine.cpus} CPUs, above the zones' low watermarks)`,
      failed > 0 ? `${reserved} pages taken at boot before allocations failed` : `${reserved} pages taken at boot, zone ${low!.kind} left below its low watermark`,
    );
  }
}

/**
 * The MachineSpec the scenario implies (zones, watermark inputs, CPUs; imported
 * from zoneinfo when the scenario says so). A caller may rely on it agreeing
 * with scenario.machine (cpus, zones' managed pages, minFreeKbytes).
 */
export function scenarioMachine(scenario: Scenario): MachineSpec {
  const cached = machineSpecs.get(scenario);
  if (cached) return cached;
  // A scenario that went through structuredClone lost its cache entry: re-resolve.
  const again = parseScenario(scenarioToInput(scenario), scenario.file);
  const spec = machineSpecs.get(again)!;
  machineSpecs.set(scenario, spec);
  return spec;
}

/** A resolved scenario as an input object (computed machine fields dropped when zoneinfo imports them). */
function scenarioToInput(scenario: Scenario): unknown {
  const { file: _file, ...rest } = structuredClone(scenario);
  const input = rest as unknown as { machine: Record<string, unknown> };
  if (scenario.machine.zoneinfo) {
    delete input.machine['zones'];
    delete input.machine['memoryMiB'];
    delete input.machine['minFreeKbytes'];
  }
  return input;
}

// ---------------------------------------------------------------------------
// --set
// ---------------------------------------------------------------------------

function splitKey(key: string): PropertyKey[] {
  const out: PropertyKey[] = [];
  for (const part of key.replace(/\[(\d+)\]/g, '.$1').split('.')) {
    if (part === '') continue;
    out.push(/^\d+$/.test(part) ? Number(part) : part);
  }
  return out;
}

/**
 * `--set workload.kvfreeRcu.headlessShare=0.5`: return a new Scenario with the
 * field at the dot path `key` (array entries as `.0` or `[0]`) set to `value`,
 * parsed as JSON when it parses, else taken as a string. Defaults that depend on
 * other fields (zones, minFreeKbytes) are recomputed. The result is validated
 * again; a bad key (with the closest valid key) or a bad value is one InputError
 * whose file is `origin` (e.g. the command-line option). `scenario` is not changed.
 */
export function applySet(scenario: Scenario, key: string, value: string, origin: string): Scenario {
  const path = splitKey(key);
  const paths = scenarioFieldPaths().map((f) => f.path);
  if (path.length === 0) fail(origin, 'key', 'a scenario field such as workload.kvfreeRcu.headlessShare', describeFound(key));
  // "run..durationMs", "run.durationMs.": an empty segment is a typo, not a shorthand.
  if (key.replace(/\[(\d+)\]/g, '.$1').split('.').some((part) => part === '')) {
    fail(origin, 'key', 'field names separated by single dots (e.g. workload.kvfreeRcu.headlessShare)', describeFound(key));
  }
  // Check the path against the schema first, so a typo names the closest key.
  for (let i = 1; i <= path.length; i++) {
    const prefix = path.slice(0, i);
    if (schemaAtPath(ScenarioSchema, prefix).length === 0) {
      const parent = path.slice(0, i - 1);
      const seg = path[i - 1]!;
      if (typeof seg === 'number') {
        fail(origin, formatPath(prefix), `a field name under ${formatPath(parent)}`, `index ${seg}`);
      }
      const guess = closestName(key, paths) ?? closestName(String(seg), knownKeysAt(ScenarioSchema, parent));
      fail(origin, key, 'a scenario field', `unknown field "${String(seg)}"${guess ? ` (did you mean "${guess}"?)` : ''}`);
    }
  }
  let parsedValue: unknown;
  try {
    parsedValue = JSON.parse(value);
  } catch {
    parsedValue = value;
  }
  // A kernel version is a name, not a number: `--set kernel.profile=5.10` means "5.10", not 5.1.
  if (formatPath(path) === 'kernel.profile' && typeof parsedValue === 'number') parsedValue = value;
  const base = rawInputs.has(scenario) ? structuredClone(rawInputs.get(scenario)) : scenarioToInput(scenario);
  const root: Record<PropertyKey, unknown> = base !== null && typeof base === 'object' && !Array.isArray(base) ? (base as Record<PropertyKey, unknown>) : {};
  let cur: Record<PropertyKey, unknown> = root;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i]!;
    const next = cur[seg as string];
    if (next === null || typeof next !== 'object') {
      if (Array.isArray(cur) && typeof seg === 'number' && seg > cur.length) {
        fail(origin, formatPath(path.slice(0, i + 1)), `an index <= ${cur.length}`, String(seg));
      }
      const created: Record<PropertyKey, unknown> | unknown[] = typeof path[i + 1] === 'number' ? [] : {};
      cur[seg as string] = created;
      cur = created as Record<PropertyKey, unknown>;
    } else {
      cur = next as Record<PropertyKey, unknown>;
    }
  }
  const last = path[path.length - 1]!;
  if (Array.isArray(cur) && typeof last === 'number' && last > cur.length) {
    fail(origin, formatPath(path), `an index <= ${cur.length}`, String(last));
  }
  cur[last as string] = parsedValue;
  try {
    return parseScenario(root, scenario.file);
  } catch (err) {
    if (err instanceof InputError && err.file === scenario.file) {
      throw new InputError({ file: `${origin} (scenario ${scenario.file})`, where: err.where, expected: err.expected, found: err.found });
    }
    throw err;
  }
}
