/**
 * Preflight: a scenario checked against the strategies actually loaded (the
 * strategies/ folder plus any `compare --strategy-file`) before anything runs.
 *
 *  - each `strategies.<name>` section names a loaded strategy (a misspelt name
 *    would otherwise be ignored without a word);
 *  - its parameters fit the strategy's own schema;
 *  - what the strategy holds in reserve (a dedicated pool, a page cache) fits
 *    the scenario's machine, however the reserve fills: in setup(), or from
 *    the workers setup() queues.
 *
 * Every failure is one InputError naming the scenario file (or the --set /
 * --sweep that changed it) and `strategies.<name>[.<param>]`.
 */
import { createCore, type Core } from '../core/core.ts';
import { BnodeCache } from '../core/bnode-cache.ts';
import type { StrategyDefinition } from '../core/strategy-api.ts';
import { WMARK_LOW } from '../core/zone.ts';
import { InputError, describeFound } from '../errors.ts';
import { closestName } from '../util/closest-name.ts';
import { expectedOf, valueAt } from '../util/zod-errors.ts';
import type { Scenario } from '../workload/scenario-schema.ts';
import { coreConfigFor } from './core-config.ts';

function fail(file: string, where: string, expected: string, found: string): never {
  throw new InputError({ file, where, expected, found });
}

/**
 * Check the scenario's `strategies` sections against `loaded`, the strategies
 * this command loaded: a section whose name is none of them is an InputError
 * (with the closest loaded name); each other section's parameters are parsed
 * by the strategy's schema (checkStrategyParams) and its reserves must fit the
 * machine (checkReservesFit). Throws one InputError naming the scenario file
 * and `strategies.<name>[.<param>]`, or `origin` (e.g. the --set that changed
 * the scenario) when given.
 */
export function checkScenarioStrategies(scenario: Scenario, loaded: readonly StrategyDefinition[], origin?: string): void {
  // With `origin` (the --set that changed the scenario), errors name it, as applySet's do.
  const file = origin === undefined ? scenario.file : `${origin} (scenario ${scenario.file})`;
  const names = loaded.map((s) => s.name);
  for (const name of Object.keys(scenario.strategies)) {
    if (names.includes(name)) continue;
    const near = closestName(name, names);
    const shown = name.length > 32 ? `${name.slice(0, 29)}...` : name;
    fail(file, `strategies.${shown}`, near ? `a strategy name (did you mean "${near}"?)` : `a strategy name (${names.join(', ')})`, `unknown strategy ${describeFound(name)}`);
  }
  for (const [name, section] of Object.entries(scenario.strategies)) {
    const strategy = loaded.find((s) => s.name === name)!;
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
 * Deferred items the preflight runs at most: a worker that re-queues itself
 * forever stops here (its runs then fail on their own limits, and say why).
 */
const MAX_PREFLIGHT_ITEMS = 1 << 20;

/** Where a strategy's reserves went wrong on the machine, or null when they fit. */
interface ReserveMisfit {
  /** Pages on the strategy's reserves when it went wrong. */
  readonly reserved: number;
  /** Allocations had failed by then. */
  readonly failed: boolean;
  /** A zone below its low watermark (when no allocation failed). */
  readonly lowZone: string | null;
  /** Virtual time (ms) it went wrong at: 0 for setup() itself. */
  readonly atMs: number;
}

/**
 * Boots the strategy with `params` on the scenario's machine (coreConfigFor,
 * as a run does), runs setup() and the boot fill of kvfree_rcu()'s block
 * cache, then lets the core's event queue run what setup() queued (the
 * strategy's workers, and kswapd if woken) with no workload, until the queue
 * is idle or the run's length (warm-up + duration) has passed. Returns how the
 * reserves failed to fit (an allocation failed, or a zone ended below its low
 * watermark after setup or after any item), or null.
 */
function reserveMisfit(strategy: StrategyDefinition, params: Record<string, unknown>, scenario: Scenario): ReserveMisfit | null {
  const core = createCore(coreConfigFor(scenario));
  // Released however the check ends, so the next check (every strategy x
  // scenario is checked before a compare runs) reuses its frame table instead
  // of faulting in a new one: about 8% of a quick compare's CPU time.
  try {
    const ext = core.extensionsFor(strategy.name);
    const bnodeCache = new BnodeCache(core, ext);
    strategy.setup({ core, ext, bnodeCache }, strategy.params.parse(params) as Record<string, unknown>);
    bnodeCache.fillAtBoot();
    const misfit = (atNs: number): ReserveMisfit | null => {
      if (ext.reserveTotals.pages === 0) return null;
      const failed = core.alloc.stats.allocFailures > 0;
      const low = core.alloc.zones.find((z) => z.managedPages > 0 && z.nrFree < (z.wmark[WMARK_LOW] ?? 0));
      return failed || low ? { reserved: ext.reserveTotals.pages, failed, lowZone: low?.kind ?? null, atMs: atNs / 1e6 } : null;
    };
    const atBoot = misfit(0);
    if (atBoot !== null) return atBoot;
    return runQueueIdle(core, (scenario.run.warmup.ms + scenario.run.durationMs) * 1e6, misfit);
  } finally {
    core.release();
  }
}

/**
 * The core's deferred work run on an idle machine, as the event loop runs it
 * (EventQueue.runTopOn): a workqueue item waits for its CPU, which its
 * predecessors' cost keeps busy; an hrtimer runs at its time. Stops at the
 * first item after which `check` finds a misfit (returned), when the queue is
 * empty, past `untilNs`, or after MAX_PREFLIGHT_ITEMS items (null).
 */
function runQueueIdle(core: Core, untilNs: number, check: (atNs: number) => ReserveMisfit | null): ReserveMisfit | null {
  const { queue, alloc } = core;
  const busy = new Float64Array(core.config.machine.cpus);
  for (let n = 0; n < MAX_PREFLIGHT_ITEMS && queue.peekTime() <= untilNs; n++) {
    const at = queue.peekTime();
    if (!queue.runTopOn(busy, alloc.meter)) continue;
    const m = check(at);
    if (m !== null) return m;
  }
  return null;
}

/**
 * Pages a strategy holds in reserve (a dedicated pool, a page cache) must fit
 * in the machine, however they fill: the strategy's setup() on the scenario's
 * machine, and then the workers it queued (run with no workload until idle or
 * the run's length), must get every page they ask for and leave each zone at
 * or above its low watermark. Below it kswapd is already awake before the
 * first event, and a pool sized beyond memory simply stops filling: either way
 * the run would not measure what the parameters say.
 * Throws one InputError naming `file` and `where`, or `<where>.<param>` when
 * one parameter set away from its default is what makes the reserves too
 * large (with it at its default they fit). A setup() or worker that throws
 * anything else is a strategy's bug, not bad input: the check passes, and the
 * strategy's runs fail alone and say why.
 */
export function checkReservesFit(strategy: StrategyDefinition, params: Record<string, unknown>, scenario: Scenario, file: string, where: string): void {
  let m: ReserveMisfit | null;
  try {
    m = reserveMisfit(strategy, params, scenario);
  } catch (e) {
    if (e instanceof InputError) throw e;
    return;
  }
  if (m === null) return;
  const machine = coreConfigFor(scenario).machine;
  const managed = machine.zones.reduce((a, z) => a + z.managedPages, 0);
  const when = m.atMs === 0 ? 'at boot' : `by ${m.atMs.toFixed(3)} ms, its workers filling them`;
  fail(
    file,
    blamedParam(strategy, params, scenario, where),
    `reserves that fit in memory (${managed} pages on ${machine.cpus} CPUs, above the zones' low watermarks)`,
    m.failed ? `${m.reserved} pages taken ${when} before allocations failed` : `${m.reserved} pages taken ${when}, zone ${m.lowZone} left below its low watermark`,
  );
}

/**
 * `<where>.<param>` for the first parameter (in the schema's order) that is
 * not at its default and whose default makes the reserves fit; `where` when
 * there is none (the defaults do not fit either, or two parameters together
 * are too large).
 */
function blamedParam(strategy: StrategyDefinition, params: Record<string, unknown>, scenario: Scenario, where: string): string {
  const d = strategy.params.safeParse({});
  if (!d.success) return where;
  const defaults = d.data as Record<string, unknown>;
  for (const key of Object.keys(params)) {
    if (JSON.stringify(params[key]) === JSON.stringify(defaults[key])) continue;
    try {
      if (reserveMisfit(strategy, { ...params, [key]: defaults[key] }, scenario) === null) return `${where}.${key}`;
    } catch {
      // A setup that throws on the default is no evidence either way.
    }
  }
  return where;
}
