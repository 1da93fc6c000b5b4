/**
 * summary.txt (reports/<run-id>/summary.txt): the page a reviewer reads to
 * the end, at most 80 columns, ASCII only, ready to paste into a mail to the
 * list. About 100 lines for the default matrix (7 strategies x 10 scenarios):
 *
 *   header: run, date, commit; that these are the model's numbers (of which
 *     kernels) with the lab's last check; the cost-range verdict; cold starts
 *   Verdict: the overall paragraph, then one line per scenario, the ranking
 *     best first (`a > b = c`, `=` a tie); strategies not run, named once
 *   one compact table per scenario in the style of mmtests compare-kernels:
 *     strategies as rows, status-quo first as the baseline row, at most 8 key
 *     columns (the verdict's criteria that differ between the strategies),
 *     `value (+x%)` as a gain against status-quo (+ is better), `*+x%*` when
 *     significant; columns the same for every strategy left out
 *   the regression check against --baseline, LKP style (when there is one)
 *   how to reproduce, and where the rest is (details.txt, index.html,
 *     results.json).
 *
 * Everything else (every metric, intervals, reasons, glossary, static
 * properties, the full comparison) is in details.txt (details-text.ts).
 * What the caller may rely on: every line fits TEXT_WIDTH columns and is
 * printable ASCII, whatever the strings in the results hold.
 */
import { metricDef } from '../metrics/metric-defs.ts';
import type { Comparison, Results, SummaryRow } from '../results/schema.ts';
import { cellName, comparisonHeadline, comparisonRows, formatChangePct, formatPair, verdictText as cellVerdict } from './comparison-text.ts';
import { formatMetric, showsSignificant } from './format.ts';
import { BASELINE, ReportModel, variantShort, type ReportSection } from './model.ts';

export const TEXT_WIDTH = 80;
/** Significance level the summary rows were computed with (harness/analysis/summarize.ts). */
export const SIGNIFICANCE_TEXT = "Welch's t-test across seeds, two-sided, p < 0.05";

export interface TextOptions {
  /** The command that produced this report, when it is not the run itself (npm run report -- ...). */
  readonly reportCommand?: string;
}

/**
 * The key columns, in the order of the verdict's criteria
 * (harness/analysis/verdict.ts), then zone->lock takes inside the lockless
 * request; with the short header each prints under. A table shows the first
 * ones (at most MAX_COLUMNS) that differ between its strategies and fit.
 */
const KEY_COLUMNS: readonly (readonly [metric: string, head: string])[] = [
  ['violationsInRequest', 'inReqViol'],
  ['fallbackRate', 'fallback'],
  ['locklessNsMax', 'nsMax'],
  ['locklessNsP999', 'nsP999'],
  ['ordinaryPcpHitRate', 'pcpHitRate'],
  ['legacyGfp0Failures', 'gfp0Failures'],
  ['watermarkBreaches', 'breaches'],
  ['migratetypeMixing', 'mixing'],
  ['reservedPagesMean', 'reserved'],
  ['zoneLockInLockless', 'zoneLock'],
];
const MAX_COLUMNS = 8;
/** At most this many rows of what moved in the summary's regression check (all of them: details.txt). */
const MAX_REGRESSION_ROWS = 8;
/** At most this many configuration differences in the summary (all of them: details.txt). */
const MAX_DIFFERENCES = 3;
const GAP = 2;

export function renderTextSummary(results: Results, opts: TextOptions = {}): string {
  const m = new ReportModel(mapStrings(results, toAscii));
  const reportCommand = opts.reportCommand !== undefined ? toAscii(opts.reportCommand) : undefined;
  const short = shortNames(m);
  const out: string[] = [];
  summaryHeader(out, m);
  summaryVerdict(out, m, short);
  summaryTables(out, m, short);
  if (m.results.comparison) regressionCheck(out, m.results.comparison, short);
  whereNext(out, m, reportCommand);
  return finishText(out);
}

/** Lines joined, each cut to TEXT_WIDTH (belt and braces: nothing may exceed it, whatever the input holds). */
export function finishText(out: readonly string[]): string {
  return out.flatMap((l) => hardWrap(toAscii(l).replace(/\s+$/, ''), TEXT_WIDTH)).join('\n') + '\n';
}

// ---------------------------------------------------------------------------
// Summary sections
// ---------------------------------------------------------------------------

/** "5.9", "5.9 and 7.2", "5.9, 6.1 and 7.2". */
function andList(xs: readonly string[]): string {
  return xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}

/** The kernel profiles the cells ran on (summary rows; older files: the scenarios' profile), oldest first. */
function kernelsOf(m: ReportModel): string[] {
  const ks = new Set<string>();
  for (const r of m.results.summary) if (r.kernel !== undefined) ks.add(r.kernel);
  if (ks.size === 0) for (const s of m.results.scenarios) if (typeof s.kernel['profile'] === 'string') ks.add(s.kernel['profile']);
  return [...ks].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

function summaryHeader(out: string[], m: ReportModel): void {
  const r = m.results;
  const env = r.environment;
  const commit = env.gitCommit === null ? 'no git commit' : `commit ${env.gitCommit.slice(0, 7)}${env.gitDirty ? ' (dirty)' : ''}`;
  const seeds = r.config.seeds.length;
  // The date, unless the run id already says it (the default id is the start time).
  const date = r.runId.includes(r.createdAt.slice(0, 10)) ? '' : `${r.createdAt.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC')}, `;
  para(out, `nolock-bench ${r.runId}, ${date}${commit}, ${seeds} seed${seeds === 1 ? '' : 's'}${r.config.quick ? ', --quick' : ''}`);
  const ks = kernelsOf(m);
  const kernels = ks.length === 0 ? 'the model (kernel not recorded)' : `the model of Linux ${andList(ks)}${ks.length > 1 ? ' (per scenario)' : ''}`;
  para(out, `Numbers from ${kernels}, not from kernels.`);
  if (r.lab) {
    const t = r.lab.totals;
    para(out, `Lab, last check ${r.lab.date.slice(0, 10)}: ${t.matched} of ${t.compared} numbers matched on ${t.kernels} kernel${t.kernels === 1 ? '' : 's'}${r.lab.status === 'mismatch' ? ' (mismatch: details.txt)' : ''}.`);
  }
  if (r.costRange) para(out, `Cost range: ${r.costRange.verdict}`);
  const cold = r.scenarios.filter((s) => s.warmupMs === 0).map((s) => s.name);
  if (cold.length > 0) para(out, `Cold start (no warm-up): ${cold.join(', ')}.`);
  if (r.failedRuns.length > 0) {
    // Which strategies failed is what a reader acts on; the reasons are in details.txt.
    const byStrategy = new Map<string, number>();
    for (const f of r.failedRuns) byStrategy.set(f.strategy, (byStrategy.get(f.strategy) ?? 0) + 1);
    const who = [...byStrategy].map(([s, n]) => `${s} (${n})`).join(', ');
    para(out, `Failed runs: ${r.failedRuns.length}, left out of every mean (reasons in details.txt): ${who}.`);
  }
}

/**
 * Short names for the strategies, used in the verdict lines and the tables
 * so that a ranking fits one line and the tables keep room for columns:
 * status-quo stays whole, the others take their last word ("dedicated-pool"
 * -> "pool") when that is unique and at least 3 characters, else stay whole.
 */
function shortNames(m: ReportModel): Map<string, string> {
  const names = m.strategyOrder;
  const last = (n: string): string => n.split('-').pop() ?? n;
  const out = new Map<string, string>();
  for (const n of names) {
    const s = last(n);
    const unique = names.filter((o) => o !== n && (last(o) === s || o === s)).length === 0;
    out.set(n, n === BASELINE || !unique || s.length < 3 ? n : s);
  }
  return out;
}

/** "pool", "pool [poolPages=8]", "cache^" (^: proposed after the thread). */
function shortLabel(m: ReportModel, short: ReadonlyMap<string, string>, strategy: string, variant: string): string {
  const later = m.strategy(strategy)?.later ?? false;
  const v = variantShort(strategy, variant);
  return `${short.get(strategy) ?? strategy}${later ? '^' : ''}${v ? ` [${v}]` : ''}`;
}

/** A verdict key ("steady", "steady@5.9", "steady [x=1]") with its kernel: "steady@5.9 [x=1]". */
function scenarioTitle(key: string, kernel: string | undefined): string {
  if (key.includes('@') || kernel === undefined) return key;
  const i = key.indexOf(' [');
  return i < 0 ? `${key}@${kernel}` : `${key.slice(0, i)}@${kernel}${key.slice(i)}`;
}

function summaryVerdict(out: string[], m: ReportModel, short: ReadonlyMap<string, string>): void {
  // The paragraph is headed by its first word, "Verdict:" (a heading line of its own would cost a line).
  const v = m.results.verdict;
  if (v === undefined) {
    para(out, 'Verdict: none in this results file (it predates the verdict: results schema version 1). Run the compare again to get one.');
    out.push('');
    return;
  }
  para(out, `Verdict: ${v.overall}`);
  const entries = Object.entries(v.scenarios);
  const keyW = Math.min(24, Math.max(0, ...entries.map(([k, s]) => scenarioTitle(k, s.kernel).length)) + 2);
  // A ranking label as the verdict names it: "strategy" or "strategy [param=v]".
  const label = (name: string): string => {
    const i = name.indexOf(' [');
    const strategy = i < 0 ? name : name.slice(0, i);
    return shortLabel(m, short, strategy, i < 0 ? '' : `${strategy}.${name.slice(i + 2, -1)}`);
  };
  for (const [key, s] of entries) {
    const parts: string[] = [];
    s.ranking.forEach((e, i) => {
      if (i > 0) {
        const prev = s.ranking[i - 1]!.strategy;
        parts.push(s.ties.some((t) => t.includes(prev) && t.includes(e.strategy)) ? '=' : '>');
      }
      parts.push(label(e.strategy));
    });
    const lines = wrapText(parts.join(' '), TEXT_WIDTH - keyW);
    lines.forEach((l, i) => out.push(`${(i === 0 ? scenarioTitle(key, s.kernel) : '').padEnd(keyW)}${l}`));
  }
  // Cells not run (the kernel lacks the strategy), each strategy named once.
  const na = new Map<string, string[]>();
  for (const x of m.results.notApplicable ?? []) {
    const who = label(x.variant !== '' && x.variant.startsWith(`${x.strategy}.`) ? `${x.strategy} [${x.variant.slice(x.strategy.length + 1)}]` : x.strategy);
    const what = `${who} ${x.reason.replace(/^n\/a \(?/, '').replace(/\)$/, '')}, not run on ${x.kernel}`;
    const scen = x.variant !== '' && !x.variant.startsWith(`${x.strategy}.`) ? `${x.scenario} [${x.variant}]` : x.scenario;
    const list = na.get(what) ?? [];
    if (!list.includes(scen)) list.push(scen);
    na.set(what, list);
  }
  for (const [what, scen] of na) para(out, `n/a: ${what} (${scen.length > 3 ? `${scen.length} scenarios` : scen.join(', ')}).`);
  // Cells left out of a ranking for another reason (another kernel).
  for (const [key, s] of entries) {
    for (const n of s.notRanked ?? []) if (!n.reason.endsWith(': not run')) para(out, `not ranked in ${key}: ${label(n.strategy)} (${n.reason}).`);
  }
  out.push('');
}

interface KeyColumn {
  readonly metric: string;
  readonly head: string;
  readonly cells: string[];
  readonly width: number;
}

function summaryTables(out: string[], m: ReportModel, short: ReadonlyMap<string, string>): void {
  const sections = m.sections();
  if (sections.length === 0) return;
  const used = new Set<string>();
  const tables: string[][] = [];
  for (const section of sections) tables.push(scenarioTable(m, short, section, used));
  const n = m.seedCount();
  const renamed = m.strategyOrder.filter((x) => short.get(x) !== x).map((x) => `${short.get(x)}=${x}`);
  const later = m.strategyOrder.some((x) => m.strategy(x)?.later);
    // A header that starts or ends its metric's name needs no key ("nsMax": locklessNsMax).
  const plain = (metric: string, head: string): boolean => metric.toLowerCase().startsWith(head.toLowerCase()) || metric.toLowerCase().endsWith(head.toLowerCase());
  const columns = KEY_COLUMNS.filter(([metric, head]) => used.has(metric) && !plain(metric, head)).map(([metric, head]) => `${head}=${metric}`);
  para(
    out,
    [
      `Tables: mean of ${n} seed${n === 1 ? '' : 's'}, ${BASELINE} first, then value (gain, + is better, *x%* significant); a=b same row; unchanged columns left out.`,
      renamed.length > 0 ? `${renamed.join(' ')}${later ? ' (^ later)' : ''};` : '',
      columns.length > 0 ? `${columns.join(' ')}.` : '',
    ]
      .filter((x) => x !== '')
      .join(' '),
  );
  for (const t of tables) out.push(...t);
}

/** The gain (+ is better) in percent: stored gainPct, else from changePct and the metric's direction. */
function gainOf(metric: string, ch: { changePct: number | null; gainPct?: number | null | undefined }): number | null {
  if (ch.gainPct !== undefined && ch.gainPct !== null) return ch.gainPct;
  if (ch.changePct === null) return null;
  const better = metricDef(metric)?.better ?? 'none';
  return better === 'higher' ? ch.changePct : better === 'lower' ? -ch.changePct : ch.changePct;
}

/** A gain as the compact tables print it: "+12%", "-1.5%", "+0.04%"; below 0.005% "+0%" (shown as no change). */
function compactPct(g: number): string {
  const a = Math.abs(g);
  const body = a >= 10 ? Math.round(a).toLocaleString('en-US') : a >= 1 ? a.toFixed(1) : String(Number(a.toFixed(2)));
  return `${g < 0 ? '-' : '+'}${body}%`;
}

/** One scenario's table (lines, without a trailing blank). Records the columns it shows in `used`. */
function scenarioTable(m: ReportModel, short: ReadonlyMap<string, string>, section: ReportSection, used: Set<string>): string[] {
  const rows: SummaryRow[] = [...(section.baseline ? [section.baseline] : []), ...section.columns];
  const kernel = rows[0]?.kernel;
  const title = scenarioTitle(section.variant ? `${section.scenario} [${section.variant}]` : section.scenario, kernel);
  const labels = rows.map((r) => shortLabel(m, short, r.strategy, r.strategy === BASELINE ? '' : r.variant));
  const labelW = Math.max(title.length, ...labels.map((l) => l.length));
  // Columns that carry something: present and not the same mean for every row.
  const candidates = KEY_COLUMNS.filter(([metric]) => {
    const means = rows.map((r) => r.metrics[metric]?.mean);
    return means.some((x) => x !== undefined) && new Set(means).size > 1;
  });
  const columns: KeyColumn[] = [];
  let width = labelW;
  for (const [metric, head] of candidates) {
    if (columns.length >= MAX_COLUMNS) break;
    const col = keyColumn(section, rows, metric, head);
    // Means that differ but print the same, with no gain shown, carry nothing either.
    if (col.cells.every((c) => c.trim() === col.cells[0]!.trim())) continue;
    if (width + GAP + col.width > TEXT_WIDTH) continue;
    columns.push(col);
    used.add(metric);
    width += GAP + col.width;
  }
  if (columns.length === 0) return [`${title}: every strategy the same on the key columns (details.txt)`];
  const lines = [title.padEnd(labelW) + columns.map((c) => ' '.repeat(GAP) + c.head.padEnd(c.width)).join('')];
  // Rows the same as the baseline on every column shown join its label
  // ("status-quo=mask") when that fits; a row that is 0 in every column
  // carries nothing: named below the table instead.
  const sameAsBase = rows.map((_, i) => i > 0 && section.baseline !== undefined && columns.every((c) => c.cells[i]!.trim() === c.cells[0]!.trim()));
  const joined = [labels[0]!, ...labels.filter((_, i) => sameAsBase[i])].join('=');
  const fold = section.baseline !== undefined && sameAsBase.some((x) => x) && joined.length - labelW <= TEXT_WIDTH - width;
  const rowW = fold ? Math.max(labelW, joined.length) : labelW;
  lines[0] = title.padEnd(rowW) + lines[0]!.slice(labelW);
  const zero: string[] = [];
  rows.forEach((r, i) => {
    if (fold && sameAsBase[i]) return;
    if (i > 0 && columns.every((c) => /^0%?$/.test(c.cells[i]!.trim()))) {
      zero.push(labels[i]!);
      return;
    }
    lines.push((i === 0 && fold ? joined : labels[i]!).padEnd(rowW) + columns.map((c) => ' '.repeat(GAP) + c.cells[i]!.padEnd(c.width)).join(''));
  });
  if (zero.length > 0) lines.push(`  0 in every column: ${zero.join(', ')}`);
  return lines;
}

/** A key column's cells: values right-aligned, then the gain (or nothing where there is no change). */
function keyColumn(section: ReportSection, rows: readonly SummaryRow[], metric: string, head: string): KeyColumn {
  const values = rows.map((r) => {
    const c = r.metrics[metric];
    return c === undefined ? '-' : formatMetric(metric, c.mean);
  });
  const gains = rows.map((r, i) => {
    if (r === section.baseline || section.baseline === undefined) return '';
    const ch = r.vsStatusQuo?.[metric];
    const b = section.baseline.metrics[metric];
    const c = r.metrics[metric];
    if (!ch || !b || !c || c.mean === b.mean || values[i] === '-') return '';
    const g = gainOf(metric, ch);
    if (g === null) return '(n/a)';
    const text = compactPct(g);
    if (/^[+-]0%$/.test(text)) return '';
    return showsSignificant(ch) ? `*${text}*` : `(${text})`;
  });
  const vw = Math.max(head.length, ...values.map((v) => v.length));
  const gw = Math.max(0, ...gains.map((g) => g.length));
  const cells = values.map((v, i) => (gw > 0 ? `${v.padStart(vw)} ${gains[i]!.padEnd(gw)}` : v.padStart(vw)));
  return { metric, head: gw > 0 ? `${head.padStart(vw)} ${''.padEnd(gw)}` : head.padStart(vw), cells, width: vw + (gw > 0 ? gw + 1 : 0) };
}

/** The regression check, LKP style and short: headline, configuration differences, what moved (at most 8 rows). */
function regressionCheck(out: string[], c: Comparison, short: ReadonlyMap<string, string>): void {
  const failing = c.cells.filter((x) => x.failing);
  const improved = c.cells.filter((x) => x.verdict === 'improved' && !x.failing).length;
  const head = failing.length > 0 ? comparisonHeadline(c) : `no regression: ${c.comparedCells.toLocaleString('en-US')} cells compared${improved > 0 ? `, ${improved.toLocaleString('en-US')} improved` : ''}`;
  out.push('', `Regression check against ${c.baselineRunId}${c.baselineCommit ? ` (commit ${c.baselineCommit.slice(0, 12)})` : ''}`);
  para(out, head);
  if (c.differences.length > 0) {
    out.push('Configuration differences (baseline -> this run):');
    for (const d of c.differences.slice(0, MAX_DIFFERENCES)) wrapText(d, TEXT_WIDTH - 4).forEach((l, i) => out.push(`${i === 0 ? '  - ' : '    '}${l}`));
    if (c.differences.length > MAX_DIFFERENCES) out.push(`  ... ${c.differences.length - MAX_DIFFERENCES} more (details.txt)`);
  }
  const rows = comparisonRows(c);
  if (rows.length > 0) {
    out.push(`${'base'.padStart(10)} ${'%change'.padStart(9)} ${'new'.padStart(10)}  cell and metric (upper case: fails the run)`);
    for (const x of rows.slice(0, MAX_REGRESSION_ROWS)) {
      const [b, n] = formatPair(x.metric, x.baseline, x.current);
      const where = `${short.get(x.strategy) ?? x.strategy} x ${cellName({ ...x, strategy: '' }).replace(/^ x /, '')} ${x.metric} ${cellVerdict(x)}`;
      const line = `${b.padStart(10)} ${formatChangePct(x.changePct).padStart(9)} ${n.padStart(10)}  ${where}`;
      out.push(line.length > TEXT_WIDTH ? `${line.slice(0, TEXT_WIDTH - 1)}~` : line);
    }
    if (rows.length > MAX_REGRESSION_ROWS) out.push(`... ${rows.length - MAX_REGRESSION_ROWS} more rows (details.txt)`);
  }
  out.push('');
}

function whereNext(out: string[], m: ReportModel, reportCommand: string | undefined): void {
  const r = m.results;
  const one = `Reproduce: ${r.command}`;
  if (one.length <= TEXT_WIDTH) out.push(one);
  else out.push('Reproduce with:', ...shellLines(r.command, '  '));
  if (reportCommand !== undefined && reportCommand !== r.command) {
    out.push('Report written by:');
    out.push(...shellLines(reportCommand, '  '));
  }
  para(out, `More: details.txt, index.html; results/${r.runId}/results.json`);
}

/** A deep copy with every string (values, not keys' meaning) passed through f. */
export function mapStrings<T>(v: T, f: (s: string) => string): T {
  if (typeof v === 'string') return f(v) as T;
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, f)) as T;
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = mapStrings(x, f);
    return o as T;
  }
  return v;
}

// ---------------------------------------------------------------------------
// Text helpers
// ---------------------------------------------------------------------------

export function rule(ch: string): string {
  return ''.padEnd(TEXT_WIDTH, ch);
}

export function para(out: string[], text: string): void {
  out.push(...wrapText(text, TEXT_WIDTH));
}

/** Greedy word wrap; a word longer than the width is cut. */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word0 of paragraph.split(/\s+/).filter((w) => w !== '')) {
      let word = word0;
      while (word.length > width) {
        if (line !== '') {
          lines.push(line);
          line = '';
        }
        lines.push(word.slice(0, width));
        word = word.slice(width);
      }
      if (line === '') line = word;
      else if (line.length + 1 + word.length <= width) line += ` ${word}`;
      else {
        lines.push(line);
        line = word;
      }
    }
    lines.push(line);
  }
  return lines;
}

/**
 * A shell command on lines of at most 80 columns that still pastes into a
 * shell: breaks between words end with " \" and the next line is indented; a
 * word too long for a line is cut with "\" and continues at column 0 (bash
 * removes backslash-newline, joining the word again).
 */
export function shellLines(command: string, indent: string): string[] {
  const width = TEXT_WIDTH - 2; // room for " \"
  const words = command.split(/\s+/).filter((w) => w !== '');
  const lines: string[] = [];
  let line = indent;
  let hasWord = false;
  const flush = (cont: string): void => {
    lines.push(`${line}${cont}`);
  };
  for (let w of words) {
    if (hasWord && line.length + 1 + w.length > width) {
      flush(' \\');
      line = `${indent}  `;
      hasWord = false;
    }
    if (line.length + (hasWord ? 1 : 0) + w.length > width) {
      // Still too long: cut the word itself.
      if (hasWord) line += ' ';
      while (line.length + w.length > TEXT_WIDTH - 1) {
        const room = TEXT_WIDTH - 1 - line.length;
        line += w.slice(0, room);
        w = w.slice(room);
        flush('\\');
        line = '';
      }
      line += w;
      hasWord = true;
      continue;
    }
    line += `${hasWord ? ' ' : ''}${w}`;
    hasWord = true;
  }
  lines.push(line);
  return lines;
}

function hardWrap(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const out: string[] = [];
  for (let i = 0; i < line.length; i += width) out.push(line.slice(i, i + width));
  return out;
}

/** Mail-safe: replace non-ASCII with "?" (inputs may hold anything). */
const ASCII: Record<string, string> = {
  '\u2014': '--',
  '\u2013': '-',
  '\u2212': '-',
  '\u00d7': 'x',
  '\u2018': "'",
  '\u2019': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u2026': '...',
  '\u00b5': 'u',
  '\u03bc': 'u',
  '\u2192': '->',
  '\u2264': '<=',
  '\u2265': '>=',
  '\u00b1': '+/-',
  '\u00a0': ' ',
};

/** Mail-safe: common typography to ASCII, anything else non-printable to "?" (inputs may hold anything). */
export function toAscii(s: string): string {
  return s.replace(/\t/g, '  ').replace(/[^\x20-\x7e]/g, (c) => ASCII[c] ?? '?');
}
