/**
 * A strategy that throws, loops, breaks a core invariant or runs away in
 * virtual time fails its own runs, with a message naming the strategy, the
 * scenario, the seed, the virtual time and what went wrong, while every other
 * run of the matrix completes and is stored; the summaries list the failed runs.
 */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compare } from '../../harness/cli/compare.ts';
import { readResults } from '../../harness/results/schema.ts';
import { writeReportsFor } from '../../harness/cli/reports.ts';

mkdirSync(resolve('test-output'), { recursive: true });
const work = mkdtempSync(join(resolve('test-output'), 'faults-'));
const fixture = (name: string): string => resolve('test/fixtures/faulty-strategies', `${name}.ts`);
const WALL_LIMIT_MS = 8000;
const FAULTY = ['throws-in-request', 'loops-forever', 'breaks-invariant', 'charges-forever', 'stuck-worker', 'leaks-memory'];

describe('faulty strategies', () => {
  it('each fails its own runs with a clear message; the other runs complete and are stored', async () => {
    const out = await compare({
      strategies: ['status-quo', 'dedicated-pool', ...FAULTY],
      strategyFiles: FAULTY.map(fixture),
      scenarios: ['steady'],
      seeds: 2,
      quick: false,
      scenarioFiles: [],
      sets: ['run.durationMs=40', ...FAULTY.map((s) => `${s}.after=3`)],
      jobs: 2,
      runId: 'faults',
      resultsDir: join(work, 'results'),
      reportsDir: join(work, 'reports'),
      json: false,
      measure: false,
      command: 'test',
      // Wide enough for leaks-memory to fill its 256 MiB heap on a loaded 2-core
      // machine (3 s was not, at load 8); loops-forever waits it out.
      runWallLimitMs: WALL_LIMIT_MS,
      runHeapLimitMb: 256,
      checkInvariantsEvery: 1 << 12,
    });
    const res = readResults(out.paths.json);
    // The good strategies: every run stored.
    expect(res.runs.map((r) => `${r.strategy}/${r.seed}`).sort()).toEqual(['dedicated-pool/1', 'dedicated-pool/2', 'status-quo/1', 'status-quo/2']);
    expect(res.summary.map((s) => s.strategy).sort()).toEqual(['dedicated-pool', 'status-quo']);
    // Every faulty run failed, each with its own reason.
    expect(res.failedRuns.length).toBe(FAULTY.length * 2);
    const why = (s: string): string[] => res.failedRuns.filter((f) => f.strategy === s).map((f) => f.error);
    for (const s of FAULTY) {
      expect(why(s).length, s).toBe(2);
      for (const e of why(s)) {
        expect(e).toContain(s);
        expect(e).toContain('steady');
        expect(e).toMatch(/seed [12]/);
      }
    }
    for (const e of why('throws-in-request')) expect(e).toMatch(/at \d+\.\d{3} ms virtual: .*injected bug: list corrupted in getPage\(\)/);
    for (const e of why('loops-forever')) expect(e).toMatch(new RegExp(`stuck at \\d+\\.\\d{3} ms virtual: wall-time limit of ${WALL_LIMIT_MS} ms reached and the run did not return.*worker thread was terminated`));
    for (const e of why('breaks-invariant')) expect(e).toMatch(/at \d+\.\d{3} ms virtual: core invariant broken after event \d+: .*nrFree/);
    for (const e of why('charges-forever')) expect(e).toMatch(/at \d+\.\d{3} ms virtual: virtual-time limit: one kvfree_rcu\(\) call on cpu \d+ cost 1000\.\d+ ms/);
    for (const e of why('stuck-worker')) expect(e).toMatch(/at \d+\.\d{3} ms virtual: virtual time does not advance: deferred work "stuck-worker: spin"|virtual time does not advance: deferred work ".*spin"/);
    for (const e of why('leaks-memory')) expect(e).toMatch(/the worker thread died: .*memory/i);
    // The summaries list the failed runs.
    const reports = await writeReportsFor(res, join(work, 'reports'));
    const text = readFileSync(reports.text!, 'utf8');
    expect(text).toContain(`Failed runs: ${FAULTY.length * 2}`);
    for (const s of FAULTY) expect(text).toContain(s);
    const html = readFileSync(reports.html!, 'utf8');
    expect(html).toContain('loops-forever');
  }, 120_000);
});
