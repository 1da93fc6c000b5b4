/**
 * A small, valid Results object for the report tests: 5 strategies (one marked
 * later), 2 scenarios, 3 seeds, a dedicated-pool.poolPages sweep, timelines,
 * measured rows, a violation message, and optionally a hostile scenario name
 * and a failed run. Deterministic (own PRNG), validated with ResultsSchema, and
 * summarised with the harness's own summarize() so the significance flags mean
 * what they mean in a real run.
 */
import { summarize } from '../../harness/analysis/summarize.ts';
import { computeVerdict } from '../../harness/analysis/verdict.ts';
import { METRIC_NAMES } from '../../harness/metrics/metric-defs.ts';
import { ResultsSchema, type Results, type RunRow } from '../../harness/results/schema.ts';

export const HOSTILE_NAME = '<script>alert(1)</script>';

export interface SampleOptions {
  /** Name the second scenario `<script>alert(1)</script>` (and put markup in texts). */
  readonly hostile?: boolean;
  /** Add one failed run. */
  readonly failedRun?: boolean;
  /** Leave out the sweep. */
  readonly noSweep?: boolean;
}

/** A small seeded PRNG for test data (mulberry32). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const emptyStatic = {
  gfpBits: [] as { name: string; value: string }[],
  gfpCollisions: [] as string[],
  gfpRelocations: [] as string[],
  gfpBitsShift: 24,
  gfpBitsUsed: 24,
  gfpBitsLeft: 8,
  gfpBitsTotal: 32,
  fastPathChecks: [] as string[],
  slowPathChecks: [] as string[],
  pcpMissChecks: [] as string[],
  entryPoints: [] as string[],
  reserves: [] as string[],
  workers: [] as string[],
};

interface Profile {
  fail: number; // lockless failure rate
  nsLockless: number;
  nsFast: number;
  pcpHit: number;
  zoneLock: number; // zone->lock takes per lockless request
  invalidWait: number; // per request
  reserved: number; // pages
  mixing: number;
}

const PROFILES: Record<string, Profile> = {
  'status-quo': { fail: 0.002, nsLockless: 180, nsFast: 60, pcpHit: 0.97, zoneLock: 0.05, invalidWait: 0.05, reserved: 0, mixing: 0 },
  'gfp-no-locks-bit': { fail: 0.04, nsLockless: 70, nsFast: 60.5, pcpHit: 0.97, zoneLock: 0, invalidWait: 0, reserved: 0, mixing: 0 },
  'lockless-entry': { fail: 0.01, nsLockless: 55, nsFast: 63, pcpHit: 0.93, zoneLock: 0, invalidWait: 0, reserved: 0, mixing: 0.3 },
  'dedicated-pool': { fail: 0.006, nsLockless: 25, nsFast: 60, pcpHit: 0.97, zoneLock: 0, invalidWait: 0, reserved: 64, mixing: 0 },
  'rcu-page-cache': { fail: 0.015, nsLockless: 30, nsFast: 60, pcpHit: 0.97, zoneLock: 0, invalidWait: 0, reserved: 20, mixing: 0 },
};

export function makeSampleResults(opts: SampleOptions = {}): Results {
  const scenarioNames = ['rt-lockdep-burst', opts.hostile ? HOSTILE_NAME : 'steady-4cpu'];
  const seeds = [1, 2, 3];
  const sweepValues = opts.noSweep ? [] : ['4', '16', '64'];
  const runs: RunRow[] = [];
  const rnd = mulberry32(42);

  const strategies: Results['strategies'] = [
    {
      name: 'status-quo',
      title: '__get_free_page(GFP_NOWAIT | __GFP_NOWARN) under the krc raw lock',
      origin: 'kernel/rcu/tree.c, v5.9',
      description: 'What 5.9 does.',
      later: false,
      params: {},
      staticProperties: { ...emptyStatic },
    },
    {
      name: 'gfp-no-locks-bit',
      title: '___GFP_NO_LOCKS, checked only after a pcplist miss',
      origin: 'Uladzislau Rezki, LKML, 2020-10-01',
      description: 'A new GFP bit.',
      later: false,
      params: {},
      staticProperties: {
        ...emptyStatic,
        gfpBits: [{ name: '___GFP_NO_LOCKS', value: '0x800000' }],
        gfpCollisions: ['___GFP_NO_LOCKS 0x800000 == ___GFP_NOLOCKDEP (CONFIG_LOCKDEP=y)'],
        gfpBitsShift: 25,
        gfpBitsUsed: 25,
        gfpBitsLeft: 7,
        pcpMissChecks: ['gfp & __GFP_NO_LOCKS: fail instead of rmqueue_bulk()'],
      },
    },
    {
      name: 'lockless-entry',
      title: '__rcu_alloc_page_lockless(): any pcplist page, IRQs off, no zone->lock',
      origin: 'RFC 2/4, 2020-09-18',
      description: 'A new entry point.',
      later: false,
      params: { anyMigratetype: true },
      staticProperties: { ...emptyStatic, entryPoints: ['__rcu_alloc_page_lockless()'] },
    },
    {
      name: 'dedicated-pool',
      title: 'Per-CPU page pool for kvfree_rcu(), refilled by a worker',
      origin: 'Mel Gorman, Michal Hocko, LKML 2020',
      description: 'A reserve.',
      later: false,
      params: { poolPages: 16, refillBatch: 8 },
      staticProperties: { ...emptyStatic, reserves: ['krc page pool (per CPU)'], workers: ['pool refill (system_highpri_wq)'] },
    },
    {
      name: 'rcu-page-cache',
      title: 'bkvcache: per-CPU cache refilled from a clean context (56292e8609e3)',
      origin: 'commit 56292e8609e3, v5.11',
      description: 'What happened next.',
      later: true,
      params: { rcuMinCachedObjs: 5 },
      staticProperties: { ...emptyStatic, reserves: ['bkvcache (per CPU)'], workers: ['fill_page_cache_func (hrtimer + workqueue)'] },
    },
  ];

  const scenarioInfo: Results['scenarios'] = scenarioNames.map((name, i) => ({
    name,
    description:
      i === 0
        ? 'PREEMPT_RT with lockdep: kfree_rcu() bursts from every CPU with IRQs off while background GFP_KERNEL allocations keep the pcplists busy.'
        : opts.hostile
          ? 'A hostile description with <b>markup</b> & "quotes" that must stay text.'
          : 'A non-RT kernel, steady kvfree_rcu() load on 4 CPUs, light memory pressure.',
    kernel: i === 0 ? { profile: '5.9', preemptRt: true, lockdep: true, debugPagealloc: false, kasan: false, pageOwner: false, arch: 'x86_64', earlyBoot: false } : { profile: '7.2', preemptRt: false, lockdep: false, debugPagealloc: true, kasan: false, pageOwner: true, arch: 'x86_64', earlyBoot: false },
    machine: { cpus: 4, memoryMiB: 4096, zones: [{ kind: 'DMA', managedPages: 3973 }, { kind: 'DMA32', managedPages: 782336 }, { kind: 'Normal', managedPages: 262144 }] },
    durationMs: 1000,
    warmupMs: 60,
  }));

  const addRun = (strategy: string, scenario: string, variant: string, seed: number, scale: number): void => {
    const p = PROFILES[strategy]!;
    const jitter = (): number => 1 + (rnd() - 0.5) * 0.1;
    const requests = Math.round(12000 * (scenario === scenarioNames[0] ? 2.5 : 1) * jitter());
    const failRate = Math.min(1, p.fail * scale * jitter() * (scenario === scenarioNames[0] ? 1.6 : 1));
    const failures = Math.round(requests * failRate);
    const metrics = Object.fromEntries(METRIC_NAMES.map((n) => [n, 0])) as Record<(typeof METRIC_NAMES)[number], number>;
    metrics.locklessRequests = requests;
    metrics.locklessFailures = failures;
    metrics.locklessFailureRate = requests === 0 ? 0 : failures / requests;
    metrics.locklessNs = p.nsLockless * jitter();
    metrics.locklessNsP99 = p.nsLockless * 4.2 * jitter();
    metrics.kvfreeCalls = 200_000;
    metrics.fallbackRate = failures / metrics.kvfreeCalls;
    metrics.locklessNsSuccess = p.nsLockless * 1.1 * jitter();
    metrics.locklessNsFailure = failures > 0 ? p.nsLockless * 0.3 * jitter() : 0;
    metrics.locklessNsP999 = p.nsLockless * (p.zoneLock > 0 ? 30 : 6) * jitter();
    metrics.locklessNsMax = p.nsLockless * (p.zoneLock > 0 ? 40 : 8) * jitter();
    metrics.zoneLockInLockless = Math.round(requests * p.zoneLock * jitter());
    metrics.fallbackRcuHead = Math.round(failures * 380);
    metrics.fallbackSynchronizeRcu = Math.round(failures * 0.3);
    metrics.ordinaryAllocs = Math.round(2_400_000 * jitter());
    metrics.ordinaryFailures = Math.round(3 * jitter());
    metrics.ordinaryPcpHitRate = Math.min(1, p.pcpHit * (1 + (rnd() - 0.5) * 0.004));
    metrics.ordinaryFastPathNs = p.nsFast * (1 + (rnd() - 0.5) * 0.01);
    metrics.legacyGfp0Failures = 0;
    const rt = scenario === scenarioNames[0];
    metrics.invalidWaitContext = rt ? Math.round(requests * p.invalidWait * jitter()) : 0;
    metrics.sleepInAtomic = rt ? Math.round(requests * p.invalidWait * 0.5 * jitter()) : 0;
    metrics.nmiLockViolations = 0;
    metrics.violationsInRequest = metrics.invalidWaitContext + metrics.sleepInAtomic;
    metrics.invalidGfpCombination = strategy === 'gfp-no-locks-bit' ? Math.round(4 * jitter()) : 0;
    metrics.watermarkBreaches = strategy === 'lockless-entry' ? Math.round(120 * jitter()) : 0;
    metrics.migratetypeMixing = Math.round(requests * p.mixing * jitter());
    const reserved = variant ? Number(variant.split('=')[1]) * 4 : p.reserved * 4;
    metrics.reservedPagesPeak = reserved;
    metrics.reservedPagesMean = reserved * 0.8 * jitter();
    metrics.minFreePages = Math.round(14000 * jitter());
    metrics.kswapdWakes = Math.round(40 * jitter());
    metrics.directReclaims = Math.round(12 * jitter());
    metrics.fallbackSteals = Math.round(30 * jitter());
    metrics.lockWaitNs = 1.2e6 * jitter();
    metrics.trylockFailures = strategy === 'lockless-entry' ? Math.round(50 * jitter()) : 0;
    metrics.simEvents = Math.round(3_100_000 * jitter());
    metrics.simWallMs = 900 * jitter();
    const violations =
      metrics.invalidWaitContext > 0
        ? [
            {
              kind: 'invalidWaitContext',
              message: `BUG: Invalid wait context: trying to lock &zone->lock (spinlock_t, LD_WAIT_CONFIG) while holding &krcp->lock (raw_spinlock_t)${opts.hostile ? ' <img src=x onerror=alert(2)>' : ''}`,
              count: metrics.invalidWaitContext,
            },
          ]
        : [];
    runs.push({ strategy, scenario, variant, seed, profile: scenario === scenarioNames[0] ? '5.9' : '7.2', params: {}, workloadHash: `wh-${scenario.length}-${seed}`, metrics, violations });
  };

  for (const scenario of scenarioNames) {
    for (const s of strategies) {
      for (const seed of seeds) addRun(s.name, scenario, '', seed, 1);
      if (s.name === 'dedicated-pool') {
        for (const v of sweepValues) for (const seed of seeds) addRun(s.name, scenario, `dedicated-pool.poolPages=${v}`, seed, 16 / Number(v));
      }
    }
  }

  const failedRuns: Results['failedRuns'] = opts.failedRun
    ? [{ strategy: 'lockless-entry', scenario: scenarioNames[1]!, variant: '', seed: 4, error: `RunFailure: invariant broken at 12.345 ms virtual: frame 1234 on two lists ${opts.hostile ? '<i>x</i>' : ''}` }]
    : [];

  const timelines: Results['timelines'] = [];
  for (const s of strategies) {
    const n = 120;
    const tr = mulberry32(s.name.length * 7919);
    const timeMs: number[] = [];
    const free: number[] = [];
    const pcp: number[] = [];
    const reserved: number[] = [];
    const blocks: number[] = [];
    const lf: number[] = [];
    const of: number[] = [];
    let failures = 0;
    for (let i = 0; i < n; i++) {
      const t = (i / (n - 1)) * 1000;
      timeMs.push(t);
      const pressure = t > 300 && t < 700 ? 1 : 0;
      free.push(Math.round(60000 - pressure * 42000 + tr() * 3000));
      pcp.push(Math.round(900 + tr() * 600 - pressure * 500 * (s.name === 'lockless-entry' ? 1.5 : 1)));
      reserved.push(s.name === 'dedicated-pool' ? Math.round(64 - pressure * tr() * 40) : s.name === 'rcu-page-cache' ? Math.round(20 - pressure * tr() * 15) : 0);
      blocks.push(Math.round(30 + tr() * 10));
      failures += pressure * Math.round(tr() * 10 * PROFILES[s.name]!.fail * 50);
      lf.push(failures);
      of.push(Math.round(failures / 10));
    }
    timelines.push({
      strategy: s.name,
      scenario: scenarioNames[0]!,
      variant: '',
      seed: 1,
      timeMs,
      freePages: free,
      pcpPages: pcp,
      reservedPages: reserved,
      blockPages: blocks,
      locklessFailures: lf,
      ordinaryFailures: of,
      watermarks: { min: 16000, low: 20000, high: 24000 },
      zones: [
        { name: 'DMA32', freePages: free.map((f) => Math.round(f * 0.75)), watermarks: { min: 12000, low: 15000, high: 18000 } },
        { name: 'Normal', freePages: free.map((f) => Math.round(f * 0.25)), watermarks: { min: 4000, low: 5000, high: 6000 } },
      ],
    });
  }

  const measured: Results['measured'] = strategies.flatMap((s, i) => [
    { strategy: s.name, task: 'ordinary-fast-path' as const, nsPerOp: 95 + i * 3, rmePct: 1.5, samples: 10000 },
    { strategy: s.name, task: 'lockless-request' as const, nsPerOp: 140 - i * 12, rmePct: 2.5, samples: 10000 },
  ]);

  const results = {
    schema: 'nolock-bench/results',
    schemaVersion: 2,
    runId: '20251125-064900-sample',
    createdAt: '2025-11-25T06:49:00.000Z',
    command: `npm run compare -- --seeds 1,2,3 --sweep dedicated-pool.poolPages=4,16,64 --scenarios rt-lockdep-burst,steady-4cpu --results-dir /tmp/a/very/long/path/that/goes/on/and/on/results --run-id 20251125-064900-sample`,
    environment: { node: 'v20.19.0', os: 'linux', arch: 'x64', cpuModel: 'Intel(R) Xeon(R) CPU @ 2.20GHz', cpuCount: 8, totalMemoryMiB: 16384, gitCommit: '0306dd0f00dfeedbeef0306dd0f00dfeedbeef00', gitDirty: true },
    config: {
      strategies: strategies.map((s) => s.name),
      scenarios: scenarioNames,
      seeds,
      quick: false,
      sets: ['dedicated-pool.refillBatch=8'],
      sweep: sweepValues.length > 0 ? { key: 'dedicated-pool.poolPages', values: sweepValues } : null,
      scenarioFiles: [],
      shard: null,
      costOverrides: {},
    },
    strategies,
    scenarios: scenarioInfo,
    costTable: [
      { key: 'irqSaveRestore', ns: 9.4, defaultNs: 9.4, kind: 'published', source: 'published: Jesper Dangaard Brouer, local_irq_{save,restore} 37 cycles at 4 GHz' },
      { key: 'pcpAllocFree', ns: 48, defaultNs: 48, kind: 'published', source: 'published: page_bench order-0 alloc+free 192 cycles with local_irq_save' },
      { key: 'spinLockUncontended', ns: 12, defaultNs: 6, kind: 'estimate', source: 'estimate: a locked cmpxchg on a hot line <hot & cheap>', overridden: true },
    ].map((c) => ({ overridden: false, ...c })),
    runs,
    failedRuns,
    summary: summarize(runs),
    timelines,
    measured,
    totals: {
      runs: runs.length,
      failedRuns: failedRuns.length,
      simEvents: runs.reduce((a, r) => a + r.metrics.simEvents, 0),
      simWallMs: runs.reduce((a, r) => a + r.metrics.simWallMs, 0),
      wallMs: 14_250,
      eventsPerSecPerCore: 1_750_000,
    },
  };
  const parsed = ResultsSchema.parse(results);
  parsed.verdict = computeVerdict(parsed);
  return parsed;
}
