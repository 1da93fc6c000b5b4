/**
 * Interrupting a compare (SIGINT, SIGTERM, once or twice) at random moments
 * leaves results/ and reports/ holding only whole files, and two compares
 * started at once into the same results directory both keep their runs with a
 * valid index.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readResults } from '../../harness/results/schema.ts';
import { readIndex } from '../../harness/results/history-index.ts';

mkdirSync(resolve('test-output'), { recursive: true });
const work = mkdtempSync(join(resolve('test-output'), 'interrupt-'));

/** A matrix of 12 short runs: long enough to be interrupted mid-way, short enough to finish in seconds. */
const SMALL = ['compare', '--scenarios', 'steady', 'burst', '--strategies', 'status-quo', 'dedicated-pool', 'rcu-page-cache', '--seeds', '2', '--set', 'run.durationMs=150', '--no-measure', '--jobs', '2'];

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface Kill {
  /** Delay before the first signal, from the moment the runs start (the "N runs on J worker threads" line) or, with fromSpawn, from the spawn. */
  afterMs: number;
  fromSpawn: boolean;
  signal: NodeJS.Signals;
  /** Send it a second time this many ms later (the handler then exits at once), or not (-1). */
  againAfterMs: number;
}

function start(args: string[], kill?: Kill): Promise<Exit & { runsMs: number; totalMs: number }> {
  return new Promise((resolvePromise) => {
    const t0 = performance.now();
    let runsStarted = NaN;
    let runsEnded = NaN;
    const child = spawn(process.execPath, ['--import', 'tsx', 'harness/cli/main.ts', ...args], { env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const fire = (): void => {
      child.kill(kill!.signal);
      if (kill!.againAfterMs >= 0) setTimeout(() => child.kill(kill!.signal), kill!.againAfterMs);
    };
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (Number.isNaN(runsStarted) && / runs on \d+ worker thread/.test(stderr)) {
        runsStarted = performance.now();
        if (kill && !kill.fromSpawn) setTimeout(fire, kill.afterMs);
      }
      const total = /^(\d+) runs on /.exec(stderr)?.[1];
      if (Number.isNaN(runsEnded) && total !== undefined && stderr.includes(`${total}/${total} runs`)) runsEnded = performance.now();
    });
    if (kill?.fromSpawn) setTimeout(fire, kill.afterMs);
    child.on('exit', (code, signal) => resolvePromise({ code, signal, stdout, stderr, runsMs: runsEnded - runsStarted, totalMs: performance.now() - t0 }));
  });
}

function* filesUnder(dir: string): Generator<string> {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* filesUnder(p);
    else yield p;
  }
}

/** Every file under the directories is whole: parses by its kind; no temporary file is left. */
function checkWholeFiles(...dirs: string[]): number {
  let n = 0;
  for (const dir of dirs) {
    for (const f of filesUnder(dir)) {
      n++;
      expect(f, 'a temporary file was left behind').not.toMatch(/\.tmp$/);
      const text = readFileSync(f, 'utf8');
      if (f.endsWith('results.json')) expect(() => readResults(f), f).not.toThrow();
      else if (f.endsWith('.json')) expect(() => JSON.parse(text), f).not.toThrow();
      else if (f.endsWith('.jsonl')) for (const line of text.split('\n').filter(Boolean)) expect(() => JSON.parse(line), f).not.toThrow();
      else if (f.endsWith('.csv')) {
        const lines = text.trimEnd().split('\n');
        expect(text.endsWith('\n'), f).toBe(true);
        expect(lines[0], f).toMatch(/^strategy,scenario,/);
      } else if (f.endsWith('.html')) expect(text.trimEnd().endsWith('</html>'), f).toBe(true);
      else if (f.endsWith('.txt')) expect(text.length, f).toBeGreaterThan(0);
      else throw new Error(`unexpected file ${f}`);
    }
  }
  return n;
}

describe('interrupted compares', () => {
  it('SIGINT/SIGTERM at random points (once or twice) leave only whole files', async () => {
    const results = join(work, 'killed', 'results');
    const reports = join(work, 'killed', 'reports');
    const dirs = ['--results-dir', results, '--reports-dir', reports];
    // One uninterrupted run sets the time scale. Most kills land while the runs
    // go (from the start of the runs to a little past their end, into storing),
    // the rest anywhere from the spawn to the exit (start-up, reports).
    const full = await start([...SMALL, ...dirs]);
    expect(full.code, full.stderr).toBe(0);
    expect(full.runsMs).toBeGreaterThan(0);
    const plans = fc.sample(
      fc.record({
        at: fc.integer({ min: 0, max: 115 }).map((x) => x / 100),
        fromSpawn: fc.integer({ min: 0, max: 3 }).map((x) => x === 0),
        signal: fc.constantFrom<NodeJS.Signals>('SIGINT', 'SIGTERM'),
        againAfterMs: fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 400 })),
      }),
      { numRuns: 12, seed: 9 },
    );
    let stored = 0;
    const outcomes: string[] = [];
    for (let i = 0; i < plans.length; i += 2) {
      const batch = plans.slice(i, i + 2).map((p) => start([...SMALL, ...dirs], { afterMs: p.at * (p.fromSpawn ? full.totalMs : full.runsMs), fromSpawn: p.fromSpawn, signal: p.signal, againAfterMs: p.againAfterMs }));
      for (const [j, r] of (await Promise.all(batch)).entries()) {
        if (process.env.DEBUG_KILL) console.log(JSON.stringify(plans[i + j]), full.runsMs, full.totalMs, r.code, r.signal, JSON.stringify(r.stderr));
        // Finished (0), stopped by the handler (130), or killed before it was installed (signal).
        expect([0, 130, null], r.stderr).toContain(r.code);
        if (r.code === 130 && r.stdout.includes('Interrupted:')) stored++;

        outcomes.push(r.code === null ? `killed by ${r.signal}` : r.code === 130 && r.stdout.includes('Interrupted:') ? 'stopped, kept finished runs' : `exit ${r.code}`);
        expect(r.stderr).not.toMatch(/internal error/);
      }
      checkWholeFiles(results, reports);
    }
    console.log(`interrupt outcomes: ${outcomes.join(', ')}`);
    // Most kills land while runs are going: those stop cleanly and keep what finished.
    expect(stored).toBeGreaterThan(0);
    const { entries, skipped } = readIndex(results);
    expect(skipped).toEqual([]);
    for (const e of entries) expect(() => readResults(join(results, e.path))).not.toThrow();
    expect(entries.length).toBeGreaterThanOrEqual(1 + stored);
  }, 300_000);

  it('two compares started at once into one results directory both keep their runs; the index stays valid', async () => {
    const results = join(work, 'concurrent', 'results');
    const reports = join(work, 'concurrent', 'reports');
    const dirs = ['--results-dir', results, '--reports-dir', reports];
    const [a, b] = await Promise.all([start([...SMALL, ...dirs]), start([...SMALL, ...dirs])]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const { entries, skipped } = readIndex(results);
    expect(skipped).toEqual([]);
    expect(entries.length).toBe(2);
    expect(new Set(entries.map((e) => e.runId)).size).toBe(2);
    for (const e of entries) expect(readResults(join(results, e.path)).runs.length).toBe(12);
    checkWholeFiles(results, reports);
  }, 300_000);

  it('a --run-id that is already stored is refused (exit 2), and the stored run is kept', async () => {
    const results = join(work, 'taken', 'results');
    const dirs = ['--results-dir', results, '--reports-dir', join(work, 'taken', 'reports')];
    const args = ['compare', '--scenarios', 'steady', '--strategies', 'status-quo', '--seeds', '1', '--set', 'run.durationMs=10', '--no-measure', '--run-id', 'mine', ...dirs];
    expect((await start(args)).code).toBe(0);
    const before = readFileSync(join(results, 'mine', 'results.json'), 'utf8');
    const again = await start(args);
    expect(again.code).toBe(2);
    expect(again.stderr.trim()).toMatch(/^nolock-bench: --run-id: value: expected a run id not used yet in .*, found "mine", which exists$/);
    expect(readFileSync(join(results, 'mine', 'results.json'), 'utf8')).toBe(before);
  }, 120_000);
});
