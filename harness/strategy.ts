/**
 * The public strategy API, `nolock-bench/strategy` (package.json "exports"):
 * everything a strategy file imports, and nothing else it needs. A file
 * anywhere on disk may
 *
 *   import { defineStrategy, z, GFP_KERNEL, NIL } from 'nolock-bench/strategy';
 *
 * and run with `compare --strategy-file` (the CLI maps the name, and a bare
 * 'zod', to this repository's copies: sim/strategy-resolver.ts). Files inside
 * the repository may import this file by its path. `z` is this repository's
 * zod, so a strategy's parameter schema is the one the harness validates with
 * and a strategy file needs no zod of its own. See strategies/README.md.
 */
export { z } from 'zod';

// The contract.
export {
  defineStrategy,
  kernelAtLeast,
  STRATEGY_CLAIMS,
  type StrategyClaims,
  type StrategyContext,
  type StrategyDefinition,
  type StrategyInstance,
} from './core/index.ts';

// What setup() is handed, and what its calls return.
export type { BnodeCache, Core, CoreConfig, CostKey, Extensions, LockType, PageAllocator, ProfileName, Reserve, StrategyLock, Zone } from './core/index.ts';

// Constants: no page, execution contexts, pcp-miss verdicts, alloc_flags, migratetypes, watermarks.
export {
  NIL,
  CTX_HARDIRQ,
  CTX_NMI,
  CTX_SOFTIRQ,
  CTX_TASK,
  PCP_MISS_FAIL,
  PCP_MISS_REFILL,
  PCP_MISS_SKIP,
  ALLOC_HARDER,
  ALLOC_HIGH,
  ALLOC_NO_WATERMARKS,
  ALLOC_PCPLIST_ONLY,
  ALLOC_TRYLOCK,
  ALLOC_WMARK_LOW,
  ALLOC_WMARK_MIN,
  MIGRATE_MOVABLE,
  MIGRATE_PCPTYPES,
  MIGRATE_RECLAIMABLE,
  MIGRATE_UNMOVABLE,
  WMARK_HIGH,
  WMARK_LOW,
  WMARK_MIN,
  FILL_PAGE_CACHE_GFP,
} from './core/index.ts';

// The GFP flags (GFP_KERNEL, __GFP_NOWARN, ...), parseGfp() and the GFP registry's types.
export * from './core/gfp.ts';
