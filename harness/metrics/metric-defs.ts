/**
 * Every per-run metric: its name (the contract in DESIGN.md: camelCase, the same
 * in JSON, CSV and reports), what it means, its unit, which way is better, and
 * its kind:
 *  - 'exact': a count or ratio of counts, a pure function of scenario, seed and
 *    strategy: the same seed gives the same number, so regressions compare it exactly;
 *  - 'modelled': virtual nanoseconds from the cost table (also deterministic);
 *  - 'wall': measured on this machine (noisy; never fails a run on its own).
 */
export type MetricKind = 'exact' | 'modelled' | 'wall';
export type MetricGroup = 'lockless' | 'fallback' | 'ordinary' | 'violations' | 'memory' | 'simulation';

export interface MetricDef {
  readonly name: string;
  readonly group: MetricGroup;
  readonly kind: MetricKind;
  readonly unit: string;
  readonly better: 'lower' | 'higher' | 'none';
  readonly description: string;
  /**
   * The results schema version that added the metric (absent: version 1).
   * A file of an older version has no value for it: absent, never 0.
   */
  readonly since?: number;
}

export const METRICS = [
  { name: 'kvfreeCalls', group: 'lockless', kind: 'exact', unit: 'calls', better: 'none', since: 2, description: 'kvfree_rcu() calls in the run: the same for every strategy on a stream, so it is the denominator that compares designs.' },
  { name: 'locklessRequests', group: 'lockless', kind: 'exact', unit: 'requests', better: 'none', description: 'Pages kvfree_rcu() needed for a new block of KVFREE_BULK_MAX_ENTR pointers: from its own bnode cache (get_cached_bnode()), on 5.12+ for a headless caller from an allocation with the lock dropped, else from the strategy.' },
  { name: 'locklessFailures', group: 'lockless', kind: 'exact', unit: 'requests', better: 'lower', description: 'Of those, requests that got no page (the caller falls back).' },
  { name: 'locklessFailureRate', group: 'lockless', kind: 'exact', unit: 'ratio', better: 'lower', description: 'locklessFailures / locklessRequests.' },
  { name: 'locklessNs', group: 'lockless', kind: 'modelled', unit: 'ns', better: 'lower', description: 'Mean modelled cost of one page request under the krc raw lock (virtual ns, cost table).' },
  { name: 'locklessNsP99', group: 'lockless', kind: 'modelled', unit: 'ns', better: 'lower', description: '99th percentile of the same (log-bucket histogram: a recorded value, at most 3% above the exact percentile). Below the mean when under 1% of requests take the expensive path: see locklessNsP999 and locklessNsMax.' },
  { name: 'fallbackRate', group: 'lockless', kind: 'exact', unit: 'ratio', better: 'lower', since: 2, description: 'kvfree_rcu() calls that found no block slot and fell back (rcu_head or synchronize_rcu()), over kvfreeCalls: the failure rate with one denominator for every strategy (a failed request is retried on the next call, so locklessRequests grows with failures).' },
  { name: 'locklessNsSuccess', group: 'lockless', kind: 'modelled', unit: 'ns', better: 'lower', since: 2, description: 'Mean modelled cost of a page request that got a page (virtual ns; 0 when none did).' },
  { name: 'locklessNsFailure', group: 'lockless', kind: 'modelled', unit: 'ns', better: 'lower', since: 2, description: 'Mean modelled cost of a page request that got no page (virtual ns; 0 when none failed): cheap failures pull locklessNs down.' },
  { name: 'locklessNsP999', group: 'lockless', kind: 'modelled', unit: 'ns', better: 'lower', since: 2, description: '99.9th percentile of the time one page request spends under the krc raw lock with IRQs off (log-bucket histogram: a recorded value, at most 3% above the exact percentile, exact when its bucket holds one value).' },
  { name: 'locklessNsMax', group: 'lockless', kind: 'modelled', unit: 'ns', better: 'lower', since: 2, description: 'Longest time one page request spent under the krc raw lock with IRQs off (exact): what the thread argues about.' },
  { name: 'zoneLockInLockless', group: 'lockless', kind: 'exact', unit: 'acquisitions', better: 'lower', description: 'zone->lock acquisitions made inside a page request: must be 0 for a strategy that claims to be lockless.' },
  { name: 'fallbackRcuHead', group: 'fallback', kind: 'exact', unit: 'calls', better: 'lower', description: 'Two-argument kvfree_rcu() calls that got no block slot and were linked through their rcu_head instead.' },
  { name: 'fallbackSynchronizeRcu', group: 'fallback', kind: 'exact', unit: 'calls', better: 'lower', description: 'Headless kvfree_rcu(ptr) calls that got no block slot and ran synchronize_rcu() inline.' },
  { name: 'ordinaryAllocs', group: 'ordinary', kind: 'exact', unit: 'allocations', better: 'none', description: 'Ordinary (background) page allocations made by the workload.' },
  { name: 'ordinaryFailures', group: 'ordinary', kind: 'exact', unit: 'allocations', better: 'lower', description: 'Ordinary allocations that returned NULL.' },
  { name: 'ordinaryPcpHitRate', group: 'ordinary', kind: 'exact', unit: 'ratio', better: 'higher', description: 'Share of ordinary order-0 allocations served from a pcplist without a refill: falls when a strategy drains pcplists others rely on.' },
  { name: 'ordinaryFastPathNs', group: 'ordinary', kind: 'modelled', unit: 'ns', better: 'lower', description: 'Mean modelled cost of an ordinary order-0 allocation, pcp misses and slow paths included (virtual ns).' },
  { name: 'legacyGfp0Failures', group: 'ordinary', kind: 'exact', unit: 'allocations', better: 'lower', description: 'Ordinary allocations by legacy gfp == 0 callers (__get_free_page(0)) that failed.' },
  { name: 'invalidWaitContext', group: 'violations', kind: 'exact', unit: 'events', better: 'lower', description: 'Lockdep "BUG: Invalid wait context" events (CONFIG_PROVE_RAW_LOCK_NESTING): a lock taken whose wait type the context does not allow.' },
  { name: 'sleepInAtomic', group: 'violations', kind: 'exact', unit: 'events', better: 'lower', description: 'Sleeping in atomic context: on PREEMPT_RT a spinlock_t (rt_mutex) taken with a raw lock held or IRQs off; a might_sleep() (synchronize_rcu(), __GFP_DIRECT_RECLAIM) in atomic context.' },
  { name: 'nmiLockViolations', group: 'violations', kind: 'exact', unit: 'events', better: 'lower', description: 'Locks (not trylocks) taken in NMI context inside the page request: a deadlock against the interrupted holder (lockdep is off in NMI: __nmi_enter() calls lockdep_off(), so these are never wait-context reports).' },
  { name: 'workloadNmiLocks', group: 'violations', kind: 'exact', unit: 'events', better: 'none', since: 2, description: 'Locks (not trylocks) the workload\'s own NMI code takes outside the page request (kvfree_rcu()\'s raw krcp->lock, a caller\'s raw lock, allocations made in NMI): the same for every design on a scenario; a deadlock risk of the caller, not of the page design.' },
  { name: 'violationsInRequest', group: 'violations', kind: 'exact', unit: 'events', better: 'lower', description: 'Lock-rule violations of any kind (the three above) raised inside the page request itself, apart from those of the caller\'s context and kvfree_rcu()\'s own raw lock: what the design adds.' },
  { name: 'invalidGfpCombination', group: 'violations', kind: 'exact', unit: 'allocations', better: 'lower', description: 'Allocations made with a flag combination the strategy declares invalid (e.g. __GFP_NO_LOCKS | __GFP_RECLAIM) that went on and took locks.' },
  { name: 'watermarkBreaches', group: 'memory', kind: 'exact', unit: 'pages', better: 'lower', description: 'Pages a strategy took while the zone was below its min watermark (no watermark check).' },
  { name: 'migratetypeMixing', group: 'memory', kind: 'exact', unit: 'pages', better: 'lower', description: 'Pages a strategy took from another migratetype\'s pcplist (fragmentation).' },
  { name: 'reservedPagesPeak', group: 'memory', kind: 'exact', unit: 'pages', better: 'lower', description: 'Most pages held idle in reserves at once: the strategy\'s and kvfree_rcu()\'s own bnode cache (the same for every design on a kernel unless the design resizes it).' },
  { name: 'reservedPagesMean', group: 'memory', kind: 'exact', unit: 'pages', better: 'lower', description: 'Time-weighted mean of the pages held in reserves.' },
  { name: 'minFreePages', group: 'memory', kind: 'exact', unit: 'pages', better: 'higher', description: 'Lowest NR_FREE_PAGES seen, summed over zones at that moment.' },
  { name: 'belowLowShare', group: 'memory', kind: 'exact', unit: 'ratio', better: 'lower', since: 2, description: "Share of the measured virtual time during which some populated zone had fewer free pages than its low watermark (kswapd's wake-up level; _watermark[WMARK_LOW], boost not counted), sampled at every workload event." },
  { name: 'belowMinShare', group: 'memory', kind: 'exact', unit: 'ratio', better: 'lower', since: 2, description: 'The same below the min watermark: only ALLOC_HIGH/ALLOC_HARDER callers (GFP_ATOMIC) and designs that skip the watermark check allocate there; GFP_KERNEL callers enter direct reclaim.' },
  { name: 'kswapdWakes', group: 'memory', kind: 'exact', unit: 'wakeups', better: 'none', description: 'wakeup_kswapd() calls that woke kswapd.' },
  { name: 'directReclaims', group: 'memory', kind: 'exact', unit: 'attempts', better: 'lower', description: 'Direct reclaim attempts in the allocation slow path.' },
  { name: 'fallbackSteals', group: 'memory', kind: 'exact', unit: 'blocks', better: 'lower', description: 'Buddy allocations that fell back to another migratetype\'s free list (__rmqueue_fallback).' },
  { name: 'lockWaitNs', group: 'simulation', kind: 'modelled', unit: 'ns', better: 'lower', description: 'Total virtual time spent waiting for locks held by other CPUs.' },
  { name: 'trylockFailures', group: 'simulation', kind: 'exact', unit: 'trylocks', better: 'lower', description: 'spin_trylock() calls that found the lock held (pcp->lock, zone->lock).' },
  { name: 'simEvents', group: 'simulation', kind: 'exact', unit: 'events', better: 'none', description: 'Events the simulator processed: workload events plus deferred work (grace periods, workers, kswapd), over the whole run, warm-up included (as simWallMs).' },
  { name: 'simWallMs', group: 'simulation', kind: 'wall', unit: 'ms', better: 'lower', description: 'Wall-clock time the run took to simulate its event stream on this machine (JS, not modelled); in a compare a (scenario, seed) stream is generated apart from the runs, by the worker thread that its runs go to, and replayed to every strategy.' },
] as const satisfies readonly MetricDef[];

export type MetricName = (typeof METRICS)[number]['name'];
export type RunMetrics = Record<MetricName, number>;

export const METRIC_NAMES: readonly MetricName[] = METRICS.map((m) => m.name);

const BY_NAME = new Map<string, MetricDef>(METRICS.map((m) => [m.name, m]));

export function metricDef(name: string): MetricDef | undefined {
  return BY_NAME.get(name);
}
