/**
 * The command line end to end: a quick compare writes every file with the
 * versioned schema and covers every strategy and scenario; shards merged equal
 * the unsharded run; --baseline verdicts and exit codes; bad input exits 2.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResults } from '../../harness/results/schema.ts';
import { loadStrategies } from '../../harness/sim/strategy-registry.ts';
import { BUILTIN_SCENARIOS } from '../../harness/workload/builtin.ts';

mkdirSync(resolve('test-output'), { recursive: true });
const work = mkdtempSync(join(resolve('test-output'), 'cli-'));
const results = join(work, 'results');
const reports = join(work, 'reports');

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'harness/cli/main.ts', ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' }, timeout: 240_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
const dirs = ['--results-dir', results, '--reports-dir', reports];
const small = ['--scenarios', 'steady', 'rt-raw-lock', '--strategies', 'status-quo', 'gfp-zero-mask', 'dedicated-pool', '--seeds', '2', '--set', 'run.durationMs=60', '--no-measure', ...dirs];

describe('nolock-bench compare', () => {
  it('--quick: results.json (schema v2, with the verdict), runs.csv and both reports, with every strategy and scenario', async () => {
    const r = cli('compare', '--quick', '--run-id', 'quick', '--no-measure', ...dirs);
    expect(r.code, r.stderr).toBe(0);
    const res = readResults(join(results, 'quick', 'results.json'));
    const strategies = (await loadStrategies()).map((s) => s.name);
    expect(new Set(res.runs.map((x) => x.strategy))).toEqual(new Set(strategies));
    expect(new Set(res.runs.map((x) => x.scenario))).toEqual(new Set(BUILTIN_SCENARIOS));
    expect(res.failedRuns).toEqual([]);
    // alloc-pages-nolock does not exist on the 5.9 scenarios' kernel: not run there, recorded as n/a
    const na = res.notApplicable ?? [];
    expect(na.length).toBeGreaterThan(0);
    for (const x of na) expect(x).toMatchObject({ strategy: 'alloc-pages-nolock', kernel: '5.9', reason: 'n/a (needs >= 6.15)' });
    expect(res.runs.some((x) => x.strategy === 'alloc-pages-nolock' && x.profile !== '7.2')).toBe(false);
    expect(res.summary.length).toBe(strategies.length * BUILTIN_SCENARIOS.length - na.length);
    const csv = readFileSync(join(results, 'quick', 'runs.csv'), 'utf8').trim().split('\n');
    expect(csv.length).toBe(res.runs.length + 1);
    expect(csv[0]).toMatch(/^strategy,scenario,variant,seed,profile,workloadHash,kvfreeCalls,locklessRequests,.*,fallbackRate,locklessNsSuccess,locklessNsFailure,locklessNsP999,locklessNsMax,/);
    expect(res.schemaVersion).toBe(2);
    // The verdict is stored: every scenario ranked, each ranking naming strategies that ran there.
    expect(Object.keys(res.verdict?.scenarios ?? {}).sort()).toEqual([...BUILTIN_SCENARIOS].sort());
    for (const v of Object.values(res.verdict!.scenarios)) for (const e of v.ranking) expect(strategies).toContain(e.strategy);
    expect(res.verdict!.overall).toMatch(/ranks first/);
    expect(existsSync(join(reports, 'quick', 'index.html'))).toBe(true);
    expect(readFileSync(join(reports, 'quick', 'summary.txt'), 'utf8')).toMatch(/status-quo/);
    expect(readFileSync(join(reports, 'quick', 'details.txt'), 'utf8')).toMatch(/^Static properties/m);
    expect(r.stdout).toMatch(/results: .*results\.json/);
    // The terminal gets summary.txt and the paths, never details.txt.
    expect(r.stdout).toMatch(/^Verdict: /m);
    expect(r.stdout).toMatch(/^ +.*details\.txt$/m);
    expect(r.stdout).not.toMatch(/^Static properties|95% interval|^-- status-quo/m);
    // summary.txt (about 100 lines for 7 strategies x 10 scenarios; more with more strategies) and a few lines of paths.
    const summaryLines = readFileSync(join(reports, 'quick', 'summary.txt'), 'utf8').split('\n').length;
    expect(r.stdout.split('\n').length).toBeLessThan(summaryLines + 15);
  }, 240_000);

  it('shards merged equal the unsharded run', () => {
    expect(cli('compare', ...small, '--run-id', 'whole').code).toBe(0);
    expect(cli('compare', ...small, '--run-id', 's1', '--shard', '1/2').code).toBe(0);
    expect(cli('compare', ...small, '--run-id', 's2', '--shard', '2/2').code).toBe(0);
    const m = cli('merge', join(results, 's1', 'results.json'), join(results, 's2', 'results.json'), '--run-id', 'merged', ...dirs);
    expect(m.code, m.stderr).toBe(0);
    // Wall-clock times differ between any two runs (the warm-up's too).
    const strip = (id: string) => readResults(join(results, id, 'results.json')).runs.map((x) => ({ ...x, metrics: { ...x.metrics, simWallMs: 0 }, ...(x.warmup ? { warmup: { ...x.warmup, simWallMs: 0 } } : {}) }));
    expect(strip('merged')).toEqual(strip('whole'));
  }, 240_000);

  it('--baseline: an identical rerun reports no change (exit 0); a smaller pool regresses (exit 1)', () => {
    expect(cli('compare', ...small, '--run-id', 'base', '--save-baseline', 'test-base').code).toBe(0);
    expect(existsSync(join(results, 'baselines', 'test-base.json'))).toBe(true);
    const same = cli('compare', ...small, '--run-id', 'same', '--baseline', 'test-base');
    expect(same.code, same.stdout + same.stderr).toBe(0);
    const sameRes = readResults(join(results, 'same', 'results.json'));
    expect(sameRes.comparison!.cells.filter((c) => c.kind === 'exact' || c.kind === 'modelled')).toEqual([]);
    const worse = cli('compare', ...small, '--run-id', 'worse', '--baseline', 'test-base', '--set', 'dedicated-pool.poolPages=1', '--set', 'dedicated-pool.refillThreshold=1');
    expect(worse.code, worse.stderr).toBe(1);
    expect(worse.stdout).toMatch(/^REGRESSION: \d+ of [\d,]+ cells, e\.g\.\s+dedicated-pool x (steady|rt-raw-lock) /m);
    // summary.txt's compact table of what moved: one line per cell, short strategy names.
    expect(worse.stdout).toMatch(/^ .* pool x (steady|rt-raw-lock) \w+ REGRESSED$/m);
    expect(worse.stdout).not.toMatch(/^Static properties/m);
    expect(worse.stdout).toMatch(/parameters differ/);
  }, 240_000);

  it('bad input exits 2 with one line naming the file and the field', () => {
    const corrupt = join(work, 'corrupt.json');
    writeFileSync(corrupt, '{"schema": "nolock-bench/results", "schemaVersion": 1, "runId": 3');
    const b = cli('compare', ...small, '--baseline', corrupt);
    expect(b.code).toBe(2);
    expect(b.stderr.trim().split('\n')).toHaveLength(1);
    expect(b.stderr).toMatch(/corrupt\.json: JSON: expected valid JSON/);
    const s = cli('compare', '--strategies', 'dedicated-pol', ...dirs);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/did you mean "dedicated-pool"/);
    const p = cli('compare', ...small, '--set', 'dedicated-pool.poolPage=3');
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/dedicated-pool\.poolPage.*did you mean "poolPages"/);
    const o = cli('compare', '--no-such-option', ...dirs);
    expect(o.code).toBe(2);
  }, 240_000);
});
