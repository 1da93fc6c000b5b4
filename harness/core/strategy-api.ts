/**
 * The contract between the harness and a strategy (one file per proposal in
 * strategies/). A strategy declares who proposed it and where, its parameters
 * (a zod object whose fields all have defaults), and a setup() that changes the
 * core only through the Extensions it is handed. What setup() registers is what
 * the harness reports as the strategy's static properties.
 *
 * The one thing every strategy provides is getPage(): the page kvfree_rcu()
 * asks for when it needs a new block of pointers and its own bnode cache is
 * empty. It is called with the krc lock (a raw_spinlock_t) held and IRQs off,
 * in the caller's context: exactly where the 2020 thread's problem sits.
 */
import type { z } from 'zod';
import type { Core } from './core.ts';
import type { BnodeCache } from './bnode-cache.ts';
import type { Extensions } from './extension.ts';
import { PROFILE_NAMES, kernelAtLeast, type ProfileName } from './profile.ts';

export interface StrategyContext {
  readonly core: Core;
  readonly ext: Extensions;
  /**
   * kvfree_rcu()'s own per-CPU block-page cache on this kernel (bnode-cache.ts):
   * the consumer pops it before it calls getPage() and refills it after a
   * grace period before putPage(). A strategy may change its capacity and
   * prefill in setup(), and refill it (startPageCacheWorker()).
   */
  readonly bnodeCache: BnodeCache;
}

export interface StrategyInstance {
  /** The kvfree_rcu() page request on `cpu` after a bnode-cache miss: a pfn, or NIL when no page comes. */
  getPage(cpu: number): number;
  /**
   * A block's page once its grace period has ended (kfree_rcu_work(), task
   * context) and the bnode cache was full. Default: free_page().
   */
  putPage?(cpu: number, pfn: number): void;
}

/**
 * What a strategy promises about its request path (getPage(), under the krc
 * raw lock), with its default parameters, in every built-in scenario. The
 * tests check each claim a strategy declares against the runs
 * (test/helpers/strategy-claims.ts): a claim can fail, it is not a label.
 */
export interface StrategyClaims {
  /**
   * getPage() never takes zone->lock, not even by trylock: the run's
   * zoneLockInLockless is 0.
   */
  readonly noZoneLockInRequest?: boolean;
}

/** The claim names a strategy may declare (the keys of StrategyClaims). */
export const STRATEGY_CLAIMS: readonly (keyof StrategyClaims)[] = ['noZoneLockInRequest'];

export interface StrategyDefinition<P extends Record<string, unknown> = Record<string, unknown>> {
  /** Name used by the CLI, results and reports (kebab-case). */
  readonly name: string;
  /** One-line title. */
  readonly title: string;
  /** Where it comes from: the thread message or the commit. */
  readonly origin: string;
  /** A paragraph: what it does and what the thread said for and against it. */
  readonly description: string;
  /** A design that came after the 2020 thread (shown apart in reports). */
  readonly later?: boolean;
  /**
   * The first kernel the design exists in, [major, minor] (e.g. [6, 15] for
   * alloc_pages_nolock()). On an older kernel profile the design is refused,
   * never moved to another kernel (strategyAvailableOn).
   */
  readonly sinceKernel?: readonly [number, number];
  /** Promises about the request path that the tests check (see StrategyClaims). */
  readonly claims?: StrategyClaims;
  /** Parameters: a zod object; every field must have a default. */
  readonly params: z.ZodType<P>;
  setup(ctx: StrategyContext, params: P): StrategyInstance;
}

export type StrategyAvailability = { ok: true } | { ok: false; reason: string };

/**
 * Whether `strategy` can exist on kernel `profile`. Callers may rely on: ok for
 * every strategy without sinceKernel; otherwise a reason of the form
 * "n/a (needs >= 6.15)", which tables print as is.
 */
export function strategyAvailableOn(strategy: Pick<StrategyDefinition, 'sinceKernel'>, profile: ProfileName): StrategyAvailability {
  const since = strategy.sinceKernel;
  if (!since || kernelAtLeast(profile, since[0], since[1])) return { ok: true };
  return { ok: false, reason: `n/a (needs >= ${since[0]}.${since[1]})` };
}

/** The profiles on which `strategy` exists, oldest first. */
export function profilesFor(strategy: Pick<StrategyDefinition, 'sinceKernel'>): ProfileName[] {
  return PROFILE_NAMES.filter((p) => strategyAvailableOn(strategy, p).ok);
}

/** The oldest profile a strategy exists on (for static properties and benches with no scenario). */
export function oldestProfileFor(strategy: Pick<StrategyDefinition, 'sinceKernel'>): ProfileName {
  return profilesFor(strategy)[0] ?? (PROFILE_NAMES[PROFILE_NAMES.length - 1] as ProfileName);
}

/** Identity function that gives a strategy file its types. */
export function defineStrategy<P extends Record<string, unknown>>(def: StrategyDefinition<P>): StrategyDefinition<P> {
  return def;
}
