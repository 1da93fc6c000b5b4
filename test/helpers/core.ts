/** Test helpers: a small core with one strategy set up, and the kvfree_rcu request context. */
import { BnodeCache } from '../../harness/core/bnode-cache.ts';
import { CTX_TASK, createCore, type Core, type StrategyDefinition, type StrategyInstance } from '../../harness/core/index.ts';
import { DEFAULT_COST_TABLE } from '../../harness/core/cost-table.ts';
import type { Extensions } from '../../harness/core/extension.ts';
import type { Arch } from '../../harness/core/post-alloc-hook.ts';

export interface SmallCoreOptions {
  profile?: '5.9' | '7.2';
  lockdep?: boolean;
  preemptRt?: boolean;
  cpus?: number;
  pages?: number;
  debugPagealloc?: boolean;
  kasan?: boolean;
  pageOwner?: boolean;
  arch?: Arch;
  /** Fill kvfree_rcu()'s bnode cache at boot after setup() when its settings say so (kfree_rcu_batch_init()); default false: empty caches. */
  bootFill?: boolean;
}

export function smallCore(o: SmallCoreOptions = {}): Core {
  return createCore({
    profile: o.profile ?? '5.9',
    costs: DEFAULT_COST_TABLE,
    lockdep: o.lockdep ?? false,
    preemptRt: o.preemptRt ?? false,
    debug: { debugPagealloc: o.debugPagealloc ?? false, kasan: o.kasan ?? false, pageOwner: o.pageOwner ?? false, arch: o.arch ?? 'x86_64', pageOwnerNewStackPeriod: 64 },
    machine: { cpus: o.cpus ?? 2, minFreeKbytes: 1024, watermarkScaleFactor: 10, lowmemReserveRatio: [32], zones: [{ kind: 'Normal', managedPages: o.pages ?? 16384 }] },
  });
}

export interface Setup {
  core: Core;
  ext: Extensions;
  inst: StrategyInstance;
  /** kvfree_rcu()'s own bnode cache (empty unless bootFill). */
  cache: BnodeCache;
  /**
   * A page request as kvfree_rcu() makes it: on `cpu`, IRQs off, the raw
   * krcp->lock held, get_cached_bnode() first, then the strategy's getPage.
   */
  request(cpu?: number, time?: number, ctx?: number): number;
  /** kfree_rcu_work() giving a block's page back: put_cached_bnode(), else putPage / free_page(). */
  putPage(cpu: number, pfn: number, time?: number): void;
}

export function setupStrategy(s: StrategyDefinition, params: Record<string, unknown> = {}, o: SmallCoreOptions = {}): Setup {
  const core = smallCore(o);
  const ext = core.extensionsFor(s.name);
  const cache = new BnodeCache(core, ext);
  const inst = s.setup({ core, ext, bnodeCache: cache }, s.params.parse(params) as Record<string, unknown>);
  if (o.bootFill) cache.fillAtBoot();
  const krc = core.alloc.locks.define('krcp->lock', 'raw_spinlock_t');
  return {
    core,
    ext,
    inst,
    cache,
    request(cpu = 0, time = 0, ctx = CTX_TASK) {
      const a = core.alloc;
      a.beginOp(cpu, ctx, true, time);
      a.locks.acquire(krc, time);
      let pfn = cache.get(cpu);
      if (pfn === -1) pfn = inst.getPage(cpu);
      a.locks.release(krc, a.meter.now());
      return pfn;
    },
    putPage(cpu, pfn, time = 0) {
      const a = core.alloc;
      a.beginOp(cpu, CTX_TASK, false, time);
      if (cache.put(cpu, pfn)) return;
      if (inst.putPage) inst.putPage(cpu, pfn);
      else a.freePages(pfn, 0);
    },
  };
}

/** Empties CPU `cpu`'s pcplists back to the buddy (drain_pages). */
export function drainCpu(core: Core, cpu = 0): void {
  const a = core.alloc;
  a.beginOp(cpu, CTX_TASK, false, 0);
  for (const z of a.zones) a.pcp.drainZone(cpu, z);
}
