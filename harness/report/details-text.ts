/**
 * details.txt (reports/<run-id>/details.txt): everything summary.txt leaves
 * out, at most 80 columns, ASCII only, never split into "part N of M":
 *
 *   header (run id, date, commit, seeds, cost range, lab, host, command)
 *   the verdict with every strategy's reasons, ties and the cells not ranked
 *   how to read the blocks, the strategies
 *   per scenario: description, kernel config, machine, the cells not run,
 *     then one block per strategy (status-quo first): every metric as a row,
 *     columns status-quo's mean, this strategy's mean, the gain against
 *     status-quo (`(+x.xx%)`, `*...*` when significant) and the 95% interval
 *     of this strategy's mean across seeds
 *   the full regression comparison (when the run had --baseline)
 *   static properties, failed runs, totals, metric glossary.
 *
 * What the caller may rely on: every line fits TEXT_WIDTH columns and is
 * printable ASCII, whatever the strings in the results hold.
 */
import { labQuote } from '../results/lab-summary.ts';
import { METRICS, metricDef } from '../metrics/metric-defs.ts';
import type { Results, SummaryRow } from '../results/schema.ts';
import { renderComparisonText } from './comparison-text.ts';
import { DIRECTION_TEXT, INTERVAL_TEXT, formatCellChange, formatDurationMs, formatMetric, formatMiB, formatNumber, showsSignificant, withSeparators } from './format.ts';
import { verdictText } from './verdict-text.ts';
import { BASELINE, GROUPS, ReportModel, TOTALS_ONLY, describeKernel, variantShort, type ReportSection } from './model.ts';
import { SIGNIFICANCE_TEXT, TEXT_WIDTH, finishText, mapStrings, para, rule, shellLines, toAscii, wrapText, type TextOptions } from './text-summary.ts';

export function renderTextDetails(results: Results, opts: TextOptions = {}): string {
  const m = new ReportModel(mapStrings(results, toAscii));
  if (opts.reportCommand !== undefined) opts = { reportCommand: toAscii(opts.reportCommand) };
  const out: string[] = [];
  header(out, m, opts);
  out.push(...verdictText(m.results.verdict, TEXT_WIDTH, wrapText));
  legend(out, m);
  for (const section of m.sections()) scenarioSection(out, m, section);
  comparison(out, m);
  staticProperties(out, m);
  failedRuns(out, m);
  totals(out, m);
  glossary(out, m);
  return finishText(out);
}

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
  if (r.lab) kv('lab', labQuote(r.lab));
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
  out.push('How to read the blocks');
  out.push(rule('-'));
  const item = (key: string, text: string): void => {
    const lines = wrapText(text, TEXT_WIDTH - 22);
    lines.forEach((line, i) => out.push(`  ${(i === 0 ? key : '').padEnd(19)} ${line}`));
  };
  const n = m.seedCount();
  para(
    out,
    `One block per strategy and scenario, status-quo's first; rows are metrics (glossary at the end). Every number is the mean over the ${n} seeds of a cell; each seed runs the same event stream for every strategy (same workload hash).`,
  );
  item(BASELINE, "the baseline column: today's __get_free_page(GFP_NOWAIT) under the krc raw lock.");
  item('mean', "this strategy's mean across seeds.");
  item('(+x.xx%)', 'the change of that mean against the status-quo mean on the same scenario and kernel, as a gain: + better, - worse.');
  item('{+x.xx%}', 'a metric with no better direction: the plain change (+ = more).');
  item('*+x.xx%*', `the change is significant: ${SIGNIFICANCE_TEXT}. Unmarked: not significant, both sides constant across seeds, or no change.`);
  item('(n/a)', 'status-quo\'s mean is 0 and this one is not: no relative change.');
  item('95% interval', "low .. high: the 95% bootstrap interval of this strategy's mean across seeds (one value: no spread). No gain printed: no change.");
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
  const kernel = section.baseline?.kernel ?? section.columns[0]?.kernel;
  const title = `scenario: ${section.scenario}${kernel !== undefined && !section.scenario.includes('@') ? `  (kernel ${kernel})` : ''}${section.variant ? `  (sweep point ${section.variant})` : ''}`;
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
  // Every metric any row of the section has, in group order.
  const metrics: string[] = GROUPS.flatMap((g) => METRICS.filter((d) => d.group === g.group && !TOTALS_ONLY.has(d.name) && hasMetric(section, d.name)).map((d): string => d.name));
  for (const name of Object.keys(section.baseline?.metrics ?? section.columns[0]?.metrics ?? {})) if (!metrics.includes(name) && !TOTALS_ONLY.has(name)) metrics.push(name);
  if (section.baseline) strategyBlock(out, m, section.baseline, undefined, metrics);
  for (const row of section.columns) strategyBlock(out, m, row, section.baseline, metrics);
}

function hasMetric(section: ReportSection, metric: string): boolean {
  return [section.baseline, ...section.columns].some((r) => r?.metrics[metric] !== undefined);
}

/** A row's name as the blocks head it: "dedicated-pool [poolPages=8]", "rcu-page-cache^". */
function rowName(m: ReportModel, row: SummaryRow): string {
  const later = m.strategy(row.strategy)?.later ?? false;
  const v = variantShort(row.strategy, row.variant);
  return `${row.strategy}${later ? '^' : ''}${v ? ` [${v}]` : ''}`;
}

const METRIC_W = 22;

/**
 * One strategy of one scenario: every metric a row; columns status-quo's
 * mean (absent for status-quo's own block), this mean, the gain, the 95%
 * interval. Fits 80 columns: the widths are fixed, a longer cell widens its
 * line only (the final hard wrap keeps it within 80).
 */
function strategyBlock(out: string[], m: ReportModel, row: SummaryRow, base: SummaryRow | undefined, metrics: readonly string[]): void {
  const name = rowName(m, row);
  const isBase = row.strategy === BASELINE && base === undefined;
  out.push(...wrapText(`-- ${name}${isBase ? ' (the baseline)' : base ? ` against ${rowName(m, base)}` : ''}`, TEXT_WIDTH));
  const cells = metrics.map((metric) => {
    const c = row.metrics[metric];
    const b = base?.metrics[metric];
    const ch = row.vsStatusQuo?.[metric];
    const sig = ch ? showsSignificant(ch) : false;
    // No change prints nothing (not "(0.00%)").
    const gain = ch && !/^[({]0\.00%[)}]$/.test(formatCellChange(metric, ch.changePct)) ? formatCellChange(metric, ch.changePct) : '';
    return {
      metric,
      base: b === undefined ? (base ? '-' : '') : formatMetric(metric, b.mean),
      value: c === undefined ? '-' : formatMetric(metric, c.mean),
      gain: sig ? `*${gain.slice(1, -1)}*` : gain,
      interval: c === undefined ? '' : formatMetric(metric, c.ciLow) === formatMetric(metric, c.ciHigh) ? formatMetric(metric, c.ciLow) : `${formatMetric(metric, c.ciLow)} .. ${formatMetric(metric, c.ciHigh)}`,
    };
  });
  const w = (k: 'base' | 'value' | 'gain'): number => Math.max(k === 'base' ? (base ? BASELINE.length : 0) : k === 'value' ? 4 : base ? 4 : 0, ...cells.map((c) => c[k].length));
  const bw = w('base');
  const vw = w('value');
  const gw = w('gain');
  const line = (metric: string, b: string, v: string, g: string, iv: string): string =>
    `  ${metric.padEnd(METRIC_W)}${bw > 0 ? ` ${b.padStart(bw)}` : ''} ${v.padStart(vw)}${gw > 0 ? ` ${g.padStart(gw)}` : ''}  ${iv}`;
  out.push(line('metric', base ? BASELINE : '', 'mean', base ? 'gain' : '', '95% interval'));
  for (const c of cells) out.push(line(c.metric, c.base, c.value, c.gain, c.interval));
  out.push('');
}

/** The full regression comparison (comparison-text.ts), when the run had --baseline. */
function comparison(out: string[], m: ReportModel): void {
  const c = m.results.comparison;
  if (!c) return;
  out.push(rule('='));
  out.push('Regression check against the baseline');
  out.push(rule('='));
  out.push(...renderComparisonText(c).split('\n'));
  out.push('');
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

