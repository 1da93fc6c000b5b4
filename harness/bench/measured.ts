/**
 * Measured cost (JS nanoseconds on this machine, with tinybench) of the
 * model's own code paths, per strategy: the ordinary order-0 fast path
 * (alloc+free through the pcplist) and the lockless request (getPage and give
 * the page back). This measures the simulator, not a kernel: it is reported
 * apart from the modelled (virtual ns) costs and never mixed with them.
 */
import { BnodeCache } from '../core/bnode-cache.ts';
import { Bench } from 'tinybench';
import { CTX_TASK } from '../core/context.ts';
import { DEFAULT_COST_TABLE } from '../core/cost-table.ts';
import { createCore, GFP_KERNEL, NIL, oldestProfileFor, type StrategyDefinition } from '../core/index.ts';
import type { Measured } from '../results/schema.ts';

const OPS_PER_ITERATION = 1000;

function setup(strategy: StrategyDefinition) {
  const core = createCore({
    profile: oldestProfileFor(strategy),
    costs: DEFAULT_COST_TABLE,
    lockdep: false,
    preemptRt: false,
    debug: { debugPagealloc: false, kasan: false, pageOwner: false, arch: 'x86_64', pageOwnerNewStackPeriod: 64 },
    machine: { cpus: 2, minFreeKbytes: 16384, watermarkScaleFactor: 10, lowmemReserveRatio: [256, 32], zones: [{ kind: 'DMA32', managedPages: 262144 }, { kind: 'Normal', managedPages: 262144 }] },
  });
  const ext = core.extensionsFor(strategy.name);
  const inst = strategy.setup({ core, ext, bnodeCache: new BnodeCache(core, ext) }, strategy.params.parse({}) as Record<string, unknown>);
  return { core, inst };
}

/** Runs the two tasks for each strategy; `timeMs` is tinybench's time budget per task. */
export async function measureStrategies(strategies: readonly StrategyDefinition[], timeMs: number): Promise<Measured[]> {
  const bench = new Bench({ time: timeMs, warmupTime: Math.min(50, timeMs / 2) });
  for (const s of strategies) {
    const fast = setup(s);
    bench.add(`${s.name}|ordinary-fast-path`, () => {
      const a = fast.core.alloc;
      a.beginOp(0, CTX_TASK, false, 0);
      for (let i = 0; i < OPS_PER_ITERATION; i++) {
        const pfn = a.allocPages(GFP_KERNEL, 0);
        if (pfn !== NIL) a.freePages(pfn, 0);
      }
    });
    const req = setup(s);
    bench.add(`${s.name}|lockless-request`, () => {
      const a = req.core.alloc;
      for (let i = 0; i < OPS_PER_ITERATION; i++) {
        a.beginOp(0, CTX_TASK, true, 0);
        const pfn = req.inst.getPage(0);
        if (pfn === NIL) continue;
        if (req.inst.putPage) req.inst.putPage(0, pfn);
        else a.freePages(pfn, 0);
      }
    });
  }
  await bench.run();
  const out: Measured[] = [];
  for (const task of bench.tasks) {
    const [strategy, kind] = task.name.split('|') as [string, Measured['task']];
    const r = task.result;
    if (!('latency' in r)) continue;
    const lat = r.latency;
    out.push({ strategy, task: kind, nsPerOp: (lat.mean * 1e6) / OPS_PER_ITERATION, rmePct: lat.rme, samples: lat.samplesCount });
  }
  return out;
}
