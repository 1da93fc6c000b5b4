/**
 * `nolock-bench history`: the stored runs listed in results/index.jsonl, in
 * time order, as reports/history/index.html (one trend chart per metric, step
 * changes marked and listed) and reports/history/summary.txt (80 columns: the
 * step changes per metric).
 *
 * A run that cannot be read (missing or corrupt results.json, a bad index
 * line) is skipped with a one-line reason; it never stops the report. Bad
 * input from the user (an unknown metric, strategy or scenario name) is an
 * InputError (exit 2).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { InputError } from '../errors.ts';
import { indexPath, readIndex } from '../results/history-index.ts';
import { readResults } from '../results/schema.ts';
import { buildHistory, historyRunFrom, resolveHistoryMetrics, type HistoryRun } from '../analysis/history.ts';
import { renderHistoryHtml, renderHistoryText } from '../report/history.ts';
import { writeFileAtomic } from '../results/atomic-write.ts';

export interface HistoryOptions {
  readonly resultsDir: string;
  readonly reportsDir: string;
  /** Metrics to chart; empty: locklessFailureRate, ordinaryFastPathNs, invalidWaitContext, reservedPagesMean, simWallMs. */
  readonly metrics: string[];
  /** Only these strategies / scenarios (default: all in the stored runs). */
  readonly strategies?: string[];
  readonly scenarios?: string[];
  /** Include --quick runs (left out by default: another duration and seed count). */
  readonly includeQuick: boolean;
  /** The command line, shown in the HTML header (optional). */
  readonly command?: string;
}

export interface HistoryOutcome {
  /** Path of reports/history/index.html. */
  readonly html: string;
  /** Path of reports/history/summary.txt. */
  readonly text: string;
  /** Runs in the report. */
  readonly runs: number;
  /** One line per index line or run left out, with the reason. */
  readonly skipped: string[];
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

export async function historyCommand(opts: HistoryOptions): Promise<HistoryOutcome> {
  // Bad names fail before anything is read.
  const metrics = resolveHistoryMetrics(opts.metrics);
  const resultsDir = resolve(opts.resultsDir);
  const skipped: string[] = [];
  const { entries, skipped: badLines } = readIndex(resultsDir);
  for (const line of badLines) skipped.push(`${indexPath(resultsDir)}: line ${line}: not a valid index entry (needs runId and path)`);

  const runs: HistoryRun[] = [];
  const seen = new Set<string>();
  let quickLeftOut = 0;
  for (const e of entries) {
    if (e.quick === true && !opts.includeQuick) {
      quickLeftOut++;
      continue;
    }
    const path = isAbsolute(e.path) ? e.path : join(resultsDir, e.path);
    if (seen.has(path)) {
      skipped.push(`${e.runId}: ${path} is listed again in the index (read once)`);
      continue;
    }
    seen.add(path);
    if (!existsSync(path)) {
      skipped.push(`${e.runId}: ${path}: missing (deleted or moved)`);
      continue;
    }
    try {
      const results = readResults(path);
      if (results.config.quick && !opts.includeQuick) {
        quickLeftOut++;
        continue;
      }
      runs.push(historyRunFrom(results, metrics));
    } catch (err) {
      const msg = err instanceof InputError ? err.message : `${path}: ${(err as Error).message ?? String(err)}`;
      skipped.push(`${e.runId}: ${oneLine(msg)}`);
    }
  }

  const model = buildHistory(runs, { metrics, strategies: opts.strategies, scenarios: opts.scenarios, skipped, quickLeftOut, includeQuick: opts.includeQuick });
  // Both rendered before either is written: a rendering error leaves the previous reports in place.
  const text = renderHistoryText(model);
  const page = await renderHistoryHtml(model, opts.command !== undefined ? { command: opts.command } : {});
  const dir = join(resolve(opts.reportsDir), 'history');
  mkdirSync(dir, { recursive: true });
  const htmlPath = join(dir, 'index.html');
  const textPath = join(dir, 'summary.txt');
  writeFileAtomic(htmlPath, page.html);
  writeFileAtomic(textPath, text);
  return { html: htmlPath, text: textPath, runs: model.runs.length, skipped };
}
