/**
 * The plug-in contract: strategies are discovered from the folder, each file's
 * name matches its strategy, every strategy and every worked example of
 * strategies/README.md keeps the rules the README states ("Rules the tests
 * check"), the examples run as written from a directory outside the
 * repository (as `--strategy-file` loads them), their declared claims hold,
 * and the lockdep output the README shows is what the model prints.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StrategyDefinition } from '../../harness/core/strategy-api.ts';
import { loadStrategies, loadStrategyFiles, selectStrategies } from '../../harness/sim/strategy-registry.ts';
import { runOne, type RunResult } from '../../harness/sim/simulator.ts';
import { loadBuiltinScenario } from '../../harness/workload/builtin.ts';
import { applySet } from '../../harness/workload/scenario-set.ts';
import { InputError } from '../../harness/errors.ts';
import { expectClaimsHold } from '../helpers/strategy-claims.ts';
import statusQuo from '../../strategies/status-quo.ts';
import { z } from '../../harness/strategy.ts';

const README = readFileSync(resolve('strategies/README.md'), 'utf8');

/** The worked examples: every ```ts block of the README that starts with an import, with the name it defines. */
const EXAMPLES = [...README.matchAll(/```ts\n(import[\s\S]*?)```/g)].map((m) => {
  const code = m[1]!;
  const name = /\bname: '([^']+)'/.exec(code)?.[1];
  if (name === undefined) throw new Error(`strategies/README.md: a worked example without a name: '...':\n${code.slice(0, 200)}`);
  return { name, code };
});

/** Outside the repository, as an outside author's files are. */
const dir = mkdtempSync(join(tmpdir(), 'nolock-bench-readme-examples-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `code` as `<name>.ts` in a new directory under `dir` and loads it as --strategy-file does. */
async function loadExample(name: string, code: string, sub = name): Promise<StrategyDefinition> {
  const file = join(mkdtempSync(join(dir, `${sub}-`)), `${name}.ts`);
  writeFileSync(file, code);
  const [def] = await loadStrategyFiles([file]);
  return def!;
}

/** The rules strategies/README.md states under "Rules the tests check"; [] when all hold. */
function contractProblems(s: StrategyDefinition): string[] {
  const out: string[] = [];
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(s.name)) out.push(`name ${JSON.stringify(s.name)} is not kebab-case`);
  if (s.title.trim() === '' || /[\r\n]/.test(s.title)) out.push('title is not one non-empty line');
  if (s.origin.length < 10) out.push(`origin has ${s.origin.length} characters, fewer than 10`);
  if (s.description.length < 40) out.push(`description has ${s.description.length} characters, fewer than 40`);
  const shape = (s.params as unknown as { shape?: Record<string, { description?: string }> }).shape;
  if (shape === undefined) out.push('params is not a zod object');
  else for (const [k, f] of Object.entries(shape)) if (!f.description) out.push(`params.${k} has no .describe() text`);
  if (!s.params.safeParse({}).success) out.push('params.parse({}) fails: a field without a default');
  return out;
}

/** A built-in scenario cut to 50 ms of virtual time. */
const short = (name: string) => applySet(loadBuiltinScenario(name), 'run.durationMs', '50', 'test');

describe('strategy discovery', () => {
  it('finds the five 2020 strategies in the thread order, status-quo first', async () => {
    const names = (await loadStrategies()).map((s) => s.name);
    expect(names.slice(0, 5)).toEqual(['status-quo', 'gfp-no-locks-bit', 'gfp-zero-mask', 'lockless-entry', 'dedicated-pool']);
  });

  it('every strategy of the folder keeps the rules strategies/README.md states', async () => {
    for (const s of await loadStrategies()) expect(contractProblems(s), s.name).toEqual([]);
  });

  it('the rules can fail: a short origin, a two-line title, an undescribed parameter', () => {
    const bad = { ...statusQuo, name: 'Bad_Name', title: 'two\nlines', origin: 'nowhere', description: 'Too short.', params: z.object({ n: z.number().default(1) }) } as StrategyDefinition;
    expect(contractProblems(bad)).toEqual([
      'name "Bad_Name" is not kebab-case',
      'title is not one non-empty line',
      'origin has 7 characters, fewer than 10',
      'description has 10 characters, fewer than 40',
      'params.n has no .describe() text',
    ]);
    expect(contractProblems({ ...statusQuo, params: z.object({ n: z.number().describe('no default') }) } as StrategyDefinition)).toEqual(['params.parse({}) fails: a field without a default']);
  });

  it('an unknown strategy name is an InputError that suggests the closest', async () => {
    const all = await loadStrategies();
    expect(() => selectStrategies(all, ['dedicated-pol'])).toThrow(InputError);
    expect(() => selectStrategies(all, ['dedicated-pol'])).toThrow(/did you mean "dedicated-pool"/);
  });
});

describe('claims', () => {
  it('a declared claim is checked against the run and can fail: status-quo on 5.9 takes zone->lock in its request under pressure', () => {
    // memory-pressure's first phase starts at 100 ms; by 200 ms a request has refilled a pcplist under zone->lock.
    const scenario = applySet(loadBuiltinScenario('memory-pressure'), 'run.durationMs', '200', 'test');
    const r = runOne({ scenario, strategy: statusQuo, params: {}, seed: 1 });
    expect(r.metrics.zoneLockInLockless).toBeGreaterThan(0);
    expect(expectClaimsHold(statusQuo, r)).toBe(0); // it declares none
    expect(() => expectClaimsHold({ ...statusQuo, claims: { noZoneLockInRequest: true } }, r)).toThrow(/claims noZoneLockInRequest/);
  });

  it('a strategy file with an unknown claim is an InputError naming the claim', async () => {
    const code = EXAMPLES[0]!.code.replace('claims: { noZoneLockInRequest: true }', 'claims: { noZoneLocks: true }');
    expect(code).toContain('noZoneLocks');
    await expect(loadExample(EXAMPLES[0]!.name, code, 'bad-claim')).rejects.toThrow(/: claims: expected an object of true\/false claims among noZoneLockInRequest, found unknown claim "noZoneLocks"$/);
  });
});

describe('the worked examples of strategies/README.md, run as written', () => {
  it('there are two, one with a spinlock_t of its own', () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(2);
    expect(EXAMPLES.some((e) => /ext\.defineLock\('[^']+', 'spinlock_t'\)/.test(e.code))).toBe(true);
  });

  for (const { name, code } of EXAMPLES) {
    it(`${name}: loads from outside the repository, keeps the rules, runs, and its claims hold on a 5.9 kernel with and without PREEMPT_RT`, async () => {
      const example = await loadExample(name, code);
      expect(example.name).toBe(name);
      expect(contractProblems(example)).toEqual([]);
      for (const scenario of ['steady', 'rt-raw-lock']) {
        const r = runOne({ scenario: short(scenario), strategy: example, params: {}, seed: 1, checkInvariantsEvery: 1000 });
        expect(r.metrics.locklessRequests, scenario).toBeGreaterThan(0);
        expectClaimsHold(example, r, `${name} in ${scenario}`);
        expect(r.staticProperties.reserves.length, scenario).toBeGreaterThan(0);
        expect(r.staticProperties.workers.length, scenario).toBeGreaterThan(0);
      }
    });
  }

  it('the lockdep output the README shows for the spinlock_t example is the run\'s, and a raw_spinlock_t gives none', async () => {
    const spin = EXAMPLES.find((e) => /ext\.defineLock\('[^']+', 'spinlock_t'\)/.test(e.code))!;
    const lockName = /ext\.defineLock\('([^']+)', 'spinlock_t'\)/.exec(spin.code)![1]!;
    const block = /```text\n([\s\S]*?)```/.exec(README.slice(README.indexOf(spin.code)))?.[1];
    expect(block, 'a ```text block after the example').toBeDefined();
    const lines = block!.trim().split('\n');
    const bugs = lines.filter((l) => l.startsWith('BUG: '));
    expect(bugs.length).toBeGreaterThan(0);
    for (const b of bugs) expect(b).toContain(lockName);

    const run = async (code: string, sub: string): Promise<RunResult> => runOne({ scenario: short('rt-raw-lock'), strategy: await loadExample(spin.name, code, sub), params: {}, seed: 1 });
    const r = await run(spin.code, 'lockdep');
    const messages = r.violations.map((v) => v.message);
    expect(messages.slice(0, bugs.length)).toEqual(bugs);
    // The counts line: "metric value, metric value, ...".
    const counts = lines.find((l) => !l.startsWith('BUG: '))!;
    for (const [, metric, value] of counts.matchAll(/(\w+) (\d+)/g)) expect(r.metrics[metric as keyof typeof r.metrics], metric).toBe(Number(value));

    const raw = await run(spin.code.replace(/(ext\.defineLock\('[^']+', )'spinlock_t'\)/, "$1'raw_spinlock_t')"), 'raw');
    expect(raw.violations.filter((v) => v.message.includes(lockName))).toEqual([]);
  });
});
