import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyCommand } from '../../harness/cli/history.ts';
import { InputError } from '../../harness/errors.ts';
import { type IndexEntry } from '../../harness/results/history-index.ts';
import type { Results } from '../../harness/results/schema.ts';
import { buildHistory, historyRunFrom, type HistoryModel } from '../../harness/analysis/history.ts';
import { renderHistoryHtml } from '../../harness/report/history.ts';
import { historySampleRun } from '../helpers/history-runs.ts';

const METRICS = ['locklessFailureRate', 'ordinaryFastPathNs', 'invalidWaitContext', 'reservedPagesMean', 'simWallMs'];
const STEP_RUN = '20251122-000000-c';
const STEP_LABEL = 'cccccc3 2025-11-22';

const run = historySampleRun;

let dir: string;
let resultsDir: string;
let reportsDir: string;
let outcome: Awaited<ReturnType<typeof historyCommand>>;
let page: string;
let text: string;

function writeRun(r: Results, sub = r.runId): IndexEntry {
  const d = join(resultsDir, sub);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'results.json'), JSON.stringify(r));
  return { runId: r.runId, createdAt: r.createdAt, gitCommit: r.environment.gitCommit, gitDirty: r.environment.gitDirty, quick: r.config.quick, strategies: r.config.strategies, scenarios: r.config.scenarios, seeds: r.config.seeds, path: `${sub}/results.json`, runs: r.totals.runs, failedRuns: 0 };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nolock-history-'));
  resultsDir = join(dir, 'results');
  reportsDir = join(dir, 'reports');
  mkdirSync(resultsDir, { recursive: true });
  const entries: IndexEntry[] = [];
  // Written out of time order: the history orders by createdAt.
  entries.push(writeRun(run('20251121-000000-b', '2025-11-21T10:00:00.000Z', 'bbbbbb2000')));
  entries.push(writeRun(run('20251120-000000-a', '2025-11-20T10:00:00.000Z', 'aaaaaa1000')));
  // The step: dedicated-pool takes zone->lock under the raw lock in rt-lockdep-burst from run c on.
  const step = (r: Results): void => {
    for (const row of r.runs) if (row.strategy === 'dedicated-pool' && row.scenario === 'rt-lockdep-burst') row.metrics.invalidWaitContext = 100 + row.seed;
  };
  entries.push(writeRun(run(STEP_RUN, '2025-11-22T10:00:00.000Z', 'cccccc3000', step)));
  entries.push(writeRun(run('20251123-000000-d', '2025-11-23T10:00:00.000Z', 'dddddd4000', step)));
  // A corrupt results.json listed in the index.
  mkdirSync(join(resultsDir, 'broken'), { recursive: true });
  writeFileSync(join(resultsDir, 'broken', 'results.json'), '{"schema": "nolock-bench/results", "schemaVersion": 1, "runId": ');
  const broken = { ...entries[0]!, runId: '20251124-000000-broken', createdAt: '2025-11-24T10:00:00.000Z', path: 'broken/results.json' };
  writeFileSync(join(resultsDir, 'index.jsonl'), [...entries, broken].map((e) => JSON.stringify(e)).join('\n') + '\n');

  outcome = await historyCommand({ resultsDir, reportsDir, metrics: [], includeQuick: false });
  page = readFileSync(join(reportsDir, 'history', 'index.html'), 'utf8');
  text = readFileSync(join(reportsDir, 'history', 'summary.txt'), 'utf8');
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const section = (metric: string): string => /<section class="metric" id="metric-([^"]+)">[\s\S]*?<\/section>/g.exec(page.slice(page.indexOf(`id="metric-${metric}"`) - 40))?.[0] ?? '';

describe('nolock-bench history', () => {
  it('writes reports/history/index.html and summary.txt and counts the runs', () => {
    expect(outcome.html).toBe(join(reportsDir, 'history', 'index.html'));
    expect(outcome.text).toBe(join(reportsDir, 'history', 'summary.txt'));
    expect(outcome.runs).toBe(4);
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
  });

  it('is self-contained: no script, no external resource, only in-page links', () => {
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<link\b|<img\b|<iframe\b/i);
    expect(page).not.toMatch(/@import|@font-face|url\(\s*['"]?(https?:)?\/\//i);
    expect(page).not.toMatch(/\s(?:src|href|xlink:href|srcset)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    for (const m of page.matchAll(/\shref="([^"]*)"/g)) expect(m[1]!.startsWith('#'), m[1]).toBe(true);
    expect(page).toContain('<style>');
  });

  it('has one chart per default metric, each an inline SVG with marks, runs in time order on x', () => {
    for (const metric of METRICS) {
      const s = section(metric);
      expect(s, metric).toContain(`id="chart-history-${metric}"`);
      const svg = /<svg[\s\S]*?<\/svg>/.exec(s)?.[0] ?? '';
      expect(svg.length, metric).toBeGreaterThan(1000);
      const marks = [...svg.matchAll(/<g class="mark-(?:symbol|line|rule)[^"]*role-mark[^"]*"[^>]*>([\s\S]*?)<\/g>/g)];
      expect(marks.length, metric).toBeGreaterThan(0);
      expect((svg.match(/<path /g) ?? []).length, metric).toBeGreaterThan(5);
    }
    const first = section(METRICS[0]!);
    const order = ['aaaaaa1 2025-11-20', 'bbbbbb2 2025-11-21', STEP_LABEL, 'dddddd4 2025-11-23'].map((l) => first.indexOf(`>${l}<`));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('detects and lists the deliberate step in an exact metric, once, at the run where it happened', () => {
    const s = section('invalidWaitContext');
    const table = /<table class="data steps">[\s\S]*?<\/table>/.exec(s)?.[0] ?? '';
    const rows = [...table.matchAll(/<tr><td[\s\S]*?<\/tr>/g)].map((m) => m[0]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(STEP_LABEL);
    expect(rows[0]).toContain('dedicated-pool');
    expect(rows[0]).toContain('rt-lockdep-burst');
    expect(rows[0]).toContain('regressed');
    expect(rows[0]).toContain('3 of 3 seeds changed');
    // The text summary lists it too, as old -> new, within 80 columns.
    const block = text.slice(text.indexOf('invalidWaitContext ('), text.indexOf('reservedPagesMean ('));
    expect(block).toContain('1 step change');
    expect(block).toContain(`run 3: ${STEP_LABEL}`);
    expect(block.replace(/\s+/g, ' ')).toContain('dedicated-pool, rt-lockdep-burst: 0 -> 102 (n/a, regressed; 3/3 seeds changed)');
    for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(text).toMatch(/^[\x20-\x7e\n]*$/);
  });

  it('shows no step in metrics that did not change', () => {
    for (const metric of ['locklessFailureRate', 'ordinaryFastPathNs', 'reservedPagesMean', 'simWallMs']) {
      const s = section(metric);
      expect(s, metric).not.toContain('<table class="data steps">');
      expect(s, metric).toContain(`No step change in ${metric}`);
      const block = text.slice(text.indexOf(`${metric} (`));
      expect(block.split('\n')[0]).toContain('no step change');
    }
  });

  it('skips the corrupt results.json with a one-line reason', () => {
    expect(outcome.skipped).toHaveLength(1);
    expect(outcome.skipped[0]).toContain('20251124-000000-broken');
    expect(outcome.skipped[0]).toContain('JSON');
    expect(outcome.skipped[0]).not.toContain('\n');
    expect(page).toContain('20251124-000000-broken');
    expect(text).toContain('20251124-000000-broken');
  });

  it('rejects an unknown metric name with an InputError naming the closest one', async () => {
    const err = await historyCommand({ resultsDir, reportsDir, metrics: ['invalidWaitContxt'], includeQuick: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toContain('did you mean "invalidWaitContext"');
  });

  it('rejects an unknown strategy name in the filter, and filters by scenario', async () => {
    const err = await historyCommand({ resultsDir, reportsDir: join(dir, 'r2'), metrics: ['invalidWaitContext'], strategies: ['dedicated-pol'], includeQuick: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toContain('did you mean "dedicated-pool"');
    const out = await historyCommand({ resultsDir, reportsDir: join(dir, 'r3'), metrics: ['invalidWaitContext'], scenarios: ['steady-4cpu'], includeQuick: false });
    const t = readFileSync(out.text, 'utf8');
    expect(t).toContain('invalidWaitContext (exact, events, lower is better): no step change');
  });
});

describe('the history report', () => {
  const model = (runs: Results[], metrics: string[]): HistoryModel => buildHistory(runs.map((r) => historyRunFrom(r, metrics)), { metrics });

  it('renders without a vega-lite or vega warning', async () => {
    const h = model([run('a', '2025-11-20T01:00:00Z', 'a1'), run('b', '2025-11-20T02:00:00Z', 'a1')], ['locklessFailureRate']);
    const r = await renderHistoryHtml(h);
    expect(r.warnings).toEqual([]);
  });
});
