/**
 * Bad scenario files: every built-in scenario, mutated (a wrong type, an
 * out-of-range value, a field left out, an unknown key with a near-miss
 * name, a strategy parameter the strategy or the machine refuses, truncated
 * text, bytes that are not JSON), is answered with exactly one clear
 * InputError naming the file: parseJsonText + parseScenario +
 * checkScenarioStrategies on text in memory, and loadScenario on files.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StrategyDefinition } from '../../harness/core/strategy-api.ts';
import { loadStrategies } from '../../harness/sim/strategy-registry.ts';
import { BUILTIN_SCENARIO_DIR, BUILTIN_SCENARIOS } from '../../harness/workload/builtin.ts';
import { checkScenarioStrategies } from '../../harness/sim/preflight.ts';
import { parseJsonText } from '../../harness/util/json-text.ts';
import { scenarioFieldPaths } from '../../harness/workload/scenario-schema.ts';
import { loadScenario, parseScenario } from '../../harness/workload/scenario.ts';
import { FUZZ_RUNS, binaryText, expectRejects, fuzz, labelled, nearMiss, show, triedVariants } from '../helpers/fuzz-helpers.ts';
import { allPaths, clone, dotted, getAt, isObject, schemaPath, setAt, type Json, type Path } from '../helpers/fuzz-json-paths.ts';

interface Base {
  readonly name: string;
  /** Absolute path: relative paths inside (trace-replay's trace) resolve against it. */
  readonly file: string;
  readonly text: string;
  readonly json: Record<string, Json>;
}

const BASES: Base[] = BUILTIN_SCENARIOS.map((name) => {
  const file = join(BUILTIN_SCENARIO_DIR, `${name}.json`);
  const text = readFileSync(file, 'utf8');
  return { name, file, text, json: JSON.parse(text) as Record<string, Json> };
});

/** Keys of each object in the schema: "" (top level), "machine", "machine.zones[]", ... */
const KNOWN_KEYS = new Map<string, Set<string>>();
for (const { path } of scenarioFieldPaths()) {
  const m = /^(?:(.*)\.)?([^.]+)$/.exec(path)!;
  const parent = m[1] ?? '';
  if (!KNOWN_KEYS.has(parent)) KNOWN_KEYS.set(parent, new Set());
  KNOWN_KEYS.get(parent)!.add(m[2]!);
}

let strategies: StrategyDefinition[] = [];
beforeAll(async () => {
  strategies = await loadStrategies();
});

/** A variant: the text of the scenario file and what was done to it. */
interface Variant {
  readonly base: Base;
  readonly text: string;
  readonly what: string;
}

const cpusOf = (s: Json): number => (getAt(s, ['machine', 'cpus']) as number | undefined) ?? 4;
const durationOf = (s: Json): number => (getAt(s, ['run', 'durationMs']) as number | undefined) ?? 1000;

// -- mutations on the parsed object -------------------------------------------------

type Mutation = (s: Record<string, Json>, k: number) => string;
const pick = <T,>(xs: readonly T[], k: number): T => xs[k % xs.length]!;

/** A value of another type than `v` that the schema cannot take where `v` was. */
function wrongTypeFor(v: Json, k: number): Json {
  if (typeof v === 'number') return pick<Json>(['NaN', 'Infinity', '-Infinity', '1e999', '0x10', '', '12abc', '5', true, false, [], {}, [1], { value: 1 }, null], k);
  if (typeof v === 'boolean') return pick<Json>([0, 1, 'true', 'false', 'yes', [], {}, null], k);
  if (typeof v === 'string') return pick<Json>([0, 1, -1, 5.9, true, false, {}, { x: 1 }, [1], null], k);
  if (Array.isArray(v)) return pick<Json>([0, 7, true, 'x', 'none', 'ALL', {}, { 0: 1 }], k);
  return pick<Json>([0, true, 'x', 'all', [], [1], 'null'], k);
}

/** Fields that take null: a null there is valid, not a wrong type. */
const NULLABLE = /(^|\.)(zones|minFreeKbytes|lowmemReserveRatio|zoneinfo|buddyinfo|watermarkScaleFactor|burst|rampMs|userspaceFlood|endMs|trace|format)$/;

const wrongType = (path: Path): Mutation => (s, k) => {
  const v = getAt(s, path)!;
  let w = wrongTypeFor(v, k);
  if (w === null && NULLABLE.test(schemaPath(path))) w = 'null';
  setAt(s, path, w);
  return `${dotted(path)}: ${show(v)} -> ${show(w)}`;
};

/** Values out of range, by field; `k` picks one. Each names a field the schema or the cross-field checks bound. */
const OUT_OF_RANGE: [string, Mutation][] = [
  ['machine.cpus', (s, k) => { const v = pick([0, -1, 1.5, 1025, 1e9, -0.5], k); setAt(s, ['machine', 'cpus'], v); return `machine.cpus = ${v}`; }],
  ['machine.memoryMiB', (s, k) => { const v = pick([0, -1, 63, 65537, 1e12, 63.99], k); setAt(s, ['machine', 'memoryMiB'], v); return `machine.memoryMiB = ${v}`; }],
  ['machine.watermarkScaleFactor', (s, k) => { const v = pick([0, -1, 3001, 2.5], k); setAt(s, ['machine', 'watermarkScaleFactor'], v); return `watermarkScaleFactor = ${v}`; }],
  ['machine.minFreeKbytes', (s, k) => { const v = pick([-1, 0.5, -1e9], k); setAt(s, ['machine', 'minFreeKbytes'], v); return `minFreeKbytes = ${v}`; }],
  ['machine.lowmemReserveRatio', (s, k) => {
    const zones = getAt(s, ['kernel', 'arch']) === 'powerpc' ? 2 : 5;
    const v = pick<number[]>([[], Array(zones + 1).fill(32), [32], [-1, ...Array(zones - 1).fill(0)], Array(7).fill(0), [1.5, ...Array(zones - 1).fill(0)]], k);
    setAt(s, ['machine', 'lowmemReserveRatio'], v);
    return `lowmemReserveRatio = ${show(v)}`;
  }],
  ['machine.zones', (s, k) => {
    const mem = getAt(s, ['machine', 'memoryMiB']) as number | undefined;
    const v = pick<Json>([
      [],
      [{ kind: 'Normal' }],
      [{ kind: 'Normal', managedPages: 1000, memoryMiB: 4 }],
      [{ kind: 'Normal', managedPages: 100000 }, { kind: 'DMA', managedPages: 3000 }],
      [{ kind: 'Normal', managedPages: 100000 }, { kind: 'Normal', managedPages: 1000 }],
      [{ kind: 'Bogus', managedPages: 1000 }],
      [{ kind: 'normal', managedPages: 1000 }],
      [{ kind: 'Normal', managedPages: -1 }],
      [{ kind: 'Normal', managedPages: 1.5 }],
      [{ kind: 'Normal', memoryMiB: (mem ?? 65536) + 1 }],
      [{ kind: 'Normal', managedPages: 1000, extra: 1 }],
    ], k);
    setAt(s, ['machine', 'zones'], v);
    return `machine.zones = ${show(v)}`;
  }],
  ['kernel', (s, k) => {
    const [f, v] = pick<[string, Json]>([['profile', '5.11'], ['profile', '6'], ['profile', ''], ['arch', 'arm64'], ['arch', 'x86'], ['preemptRt', 'yes'], ['lockdep', 1]], k);
    setAt(s, ['kernel', f], v);
    return `kernel.${f} = ${show(v)}`;
  }],
  ['workload.kvfreeRcu rates and shares', (s, k) => {
    const [f, v] = pick<[string, number]>([['ratePerCpuPerSec', -1], ['ratePerCpuPerSec', -1e-9], ['headlessShare', -0.1], ['headlessShare', 1.0001], ['headlessShare', 2], ['rawLockHeldShare', 100], ['irqsOffShare', -1]], k);
    setAt(s, ['workload', 'kvfreeRcu', f], v);
    return `workload.kvfreeRcu.${f} = ${v}`;
  }],
  ['CPU sets', (s, k) => {
    const cpus = cpusOf(s);
    const where = pick<Path>([['workload', 'kvfreeRcu', 'cpus'], ['workload', 'background', 'cpus']], k);
    const v = pick<Json>([[cpus], [0, 0], [-1], [1.5], ['0'], [cpus + 100], [1024]], k >> 1);
    setAt(s, where, v);
    return `${dotted(where)} = ${show(v)} on ${cpus} CPUs`;
  }],
  ['workload.kvfreeRcu.contexts', (s, k) => {
    const rate = (getAt(s, ['workload', 'kvfreeRcu', 'ratePerCpuPerSec']) as number | undefined) ?? 20000;
    const v = pick<Json>([{ task: -1 }, { task: 0.5, irq: 0.5 }, { Task: 1 }, ...(rate > 0 ? [{ task: 0, softirq: 0, hardirq: 0, nmi: 0 }, {}] : [])], k);
    setAt(s, ['workload', 'kvfreeRcu', 'contexts'], v);
    return `kvfreeRcu.contexts = ${show(v)} (rate ${rate})`;
  }],
  ['workload.kvfreeRcu.burst', (s, k) => {
    const cpus = cpusOf(s);
    const v = pick<Json>([
      { everyMs: 0, calls: 1 },
      { everyMs: 1, calls: 0 },
      { calls: 10 },
      { everyMs: 10 },
      { everyMs: 1, calls: 100000, spacingNs: 50 },
      { everyMs: 10, calls: 10, context: 'irq' },
      { everyMs: 10, calls: 10, cpus: [cpus] },
      { everyMs: 10, calls: 1.5 },
      { everyMs: -10, calls: 10 },
      { everyMs: 10, calls: 10, startMs: -1 },
    ], k);
    setAt(s, ['workload', 'kvfreeRcu', 'burst'], v);
    return `kvfreeRcu.burst = ${show(v)}`;
  }],
  ['workload.rcu', (s, k) => {
    const [f, v] = pick<[string, number]>([['gracePeriodMs', 0], ['gracePeriodMs', -1], ['drainDelayMs', -1], ['blockEntries', 0], ['blockEntries', 4097], ['blockEntries', 1.5]], k);
    setAt(s, ['workload', 'rcu', f], v);
    return `workload.rcu.${f} = ${v}`;
  }],
  ['workload.background', (s, k) => {
    const [f, v] = pick<[string, Json]>([
      ['allocsPerCpuPerSec', -1],
      ['lifetimeMeanMs', 0],
      ['lifetimeMeanMs', -3],
      ['orderMix', []],
      ['orderMix', [-1]],
      ['orderMix', Array(12).fill(0.1)],
      ['remoteFreeShare', 1.5],
      ['gfpMix', { GFP_KERNEL: -1 }],
      ['gfpMix', { GFP_KERNL: 1 }],
      ['contexts', { softirq: -0.5 }],
    ], k);
    setAt(s, ['workload', 'background', f], v);
    return `workload.background.${f} = ${show(v)}`;
  }],
  ['workload.pressure', (s, k) => {
    const d = durationOf(s);
    const v = pick<Json>([
      [{ startMs: 10, endMs: 5 }],
      [{ startMs: 10, endMs: 10 }],
      [{ startMs: 0, endMs: d / 2 }, { startMs: d / 4, endMs: d }],
      [{ startMs: d, endMs: d + 1 }],
      [{ startMs: 0, endMs: 10, rampMs: 20 }],
      [{ startMs: 0, endMs: 10, factor: 0 }],
      [{ startMs: 0, endMs: 10, targetFreeOf: 'max' }],
      [{ startMs: -1, endMs: 10 }],
      [{ endMs: 10 }],
      [{ startMs: 0 }],
      { startMs: 0, endMs: 10 },
    ], k);
    setAt(s, ['workload', 'pressure'], v);
    return `workload.pressure = ${show(v)} (duration ${d})`;
  }],
  ['workload.userspaceFlood', (s, k) => {
    const v = pick<Json>([{ endMs: 0 }, { startMs: 100, endMs: 50 }, { callsPerSec: -1 }, { cpus: [cpusOf(s)] }, { headlessShare: 3 }, { cpus: 'some' }], k);
    setAt(s, ['workload', 'userspaceFlood'], v);
    return `workload.userspaceFlood = ${show(v)}`;
  }],
  ['workload.trace', (s, k) => {
    const v = pick<Json>([{ file: 'no-such-trace.kmem.txt' }, { file: '' }, { format: 'kmem' }, { file: '../traces/sample.kmem.txt', format: 'pcap' }, { file: '../traces/sample.kmem.txt', offsetMs: -1 }, { file: '../traces/sample.kmem.txt', loop: 'yes' }], k);
    setAt(s, ['workload', 'trace'], v);
    return `workload.trace = ${show(v)}`;
  }],
  ['run', (s, k) => {
    const [f, v] = pick<[string, Json]>([['durationMs', 0], ['durationMs', -1], ['seeds', []], ['seeds', [-1]], ['seeds', [1.5]], ['seeds', [2 ** 53]], ['seeds', ['1']]], k);
    setAt(s, ['run', f], v);
    return `run.${f} = ${show(v)}`;
  }],
  ['top level', (s, k) => {
    const [f, v] = pick<[string, Json]>([['name', ''], ['name', 7], ['description', null], ['strategies', []], ['strategies', 'dedicated-pool']], k);
    setAt(s, [f], v);
    return `${f} = ${show(v)}`;
  }],
  ['strategies (names and shapes)', (s, k) => {
    const v = pick<Json>([
      { 'dedicated-pol': {} },
      { 'Dedicated-Pool': { poolPages: 4 } },
      { 'no-such-strategy': {} },
      { '': {} },
      { 'dedicated-pool': 5 },
      { 'dedicated-pool': 'poolPages=4' },
      { 'dedicated-pool': [4] },
      { 'dedicated-pool': null },
    ], k);
    setAt(s, ['strategies'], v);
    return `strategies = ${show(v)}`;
  }],
  ['strategies (parameters)', (s, k) => {
    const v = pick<Json>([
      { 'dedicated-pool': { poolPage: 4 } },
      { 'dedicated-pool': { poolPages: -1 } },
      { 'dedicated-pool': { poolPages: 'abc' } },
      { 'dedicated-pool': { poolPages: 2.5 } },
      { 'dedicated-pool': { recycle: 'yes' } },
      { 'dedicated-pool': { refillDelayMs: -5 } },
      { 'status-quo': { anything: 1 } },
      { 'gfp-no-locks-bit': { bit: 0 } },
    ], k);
    setAt(s, ['strategies'], v);
    return `strategies = ${show(v)}`;
  }],
  ['strategies (a pool larger than memory)', (s, k) => {
    // A small machine keeps the check quick; the pool is sized just past it (or past the parameter's own maximum).
    const mem = pick([64, 256, 1024], k);
    const cpus = cpusOf(s);
    const managed = mem * 256;
    const poolPages = pick([Math.ceil(managed / cpus) + 1, managed, 2 ** 20, 2 ** 20 + 1], k >> 2);
    setAt(s, ['machine', 'memoryMiB'], mem);
    setAt(s, ['strategies'], { 'dedicated-pool': { poolPages } });
    return `dedicated-pool.poolPages = ${poolPages} on ${cpus} CPUs and ${mem} MiB`;
  }],
];

/** A required field left out (burst, pressure phases, trace, zones); added with the field missing when the scenario has none. */
const DROP_REQUIRED: Mutation = (s, k) => {
  const choices: [Path, Json, string][] = [
    [['workload', 'kvfreeRcu', 'burst'], (getAt(s, ['workload', 'kvfreeRcu', 'burst']) as Json) ?? { everyMs: 50, calls: 100 }, pick(['everyMs', 'calls'], k)],
    [['workload', 'pressure', 0], (getAt(s, ['workload', 'pressure', 0]) as Json) ?? { startMs: 10, endMs: 20 }, pick(['startMs', 'endMs'], k)],
    [['workload', 'trace'], (getAt(s, ['workload', 'trace']) as Json) ?? { file: 'x.kmem.txt' }, 'file'],
    [['machine', 'zones', 0], { kind: 'Normal', managedPages: 1000 }, 'kind'],
  ];
  const [path, obj, field] = pick(choices, k >> 1);
  const o = clone(obj) as Record<string, Json>;
  delete o[field];
  if (path[path.length - 1] === 0 && !Array.isArray(getAt(s, path.slice(0, -1)))) setAt(s, path.slice(0, -1), []);
  setAt(s, path, o);
  return `${dotted(path)} without ${field}: ${show(o)}`;
};

/** An unknown key: a near-miss of a key of that object, or any other string. */
function unknownKey(objectPath: Path, key: string, value: Json): Mutation {
  return (s) => {
    const known = KNOWN_KEYS.get(schemaPath(objectPath)) ?? new Set<string>();
    if (known.has(key)) return '';
    const target = objectPath.length === 0 ? s : getAt(s, objectPath);
    if (!isObject(target)) setAt(s, objectPath, { [key]: value });
    else target[key] = value;
    return `unknown key ${JSON.stringify(key)} in ${dotted(objectPath) || '(top level)'}`;
  };
}

// -- arbitraries -------------------------------------------------------------------

const baseArb = fc.constantFrom(...BASES);

/** Paths of objects in a scenario where a near-miss key can go (records like `strategies` take any name: left out). */
function objectPaths(json: Json): { path: Path; keys: string[] }[] {
  const out = [{ path: [] as Path, keys: Object.keys(json as object) }];
  for (const { path, value } of allPaths(json)) if (isObject(value) && path[0] !== 'strategies') out.push({ path, keys: Object.keys(value) });
  return out;
}

const mutatedObject: fc.Arbitrary<Variant> = baseArb.chain((base) => {
  const leafPaths = allPaths(base.json).map((p) => p.path);
  const objects = objectPaths(base.json);
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...leafPaths).map(wrongType) },
    { weight: 5, arbitrary: fc.constantFrom(...OUT_OF_RANGE).map(([, m]) => m) },
    { weight: 1, arbitrary: fc.constant(DROP_REQUIRED) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(...objects).chain(({ path, keys }) =>
        fc
          .oneof(
            keys.length > 0 ? fc.constantFrom(...keys).chain(nearMiss) : fc.constant('x'),
            fc.string({ minLength: 1, maxLength: 12 }),
            fc.constantFrom('\n', 'a\nb', 'key\u0000', '__proto__x', 'constructor', 'toString', 'x'.repeat(200)),
          )
          .map((key) => unknownKey(path, key, 1)),
      ),
    },
  );
  return fc.tuple(mutation, fc.nat()).map(([m, k]) => {
    const json = clone(base.json);
    const what = m(json, k);
    return { base, text: JSON.stringify(json, null, 2), what };
  });
}).filter((v) => v.what !== '');

/** Mutations of the text itself. */
const mutatedText: fc.Arbitrary<Variant> = baseArb.chain((base) => {
  const end = base.text.lastIndexOf('}');
  return fc.oneof(
    // truncated: any proper prefix of an object is not JSON
    fc.integer({ min: 0, max: end }).map((at) => ({ base, text: base.text.slice(0, at), what: `truncated at ${at} of ${base.text.length}` })),
    // a control character or an undecodable byte where JSON has none (in a string or between tokens)
    fc
      .tuple(fc.integer({ min: 0, max: end }), fc.constantFrom('\u0000', '\u0001', '\u0007', '\u0008', '\u000b', '\u000c', '\u001b', '\u001f'))
      .map(([at, c]) => ({ base, text: base.text.slice(0, at) + c + base.text.slice(at), what: `byte 0x${c.charCodeAt(0).toString(16)} at ${at}` })),
    // binary prefix (a zip, a gzip, an undecodable byte)
    fc.constantFrom('PK\u0003\u0004', '\u001f\ufffd\u0008', '\ufffd\ufffd', '\u0000').map((p) => ({ base, text: p + base.text, what: `binary prefix ${JSON.stringify(p)}` })),
    // a number replaced by something JSON does not have: NaN, Infinity, 1e, 01, .5, +1
    fc.tuple(fc.constantFrom(...allPaths(base.json).filter((p) => typeof p.value === 'number')), fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e', '01', '.5', '+1', '0x10', '1_000')).map(([p, tok]) => {
      const json = clone(base.json);
      setAt(json, p.path, '@@NUM@@');
      return { base, text: JSON.stringify(json, null, 2).replace('"@@NUM@@"', tok), what: `${dotted(p.path)} written as ${tok}` };
    }),
    // a trailing comma, a comment, a missing quote
    fc.constantFrom(
      (t: string) => t.replace(/\}\s*$/, ',}'),
      (t: string) => `// scenario\n${t}`,
      (t: string) => t.replace('"', ''),
      (t: string) => t.replace(/"name"/, "'name'"),
      (t: string) => `${t}\n{}`,
    ).map((f) => ({ base, text: f(base.text), what: 'not JSON' })),
  );
});

/** Random bytes and JSON that is not an object. */
const notAScenario: fc.Arbitrary<Variant> = baseArb.chain((base) =>
  fc.oneof(
    binaryText.filter((t) => {
      try {
        return !isObject(JSON.parse(t));
      } catch {
        return true;
      }
    }),
    fc.constantFrom('', ' ', '\n', '[]', '[{}]', '1', '"steady"', 'null', 'true', '\ufeff', '\ufeff[]'),
  ).map((text) => ({ base, text, what: `not a scenario: ${show(text)}` })),
);

const variants = fc
  .oneof({ weight: 6, arbitrary: mutatedObject }, { weight: 3, arbitrary: mutatedText }, { weight: 1, arbitrary: notAScenario })
  .map((v) => labelled(v, `${v.base.name}: ${v.what}`));

/** The reader: text -> Scenario, with the strategy sections checked by the strategies. */
function readScenarioText(text: string, file: string): void {
  const s = parseScenario(parseJsonText(text, file), file);
  checkScenarioStrategies(s, strategies);
}

describe('scenario files: malformed variants get one clear InputError', () => {
  it('every built-in scenario parses as it is (the bases are valid)', () => {
    for (const b of BASES) expect(() => readScenarioText(b.text, b.file)).not.toThrow();
  });

  it(`${FUZZ_RUNS.scenario} variants in memory (parseJsonText + parseScenario + checkScenarioStrategies)`, () => {
    fuzz('scenario', variants, (v) => {
      expectRejects(() => readScenarioText(v.text, v.base.file), v.base.file, `${v.base.name}: ${v.what}`);
    });
    expect(triedVariants('scenario')).toBeGreaterThanOrEqual(FUZZ_RUNS.scenario);
  });

  it(`${FUZZ_RUNS['scenario (files on disk)']} variants as files (loadScenario), plus missing and unreadable paths`, () => {
    mkdirSync(resolve('test-output'), { recursive: true });
    const dir = mkdtempSync(join(resolve('test-output'), 'fuzz-scenario-'));
    let n = 0;
    fuzz('scenario (files on disk)', variants, (v) => {
      const file = join(dir, `${v.base.name}-${n++}.json`);
      writeFileSync(file, v.text);
      expectRejects(() => checkScenarioStrategies(loadScenario(file), strategies), file, `${v.base.name}: ${v.what}`);
    });
    expect(triedVariants('scenario (files on disk)')).toBeGreaterThanOrEqual(FUZZ_RUNS['scenario (files on disk)']);
    for (const missing of [join(dir, 'no-such.json'), dir, join(dir, 'a\nb.json')]) {
      expectRejects(() => loadScenario(missing), missing.replace('\n', '\\n'), `unreadable ${missing}`);
    }
  });
});
