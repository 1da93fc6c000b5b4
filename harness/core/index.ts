/**
 * The allocator core's public API: what strategies (and the simulator) may use.
 * Strategies import from this file only.
 */
export { createCore, type Core, type CoreConfig } from './core.ts';
export { defineStrategy, oldestProfileFor, profilesFor, strategyAvailableOn, STRATEGY_CLAIMS, type StrategyAvailability, type StrategyClaims, type StrategyContext, type StrategyDefinition, type StrategyInstance } from './strategy-api.ts';
export { StrategyLock } from './strategy-lock.ts';
export type { LockType } from './locks.ts';
export { PROFILES, PROFILE_NAMES, PROFILE_VERSIONS, kernelAtLeast, type KernelProfile, type ProfileName } from './profile.ts';
export { Extensions, type StaticProperties } from './extension.ts';
export { Reserve } from './reserve.ts';
export { BnodeCache, FILL_PAGE_CACHE_GFP } from './bnode-cache.ts';
export { NIL } from './frames.ts';
export { PageAllocator, PCP_MISS_FAIL, PCP_MISS_REFILL, PCP_MISS_SKIP, ALLOC_HARDER, ALLOC_HIGH, ALLOC_PCPLIST_ONLY, ALLOC_TRYLOCK, ALLOC_WMARK_LOW, ALLOC_WMARK_MIN, ALLOC_NO_WATERMARKS } from './page-alloc.ts';
export { Zone, MIGRATE_MOVABLE, MIGRATE_PCPTYPES, MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE, WMARK_HIGH, WMARK_LOW, WMARK_MIN } from './zone.ts';
export * from './gfp.ts';
export { CTX_HARDIRQ, CTX_NMI, CTX_SOFTIRQ, CTX_TASK } from './context.ts';
export type { CostKey, CostTable } from './cost-table.ts';
export type { MachineSpec, MachineZoneSpec } from './machine-spec.ts';
