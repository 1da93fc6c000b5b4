/**
 * `merge` with files, folders and globs: the shards of each matrix are
 * grouped and every complete group merged; whole runs, groups with shards
 * missing and shards given twice are named, one line each; nothing to merge
 * is bad input (exit 2, one line). A merged run's command reruns the matrix.
 * The shard files are cut from the committed quick baseline the way compare
 * cuts a matrix (job index modulo the count).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matrixCommand } from '../../harness/cli/merge.ts';
import { readResults, type Results } from '../../harness/results/schema.ts';
import { runCaptured } from '../helpers/fuzz-cli-helpers.ts';

const QUICK = JSON.parse(readFileSync('results/baselines/quick.json', 'utf8')) as Results;

/** The quick baseline cut to 2 strategies x 2 scenarios, as one whole run. */
function whole(sets: string[] = []): Results {
  const strategies = ['status-quo', 'dedicated-pool'];
  const scenarios = ['steady', 'burst'];
  const keep = (r: { strategy: string; scenario: string }): boolean => strategies.includes(r.strategy) && scenarios.includes(r.scenario);
  const { comparison: _c, ...rest } = QUICK;
  return {
    ...rest,
    command: `npm run compare -- --quick --strategies status-quo dedicated-pool --scenarios steady burst${sets.map((s) => ` --set ${s}`).join('')}`,
    config: { ...QUICK.config, strategies, scenarios, sets, shard: null },
    strategies: QUICK.strategies.filter((s) => strategies.includes(s.name)),
    scenarios: QUICK.scenarios.filter((s) => scenarios.includes(s.name)),
    runs: QUICK.runs.filter(keep),
    summary: QUICK.summary.filter(keep),
    failedRuns: [],
    timelines: [],
  };
}

/** Shard `index` of `count` of `r`: the runs whose position is index - 1 modulo count. */
function shard(r: Results, index: number, count: number, runId: string): Results {
  return { ...r, runId, command: `${r.command} --shard ${index}/${count} --run-id ${runId}`, config: { ...r.config, shard: { index, count } }, runs: r.runs.filter((_, i) => i % count === index - 1) };
}

function store(dir: string, r: Results): string {
  mkdirSync(join(dir, r.runId), { recursive: true });
  const path = join(dir, r.runId, 'results.json');
  writeFileSync(path, JSON.stringify(r));
  return path;
}

mkdirSync(resolve('test-output'), { recursive: true });

/** A results folder with a 3-shard matrix, a lone shard of another, and a whole run. */
function storedRuns(): { dir: string; out: string[]; paths: { a1: string; a2: string; a3: string; b1: string; whole: string } } {
  const work = mkdtempSync(join(resolve('test-output'), 'merge-'));
  const dir = join(work, 'results');
  const a = whole();
  const b = whole(['cost.lockHandoff=40']);
  const paths = {
    a1: store(dir, shard(a, 1, 3, 'a1')),
    a2: store(dir, shard(a, 2, 3, 'a2')),
    a3: store(dir, shard(a, 3, 3, 'a3')),
    b1: store(dir, shard(b, 1, 2, 'b1')),
    whole: store(dir, { ...a, runId: 'whole' }),
  };
  return { dir, out: ['--results-dir', join(work, 'merged'), '--reports-dir', join(work, 'reports')], paths };
}

describe('merge: files, folders and globs, grouped by matrix', () => {
  for (const how of ['folder', 'glob (quoted: merge expands it)', 'files'] as const) {
    it(`${how}: merges the complete matrix, names the whole run and the incomplete one`, async () => {
      const { dir, out, paths } = storedRuns();
      const inputs = how === 'folder' ? [dir] : how === 'files' ? Object.values(paths) : [join(dir, '*', 'results.json')];
      const r = await runCaptured(['merge', ...inputs, ...out, '--run-id', 'merged']);
      expect(r.code, r.stderr).toBe(0);
      const skipped = r.stderr.trim().split('\n');
      expect(skipped).toHaveLength(2);
      expect(skipped).toContainEqual(`skipped: ${paths.whole}: not a shard (a whole run, without --shard)`);
      expect(skipped).toContainEqual(expect.stringMatching(new RegExp(`^skipped: shards 1/2 of \`npm run compare -- .*--set cost.lockHandoff=40\` \\(${paths.b1}\\): shard 2 missing, not merged$`)));
      expect(r.stdout).toMatch(/^merged 3 shards of `npm run compare -- --quick --strategies status-quo dedicated-pool --scenarios steady burst` into .*merged\/results\.json\n/);
      const merged = readResults(join(out[1]!, 'merged', 'results.json'));
      expect(merged.config.shard).toBeNull();
      expect(merged.command).toBe(whole().command);
      expect(merged.runs).toEqual(whole().runs);
      expect(merged.comparison).toBeUndefined();
    });
  }

  it('a results file in the folder that does not read is named and left out; one named on the command line is an error', async () => {
    const { dir, out, paths } = storedRuns();
    mkdirSync(join(dir, 'old'));
    const old = join(dir, 'old', 'results.json');
    writeFileSync(old, '{"schema": "nolock-bench/results", "schemaVersion": 0}');
    const r = await runCaptured(['merge', dir, ...out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`skipped: ${old}: schemaVersion: expected 1 or 2 (the versions this nolock-bench reads), found 0 (not read)\n`);
    expect(r.stdout).toMatch(/^merged 3 shards/);
    const named = await runCaptured(['merge', old, paths.a1, paths.a2, paths.a3, ...out]);
    expect(named.code).toBe(2);
    expect(named.stderr).toBe(`nolock-bench: ${old}: schemaVersion: expected 1 or 2 (the versions this nolock-bench reads), found 0\n`);
  });

  it('a shard given twice: the newer one is merged, the other named', async () => {
    const { dir, out, paths } = storedRuns();
    const again = store(dir, { ...shard(whole(), 2, 3, 'a2-again'), createdAt: '2000-01-01T00:00:00.000Z' });
    const r = await runCaptured(['merge', paths.a1, paths.a2, again, paths.a3, ...out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(`skipped: ${again}: shard 2/3 again (${paths.a2}, newer, is the one merged)\n`);
  });

  it('two complete matrices: each merged into its own run; --run-id then is an error', async () => {
    const { dir, out, paths } = storedRuns();
    store(dir, shard(whole(['cost.lockHandoff=40']), 2, 2, 'b2'));
    const r = await runCaptured(['merge', dir, ...out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.match(/^merged /gm)).toHaveLength(2);
    expect(r.stderr).toBe(`skipped: ${paths.whole}: not a shard (a whole run, without --shard)\n`);
    const named = await runCaptured(['merge', dir, ...out, '--run-id', 'one']);
    expect(named.code).toBe(2);
    expect(named.stderr).toMatch(/^nolock-bench: --run-id: value: expected the files of one matrix .*found 2 complete matrices/);
  });

  it('nothing complete to merge: exit 2, one line saying what was found', async () => {
    const { out, paths } = storedRuns();
    const r = await runCaptured(['merge', paths.whole, paths.a1, paths.a3, ...out]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('nolock-bench: merge: files: expected every shard (1/n .. n/n) of at least one matrix (compare --shard i/n), found 1 whole run(s) (no --shard) and 1 matrix(es) with shards missing (shard 2 of 3 missing)\n');
    const g = await runCaptured(['merge', join(out[1]!, 'nothing-*', 'results.json'), ...out]);
    expect(g.code).toBe(2);
    expect(g.stderr).toMatch(/nothing-\*\/results\.json: glob: expected at least one matching results\.json or folder, found no match/);
  });

  it("the merged command is the shards' without --shard and --run-id", () => {
    expect(matrixCommand('npm run compare -- --quick --shard 2/4 --run-id s2')).toBe('npm run compare -- --quick');
    expect(matrixCommand('npm run compare -- --shard=auto/4')).toBe('npm run compare');
    expect(matrixCommand("npm run compare -- --run-id 'a b' --seeds 2 --shard 1/2")).toBe('npm run compare -- --seeds 2');
  });
});
