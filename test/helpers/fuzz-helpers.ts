/**
 * Shared by the bad-input fuzz tests (the *.fuzz.test.ts files under test/): the number
 * of malformed variants per input kind, the fixed fast-check seed, and the one
 * assertion every variant must pass: it is answered with exactly one clear
 * InputError.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { expect } from 'vitest';
import { InputError } from '../../harness/errors.ts';

/** Malformed variants tried per input kind (test/README.md lists them; a test checks it agrees). */
export const FUZZ_RUNS = {
  scenario: 1000,
  'scenario (files on disk)': 60,
  'set and sweep': 1200,
  names: 1000,
  zoneinfo: 1000,
  buddyinfo: 1000,
  trace: 1200,
  results: 1000,
  'results (command line)': 60,
  cli: 1000,
} as const;
export type FuzzKind = keyof typeof FUZZ_RUNS;

/** One seed for every property: a failure names the run, and it replays the same. */
export const FUZZ_SEED = 20201002;

/** The longest message we call clear (one terminal line and a bit). */
export const MAX_MESSAGE_LENGTH = 300;

const tried = new Map<FuzzKind, number>();
let current: FuzzKind | null = null;

/**
 * FUZZ_HIST=1: write test-output/fuzz-hist-<kind>.txt, how many variants ended
 * in each kind of message (where, expected), to see what a generator reaches.
 */
const HIST = process.env['FUZZ_HIST'] === '1';
const hist = new Map<FuzzKind, Map<string, number>>();

function record(e: InputError): void {
  if (!HIST || current === null) return;
  const key = `${e.where.replace(/\d+/g, 'N').slice(0, 60)} | ${e.expected.replace(/\d+/g, 'N').slice(0, 60)}`;
  const h = hist.get(current) ?? new Map<string, number>();
  hist.set(current, h);
  h.set(key, (h.get(key) ?? 0) + 1);
}

function writeHist(kind: FuzzKind): void {
  const h = hist.get(kind);
  if (!HIST || !h) return;
  mkdirSync('test-output', { recursive: true });
  writeFileSync(`test-output/fuzz-hist-${kind.replace(/\W+/g, '-')}.txt`, [...h].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n}\t${k}`).join('\n'));
}

/** Count one variant of `kind` (see triedVariants). */
export function countVariant(kind: FuzzKind): void {
  tried.set(kind, (tried.get(kind) ?? 0) + 1);
}

/** Variants of `kind` checked so far in this test file. */
export function triedVariants(kind: FuzzKind): number {
  return tried.get(kind) ?? 0;
}

const params = (runs: number) => ({ numRuns: runs, seed: FUZZ_SEED, interruptAfterTimeLimit: 50_000, markInterruptAsFailure: true }) as const;

/** fc.assert with the fixed seed and the kind's number of runs; counts every variant tried. */
export function fuzz<T>(kind: FuzzKind, arb: fc.Arbitrary<T>, check: (value: T) => void, runs: number = FUZZ_RUNS[kind]): void {
  current = kind;
  try {
    fc.assert(
      fc.property(arb, (v) => {
        countVariant(kind);
        check(v);
      }),
      params(runs),
    );
  } finally {
    current = null;
    writeHist(kind);
  }
}

/** fuzz for an async check. */
export async function fuzzAsync<T>(kind: FuzzKind, arb: fc.Arbitrary<T>, check: (value: T) => Promise<void>, runs: number = FUZZ_RUNS[kind]): Promise<void> {
  current = kind;
  try {
    await fc.assert(
      fc.asyncProperty(arb, async (v) => {
        countVariant(kind);
        await check(v);
      }),
      params(runs),
    );
  } finally {
    current = null;
    writeHist(kind);
  }
}

/**
 * The thrown value is ONE clear InputError: an InputError (not a TypeError,
 * RangeError, ZodError, ...), its message on one line, naming `file` (a
 * substring of the message), short enough to read. `what` describes the
 * variant in a failure message.
 */
export function expectInputError(thrown: unknown, file: string, what: string): InputError {
  if (!(thrown instanceof InputError)) {
    const desc = thrown instanceof Error ? `${thrown.name}: ${thrown.message}\n${thrown.stack ?? ''}` : `no error (${String(thrown)})`;
    expect.fail(`${what}\n  expected an InputError, got ${desc}`);
  }
  const e = thrown;
  const msg = e.message;
  if (/[\n\r\u2028\u2029]/.test(msg)) expect.fail(`${what}\n  message is not one line: ${JSON.stringify(msg)}`);
  if (!msg.includes(file)) expect.fail(`${what}\n  message does not name ${JSON.stringify(file)}: ${msg}`);
  if (msg.length > MAX_MESSAGE_LENGTH) expect.fail(`${what}\n  message longer than ${MAX_MESSAGE_LENGTH} characters (${msg.length}): ${msg}`);
  if (!msg.startsWith(`${e.file}: ${e.where}: expected ${e.expected}, found ${e.found}`)) expect.fail(`${what}\n  message is not "file: where: expected X, found Y": ${msg}`);
  if (e.where.trim() === '' || e.expected.trim() === '' || e.found.trim() === '') expect.fail(`${what}\n  an empty part in ${JSON.stringify(msg)}`);
  record(e);
  return e;
}

/** Run `f`, which must throw one clear InputError naming `file`. */
export function expectRejects(f: () => unknown, file: string, what: string): InputError {
  let result: unknown;
  try {
    result = f();
  } catch (e) {
    return expectInputError(e, file, what);
  }
  return expect.fail(`${what}\n  accepted as valid (a malformed variant must be rejected): ${preview(result)}`);
}

function preview(v: unknown): string {
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 300 ? `${s.slice(0, 300)}...` : s;
  } catch {
    return String(v);
  }
}

/** `v`, shown by fast-check (a counterexample) as `label` instead of all its fields. */
export function labelled<T extends object>(v: T, label: string): T {
  Object.defineProperty(v, fc.toStringMethod, { value: () => label, enumerable: false });
  return v;
}

/** A short, printable rendering of a variant for failure messages. */
export function show(v: unknown): string {
  return preview(v);
}

// ---------------------------------------------------------------------------
// Generators shared by several kinds

/** Near-miss spellings of `name`: one edit away (typo), another case, a plural/singular. */
export function nearMiss(name: string): fc.Arbitrary<string> {
  const n = name.length;
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  return fc.oneof(
    // drop a character
    fc.integer({ min: 0, max: Math.max(0, n - 1) }).map((i) => name.slice(0, i) + name.slice(i + 1)),
    // insert a character
    fc.tuple(fc.integer({ min: 0, max: n }), fc.constantFrom(...letters)).map(([i, c]) => name.slice(0, i) + c + name.slice(i)),
    // replace a character
    fc.tuple(fc.integer({ min: 0, max: Math.max(0, n - 1) }), fc.constantFrom(...letters)).map(([i, c]) => name.slice(0, i) + c + name.slice(i + 1)),
    // swap two neighbours
    fc.integer({ min: 0, max: Math.max(0, n - 2) }).map((i) => name.slice(0, i) + (name[i + 1] ?? '') + (name[i] ?? '') + name.slice(i + 2)),
    fc.constant(name.toUpperCase()),
    fc.constant(name.endsWith('s') ? name.slice(0, -1) : `${name}s`),
    fc.constant(`${name}_`),
    fc.constant(` ${name}`),
  );
}

/** Bytes no text input has: NUL and other control characters, DEL, undecodable UTF-8 (read as U+FFFD). */
export const garbageChar = fc.constantFrom('\u0000', '\u0001', '\u0007', '\u0008', '\u000b', '\u000c', '\u001b', '\u001f', '\u007f', '\ufffd');

/** A short run of garbage, at least one character that no text input may hold. */
export const garbage = fc
  .tuple(fc.array(garbageChar, { minLength: 1, maxLength: 6 }), fc.string({ maxLength: 4 }))
  .map(([g, s]) => g.join('') + s);

/** Text read from random bytes, as readFileSync(path, 'utf8') would give it. */
export const binaryText = fc.uint8Array({ minLength: 1, maxLength: 200 }).map((b) => Buffer.from(b).toString('utf8'));
