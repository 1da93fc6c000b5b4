/**
 * `--shard`: i/n, and `auto` from the engine that runs the shard (a CI
 * matrix's SHARD_INDEX/SHARD_COUNT, GitLab's CI_NODE_INDEX/CI_NODE_TOTAL, a
 * Kubernetes Indexed Job's JOB_COMPLETION_INDEX with auto/N); a clear error
 * when nothing says which shard this is. Through runCli: the shard read from
 * the environment is the one run and stored, and the stored command names it.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseShard, withResolvedShard } from '../../harness/cli/shard.ts';
import { InputError } from '../../harness/errors.ts';
import { readResults } from '../../harness/results/schema.ts';
import { runCaptured } from '../helpers/fuzz-cli-helpers.ts';

const message = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('no error');
};

describe('--shard i/n and auto', () => {
  it('i/n as typed', () => {
    expect(parseShard('3/4', {})).toEqual({ index: 3, count: 4 });
    expect(parseShard(undefined, {})).toBeNull();
    expect(message(() => parseShard('5/4', {}))).toMatch(/^--shard: value: expected i\/n/);
  });

  it('auto: SHARD_INDEX and SHARD_COUNT (a CI matrix), 1-based', () => {
    expect(parseShard('auto', { SHARD_INDEX: '2', SHARD_COUNT: '4' })).toEqual({ index: 2, count: 4 });
    expect(parseShard('auto/4', { SHARD_INDEX: '4' })).toEqual({ index: 4, count: 4 });
    expect(message(() => parseShard('auto', { SHARD_INDEX: '2' }))).toMatch(/\$SHARD_COUNT: value: expected an integer >= 1, found nothing|SHARD_COUNT/);
    expect(message(() => parseShard('auto', { SHARD_INDEX: '5', SHARD_COUNT: '4' }))).toMatch(/shard 5 of 4/);
    expect(message(() => parseShard('auto', { SHARD_INDEX: 'x', SHARD_COUNT: '4' }))).toMatch(/\$SHARD_INDEX: value: expected an integer >= 1, found "x"/);
    expect(message(() => parseShard('auto/3', { SHARD_INDEX: '1', SHARD_COUNT: '4' }))).toMatch(/--shard auto\/3: count: .*3 against 4/);
  });

  it('auto: CI_NODE_INDEX and CI_NODE_TOTAL (GitLab parallel), 1-based', () => {
    expect(parseShard('auto', { CI_NODE_INDEX: '1', CI_NODE_TOTAL: '3' })).toEqual({ index: 1, count: 3 });
    expect(parseShard('auto', { CI_NODE_INDEX: '3', CI_NODE_TOTAL: '3' })).toEqual({ index: 3, count: 3 });
    expect(message(() => parseShard('auto', { CI_NODE_INDEX: '0', CI_NODE_TOTAL: '3' }))).toMatch(/CI_NODE_INDEX/);
  });

  it('auto/N: JOB_COMPLETION_INDEX (Kubernetes Indexed Job), 0-based, with the count given', () => {
    expect(parseShard('auto/4', { JOB_COMPLETION_INDEX: '0' })).toEqual({ index: 1, count: 4 });
    expect(parseShard('auto/4', { JOB_COMPLETION_INDEX: '3' })).toEqual({ index: 4, count: 4 });
    expect(parseShard('auto', { JOB_COMPLETION_INDEX: '1', SHARD_COUNT: '2' })).toEqual({ index: 2, count: 2 });
    expect(message(() => parseShard('auto', { JOB_COMPLETION_INDEX: '1' }))).toMatch(/--shard auto: count: expected the number of shards as --shard auto\/N/);
    expect(message(() => parseShard('auto/4', { JOB_COMPLETION_INDEX: '4' }))).toMatch(/shard 5 of 4/);
  });

  it('auto with nothing set says which variables it reads', () => {
    const m = message(() => parseShard('auto', { CI: 'true', GITHUB_ACTIONS: 'true' }));
    expect(m).toBe('--shard auto: environment: expected $SHARD_INDEX and $SHARD_COUNT, $CI_NODE_INDEX and $CI_NODE_TOTAL (GitLab CI parallel), or $JOB_COMPLETION_INDEX (Kubernetes Indexed Job) with auto/N, found none of them set');
    expect(message(() => parseShard('auto/0', {}))).toMatch(/^--shard: value/);
    expect(message(() => parseShard('autox', {}))).toMatch(/^--shard: value/);
  });

  it('the stored command names the shard auto resolved to', () => {
    expect(withResolvedShard(['compare', '--shard', 'auto', '--quick'], { index: 2, count: 4 })).toEqual(['compare', '--shard', '2/4', '--quick']);
    expect(withResolvedShard(['compare', '--shard=auto/4'], { index: 1, count: 4 })).toEqual(['compare', '--shard=1/4']);
  });
});

describe('compare --shard auto through the command line', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of ['SHARD_INDEX', 'SHARD_COUNT', 'CI_NODE_INDEX', 'CI_NODE_TOTAL', 'JOB_COMPLETION_INDEX']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });
  mkdirSync(resolve('test-output'), { recursive: true });
  const work = mkdtempSync(join(resolve('test-output'), 'shard-auto-'));
  const dirs = ['--results-dir', join(work, 'results'), '--reports-dir', join(work, 'reports')];
  // 2 strategies x 1 scenario x 2 seeds = 4 jobs: shard i of 2 runs jobs i-1 and i+1.
  const tiny = ['compare', '--scenarios', 'steady', '--strategies', 'status-quo', 'dedicated-pool', '--seeds', '2', '--set', 'run.durationMs=5', '--no-measure', '--jobs', '1', ...dirs];

  for (const [what, env, shard, index] of [
    ['SHARD_INDEX/SHARD_COUNT', { SHARD_INDEX: '2', SHARD_COUNT: '2' }, 'auto', 2],
    ['CI_NODE_INDEX/CI_NODE_TOTAL', { CI_NODE_INDEX: '1', CI_NODE_TOTAL: '2' }, 'auto', 1],
    ['JOB_COMPLETION_INDEX with auto/2', { JOB_COMPLETION_INDEX: '1' }, 'auto/2', 2],
  ] as const) {
    it(`${what}: runs and stores shard ${index}/2`, async () => {
      Object.assign(process.env, env);
      const runId = `auto-${index}-${what.slice(0, 3).toLowerCase()}`;
      const r = await runCaptured([...tiny, '--shard', shard, '--run-id', runId]);
      expect(r.code, r.stderr).toBe(0);
      const res = readResults(join(work, 'results', runId, 'results.json'));
      expect(res.config.shard).toEqual({ index, count: 2 });
      expect(res.runs).toHaveLength(2);
      expect(res.command).toContain(`--shard ${index}/2`);
    }, 60_000);
  }

  it('nothing set: exit 2, one line, nothing run', async () => {
    for (const k of ['SHARD_INDEX', 'SHARD_COUNT', 'CI_NODE_INDEX', 'CI_NODE_TOTAL', 'JOB_COMPLETION_INDEX']) delete process.env[k];
    const r = await runCaptured([...tiny, '--shard', 'auto', '--run-id', 'auto-none']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^nolock-bench: --shard auto: environment: expected \$SHARD_INDEX/)]);
  });
});
