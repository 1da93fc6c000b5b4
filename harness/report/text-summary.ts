/**
 * The plain-text summary (reports/<run-id>/summary.txt): at most 80 columns,
 * ASCII only, ready to paste into a mail to the list, in the style kernel
 * developers already read (mmtests compare-kernels.sh, the 0-day robot):
 *
 *   header (run id, date, commit, the reproducing command)
 *   legend (every column, marker and abbreviation)
 *   per scenario: name, description, kernel config, machine, then one table
 *     per metric group with status-quo as the baseline column and
 *     `value (+x.xx%)` for the others, `*...*` around significant changes;
 *     tables wrap (repeating the baseline column) when the strategies do not
 *     fit in 80 columns
 *   static properties, failed runs, totals, metric glossary.
 */
import { METRICS, metricDef, type MetricDef } from '../metrics/metric-defs.ts';
import type { Results, SummaryRow } from '../results/schema.ts';
import { DIRECTION_TEXT, INTERVAL_TEXT, formatCellChange, formatDurationMs, formatMetric, formatMiB, formatNumber, showsSignificant, withSeparators } from './format.ts';
import { verdictText } from './verdict-text.ts';
import { BASELINE, GROUPS, ReportModel, TOTALS_ONLY, describeKernel, variantShort, type ReportSection } from './model.ts';

export const TEXT_WIDTH = 80;
/** Significance level the summary rows were computed with (harness/analysis/summarize.ts). */
export const SIGNIFICANCE_TEXT = "Welch's t-test across seeds, two-sided, p < 0.05";

export interface TextOptions {
  /** The command that produced this report, when it is not the run itself (npm run report -- ...). */
  readonly reportCommand?: string;
}

export function renderTextSummary(results: Results, opts: TextOptions = {}): string {
  const m = new ReportModel(mapStrings(results, toAscii));
  if (opts.reportCommand !== undefined) opts = { reportCommand: toAscii(opts.reportCommand) };
  const out: string[] = [];
  header(out, m, opts);
  out.push(...verdictText(m.results.verdict, TEXT_WIDTH, wrapText));
  legend(out, m);
  for (const section of m.sections()) scenarioSection(out, m, section);
  staticProperties(out, m);
  failedRuns(out, m);
  totals(out, m);
  glossary(out, m);
  // Belt and braces: nothing may exceed the width, whatever the input holds.
  return out.flatMap((l) => hardWrap(toAscii(l).replace(/\s+$/, ''), TEXT_WIDTH)).join('\n') + '\n';
}

/** A deep copy with every string (values, not keys' meaning) passed through f. */
function mapStrings<T>(v: T, f: (s: string) => string): T {
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
// Sections
// ---------------------------------------------------------------------------

function header(out: string[], m: ReportModel, opts: TextOptions): void {
  const r = m.results;
  const env = r.environment;
  out.push(rule('='));
  out.push(`nolock-bench: lockless page allocation for kvfree_rcu(), compared`);
  out.push(rule('='));
  const kv = (k: string, v: string): void => {
    out.push(...wrapText(v, TEXT_WIDTH - 11).map((line, i) => `${i === 0 ? `${k}:`.padEnd(10) : ' '.repeat(10)} ${line}`));
  };
  kv('run', r.runId);
  kv('date', r.createdAt);
  kv('commit', env.gitCommit === null ? 'unknown (not a git checkout)' : `${env.gitCommit}${env.gitDirty ? ' (with uncommitted changes)' : ''}`);
  const seeds = r.config.seeds;
  kv('seeds', `${seeds.length} per cell (${seeds.join(', ')})${r.config.quick ? ', --quick' : ''}`);
  if (r.costRange) kv('costs', r.costRange.verdict);
  kv('host', `${env.cpuModel}, ${env.cpuCount} CPUs, ${formatMiB(env.totalMemoryMiB)}, node ${env.node}, ${env.os} ${env.arch} (wall-clock numbers only; simulated results do not depend on it)`);
  out.push('');
  out.push('Reproduce with:');
  out.push(...shellLines(r.command, '  '));
  if (opts.reportCommand && opts.reportCommand !== r.command) {
    out.push('Report written by:');
    out.push(...shellLines(opts.reportCommand, '  '));
  }
  out.push('');
}

function legend(out: string[], m: ReportModel): void {
  out.push('How to read the tables');
  out.push(rule('-'));
  const item = (key: string, text: string): void => {
    const lines = wrapText(text, TEXT_WIDTH - 22);
    lines.forEach((line, i) => out.push(`  ${(i === 0 ? key : '').padEnd(19)} ${line}`));
  };
  const n = m.seedCount();
  para(
    out,
    `Rows are metrics (glossary at the end), columns are strategies. Every number is the mean over the ${n} seeds of a cell; each seed runs the same event stream for every strategy (same workload hash).`,
  );
  item(BASELINE, "the baseline column: today's __get_free_page(GFP_NOWAIT) under the krc raw lock.");
  item('value (+x.xx%)', `a strategy's mean and the change of that mean against the status-quo mean on the same scenario and kernel, as a gain: + better, - worse.`);
  item('value {+x.xx%}', 'a metric with no better direction: the plain change (+ = more).');
  item('*value (+x.xx%)*', `the change is significant: ${SIGNIFICANCE_TEXT}. Unmarked: not significant, both sides constant across seeds, or no change.`);
  item('(n/a)', 'status-quo\'s mean is 0 and this one is not: no relative change.');
  item('^', 'proposed after the 2020 thread (marked "later").');
  item('[key=value]', 'a sweep point (--sweep): the strategy run with that parameter.');
  item('k M G T', 'x 1e3, 1e6, 1e9, 1e12 (three significant digits).');
  item('%', 'a ratio (rate) shown as a percentage.');
  item('ns', 'modelled virtual nanoseconds from the cost table, not time measured on this machine.');
  out.push('');
  para(out, DIRECTION_TEXT);
  para(out, INTERVAL_TEXT);
  out.push('');
  out.push('Strategies');
  const plain = m.series.filter((s) => s.variant === '' || !m.series.some((o) => o.strategy === s.strategy && o.variant === ''));
  const names = [...new Set(plain.map((s) => `${s.strategy}${s.later ? '^' : ''}`))];
  const nameW = Math.min(22, Math.max(0, ...names.map((n) => n.length)));
  for (const name of names) {
    const info = m.strategy(name.replace(/\^$/, ''));
    const text = `${info?.title ?? '(no description in the results file)'}${info?.origin ? ` [${info.origin}]` : ''}`;
    const indent = 2 + nameW + 1;
    if (name.length > nameW) out.push(`  ${name}`);
    wrapText(text, TEXT_WIDTH - indent).forEach((l, i) => {
      const key = i === 0 && name.length <= nameW ? name : '';
      out.push(`  ${key.padEnd(nameW)} ${l}`);
    });
  }
  out.push('');
}

function scenarioSection(out: string[], m: ReportModel, section: ReportSection): void {
  const sc = m.scenario(section.scenario);
  out.push(rule('='));
  const title = `scenario: ${section.scenario}${section.variant ? `  (sweep point ${section.variant})` : ''}`;
  out.push(...wrapText(title, TEXT_WIDTH));
  out.push(rule('='));
  if (sc) {
    for (const l of wrapText(sc.description, TEXT_WIDTH - 2)) out.push(`  ${l}`);
    const kv = (k: string, v: string): void => {
      wrapText(v, TEXT_WIDTH - 11).forEach((line, i) => out.push(`  ${(i === 0 ? `${k}:` : '').padEnd(8)} ${line}`));
    };
    kv('kernel', describeKernel(sc.kernel).join(', '));
    const zones = sc.machine.zones.map((z) => `${z.kind} ${withSeparators(z.managedPages)}`).join(', ');
    kv('machine', `${sc.machine.cpus} CPUs, ${formatMiB(sc.machine.memoryMiB)} (managed pages: ${zones})`);
    kv('run', `${formatNumber(sc.durationMs)} ms of virtual time per seed, ${sc.warmupMs > 0 ? `after a ${formatNumber(sc.warmupMs)} ms warm-up (not measured)` : 'cold start (no warm-up)'}`);
  } else {
    out.push('  (no scenario details in the results file)');
  }
  if (!section.baseline) out.push(`  (no ${BASELINE} run in this scenario: no baseline column, no changes)`);
  // Cells not run: the scenario's kernel lacks the strategy (never moved to another kernel).
  for (const na of m.results.notApplicable ?? []) {
    if (na.scenario !== section.scenario || (na.variant !== '' && na.variant !== section.variant)) continue;
    for (const l of wrapText(`${na.strategy}: ${na.reason} on kernel ${na.kernel}, not run`, TEXT_WIDTH - 4)) out.push(`  ${l}`);
  }
  out.push('');
  const groups = GROUPS.map((g) => ({
    heading: g.heading,
    metrics: METRICS.filter((d) => d.group === g.group && !TOTALS_ONLY.has(d.name) && hasMetric(section, d.name)),
  }))
    .filter((g) => g.metrics.length > 0)
    .map((g) => ({ heading: g.heading, table: groupColumns(m, section, g.metrics) }));
  // The same split of strategies into tables in every group, so "part 2 of 3"
  // means the same columns throughout a scenario.
  const chunks = chunkColumns(groups.map((g) => g.table));
  for (const g of groups) {
    out.push(...renderGroup(g.heading, g.table, chunks));
    out.push('');
  }
}

function hasMetric(section: ReportSection, metric: string): boolean {
  return [section.baseline, ...section.columns].some((r) => r?.metrics[metric] !== undefined);
}

interface Column {
  readonly head: [string, string];
  readonly cells: string[];
}

interface GroupColumns {
  readonly metrics: readonly MetricDef[];
  readonly labelW: number;
  readonly base: Column | undefined;
  readonly columns: readonly Column[];
}

const GAP = 2;
const colWidth = (c: Column): number => Math.max(c.head[0].length, c.head[1].length, ...c.cells.map((x) => x.length));

/** The cells of one metric group for one section: the baseline column and one column per other row. */
function groupColumns(m: ReportModel, section: ReportSection, metrics: readonly MetricDef[]): GroupColumns {
  const labelW = Math.max(...metrics.map((d) => d.name.length));
  const valueOf = (row: SummaryRow | undefined, metric: string): string => {
    const c = row?.metrics[metric];
    return c === undefined ? '-' : formatMetric(metric, c.mean);
  };
  const base: Column | undefined = section.baseline
    ? { head: headLines(m, section.baseline), cells: metrics.map((d) => valueOf(section.baseline, d.name)) }
    : undefined;
  const columns: Column[] = section.columns.map((row) => {
    const values = metrics.map((d) => valueOf(row, d.name));
    const changes = metrics.map((d) => {
      const ch = row.vsStatusQuo?.[d.name];
      return ch ? { text: formatCellChange(d.name, ch.changePct), sig: showsSignificant(ch) } : null;
    });
    const vw = Math.max(...values.map((v) => v.length));
    const cw = Math.max(0, ...changes.map((c) => (c ? c.text.length : 0)));
    const cells = values.map((v, i) => {
      const c = changes[i];
      if (cw === 0) return v.padStart(vw);
      const sig = c?.sig ?? false;
      const body = `${v.padStart(vw)} ${(c?.text ?? '').padStart(cw)}`;
      return sig ? `*${body}*` : ` ${body} `;
    });
    return { head: headLines(m, row), cells };
  });
  return { metrics, labelW, base, columns };
}

/** Splits the non-baseline columns into runs that fit in 80 columns in every group (widest group decides). */
function chunkColumns(groups: readonly GroupColumns[]): number[][] {
  const n = groups[0]?.columns.length ?? 0;
  const labelW = Math.max(0, ...groups.map((g) => g.labelW));
  const baseW = Math.max(0, ...groups.map((g) => (g.base ? GAP + colWidth(g.base) : 0)));
  const widths = Array.from({ length: n }, (_, j) => Math.max(0, ...groups.map((g) => GAP + colWidth(g.columns[j]!))));
  const chunks: number[][] = [];
  let cur: number[] = [];
  let used = labelW + baseW;
  for (let j = 0; j < n; j++) {
    const w = widths[j]!;
    if (cur.length > 0 && used + w > TEXT_WIDTH) {
      chunks.push(cur);
      cur = [];
      used = labelW + baseW;
    }
    cur.push(j);
    used += w;
  }
  if (cur.length > 0 || chunks.length === 0) chunks.push(cur);
  return chunks;
}

/** One group as one table per chunk, each repeating the baseline column. */
function renderGroup(heading: string, g: GroupColumns, chunks: readonly number[][]): string[] {
  const out: string[] = [];
  chunks.forEach((chunk, ci) => {
    const cols = [...(g.base ? [g.base] : []), ...chunk.map((j) => g.columns[j]!)];
    const widths = cols.map(colWidth);
    if (ci > 0) out.push('');
    out.push(`${heading}${chunks.length > 1 ? `, part ${ci + 1} of ${chunks.length}` : ''}`);
    const headRow = (k: 0 | 1): string => ''.padEnd(g.labelW) + cols.map((c, i) => ' '.repeat(GAP) + c.head[k].padStart(widths[i]!)).join('');
    if (cols.some((c) => c.head[0] !== '')) out.push(headRow(0));
    out.push(headRow(1));
    out.push(''.padEnd(g.labelW, '-') + cols.map((_, i) => ' '.repeat(GAP) + ''.padEnd(widths[i]!, '-')).join(''));
    g.metrics.forEach((d, r) => {
      out.push(d.name.padEnd(g.labelW) + cols.map((c, i) => ' '.repeat(GAP) + (c.cells[r] ?? '').padStart(widths[i]!)).join(''));
    });
  });
  return out;
}

/** Two header lines: the strategy (with ^ when later) and, for a sweep point, the variant; else the name on the second line. */
function headLines(m: ReportModel, row: SummaryRow): [string, string] {
  const later = m.strategy(row.strategy)?.later ?? false;
  const name = `${row.strategy}${later ? '^' : ''}`;
  const v = variantShort(row.strategy, row.variant);
  const max = 44;
  const cut = (s: string): string => (s.length > max ? `${s.slice(0, max - 1)}~` : s);
  return v ? [cut(name), cut(`[${v}]`)] : ['', cut(name)];
}

function staticProperties(out: string[], m: ReportModel): void {
  const strategies = m.strategyOrder.map((n) => m.strategy(n)).filter((s) => s !== undefined);
  if (strategies.length === 0) return;
  out.push(rule('='));
  out.push('Static properties (derived from what each strategy registers with the core)');
  out.push(rule('='));
  const head = [
    ['', 'strategy'],
    ['GFP bits', 'used/left'],
    ['GFP', 'shift'],
    ['', 'coll'],
    ['', 'reloc'],
    ['entry', 'points'],
    ['fast', 'path'],
    ['pcp', 'miss'],
    ['', 'resv'],
    ['', 'wrk'],
  ];
  const rows = strategies.map((s) => {
    const p = s.staticProperties;
    return [
      `${s.name}${s.later ? '^' : ''}`,
      `${p.gfpBitsUsed}/${p.gfpBitsLeft}`,
      String(p.gfpBitsShift),
      String(p.gfpCollisions.length),
      String(p.gfpRelocations.length),
      String(p.entryPoints.length),
      String(p.fastPathChecks.length),
      String(p.pcpMissChecks.length),
      String(p.reserves.length),
      String(p.workers.length),
    ];
  });
  const widths = head.map((h, i) => Math.max(h[0]!.length, h[1]!.length, ...rows.map((r) => r[i]!.length)));
  const total = widths.reduce((a, b) => a + b, 0) + widths.length - 1;
  const gap = total + widths.length - 1 <= TEXT_WIDTH ? 2 : 1;
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' '.repeat(gap));
  out.push(line(head.map((h) => h[0]!)));
  out.push(line(head.map((h) => h[1]!)));
  out.push(line(widths.map((w) => ''.padEnd(w, '-'))));
  for (const r of rows) out.push(line(r));
  out.push('');
  out.push('used/left: GFP bits in use / free of gfp_t\'s 32 with this strategy\'s bits');
  out.push('  added; shift: __GFP_BITS_SHIFT; coll: bit collisions with existing flags;');
  out.push('  reloc: flags moved to make room; entry points: new allocator API');
  out.push('  functions; fast path: checks added to the order-0 fast path; pcp miss:');
  out.push('  checks added after a pcplist miss; resv: reserves holding pages;');
  out.push('  wrk: refill workers.');
  out.push('');
  for (const s of strategies) {
    const p = s.staticProperties;
    const items: [string, readonly string[]][] = [
      ['GFP bits added', p.gfpBits.map((b) => `${b.name}=${b.value}`)],
      ['collisions', p.gfpCollisions],
      ['relocations', p.gfpRelocations],
      ['entry points', p.entryPoints],
      ['fast-path checks', p.fastPathChecks],
      ['pcp-miss checks', p.pcpMissChecks],
      ['slow-path checks', p.slowPathChecks],
      ['reserves', p.reserves],
      ['workers', p.workers],
    ];
    const present = items.filter(([, v]) => v.length > 0);
    const params = Object.entries(s.params);
    if (present.length === 0 && params.length === 0) continue;
    out.push(`${s.name}${s.later ? '^' : ''}:`);
    if (params.length > 0) {
      const text = `params: ${params.map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ')}`;
      wrapText(text, TEXT_WIDTH - 4).forEach((l, i) => out.push(`${i === 0 ? '  ' : '    '}${l}`));
    }
    for (const [k, v] of present) {
      wrapText(`${k}: ${v.join('; ')}`, TEXT_WIDTH - 4).forEach((l, i) => out.push(`${i === 0 ? '  ' : '    '}${l}`));
    }
  }
  out.push('');
}

function failedRuns(out: string[], m: ReportModel): void {
  const failed = m.results.failedRuns;
  if (failed.length === 0) return;
  out.push(rule('='));
  out.push(`Failed runs: ${failed.length} (left out of every mean above)`);
  out.push(rule('='));
  for (const f of failed) {
    const what = `${f.strategy}${f.variant ? ` [${variantShort(f.strategy, f.variant)}]` : ''} x ${f.scenario}, seed ${f.seed}:`;
    out.push(...wrapText(what, TEXT_WIDTH));
    for (const l of wrapText(f.error, TEXT_WIDTH - 4)) out.push(`    ${l}`);
  }
  out.push('');
}

function totals(out: string[], m: ReportModel): void {
  const t = m.results.totals;
  out.push(rule('='));
  out.push('Totals');
  out.push(rule('='));
  out.push(`runs:        ${withSeparators(t.runs)} (${withSeparators(t.failedRuns)} failed)`);
  out.push(`events:      ${formatNumber(t.simEvents)} simulated (${formatNumber(t.eventsPerSecPerCore)} events/s per core, generation included)`);
  out.push(`wall time:   ${formatDurationMs(t.wallMs)} (sum of the runs: ${formatDurationMs(t.simWallMs)}; workload streams`);
  out.push(`             generated in ${formatDurationMs(t.workloadWallMs)}, once per stream and worker thread holding it)`);
  out.push('');
}

function glossary(out: string[], m: ReportModel): void {
  out.push(rule('='));
  out.push('Metrics (unit; which way is better; exact = a count, the same for the same');
  out.push('seed; modelled = virtual ns from the cost table; wall = this machine)');
  out.push(rule('='));
  const shown = new Set<string>();
  for (const row of m.results.summary) for (const k of Object.keys(row.metrics)) shown.add(k);
  for (const d of METRICS) {
    if (!shown.has(d.name) && !TOTALS_ONLY.has(d.name)) continue;
    const unit = d.unit === 'ratio' ? '%' : d.unit;
    const better = d.better === 'none' ? 'neutral' : `${d.better} is better`;
    out.push(`${d.name} (${unit}; ${better}; ${d.kind})`);
    for (const l of wrapText(d.description, TEXT_WIDTH - 4)) out.push(`    ${l}`);
  }
  // Metrics present in the file but unknown to this version of the glossary.
  for (const name of shown) if (!metricDef(name)) out.push(`${name} (no description in this version)`);
}

// ---------------------------------------------------------------------------
// Text helpers
// ---------------------------------------------------------------------------

function rule(ch: string): string {
  return ''.padEnd(TEXT_WIDTH, ch);
}

function para(out: string[], text: string): void {
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
