/**
 * The comparison against a baseline as plain text, at most 80 columns, in the
 * style of the LKP test robot's mails: a headline line (`REGRESSION: 44 of
 * 2100 cells, e.g. dedicated-pool x burst locklessFailureRate 0% -> 11%`),
 * the configuration differences first, then one compact table of what moved
 * (`base  %change  new  metric  verdict`), cells that fail the run first.
 * Ratios print as percentages; a value prints with as many digits as it
 * takes to tell base and new apart. comparisonRows() and the formatters are
 * shared with the HTML part (comparison-html.ts).
 */
import { METRICS } from '../metrics/metric-defs.ts';
import type { Comparison, ComparisonCell } from '../results/schema.ts';

const RATIO_METRICS: ReadonlySet<string> = new Set(METRICS.filter((m) => m.unit === 'ratio').map((m) => m.name));

/** At most this many table rows in the text (the rest is in results.json: comparison.cells). */
export const MAX_TEXT_ROWS = 40;

/** `v` with `digits` significant digits (integers whole), thousands separated. */
function plain(v: number, digits: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return v.toLocaleString('en-US');
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e15)) return v.toExponential(Math.max(1, digits - 1));
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(a || 1)));
  return v.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: Math.min(decimals, 12) });
}

/**
 * The two values of a cell as printed: ratios as percentages, others plain,
 * each with the fewest digits (from 3, up to 12) that keep two different
 * values different and a value that is not 0 from printing as 0.
 */
export function formatPair(metric: string, base: number, current: number): [string, string] {
  const ratio = RATIO_METRICS.has(metric);
  const show = (v: number, d: number): string => (ratio ? `${plain(v * 100, d)}%` : plain(v, d));
  const zeroLike = (v: number, t: string): boolean => v !== 0 && /^-?0(\.0*)?%?$/.test(t);
  for (let d = ratio ? 2 : 3; d <= 12; d++) {
    const b = show(base, d);
    const c = show(current, d);
    if ((b !== c || base === current) && !zeroLike(base, b) && !zeroLike(current, c)) return [b, c];
  }
  return [show(base, 12), show(current, 12)];
}

/** A relative change as printed: "new" from 0, "0%" for none, else signed with enough digits to not read as 0. */
export function formatChangePct(pct: number | null): string {
  if (pct === null) return 'new';
  if (pct === 0) return '0%';
  const sign = pct > 0 ? '+' : '-';
  const a = Math.abs(pct);
  if (a >= 0.01) return `${sign}${a.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}%`;
  return `${sign}${a.toPrecision(2)}%`;
}

/** The verdict as the table prints it. */
export function verdictText(c: ComparisonCell): string {
  return c.failing ? c.verdict.toUpperCase() : c.verdict;
}

/** Where a cell is: strategy x scenario [sweep point]. */
export function cellName(c: ComparisonCell): string {
  return `${c.strategy} x ${c.scenario}${c.variant ? ` [${c.variant}]` : ''}`;
}

/** Failing first, then improved, then the rest (within noise, not failing by policy); each in stored order. */
export function comparisonRows(c: Comparison): ComparisonCell[] {
  const rank = (x: ComparisonCell): number => (x.failing ? 0 : x.verdict === 'improved' ? 1 : 2);
  return c.cells.map((x, i) => ({ x, i })).sort((a, b) => rank(a.x) - rank(b.x) || a.i - b.i).map(({ x }) => x);
}

/** The cell a headline names: of the failing ones, the largest relative change (a change from 0 counts as largest). */
function example(cells: readonly ComparisonCell[]): ComparisonCell | undefined {
  const size = (x: ComparisonCell): number => (x.changePct === null ? Number.POSITIVE_INFINITY : Math.abs(x.changePct));
  return [...cells].sort((a, b) => Number(b.verdict === 'regressed') - Number(a.verdict === 'regressed') || size(b) - size(a))[0];
}

/**
 * The headline: REGRESSION (cells fail the run), IMPROVED (some better, none
 * failing) or NO CHANGE, with the count of cells compared and one example.
 */
export function comparisonHeadline(c: Comparison): string {
  const failing = c.cells.filter((x) => x.failing);
  const improved = c.cells.filter((x) => x.verdict === 'improved' && !x.failing);
  const eg = (x: ComparisonCell | undefined): string => {
    if (!x) return '';
    const [b, n] = formatPair(x.metric, x.baseline, x.current);
    return `, e.g. ${cellName(x)} ${x.metric} ${b} -> ${n}`;
  };
  const of = `of ${c.comparedCells.toLocaleString('en-US')} cells`;
  if (failing.length > 0) return `REGRESSION: ${failing.length.toLocaleString('en-US')} ${of}${eg(example(failing))}`;
  if (improved.length > 0) return `IMPROVED: ${improved.length.toLocaleString('en-US')} ${of}, no regression${eg(example(improved))}`;
  return `NO CHANGE: ${c.comparedCells.toLocaleString('en-US')} cells compared, none regressed or changed`;
}

function wrap(text: string, width = 80, indent = '  ', first = indent): string[] {
  const out: string[] = [];
  let cur = '';
  let lead = first;
  for (const w of text.split(/\s+/)) {
    if (cur && lead.length + cur.length + 1 + w.length > width) {
      out.push(lead + cur);
      lead = indent;
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) out.push(lead + cur);
  return out;
}

const pad = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

/** The comparison block: headline, baseline, configuration differences, the table of what moved, the counts. */
export function renderComparisonText(c: Comparison): string {
  const lines: string[] = [];
  // The headline on one line when it fits, else its example on the next.
  const head = comparisonHeadline(c);
  const eg = head.indexOf(', e.g. ');
  if (head.length <= 80 || eg < 0) lines.push(head);
  else lines.push(`${head.slice(0, eg)}, e.g.`, ...wrap(head.slice(eg + 7), 80, '    ', '  '));
  const failing = c.cells.filter((x) => x.failing).length;
  lines.push(`against baseline ${c.baselineRunId}${c.baselineCommit ? ` (commit ${c.baselineCommit.slice(0, 12)})` : ''}${failing > 0 ? ': the run fails (exit 1)' : ''}`);
  if (c.differences.length > 0) {
    lines.push('', 'Configuration differences (baseline -> this run):');
    for (const d of c.differences) lines.push(...wrap(d, 80, '    ', '  - '));
  }
  const rows = comparisonRows(c);
  if (rows.length > 0) {
    lines.push('', 'What moved (upper case: fails the run):');
    lines.push(`${pad('base', 12)}  ${pad('%change', 10)}  ${pad('new', 12)}  metric                  verdict`);
    let where = '';
    for (const x of rows.slice(0, MAX_TEXT_ROWS)) {
      if (cellName(x) !== where) {
        where = cellName(x);
        lines.push(where);
      }
      const [b, n] = formatPair(x.metric, x.baseline, x.current);
      lines.push(`${pad(b, 12)}  ${pad(formatChangePct(x.changePct), 10)}  ${pad(n, 12)}  ${x.metric.padEnd(22)}  ${verdictText(x)}`);
    }
    if (rows.length > MAX_TEXT_ROWS) lines.push(`... and ${rows.length - MAX_TEXT_ROWS} more rows (results.json: comparison.cells; index.html)`);
  }
  const count = (v: string): number => c.cells.filter((x) => x.verdict === v && !x.failing).length;
  const parts = [`${failing} regressed or changed (failing)`, `${count('improved')} improved`, `${count('within noise')} within noise`, `${c.cells.length - failing - count('improved') - count('within noise')} moved without failing`, `${c.unchangedCells} no change`];
  lines.push('', ...wrap(`${c.comparedCells} cells compared: ${parts.join(', ')}.`, 80, '', ''));
  lines.push(...wrap(`Exact and modelled metrics are compared seed by seed on the seeds both runs have (any difference counts). Timings: Welch's t-test across seeds at p < 0.05 and beyond a ${c.noiseFloorPct}% noise floor; they fail the run only with --fail-on timing${c.failOnTiming ? ' (on)' : ''}.`, 80, '', ''));
  return lines.join('\n');
}
