import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { latestLabSummary } from '../../harness/lab/latest-summary.ts';
import { summarizeLab, writeLabJson, type LabResult } from '../../harness/results/lab-result.ts';
import { renderHtml, renderTextDetails, renderTextSummary } from '../../harness/report/index.ts';
import { ResultsSchema } from '../../harness/results/schema.ts';
import { makeSampleResults } from '../helpers/sample-results.ts';

function labResult(runId: string, date: string, matched = 10): LabResult {
  return {
    schema: 'nolock-bench/lab',
    schemaVersion: 1,
    runId,
    date,
    command: 'nolock-bench lab',
    host: { cpus: 2, memGiB: 24, os: 'Debian', qemu: 'QEMU 7.2', node: '20' },
    kernels: [
      { id: 'trixie', suite: 'trixie', metapackage: 'linux-image-amd64', metaVersion: '6.12.117-1', package: 'linux-image-6.12.117+deb13-amd64', version: '6.12.117-1', uname: '6.12.117+deb13-amd64', profile: '6.12', preemptRt: false, claimed: true, drift: false, shapes: [{ cpus: 3, memMiB: 3072, bootSeconds: 8, compared: 10, matched, mismatches: [] }], trace: null, compared: 10, matched },
    ],
    totals: { kernels: 1, shapes: 1, compared: 10, matched, traces: 0, tracesWithinTolerance: 0 },
    status: matched === 10 ? 'ok' : 'mismatch',
    totalSeconds: 30,
  };
}

describe('quoting the lab in compare results and reports', () => {
  it('takes the newest stored lab run, else the committed baseline, else nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-quote-'));
    expect(latestLabSummary(dir)).toBeUndefined();
    mkdirSync(join(dir, 'baselines'));
    writeLabJson(join(dir, 'baselines', 'lab.json'), summarizeLab(labResult('base', '2026-12-01T00:00:00Z')));
    expect(latestLabSummary(dir)?.runId).toBe('base');
    writeLabJson(join(dir, 'lab', 'a', 'lab.json'), labResult('a', '2026-12-02T00:00:00Z'));
    writeLabJson(join(dir, 'lab', 'b', 'lab.json'), labResult('b', '2026-12-03T00:00:00Z', 9));
    utimesSync(join(dir, 'lab', 'a', 'lab.json'), new Date('2026-12-02'), new Date('2026-12-02'));
    expect(latestLabSummary(dir)).toMatchObject({ runId: 'b', status: 'mismatch' });
    writeFileSync(join(dir, 'lab', 'b', 'lab.json'), '{"schema": ');
    expect(() => latestLabSummary(dir)).toThrow(/lab[/\\]b[/\\]lab\.json: JSON: expected valid JSON/);
  });

  it('prints one line near the top of summary.txt and the HTML report; older results without it still read', async () => {
    const results = makeSampleResults();
    expect(ResultsSchema.parse(results).lab).toBeUndefined();
    const withLab = { ...results, lab: summarizeLab(labResult('l1', '2026-12-04T23:10:00Z')) };
    const parsed = ResultsSchema.parse(JSON.parse(JSON.stringify(withLab)));
    const text = renderTextSummary(parsed);
    const line = 'Model checked against real kernels on 2026-12-04: 1 kernels (6.12.117+deb13-amd64), 1 machine shapes, 10/10 zoneinfo numbers matched.';
    // summary.txt: one line in the header, beside the model's kernels; details.txt: the lab's full quote.
    expect(text.split('\n').slice(0, 4)).toContain('Lab, last check 2026-12-04: 10 of 10 numbers matched on 1 kernel.');
    expect(renderTextDetails(parsed).split('Reproduce with:')[0]!.replace(/\n {11}/g, ' ')).toContain(`lab:       ${line}`);
    expect(renderTextSummary(results)).not.toContain('Lab, last check');
    const page = await renderHtml(parsed);
    expect(page.split('<nav>')[0]).toContain(line);
  });
});
