/**
 * Results schema version 2 (new metrics, per-cell kernel, verdict) and what
 * stays readable: a version 1 file (test/fixtures/results-v1.json, slimmed
 * from the quick baseline of the version-1 era) reads, its missing metrics
 * are absent (not 0), it reports without a verdict, and a comparison
 * against it leaves the missing metrics out.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareRuns } from '../../harness/analysis/regression.ts';
import { summarize } from '../../harness/analysis/summarize.ts';
import { METRICS } from '../../harness/metrics/metric-defs.ts';
import { RESULTS_SCHEMA_VERSION, parseResults, readResults } from '../../harness/results/schema.ts';
import { renderTextSummary } from '../../harness/report/text-summary.ts';
import { renderHtml } from '../../harness/report/html.ts';

const V1 = 'test/fixtures/results-v1.json';
const ADDED = METRICS.filter((d) => 'since' in d).map((d) => d.name);

describe('results schema versions', () => {
  it('writes version 2 and lists the added metrics', () => {
    expect(RESULTS_SCHEMA_VERSION).toBe(2);
    expect(ADDED).toEqual(expect.arrayContaining(['kvfreeCalls', 'fallbackRate', 'locklessNsSuccess', 'locklessNsFailure', 'locklessNsP999', 'locklessNsMax']));
  });

  it('reads a version 1 file: the metrics it predates are absent, not 0', () => {
    const r = readResults(V1);
    expect(r.schemaVersion).toBe(1);
    expect(r.runs.length).toBeGreaterThan(0);
    for (const run of r.runs) {
      expect(run.metrics.locklessRequests).toBeTypeOf('number');
      for (const m of ADDED) expect(m in run.metrics).toBe(false);
    }
    const cells = summarize(r.runs);
    for (const c of cells) for (const m of ADDED) expect(c.metrics[m]).toBeUndefined();
    expect(r.verdict).toBeUndefined();
  });

  it('refuses a version it does not know, naming the field', () => {
    const text = JSON.stringify({ ...JSON.parse(readFileSync(V1, 'utf8')), schemaVersion: 3 });
    expect(() => parseResults(text, 'x.json')).toThrow(/schemaVersion/);
  });

  it('reports a version 1 file without a verdict, and says why', async () => {
    const r = readResults(V1);
    const text = renderTextSummary(r);
    expect(text).toMatch(/^Verdict: none in this results file/m);
    expect(await renderHtml(r)).toMatch(/No verdict in this results file/);
  });

  it('compares against a version 1 baseline without the metrics it lacks', () => {
    const base = readResults(V1);
    const cur = structuredClone(base);
    cur.schemaVersion = 2;
    for (const run of cur.runs) Object.assign(run.metrics, Object.fromEntries(ADDED.map((m) => [m, 1])));
    const rep = compareRuns(cur, base);
    expect(rep.cells.some((c) => ADDED.includes(c.metric as never))).toBe(false);
    expect(rep.cells.every((c) => Number.isFinite(c.current) && Number.isFinite(c.baseline))).toBe(true);
    expect(rep.differences.join('\n')).toMatch(/metrics missing from one of the runs .*kvfreeCalls/);
  });
});
