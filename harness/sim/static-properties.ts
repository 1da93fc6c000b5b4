/**
 * A strategy's static properties (the GFP bits it consumes, the locks it
 * defines, what it reserves...), as its extension describes them after
 * setup(): results.json records them once per strategy.
 */
import { BnodeCache } from '../core/bnode-cache.ts';
import { resolveCostTable } from '../core/cost-table.ts';
import { createCore, oldestProfileFor, type StaticProperties, type StrategyDefinition } from '../core/index.ts';

/**
 * Static properties as registered under the thread's config (5.9 +
 * CONFIG_LOCKDEP), or the oldest kernel the strategy exists on. Boots a small
 * throw-away core (1 CPU, 8,192 pages) and runs the strategy's setup() with
 * `params` parsed by its schema; runs no event. A setup that throws, throws.
 */
export function staticPropertiesOf(strategy: StrategyDefinition, params: Record<string, unknown>): StaticProperties {
  const core = createCore({
    profile: oldestProfileFor(strategy),
    costs: resolveCostTable({}),
    lockdep: true,
    preemptRt: false,
    debug: { debugPagealloc: false, kasan: false, pageOwner: false, arch: 'x86_64', pageOwnerNewStackPeriod: 64 },
    machine: { cpus: 1, minFreeKbytes: 1024, watermarkScaleFactor: 10, lowmemReserveRatio: [32], zones: [{ kind: 'Normal', managedPages: 8192 }] },
  });
  const ext = core.extensionsFor(strategy.name);
  strategy.setup({ core, ext, bnodeCache: new BnodeCache(core, ext) }, strategy.params.parse(params) as Record<string, unknown>);
  return ext.describe();
}
