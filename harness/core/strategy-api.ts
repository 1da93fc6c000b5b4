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
  /** The kernel profile the design exists in, if it needs one (e.g. '6.x'). */
  readonly requiresProfile?: '5.9' | '6.x';
  /** Parameters: a zod object; every field must have a default. */
  readonly params: z.ZodType<P>;
  setup(ctx: StrategyContext, params: P): StrategyInstance;
}

/** Identity function that gives a strategy file its types. */
export function defineStrategy<P extends Record<string, unknown>>(def: StrategyDefinition<P>): StrategyDefinition<P> {
  return def;
}
