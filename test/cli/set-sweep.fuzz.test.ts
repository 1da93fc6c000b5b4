/**
 * Bad `--set` and `--sweep` values: an assignment without a key or "=", an
 * unknown scenario path (a near-miss of a real one), a bad array index, a
 * value of the wrong type or out of range for a scenario field, a strategy
 * parameter or a cost key, a strategy name without a parameter, a bad range
 * or list. Each is answered with one clear InputError naming the option.
 *
 * The path is compare's: splitAssignment -> classify -> resolveCostTable
 * (cost.*), the strategy's own schema and the reserve check (<strategy>.*),
 * or applySet + checkScenarioStrategies (a scenario path); a sweep runs every
 * value of sweepValues through the same.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { classify, splitAssignment, sweepValues } from '../../harness/cli/set-values.ts';
import { COST_KEYS, resolveCostTable } from '../../harness/core/cost-table.ts';
import type { StrategyDefinition } from '../../harness/core/strategy-api.ts';
import { loadStrategies } from '../../harness/sim/strategy-registry.ts';
import { loadBuiltinScenario } from '../../harness/workload/builtin.ts';
import { checkReservesFit, checkScenarioStrategies, checkStrategyParams } from '../../harness/sim/preflight.ts';
import { scenarioFieldPaths, type Scenario } from '../../harness/workload/scenario-schema.ts';
import { applySet } from '../../harness/workload/scenario-set.ts';
import { FUZZ_RUNS, expectRejects, fuzz, labelled, nearMiss, triedVariants } from '../helpers/fuzz-helpers.ts';

let strategies: StrategyDefinition[] = [];
let names: string[] = [];
/** steady on a 256 MiB machine: a pool sized past it is found quickly. */
let base: Scenario;

beforeAll(async () => {
  strategies = await loadStrategies();
  names = strategies.map((s) => s.name);
  base = applySet(loadBuiltinScenario('steady'), 'machine.memoryMiB', '256', 'test setup');
});

/** One --set key=value (or one sweep point) through compare's path. */
function applyAssignment(key: string, raw: string, origin: string): void {
  const t = classify(key, raw, names, origin);
  if (t.kind === 'cost') {
    resolveCostTable({ [t.key]: t.value }, origin);
  } else if (t.kind === 'strategy') {
    const def = strategies.find((s) => s.name === t.strategy)!;
    const params = checkStrategyParams(def, { [t.param]: t.value }, origin, t.strategy);
    checkReservesFit(def, params, base, origin, t.strategy);
  } else {
    checkScenarioStrategies(applySet(base, t.key, t.raw, origin), strategies, origin);
  }
}

function readSet(text: string): void {
  const [k, v] = splitAssignment(text, '--set');
  applyAssignment(k, v, `--set ${k}=${v}`);
}

function readSweep(text: string): void {
  const [k, spec] = splitAssignment(text, '--sweep');
  const origin = `--sweep ${text}`;
  for (const v of sweepValues(spec, origin)) applyAssignment(k, v, origin);
}

// -- keys -------------------------------------------------------------------------------

const FIELD_PATHS = scenarioFieldPaths()
  .map((f) => f.path)
  .filter((p) => !p.startsWith('strategies'));
const KNOWN = new Set(FIELD_PATHS);
/** `machine.zones[].kind` -> `machine.zones.0.kind`: how a user writes it. */
const settable = (p: string): string => p.replace(/\[\]/g, '.0');
const normalize = (k: string): string => k.replace(/\[(\d+)\]/g, '.$1').replace(/\.\d+(?=\.|$)/g, '[]');

/** A scenario path with one segment misspelt (and so no path of the schema). */
const unknownPath = fc
  .constantFrom(...FIELD_PATHS)
  .chain((p) => {
    const segs = settable(p).split('.');
    return fc.integer({ min: 0, max: segs.length - 1 }).chain((i) =>
      (/^\d+$/.test(segs[i]!) ? fc.constant('x') : nearMiss(segs[i]!)).map((seg) => [...segs.slice(0, i), seg, ...segs.slice(i + 1)].join('.')),
    );
  })
  .filter((k) => {
    const head = k.split('.')[0]!;
    return !KNOWN.has(normalize(k).trim()) && head !== 'cost' && !names.includes(head) && !head.startsWith('strategies') && k.trim() !== '' && !/\.\s*$|^\s*\.|\.\s*\./.test(k);
  });

/** Scenario fields by the type of their value, and values no such field takes. */
const NUMBER_FIELDS = [
  'machine.cpus', 'machine.memoryMiB', 'machine.watermarkScaleFactor', 'machine.minFreeKbytes',
  'workload.kvfreeRcu.ratePerCpuPerSec', 'workload.kvfreeRcu.headlessShare', 'workload.kvfreeRcu.contexts.task', 'workload.kvfreeRcu.contexts.nmi',
  'workload.kvfreeRcu.rawLockHeldShare', 'workload.kvfreeRcu.irqsOffShare', 'workload.rcu.gracePeriodMs', 'workload.rcu.drainDelayMs', 'workload.rcu.blockEntries',
  'workload.background.allocsPerCpuPerSec', 'workload.background.gfpMix.GFP_KERNEL', 'workload.background.gfpMix.legacy0', 'workload.background.lifetimeMeanMs',
  'workload.background.contexts.hardirq', 'workload.background.remoteFreeShare', 'workload.background.orderMix.0', 'run.durationMs', 'run.seeds.0', 'run.seeds[1]',
];
const NUMBER_BAD = ['abc', 'true', 'false', '[]', '{}', '"5"', '-1', '-0.001', '-1e309', '1e309', 'NaN', 'Infinity', '', '0x10', '5 MiB', '{"a":1}'];
const BOOLEAN_FIELDS = ['kernel.preemptRt', 'kernel.lockdep', 'kernel.debugPagealloc', 'kernel.kasan', 'kernel.pageOwner', 'kernel.earlyBoot'];
const BOOLEAN_BAD = ['1', '0', 'yes', 'no', '"true"', 'TRUE', '[]', '{}', ''];
const ENUM_FIELDS: [string, string[]][] = [
  ['kernel.profile', ['5.11', '6', '"6"', 'true', 'linux', '']],
  ['kernel.arch', ['arm64', 'x86', '5', 'X86_64', '']],
];
/** Values no field takes at all. */
const ANY_BAD = ['{"a":1}', '[[[]]]', '{"":{}}'];
const OUT_OF_RANGE: [string, string[]][] = [
  ['machine.cpus', ['0', '1025', '1.5', '1e9']],
  ['machine.memoryMiB', ['63', '65537', '0', '1e12']],
  ['machine.watermarkScaleFactor', ['0', '3001', '2.5']],
  ['workload.kvfreeRcu.headlessShare', ['1.01', '2', '100']],
  ['workload.background.remoteFreeShare', ['1.5']],
  ['workload.rcu.blockEntries', ['0', '4097', '1.5']],
  ['workload.rcu.gracePeriodMs', ['0']],
  ['run.durationMs', ['0']],
  ['run.seeds', ['[]', '[1.5]', '[9007199254740993]', '5']],
  ['workload.kvfreeRcu.cpus', ['[4]', '[0,0]', '[-1]', '"some"', '[]x']],
  ['workload.kvfreeRcu.contexts', ['{"task":0}', '{}', '{"irq":1}']],
  ['machine.lowmemReserveRatio', ['[]', '[1]', '[1,2,3,4,5,6,7]']],
  ['machine.zones', ['[]', '[{"kind":"Normal"}]', '[{"kind":"X","managedPages":1}]']],
  ['workload.kvfreeRcu.burst', ['{"everyMs":1,"calls":100000}', '{"calls":1}', '{}']],
  ['workload.pressure', ['[{"startMs":5,"endMs":1}]', '[{"startMs":2000,"endMs":3000}]', '{}']],
  ['workload.trace', ['{"file":"no-such.kmem.txt"}', '{}']],
  ['workload.trace.file', ['no-such-file.csv']],
  ['workload.kvfreeRcu.burst.calls', ['5']],
  ['strategies', ['{"dedicated-pol":{}}', '[]', '5']],
  ['strategies.dedicated-pol', ['{}']],
  ['strategies.dedicated-pool', ['5', '{"poolPage":1}', '{"poolPages":-1}', '{"poolPages":1048576}']],
  ['strategies.dedicated-pool.poolPages', ['abc', '-1', '1.5', '70000']],
  ['strategies.status-quo.anything', ['1']],
];

const STRATEGY_BAD: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'dedicated-pool=5', 'dedicated-pool.=5', 'dedicated-pool. =5', 'status-quo.x=1', 'gfp-zero-mask.a=1', 'alloc-pages-nolock.b=2',
    'dedicated-pool.poolPages=abc', 'dedicated-pool.poolPages=-1', 'dedicated-pool.poolPages=1.5', 'dedicated-pool.poolPages=1048577',
    'dedicated-pool.poolPages=70000', 'dedicated-pool.poolPages=16385', 'dedicated-pool.poolPages=true', 'dedicated-pool.poolPages=[8]', 'dedicated-pool.poolPages=',
    'dedicated-pool.refillDelayMs=-5', 'dedicated-pool.recycle=yes', 'dedicated-pool.recycle=1', 'gfp-no-locks-bit.bit=0', 'gfp-no-locks-bit.bit=-8', 'gfp-no-locks-bit.moveNolockdep=maybe',
    'rcu-page-cache=1', 'lockless-entry.debugPagealloc=sometimes',
  ),
  // a misspelt parameter of a strategy that has parameters
  fc.constantFrom('poolPages', 'refillThreshold', 'refillDelayMs', 'recycle').chain(nearMiss).filter((p) => !['poolPages', 'refillThreshold', 'refillDelayMs', 'recycle'].includes(p.trim())).map((p) => `dedicated-pool.${p}=4`),
);

const COST_BAD: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('cost=5', 'cost.=5', 'cost. =5', 'cost.nope=1'),
  fc.constantFrom(...COST_KEYS).chain((k) => fc.constantFrom('abc', '-1', '[]', '{}', 'true', '', '-1e309', 'NaN').map((v) => `cost.${k}=${v}`)),
  fc.constantFrom(...COST_KEYS).chain(nearMiss).filter((k) => !(COST_KEYS as readonly string[]).includes(k.trim()) && k.trim() !== '').map((k) => `cost.${k}=10`),
);

/** A malformed --set text, and what is wrong with it. */
const badSet: fc.Arbitrary<string> = fc.oneof(
  // no "=", or no key before it
  fc.string({ maxLength: 30 }).filter((s) => !s.includes('=')),
  fc.tuple(fc.constantFrom('', ' ', '  ', '\t'), fc.string({ maxLength: 10 })).map(([k, v]) => `${k}=${v}`),
  // an unknown scenario path
  fc.tuple(unknownPath, fc.constantFrom('1', '0.5', 'true', 'x')).map(([k, v]) => `${k}=${v}`),
  // a bad key shape or index
  fc.constantFrom('.=1', '..=1', '[0]=1', 'run..durationMs=1', 'run.durationMs.x=1', 'run.seeds.9=1', 'run.seeds.x=1', 'machine.0=1', 'workload.pressure.3.startMs=1', 'machine.zones.5.kind=DMA', '0=1', 'run[0]=1'),
  // the wrong type for a field
  fc.tuple(fc.constantFrom(...NUMBER_FIELDS), fc.constantFrom(...NUMBER_BAD)).map(([k, v]) => `${k}=${v}`),
  fc.tuple(fc.constantFrom(...BOOLEAN_FIELDS), fc.constantFrom(...BOOLEAN_BAD)).map(([k, v]) => `${k}=${v}`),
  fc.constantFrom(...ENUM_FIELDS).chain(([k, vs]) => fc.constantFrom(...vs).map((v) => `${k}=${v}`)),
  fc.tuple(fc.constantFrom(...FIELD_PATHS.map(settable)), fc.constantFrom(...ANY_BAD)).map(([k, v]) => `${k}=${v}`),
  // out of range or inconsistent
  fc.constantFrom(...OUT_OF_RANGE).chain(([k, vs]) => fc.constantFrom(...vs).map((v) => `${k}=${v}`)),
  // strategy parameters and cost keys
  STRATEGY_BAD,
  COST_BAD,
  // a pool larger than the machine (256 MiB, 4 CPUs: 16384 pages per CPU at most), or than the parameter's maximum
  fc.tuple(fc.constantFrom('dedicated-pool.poolPages', 'strategies.dedicated-pool.poolPages'), fc.integer({ min: 16385, max: 2 ** 21 })).map(([k, n]) => `${k}=${n}`),
);

/** A malformed --sweep text. */
const badSweep: fc.Arbitrary<string> = fc.oneof(
  // a bad range or list
  fc
    .tuple(
      fc.constantFrom('dedicated-pool.poolPages', 'run.durationMs', 'cost.lockHandoff', 'workload.kvfreeRcu.headlessShare'),
      fc.constantFrom('5..2', 'a..b', '1..', '..5', '1...5', '-1..5', '1.5..3', '0..1e3', '', ',', '1,,2', '1,', ',1', ' , ', '1,1', '4,8,4', '0..99999999999999999999', '2..x', '..'),
    )
    .map(([k, spec]) => `${k}=${spec}`),
  // no "=" or no key
  fc.string({ maxLength: 20 }).filter((s) => !s.includes('=')),
  fc.constantFrom('=1,2', ' =0..4'),
  // good lists with a bad value among them, or a bad key
  fc.constantFrom<[string, string[]]>(
    ['machine.cpus', ['1,0', '2,-1', '1,abc', '0.5,2', '4,1025']],
    ['run.durationMs', ['1,0', '2,-1', '1,abc', '10,[]']],
    ['workload.kvfreeRcu.headlessShare', ['0.5,2', '1,abc', '0,-0.1']],
  ).chain(([k, specs]) => fc.constantFrom(...specs).map((spec) => `${k}=${spec}`)),
  fc.constantFrom('dedicated-pool.poolPages=4,abc', 'dedicated-pool.poolPage=1,2', 'dedicated-pool=1,2', 'cost.lockHandof=1,2', 'cost.lockHandoff=1,-2', 'machine.cpu=1,2', 'run.seeds.7=1,2'),
  fc.tuple(unknownPath, fc.constantFrom('1,2', '0..8')).map(([k, spec]) => `${k}=${spec}`),
);

describe('--set and --sweep: malformed values get one clear InputError', () => {
  it('good --set and --sweep values pass (the generators start from valid keys)', () => {
    for (const t of ['workload.kvfreeRcu.headlessShare=0.5', 'run.seeds.1=7', 'dedicated-pool.poolPages=16', 'cost.lockHandoff=40', 'run.seeds=[1,2]', 'strategies.dedicated-pool.poolPages=8', 'kernel.profile=6.x']) {
      expect(() => readSet(t), t).not.toThrow();
    }
    expect(() => readSweep('dedicated-pool.poolPages=0..64')).not.toThrow();
    expect(() => readSweep('run.durationMs=10,20')).not.toThrow();
    expect(sweepValues('0..64', 'x')).toEqual(['0', '1', '2', '4', '8', '16', '32', '64']);
  });

  it(`${FUZZ_RUNS['set and sweep']} malformed --set and --sweep values`, () => {
    const sets = Math.round(FUZZ_RUNS['set and sweep'] * 0.65);
    fuzz('set and sweep', badSet.map((t) => labelled({ t }, `--set ${JSON.stringify(t)}`)), ({ t }) => {
      expectRejects(() => readSet(t), '--set', `--set ${JSON.stringify(t)}`);
    }, sets);
    fuzz('set and sweep', badSweep.map((t) => labelled({ t }, `--sweep ${JSON.stringify(t)}`)), ({ t }) => {
      expectRejects(() => readSweep(t), '--sweep', `--sweep ${JSON.stringify(t)}`);
    }, FUZZ_RUNS['set and sweep'] - sets);
    expect(triedVariants('set and sweep')).toBeGreaterThanOrEqual(FUZZ_RUNS['set and sweep']);
  });
});
