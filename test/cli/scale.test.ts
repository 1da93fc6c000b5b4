/**
 * Memory and scale: a 256-CPU, 64 GiB machine runs within a 1 GiB heap, and a
 * sweep of 1,000 runs completes with little memory kept per run (results.json
 * and runs.csv are written piece by piece; timelines only for a few sweep
 * points). Both run in child processes with --max-old-space-size=1024, so a
 * run that needs more heap dies instead of passing.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResults } from '../../harness/results/schema.ts';
import { MAX_TIMELINE_VARIANTS, timelineVariants } from '../../harness/compare/plan.ts';

mkdirSync(resolve('test-output'), { recursive: true });
const work = mkdtempSync(join(resolve('test-output'), 'scale-'));

function node(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--max-old-space-size=1024', ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' }, timeout: 240_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('scale', () => {
  it('a 256-CPU, 64 GiB scenario completes within 1 GiB of heap', () => {
    const r = node(['--import', 'tsx', 'test/helpers/scale-run.ts', 'test/fixtures/scenarios/huge-machine.json', 'status-quo', 'dedicated-pool', 'rcu-page-cache']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { strategy: string; cpus: number; memoryMiB: number; simEvents: number; heapUsedMiB: number; arrayBuffersMiB: number; heapLimitMiB: number; reservedPagesPeak: number });
    expect(lines.map((l) => l.strategy)).toEqual(['status-quo', 'dedicated-pool', 'rcu-page-cache']);
    for (const l of lines) {
      expect(l.cpus).toBe(256);
      expect(l.memoryMiB).toBe(65536);
      expect(l.simEvents).toBeGreaterThan(100_000);
      expect(l.heapLimitMiB).toBeLessThanOrEqual(1100);
      // The frames are typed arrays (outside the JS heap): count them too.
      expect(l.heapUsedMiB + l.arrayBuffersMiB).toBeLessThan(1024);
    }
    // A per-CPU reserve on 256 CPUs: dedicated-pool's 8 pages per CPU, plus
    // what kvfree_rcu()'s own bnode cache held (at most rcu_min_cached_objs = 5 per CPU).
    expect(lines[1]!.reservedPagesPeak).toBeGreaterThanOrEqual(256 * 8);
    expect(lines[1]!.reservedPagesPeak).toBeLessThanOrEqual(256 * (8 + 5));
  }, 240_000);

  it('a sweep of 1,000 runs stores them all and keeps a few KB per run', () => {
    const out = join(work, 'sweep');
    const r = node(['--expose-gc', '--import', 'tsx', 'test/helpers/sweep-run.ts', out, '1000']);
    expect(r.code, r.stderr).toBe(0);
    const m = JSON.parse(r.stdout.trim().split('\n').pop()!) as { runs: number; failedRuns: number; summaryCells: number; timelines: number; retainedBytesPerRun: number };
    expect(m.runs).toBe(1000);
    expect(m.failedRuns).toBe(0);
    expect(m.summaryCells).toBe(1000);
    expect(m.timelines).toBe(MAX_TIMELINE_VARIANTS);
    // The summary cell of each point (46 metrics, each with its bootstrap
    // interval and its gain against status-quo) plus the run's metrics and its
    // warm-up's: about 19 KB; a full run with its timeline would be several times this.
    expect(m.retainedBytesPerRun).toBeLessThan(24576);
    const stored = readResults(join(out, 'results', 'sweep', 'results.json'));
    expect(stored.runs.length).toBe(1000);
    expect(stored.runs.map((x) => x.variant).slice(0, 3)).toEqual(['dedicated-pool.poolPages=0', 'dedicated-pool.poolPages=1', 'dedicated-pool.poolPages=2']);
    expect(readFileSync(join(out, 'results', 'sweep', 'runs.csv'), 'utf8').trim().split('\n').length).toBe(1001);
  }, 240_000);

  it('timelines go to the first, the last and evenly spaced sweep points', () => {
    expect([...timelineVariants(3)]).toEqual([0, 1, 2]);
    expect([...timelineVariants(1000)]).toEqual([0, 143, 285, 428, 571, 714, 856, 999]);
  });
});
