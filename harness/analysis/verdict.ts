/**
 * The verdict: per scenario (per scenario and kernel with --kernels), the
 * strategies ranked from the stored summary, best first, each with the
 * reasons for its place, and one overall paragraph. A pure function of the
 * summary rows and the strategies' static properties.
 *
 * The order of the criteria (issue #18; each a metric of metric-defs.ts):
 *  1. safety inside the page request: violationsInRequest (invalid wait
 *     context, sleeping in atomic on PREEMPT_RT, locks taken in NMI, raised
 *     by the request itself; what the caller's context or kvfree_rcu()'s own
 *     raw lock causes for every design alike is not in it);
 *  2. calls that fell back: fallbackRate (over kvfreeCalls, the same
 *     denominator for every strategy);
 *  3. the worst-case time under the raw lock with IRQs off: locklessNsMax,
 *     then locklessNsP999;
 *  4. collateral damage: ordinaryPcpHitRate (higher is better),
 *     legacyGfp0Failures (legacy gfp == 0 callers that fail), watermarkBreaches,
 *     migratetypeMixing, GFP bits consumed (static), reservedPagesMean.
 * The mean cost (locklessNs) is not a criterion: it averages in the cheap
 * failed requests, so a design that fails more would look faster.
 *
 * Strategies are ordered by the first criterion; those equal on it by the
 * next, and so on (lexicographic). Two cells are EQUAL on a metric when their
 * means are equal or their 95% intervals across seeds overlap (the bootstrap
 * intervals of the summary: with one seed there is no spread and only equal
 * means are equal). Equality is not transitive, so a group is built from the
 * best remaining cell: every cell equal to it joins its group. A criterion
 * whose means are identical for every ranked strategy says nothing and is
 * skipped (a count the workload causes for every design alike never moves
 * the ranking). Strategies still together after the last criterion are a tie.
 *
 * Only cells of one kernel are ranked together: the kernel of the scenario's
 * status-quo cell (else the most common one); a cell of another kernel is
 * listed in `notRanked` with the reason.
 */
import { metricDef } from '../metrics/metric-defs.ts';
import type { Results, ScenarioVerdict, SummaryRow, Verdict } from '../results/schema.ts';
import { BASELINE_STRATEGY } from './baseline-strategy.ts';

interface Criterion {
  /** A metric name, or a static property ("gfpBitsConsumed"). */
  readonly name: string;
  /** What it measures, for the reasons. */
  readonly label: string;
  readonly better: 'lower' | 'higher';
  readonly stage: 'safety' | 'fallbacks' | 'worst case' | 'collateral';
}

export const VERDICT_CRITERIA: readonly Criterion[] = [
  { name: 'violationsInRequest', label: 'lock-rule violations inside the page request per run', better: 'lower', stage: 'safety' },
  { name: 'fallbackRate', label: 'kvfree_rcu() calls that fell back', better: 'lower', stage: 'fallbacks' },
  { name: 'locklessNsMax', label: 'worst time of one request under the raw lock, IRQs off (ns)', better: 'lower', stage: 'worst case' },
  { name: 'locklessNsP999', label: '99.9th percentile of that time (ns)', better: 'lower', stage: 'worst case' },
  { name: 'ordinaryPcpHitRate', label: 'ordinary pcp hit rate', better: 'higher', stage: 'collateral' },
  { name: 'legacyGfp0Failures', label: 'failed legacy gfp == 0 allocations per run', better: 'lower', stage: 'collateral' },
  { name: 'watermarkBreaches', label: 'pages taken below the min watermark per run', better: 'lower', stage: 'collateral' },
  { name: 'migratetypeMixing', label: "pages taken from another migratetype's pcplist per run", better: 'lower', stage: 'collateral' },
  { name: 'gfpBitsConsumed', label: 'GFP bits consumed', better: 'lower', stage: 'collateral' },
  { name: 'reservedPagesMean', label: 'pages held in reserves (time-weighted mean)', better: 'lower', stage: 'collateral' },
];

/** One value of a criterion for a cell: the mean and its interval across seeds. */
interface Value {
  readonly mean: number;
  readonly low: number;
  readonly high: number;
}

interface Entry {
  /** The strategy (strategy-parameter sweep points are not ranked). */
  readonly label: string;
  readonly row: SummaryRow;
  readonly values: ReadonlyMap<string, Value>;
}

export type VerdictInput = Pick<Results, 'summary' | 'strategies'> & Partial<Pick<Results, 'notApplicable'>>;

/** Equal within the seeds' spread: equal means, or overlapping 95% intervals. */
export function equalWithinSpread(a: Value, b: Value): boolean {
  return a.mean === b.mean || (a.low <= b.high && b.low <= a.high);
}

/** Numbers in reasons: 3 significant digits, ratios as percentages. */
function show(name: string, x: number): string {
  if (metricDef(name)?.unit === 'ratio') return `${Number((x * 100).toPrecision(3))}%`;
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1000 ? Math.round(x).toLocaleString('en-US') : String(Number(x.toPrecision(3)));
}

/**
 * The verdict over a results file's summary. What the caller may rely on:
 * every scenario key of the summary with at least one ranked cell appears;
 * each ranking lists every ranked cell once, best first; ties name groups of
 * two or more entries of the ranking; only cells of the verdict's kernel are
 * ranked.
 */
export function computeVerdict(input: VerdictInput): Verdict {
  const gfpBits = new Map(input.strategies.map((s) => [s.name, s.staticProperties.gfpBits.length]));
  // Group the cells: by scenario, and by sweep point when the sweep is over a
  // scenario or cost key (every strategy ran it: a different experiment). The
  // points of a sweep over one strategy's parameter are a study of that design
  // (its tables and charts show them), not rivals: the verdict ranks its plain run.
  const groups = new Map<string, SummaryRow[]>();
  for (const row of input.summary) {
    if (row.variant.startsWith(`${row.strategy}.`)) continue;
    const key = row.variant === '' ? row.scenario : `${row.scenario} [${row.variant}]`;
    const g = groups.get(key);
    if (g) g.push(row);
    else groups.set(key, [row]);
  }
  const scenarios: Record<string, ScenarioVerdict> = {};
  for (const [key, rows] of groups) {
    const v = scenarioVerdict(rows, gfpBits);
    if (v.ranking.length === 0) continue;
    // Cells not run at all: the scenario's kernel lacks the strategy.
    const na = (input.notApplicable ?? []).filter((x) => x.scenario === rows[0]!.scenario && (x.variant === '' ? !key.endsWith(']') : key.endsWith(`[${x.variant}]`)));
    const notRanked = [...(v.notRanked ?? []), ...na.map((x) => ({ strategy: x.strategy, reason: `${x.reason} on kernel ${x.kernel}: not run` }))];
    scenarios[key] = { ...v, ...(notRanked.length > 0 ? { notRanked } : {}) };
  }
  return { scenarios, overall: overallParagraph(scenarios) };
}

function kernelOf(rows: readonly SummaryRow[]): string {
  const base = rows.find((r) => r.strategy === BASELINE_STRATEGY && r.kernel !== undefined);
  if (base?.kernel !== undefined) return base.kernel;
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.kernel ?? 'unknown', (counts.get(r.kernel ?? 'unknown') ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'unknown';
}

function scenarioVerdict(rows: readonly SummaryRow[], gfpBits: ReadonlyMap<string, number>): ScenarioVerdict {
  const kernel = kernelOf(rows);
  const notRanked: { strategy: string; reason: string }[] = [];
  const entries: Entry[] = [];
  for (const row of rows) {
    const label = row.strategy;
    if ((row.kernel ?? 'unknown') !== kernel) {
      notRanked.push({ strategy: label, reason: `ran on kernel ${row.kernel ?? 'unknown'}, not ${kernel}: not compared across kernels` });
      continue;
    }
    const values = new Map<string, Value>();
    for (const c of VERDICT_CRITERIA) {
      if (c.name === 'gfpBitsConsumed') {
        const n = gfpBits.get(row.strategy);
        if (n !== undefined) values.set(c.name, { mean: n, low: n, high: n });
        continue;
      }
      const cell = row.metrics[c.name];
      if (cell) values.set(c.name, { mean: cell.mean, low: cell.ciLow, high: cell.ciHigh });
    }
    entries.push({ label, row, values });
  }
  // Criteria every entry has, and on which the entries differ at all.
  const criteria = VERDICT_CRITERIA.filter((c) => entries.length > 0 && entries.every((e) => e.values.has(c.name)) && new Set(entries.map((e) => e.values.get(c.name)!.mean)).size > 1);
  const ordered: Entry[][] = rank([entries], criteria);
  const ranking = ordered.flat().map((e, i, all) => ({ strategy: e.label, reasons: reasonsFor(e, i === 0 ? undefined : all[i - 1], criteria, ordered) }));
  const ties = ordered.filter((g) => g.length > 1).map((g) => g.map((e) => e.label));
  return { kernel, ranking, ties, ...(notRanked.length > 0 ? { notRanked } : {}) };
}

/** Splits each group by the criteria in turn (see the file comment). */
function rank(groups: Entry[][], criteria: readonly Criterion[]): Entry[][] {
  let cur = groups;
  for (const c of criteria) {
    const next: Entry[][] = [];
    for (const g of cur) next.push(...splitBy(g, c));
    cur = next;
  }
  return cur;
}

function splitBy(group: readonly Entry[], c: Criterion): Entry[][] {
  const sign = c.better === 'lower' ? 1 : -1;
  const val = (e: Entry): Value => e.values.get(c.name)!;
  const rest = [...group].sort((a, b) => sign * (val(a).mean - val(b).mean));
  const out: Entry[][] = [];
  while (rest.length > 0) {
    const lead = rest[0]!;
    const same = rest.filter((e) => equalWithinSpread(val(lead), val(e)));
    out.push(same);
    for (const e of same) rest.splice(rest.indexOf(e), 1);
  }
  return out;
}

/**
 * An entry's reasons: where it stands on safety, fallbacks and the worst
 * case, the collateral damage it does, and what put it below the entry ranked
 * just above it (or that it ties with it).
 */
function reasonsFor(e: Entry, above: Entry | undefined, criteria: readonly Criterion[], ordered: readonly Entry[][]): string[] {
  const out: string[] = [];
  const v = (name: string): Value | undefined => e.values.get(name);
  const inReq = v('violationsInRequest');
  if (inReq !== undefined) out.push(inReq.mean === 0 ? 'no lock-rule violation inside the page request' : `${show('violationsInRequest', inReq.mean)} lock-rule violations inside the page request per run`);
  const fb = v('fallbackRate');
  if (fb !== undefined) out.push(`falls back on ${show('fallbackRate', fb.mean)} of kvfree_rcu() calls`);
  const max = v('locklessNsMax');
  const p999 = v('locklessNsP999');
  if (max !== undefined) out.push(`worst request under the raw lock ${show('locklessNsMax', max.mean)} ns${p999 !== undefined ? ` (p99.9 ${show('locklessNsP999', p999.mean)} ns)` : ''}`);
  const collateral: string[] = [];
  for (const c of VERDICT_CRITERIA) {
    if (c.stage !== 'collateral' || c.name === 'ordinaryPcpHitRate') continue;
    const x = v(c.name);
    if (x !== undefined && x.mean > 0) collateral.push(`${show(c.name, x.mean)} ${c.label}`);
  }
  if (collateral.length > 0) out.push(`collateral: ${collateral.join('; ')}`);
  if (above !== undefined) {
    const tied = ordered.find((g) => g.includes(e))!.includes(above);
    if (tied) out.push(`tied with ${above.label}: equal within the seeds' spread on every criterion`);
    else {
      const decisive = criteria.find((c) => {
        const a = above.values.get(c.name)!;
        const b = e.values.get(c.name)!;
        return !equalWithinSpread(a, b);
      });
      if (decisive) {
        const a = above.values.get(decisive.name)!;
        const b = e.values.get(decisive.name)!;
        out.push(`below ${above.label} on ${decisive.stage} (${decisive.name}: ${show(decisive.name, b.mean)} against ${show(decisive.name, a.mean)})`);
      }
    }
  }
  return out;
}

/** One paragraph over every scenario's ranking. */
function overallParagraph(scenarios: Readonly<Record<string, ScenarioVerdict>>): string {
  const keys = Object.keys(scenarios);
  if (keys.length === 0) return 'No scenario has a ranking: no run completed.';
  const firsts = new Map<string, string[]>();
  const unsafe = new Map<string, string[]>();
  for (const k of keys) {
    const v = scenarios[k]!;
    const top = v.ties.find((t) => t.includes(v.ranking[0]!.strategy)) ?? [v.ranking[0]!.strategy];
    for (const s of top) firsts.set(s, [...(firsts.get(s) ?? []), k]);
    for (const e of v.ranking) if (e.reasons.some((r) => r.endsWith('inside the page request per run'))) unsafe.set(e.strategy, [...(unsafe.get(e.strategy) ?? []), k]);
  }
  const parts: string[] = [];
  const byCount = [...firsts.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
  parts.push(`Ranked by safety inside the page request, then the share of kvfree_rcu() calls that fell back, then the worst time under the raw lock, then collateral damage, in ${keys.length} scenario${keys.length === 1 ? '' : 's'}:`);
  parts.push(byCount.map(([s, ks]) => `${s} ranks first${ks.length < keys.length ? '' : ' everywhere'}${ks.length < keys.length ? ` in ${ks.length} (${ks.join(', ')})` : ''}`).join('; ') + '.');
  const tied = keys.filter((k) => scenarios[k]!.ties.some((t) => t.includes(scenarios[k]!.ranking[0]!.strategy)));
  if (tied.length > 0) parts.push(`First place is a tie in ${tied.join(', ')}.`);
  if (unsafe.size > 0) parts.push(`Lock-rule violations inside the page request: ${[...unsafe.entries()].map(([s, ks]) => `${s} (${ks.length === keys.length ? 'every scenario' : ks.join(', ')})`).join('; ')}.`);
  else parts.push('No strategy raised a lock-rule violation inside the page request.');
  return parts.join(' ');
}
