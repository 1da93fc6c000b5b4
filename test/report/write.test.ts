import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../harness/errors.ts';
import { writeReports } from '../../harness/report/index.ts';
import { rebuildReports } from '../../harness/report/rebuild.ts';
import { makeSampleResults } from '../helpers/sample-results.ts';

const dir = mkdtempSync(join(tmpdir(), 'nolock-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeReports / rebuildReports', () => {
  it('writes index.html, summary.txt and details.txt under <reportsDir>/<runId>/, leaving no temporary file', async () => {
    const results = makeSampleResults();
    const out = await writeReports(results, join(dir, 'reports'), { command: 'npm run compare -- --quick' });
    expect(out.html).toBe(join(dir, 'reports', results.runId, 'index.html'));
    expect(out.text).toBe(join(dir, 'reports', results.runId, 'summary.txt'));
    expect(out.details).toBe(join(dir, 'reports', results.runId, 'details.txt'));
    expect(readdirSync(join(dir, 'reports', results.runId)).sort()).toEqual(['details.txt', 'index.html', 'summary.txt']);
    // The details are in details.txt, not in the summary.
    expect(readFileSync(out.details, 'utf8')).toContain('Static properties');
    expect(readFileSync(out.text, 'utf8')).not.toContain('Static properties');
    expect(readFileSync(out.html, 'utf8')).toMatch(/^<!DOCTYPE html>/);
    expect(readFileSync(out.text, 'utf8')).toContain(results.runId);
  });

  it('refuses a run id that would leave the reports directory', async () => {
    const results = { ...makeSampleResults(), runId: '../escape' };
    await expect(writeReports(results, join(dir, 'reports'), { command: 'x' })).rejects.toBeInstanceOf(InputError);
  });

  it('rebuilds the reports from a stored results.json', async () => {
    const results = makeSampleResults({ noSweep: true });
    const file = join(dir, 'results.json');
    writeFileSync(file, JSON.stringify(results));
    const out = await rebuildReports(file, join(dir, 'rebuilt'));
    expect(out.runId).toBe(results.runId);
    expect(readFileSync(out.text, 'utf8')).toContain(`npm run report -- ${file}`);
    expect(readFileSync(out.details, 'utf8')).toContain(`npm run report -- ${file}`);
    expect(readFileSync(out.html, 'utf8')).toContain('No sweep in this run');
  });

  it('gives an InputError for a corrupt or foreign results file', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"schema": "nolock-bench/results", "schemaVersion": 1, "runId": 5');
    await expect(rebuildReports(bad, join(dir, 'x'))).rejects.toBeInstanceOf(InputError);
    const foreign = join(dir, 'foreign.json');
    writeFileSync(foreign, JSON.stringify({ hello: 'world' }));
    await expect(rebuildReports(foreign, join(dir, 'x'))).rejects.toThrow(/schema/);
    await expect(rebuildReports(join(dir, 'missing.json'), join(dir, 'x'))).rejects.toBeInstanceOf(InputError);
  });
});
