/**
 * Bad results and baseline files: a small valid results file (the committed
 * quick baseline, slimmed) made corrupt (truncated at any offset, random
 * bytes, a binary or UTF-16 file, a byte order mark with nothing or garbage
 * after it, a control character, NaN or a comment where JSON has none, a
 * nesting 100,000 deep), of another kind or version (`schema`,
 * `schemaVersion`), with a required field left out or a value of the wrong
 * type at any field path the schema types. Each is answered with one clear
 * InputError naming the file and, for a field, its path: parseResults in
 * memory, readResults and loadBaseline (by path, by baseline name, by run id)
 * on files; then a few through the real command line (`report FILE`,
 * `merge FILE...`, `compare --baseline FILE`): exit 2, one line, nothing run
 * and nothing written.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { baselinesDir, loadBaseline } from '../../harness/results/baseline.ts';
import { RESULTS_SCHEMA_ID, ResultsSchema, parseResults, readResults, resultsFieldAt } from '../../harness/results/schema.ts';
import { entriesUnder, expectBadInputExit, outputDirs, runCaptured } from '../helpers/fuzz-cli-helpers.ts';
import { FUZZ_RUNS, binaryText, expectRejects, fuzz, fuzzAsync, labelled, nearMiss, show, triedVariants } from '../helpers/fuzz-helpers.ts';
import { allPaths, clone, deleteAt, dotted, isObject, setAt, type Json, type Path } from '../helpers/fuzz-json-paths.ts';
import { resultsText, slimResults } from '../helpers/fuzz-results-base.ts';

const BASE = slimResults();
const BASE_TEXT = resultsText(BASE);

// -- variants ---------------------------------------------------------------------------------------

/** A malformed file: its text (or raw bytes, for encodings), what was done, and the `where` the error must name. */
interface Variant {
  readonly text: string;
  readonly bytes?: Buffer;
  readonly what: string;
  /** The InputError's where, when the variant decides it ("JSON", "schema", a field path). */
  readonly where?: string;
}

const pick = <T,>(xs: readonly T[], k: number): T => xs[k % xs.length]!;
const asText = (json: Json): string => JSON.stringify(json, null, 1);

/** Paths whose value the schema types (not under a record of anything, such as a strategy's params). */
const TYPED: { path: Path; type: string; nullable: boolean }[] = allPaths(BASE).flatMap(({ path }) => {
  const f = resultsFieldAt(path);
  return f && f.type !== 'unknown' && path[0] !== 'schema' && path[0] !== 'schemaVersion' ? [{ path, type: f.type, nullable: f.nullable }] : [];
});

/** Required fields: leaving one out is an error (array entries and record keys may go). */
const REQUIRED: Path[] = allPaths(BASE)
  .map((p) => p.path)
  .filter((path) => typeof path[path.length - 1] === 'string' && resultsFieldAt(path.slice(0, -1))?.type === 'object' && resultsFieldAt(path)?.optional === false);

/** A value of a type the schema refuses at a field of `type`. */
function wrongValue(type: string, nullable: boolean, k: number): Json {
  const byType: Record<string, Json[]> = {
    string: [0, -1, 1.5, true, false, [], ['x'], {}, { value: 'x' }],
    number: ['1', '', 'NaN', '1e3', true, false, [], [1], {}, { n: 1 }],
    boolean: [0, 1, 'true', 'false', '', [], [true], {}],
    object: [[], [{}], 'x', '{}', 0, true],
    record: [[], ['x'], 'x', 0, false],
    array: [{}, { 0: 'a' }, 'x', '[]', 0, true],
    enum: ['x', '', 'Improved', 'ordinary fast path', 0, true, []],
    literal: ['x', 0, []],
  };
  const values = [...(byType[type] ?? ['x', 0, []]), ...(nullable ? [] : [null])];
  return pick(values, k);
}

/** One of `items`, its top-level section first: `summary` alone holds most paths, and `totals` must come up too. */
function bySection<T>(items: readonly T[], pathOf: (t: T) => Path): fc.Arbitrary<T> {
  const sections = new Map<string, T[]>();
  for (const t of items) {
    const key = String(pathOf(t)[0]);
    sections.set(key, [...(sections.get(key) ?? []), t]);
  }
  return fc.constantFrom(...sections.values()).chain((xs) => fc.constantFrom(...xs));
}

const wrongType: fc.Arbitrary<Variant> = fc.tuple(bySection(TYPED, (t) => t.path), fc.nat()).map(([{ path, type, nullable }, k]) => {
  const json = clone(BASE);
  const v = wrongValue(type, nullable, k);
  setAt(json, path, v);
  return { text: asText(json), what: `${dotted(path)} (${type}) = ${show(v)}`, where: dotted(path) };
});

const missingField: fc.Arbitrary<Variant> = bySection(REQUIRED, (p) => p).map((path) => {
  const json = clone(BASE);
  deleteAt(json, path);
  return { text: asText(json), what: `${dotted(path)} left out`, where: dotted(path) };
});

/** Another kind of file, or another version of this one. */
const wrongHead: fc.Arbitrary<Variant> = fc.oneof(
  fc
    .oneof(
      nearMiss(RESULTS_SCHEMA_ID).filter((s) => s !== RESULTS_SCHEMA_ID),
      fc.constantFrom<Json>('nolock-bench/scenario', 'nolock-bench/results/v1', '', 'NOLOCK-BENCH/RESULTS', 1, null, true, [RESULTS_SCHEMA_ID], { id: RESULTS_SCHEMA_ID }),
      fc.constant(undefined),
    )
    .map((v) => {
      const json = clone(BASE);
      if (v === undefined) delete json['schema'];
      else json['schema'] = v;
      return { text: asText(json), what: v === undefined ? 'no schema' : `schema = ${show(v)}`, where: 'schema' };
    }),
  fc.oneof(fc.constantFrom<Json>(0, 3, -1, 1.5, 2 ** 53, '1', 'v1', '', null, true, [1], { major: 1 }), fc.integer().filter((n) => n !== 1 && n !== 2), fc.constant(undefined)).map((v) => {
    const json = clone(BASE);
    if (v === undefined) delete json['schemaVersion'];
    else json['schemaVersion'] = v;
    return { text: asText(json), what: v === undefined ? 'no schemaVersion' : `schemaVersion = ${show(v)}`, where: 'schemaVersion' };
  }),
  // A results file of a newer nolock-bench: another version, and fields this one does not know.
  fc.integer({ min: 3, max: 99 }).map((v) => ({ text: asText({ ...clone(BASE), schemaVersion: v, runs: { byStrategy: {} } }), what: `a version ${v} file`, where: 'schemaVersion' })),
);

/** A run id that cannot name the run's report directory. */
const badRunId: fc.Arbitrary<Variant> = fc.constantFrom('', '.', '..', '../x', '../../etc', 'a/b', '/abs', 'a\\b', 'a\u0000b').map((id) => ({ text: asText({ ...clone(BASE), runId: id }), what: `runId = ${show(id)}`, where: 'runId' }));

/** JSON that is not an object (and so not a results file). */
const notAnObject: fc.Arbitrary<Variant> = fc
  .oneof(fc.constantFrom<Json>([], [BASE], null, 0, 1, 'results', true), fc.jsonValue().filter((v) => !isObject(v)) as fc.Arbitrary<Json>)
  .map((v) => ({ text: JSON.stringify(v), what: `top level ${show(v)}`, where: '(top level)' }));

const LAST_BRACE = BASE_TEXT.lastIndexOf('}');
/** Characters JSON allows nowhere: control characters but tab, line feed and carriage return. */
const NOT_IN_JSON = fc.constantFrom('\u0000', '\u0001', '\u0007', '\u0008', '\u000b', '\u000c', '\u001b', '\u001f');

/** The text made invalid JSON. */
const corruptText: fc.Arbitrary<Variant> = fc.oneof(
  // Truncated: any proper prefix of the object, with or without a byte order mark.
  fc.tuple(fc.integer({ min: 0, max: LAST_BRACE }), fc.boolean()).map(([at, bom]) => ({ text: (bom ? '\ufeff' : '') + BASE_TEXT.slice(0, at), what: `truncated at ${at} of ${BASE_TEXT.length}${bom ? ' (with a BOM)' : ''}`, where: 'JSON' })),
  // A character JSON does not allow, anywhere.
  fc.tuple(fc.integer({ min: 0, max: LAST_BRACE }), NOT_IN_JSON).map(([at, c]) => ({ text: BASE_TEXT.slice(0, at) + c + BASE_TEXT.slice(at), what: `byte 0x${c.charCodeAt(0).toString(16)} at ${at}`, where: 'JSON' })),
  // A number written as JSON has none.
  fc.tuple(fc.constantFrom(...allPaths(BASE).filter((p) => typeof p.value === 'number')), fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e', '01', '.5', '+1', '0x10', '1_000', '1,5')).map(([p, tok]) => {
    const json = clone(BASE);
    setAt(json, p.path, '@@NUM@@');
    return { text: asText(json).replace('"@@NUM@@"', tok), what: `${dotted(p.path)} written as ${tok}`, where: 'JSON' };
  }),
  // Other ways to not be JSON.
  fc
    .constantFrom<[string, (t: string) => string]>(
      ['a trailing comma', (t) => t.replace(/\}\s*$/, ',}')],
      ['a comment', (t) => `// results\n${t}`],
      ['a quote left out', (t) => t.replace('"', '')],
      ['single quotes', (t) => t.replace('"runId"', "'runId'")],
      ['two documents', (t) => `${t}\n${t}`],
      ['garbage after it', (t) => `${t}\u0000\u0000`],
      ['two byte order marks', (t) => `\ufeff\ufeff${t}`],
      ['a byte order mark after the first brace', (t) => `{\ufeff${t.slice(1)}`],
      ['a zero-width space before it', (t) => `\u200b${t}`],
      ['a gzip header before it', (t) => `\u001f\ufffd\u0008\u0000${t}`],
      ['a zip header before it', (t) => `PK\u0003\u0004${t}`],
      ['an undecodable byte before it', (t) => `\ufffd${t}`],
    )
    .map(([what, f]) => ({ text: f(BASE_TEXT), what, where: 'JSON' })),
  // Nothing, or next to nothing.
  fc.constantFrom('', ' ', '\n', '\ufeff', '\ufeff\n', '\r\n\t').map((t) => ({ text: t, what: `an empty file ${show(t)}`, where: 'JSON' })),
  // Nested deeper than any parser's call stack (truncated, closed, or inside a field).
  fc.tuple(fc.integer({ min: 1000, max: 200_000 }), fc.constantFrom('[', '{"a":'), fc.boolean()).map(([depth, open, prefix]) => ({
    text: (prefix ? '{"schema": "nolock-bench/results", "schemaVersion": 1, "runId": ' : '') + open.repeat(depth),
    what: `${depth} times ${open}${prefix ? ' in runId' : ''}`,
    where: 'JSON',
  })),
  // Random bytes, read as UTF-8 (the file's bytes are written as they are).
  fc.uint8Array({ minLength: 1, maxLength: 300 }).filter((b) => !isObject(tryParse(Buffer.from(b).toString('utf8')))).map((b) => ({ text: Buffer.from(b).toString('utf8'), bytes: Buffer.from(b), what: `${b.length} random bytes` })),
  binaryText.filter((t) => !isObject(tryParse(t))).map((t) => ({ text: t, what: `binary text ${show(t.slice(0, 20))}` })),
  // The right text in the wrong encoding: UTF-16 (with its byte order mark), as an editor might save it.
  fc.constantFrom<BufferEncoding>('utf16le', 'latin1').map((enc) => {
    const bytes = Buffer.concat([enc === 'utf16le' ? Buffer.from([0xff, 0xfe]) : Buffer.alloc(0), Buffer.from(`${BASE_TEXT.slice(0, -1)}"é"`, enc)]);
    return { text: bytes.toString('utf8'), bytes, what: `saved as ${enc}`, where: 'JSON' };
  }),
);

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return undefined;
  }
}

const variants: fc.Arbitrary<Variant> = fc
  .oneof(
    { weight: 4, arbitrary: corruptText },
    { weight: 1, arbitrary: wrongHead },
    { weight: 1, arbitrary: badRunId },
    { weight: 1, arbitrary: notAnObject },
    { weight: 2, arbitrary: missingField },
    { weight: 4, arbitrary: wrongType },
  )
  .map((v) => labelled(v, v.what));

// -- readers ---------------------------------------------------------------------------------------

/** How a variant is read: in memory, or from a file by readResults or by loadBaseline (a path, a name, a run id). */
type Via = 'parseResults' | 'readResults' | 'baseline path' | 'baseline name' | 'baseline run id';
const VIAS: Via[] = ['parseResults', 'parseResults', 'readResults', 'baseline path', 'baseline name', 'baseline run id'];

mkdirSync(resolve('test-output'), { recursive: true });
const work = mkdtempSync(join(resolve('test-output'), 'fuzz-results-'));
const resultsDir = join(work, 'results');
mkdirSync(baselinesDir(resultsDir), { recursive: true });

let fileNo = 0;
/** Reads `v` the `via` way; returns the file name the error must name and the call. */
function reader(v: Variant, via: Via): { file: string; read: () => unknown } {
  const body = v.bytes ?? v.text;
  const n = fileNo++;
  switch (via) {
    case 'parseResults':
      return { file: 'in-memory.json', read: () => parseResults(v.text, 'in-memory.json') };
    case 'readResults':
    case 'baseline path': {
      const file = join(work, `variant-${n}.json`);
      writeFileSync(file, body);
      return { file, read: () => (via === 'readResults' ? readResults(file) : loadBaseline(file, resultsDir)) };
    }
    case 'baseline name': {
      const file = join(baselinesDir(resultsDir), `name-${n}.json`);
      writeFileSync(file, body);
      return { file, read: () => loadBaseline(`name-${n}`, resultsDir) };
    }
    case 'baseline run id': {
      const dir = join(resultsDir, `run-${n}`);
      mkdirSync(dir);
      writeFileSync(join(dir, 'results.json'), body);
      return { file: join(dir, 'results.json'), read: () => loadBaseline(`run-${n}`, resultsDir) };
    }
  }
}

describe('results and baseline files: malformed variants get one clear InputError', () => {
  it('the base (quick.json, slimmed) is a valid results file, read every way', () => {
    expect(ResultsSchema.safeParse(BASE).success).toBe(true);
    expect(TYPED.length).toBeGreaterThan(500);
    expect(REQUIRED.length).toBeGreaterThan(300);
    for (const via of VIAS) expect(() => reader({ text: BASE_TEXT, what: 'base' }, via).read(), via).not.toThrow();
    // A byte order mark before a valid file is fine.
    expect(parseResults(`\ufeff${BASE_TEXT}`, 'bom.json').runId).toBe(BASE['runId']);
  });

  it(`${FUZZ_RUNS.results} variants (parseResults in memory; readResults and loadBaseline on files)`, () => {
    fuzz('results', fc.tuple(variants, fc.constantFrom(...VIAS)).map(([v, via]) => labelled({ v, via }, `${via}: ${v.what}`)), ({ v, via }) => {
      const { file, read } = reader(v, via);
      const e = expectRejects(read, file, `${via}: ${v.what}`);
      if (v.where !== undefined && e.where !== v.where) expect.fail(`${via}: ${v.what}\n  names ${JSON.stringify(e.where)}, expected ${JSON.stringify(v.where)}: ${e.message}`);
      // Plain words, not the validator's own phrasing ("Invalid input: expected string, received undefined").
      if (/Invalid (input|option)|received/.test(e.expected)) expect.fail(`${via}: ${v.what}\n  expected part in zod's words: ${e.message}`);
    });
    expect(triedVariants('results')).toBeGreaterThanOrEqual(FUZZ_RUNS.results);
  });

  it('a missing file, a directory, a path with a NUL byte', () => {
    for (const [path, found] of [
      [join(work, 'no-such.json'), 'no such file'],
      [work, 'a directory'],
      [join(work, 'a\u0000b.json'), 'a path with a NUL byte'],
      [join(work, 'no-such', 'results.json'), 'no such file'],
    ] as const) {
      const e = expectRejects(() => readResults(path), path.replace('\u0000', '\\u0000'), `read ${path}`);
      expect(e.found).toBe(found);
    }
    expectRejects(() => loadBaseline('no-such-baseline', resultsDir), '--baseline', 'an unknown baseline name');
  });
});

// -- the command line -------------------------------------------------------------------------------

/** The commands that read a results file, and how to name the variant's file in each. */
const COMMANDS = ['report', 'merge (first)', 'merge (second)', 'compare --baseline'] as const;
type Command = (typeof COMMANDS)[number];

/** A tiny compare: were the baseline accepted after all, the run would end in a second and the test see its files. */
const TINY = ['--scenarios', 'steady', '--strategies', 'status-quo', '--seeds', '1', '--set', 'run.durationMs=1', '--no-measure'];

function commandLine(cmd: Command, file: string, good: string, dirs: string[], verbose: boolean): string[] {
  const v = verbose ? ['--verbose'] : [];
  switch (cmd) {
    case 'report':
      return ['report', file, ...dirs, ...v];
    case 'merge (first)':
      return ['merge', file, good, ...dirs, ...v];
    case 'merge (second)':
      return ['merge', good, file, ...dirs, ...v];
    case 'compare --baseline':
      return ['compare', ...TINY, '--baseline', file, ...dirs, ...v];
  }
}

describe('results and baseline files through the command line: exit 2, one line, nothing written', () => {
  const out = outputDirs('fuzz-results-cli-');
  const inputs = mkdtempSync(join(resolve('test-output'), 'fuzz-results-cli-in-'));
  const good = join(inputs, 'good.json');
  writeFileSync(good, BASE_TEXT);

  it('the base file goes through report (exit 0)', async () => {
    const ok = outputDirs('fuzz-results-ok-');
    const r = await runCaptured(['report', good, '--reports-dir', ok.reports]);
    expect(r.code, r.stderr).toBe(0);
    expect(entriesUnder(ok.reports).length).toBeGreaterThan(0);
  });

  it(`${FUZZ_RUNS['results (command line)']} variants: report FILE, merge FILE..., compare --baseline FILE`, async () => {
    let n = 0;
    const arb = fc.tuple(variants, fc.constantFrom(...COMMANDS), fc.integer({ min: 0, max: 9 })).map(([v, cmd, k]) => labelled({ v, cmd, verbose: k === 0 }, `${cmd}: ${v.what}`));
    await fuzzAsync('results (command line)', arb, async ({ v, cmd, verbose }) => {
      const file = join(inputs, `variant-${n++}.json`);
      writeFileSync(file, v.bytes ?? v.text);
      const r = await runCaptured(commandLine(cmd, file, good, out.flags, verbose));
      const line = expectBadInputExit(r, [out.results, out.reports], file);
      if (v.where !== undefined && !line.includes(`${file}: ${v.where}: `)) expect.fail(`${cmd}: ${v.what}\n  does not name the field ${JSON.stringify(v.where)}: ${line}`);
    });
    expect(triedVariants('results (command line)')).toBeGreaterThanOrEqual(FUZZ_RUNS['results (command line)']);
  });
});
