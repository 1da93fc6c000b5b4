import { describe, expect, it } from 'vitest';
import { renderTextDetails } from '../../harness/report/details-text.ts';
import { renderTextSummary, shellLines, wrapText } from '../../harness/report/text-summary.ts';
import { formatChange, formatNumber, formatRate } from '../../harness/report/format.ts';
import type { Results } from '../../harness/results/schema.ts';
import { makeDefaultSizeResults } from '../helpers/default-size-results.ts';
import { HOSTILE_NAME, makeSampleResults } from '../helpers/sample-results.ts';

const results = makeSampleResults({ failedRun: true });
const text = renderTextSummary(results);
const lines = text.split('\n');
/** The default matrix's size: 7 strategies x 10 scenarios x 5 seeds. */
const big = makeDefaultSizeResults();
const bigText = renderTextSummary(big);
const bigLines = bigText.replace(/\n$/, '').split('\n');

describe('summary.txt', () => {
  it('keeps every line within 80 columns and ASCII', () => {
    for (const [i, l] of lines.entries()) {
      expect(l.length, `line ${i + 1}: ${l}`).toBeLessThanOrEqual(80);
      expect(/^[\x20-\x7e]*$/.test(l), `line ${i + 1} is ASCII`).toBe(true);
    }
  });

  it('stays within 80 columns with long names and a long command', () => {
    const long = makeSampleResults({ hostile: true });
    const r: Results = {
      ...long,
      command: `npm run compare -- --scenario-file ${'/very/long/directory'.repeat(8)}/scenario.json --set dedicated-pool.poolPages=8`,
      strategies: long.strategies.map((s) => (s.name === 'lockless-entry' ? { ...s, title: 'x'.repeat(200) } : s)),
    };
    for (const l of renderTextSummary(r).split('\n')) expect(l.length, l).toBeLessThanOrEqual(80);
  });

  it('fits the default matrix (7 strategies x 10 scenarios x 5 seeds) in 100 lines of 80 columns', () => {
    expect(big.summary.length).toBe(7 * 10 - 7);
    expect(big.runs.length).toBe((7 * 10 - 7) * 5);
    expect(bigLines.length).toBeLessThanOrEqual(100);
    for (const l of bigLines) expect(l.length, l).toBeLessThanOrEqual(80);
    // One table per scenario, status-quo the first row under each title line.
    for (const sc of big.scenarios) {
      const at = bigLines.findIndex((l) => l.startsWith(`${sc.name}@`) && /\s{2}\S/.test(l) && !/ > /.test(l));
      expect(at, sc.name).toBeGreaterThan(0);
      expect(bigLines[at + 1]).toMatch(/^status-quo[= ]/);
    }
  });

  it('says in one line near the top that the numbers are the model of which kernels, and quotes the lab', () => {
    expect(bigLines.slice(0, 3)).toContain('Numbers from the model of Linux 5.9 and 7.2 (per scenario), not from kernels.');
    expect(lines.slice(0, 3).some((l) => l.startsWith('Numbers from the model of Linux 5.9 and 7.2 (per scenario)'))).toBe(true);
    const one = renderTextSummary({ ...big, summary: big.summary.filter((r) => r.kernel === '7.2') });
    expect(one).toContain('Numbers from the model of Linux 7.2, not from kernels.');
    expect(bigText).not.toContain('Lab, last check');
    expect(bigText).toContain('Cold start (no warm-up): boot-gfp0.');
  });

  it('has a Verdict paragraph: the overall text, then one ranking line per scenario with ties as =, n/a named once', () => {
    const at = bigLines.findIndex((l) => l.startsWith('Verdict: '));
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(6);
    const flat = bigLines.slice(at).join(' ').replace(/\s+/g, ' ');
    expect(flat).toContain(`Verdict: ${big.verdict!.overall.replace(/\s+/g, ' ')}`);
    for (const [name, v] of Object.entries(big.verdict!.scenarios)) {
      const line = bigLines.find((l) => l.startsWith(`${name}@${v.kernel} `) && l.includes(' > '));
      expect(line, name).toBeDefined();
      expect(line!.length).toBeLessThanOrEqual(80);
      // Every ranked strategy once, in the verdict's order.
      expect(line!.replace(/^\S+\s+/, '').split(/ [>=] /).length).toBe(v.ranking.length);
    }
    // A tie prints as "=": the sample's sweep points tie nowhere, so make one.
    const tied = structuredClone(big);
    const v = tied.verdict!.scenarios['steady']!;
    v.ties = [[v.ranking[1]!.strategy, v.ranking[2]!.strategy]];
    expect(renderTextSummary(tied)).toMatch(/^steady@5\.9 +\S+ > \S+ = \S+ > /m);
    // alloc-pages-nolock is n/a on 7 scenarios: named once.
    expect(bigText.match(/^n\/a: /gm)).toHaveLength(1);
    expect(bigText).toContain('n/a: nolock^ needs >= 6.15, not run on 5.9 (7 scenarios).');
    expect(bigText).toContain('nolock=alloc-pages-nolock');
  });

  it('puts no column or row in a table that carries nothing, and says unchanged columns are left out', () => {
    expect(bigText).toContain('unchanged columns left out');
    for (const t of tables(bigLines)) {
      const cols = columnsOf(t);
      expect(cols.length, t[0]).toBeGreaterThan(0);
      expect(cols.length, t[0]).toBeLessThanOrEqual(8);
      for (const [head, cells] of cols) {
        expect(cells.every((c) => /^0%?$/.test(c)), `${t[0]} ${head} all zero`).toBe(false);
        expect(new Set(cells).size > 1 || cells.some((c, i) => i > 0 && c !== cells[0]), `${t[0]} ${head} identical`).toBe(true);
      }
      for (const row of t.slice(2)) {
        const cells = row.split(/\s{2,}/).slice(1).map((c) => c.replace(/ [(*].*$/, ''));
        if (row.startsWith('  0 in every column')) continue;
        expect(cells.every((c) => /^0%?$/.test(c)), `${t[0]}: ${row}`).toBe(false);
      }
    }
    // zoneLockInLockless is the same for every strategy in the small sample's steady scenario? It differs here:
    // a metric identical everywhere (kvfreeCalls) never becomes a column.
    expect(bigText).not.toMatch(/kvfreeCalls/);
  });

  it('prints value (+x%) as a gain against status-quo and *x%* when significant, mmtests style', () => {
    // lockless-entry's pcp hit rate is 3% lower than status-quo's everywhere: significant, and worse.
    const row = bigLines.find((l) => l.startsWith('entry ') && l.includes('*-3.0%*'));
    expect(row).toBeDefined();
    // A worst case 93% below status-quo is a gain.
    expect(bigText).toMatch(/\*\+93%\*/);
    // An insignificant change is in parentheses.
    expect(bigText).toMatch(/\([+-]0\.0\d%\)/);
    // No change prints no gain at all (not "(0.00%)").
    expect(bigText).not.toMatch(/\([+-]?0(\.0+)?%\)/);
  });

  it('ends with how to reproduce and where the details are', () => {
    expect(bigLines.at(-2)).toBe('Reproduce: npm run compare');
    expect(bigLines.at(-1)).toBe('More: details.txt, index.html; results/default-size/results.json');
    // A long command still pastes: its shell lines re-join to the command itself.
    const start = lines.indexOf('Reproduce with:');
    const cmd: string[] = [];
    for (let i = start + 1; lines[i] !== undefined && lines[i]!.startsWith('  '); i++) cmd.push(lines[i]!);
    expect(cmd.join('\n').replace(/ \\\n\s+/g, ' ').replace(/\\\n/g, '').trim()).toBe(results.command);
  });

  it('shows the regression check LKP-style when the run was compared against a baseline', () => {
    const cells = Array.from({ length: 12 }, (_, i) => ({ strategy: 'dedicated-pool', scenario: 'burst', variant: '', metric: i === 0 ? 'locklessFailureRate' : `m${i}`, kind: 'exact', baseline: 0, current: 0.11, changePct: null, pValue: null, test: 'seed by seed', verdict: 'regressed' as const, failing: true }));
    const compared = { ...big, comparison: { baselineRunId: 'base-1', baselineCommit: 'abcdef0123456789', noiseFloorPct: 5, failOnTiming: false, comparedCells: 2100, unchangedCells: 2088, cells, differences: ['parameters differ: dedicated-pool.poolPages 16 -> 1', 'b', 'c', 'd'] } };
    const t = renderTextSummary(compared).split('\n');
    const at = t.findIndex((l) => l.startsWith('Regression check against base-1'));
    expect(at).toBeGreaterThan(0);
    expect(`${t[at + 1]} ${t[at + 2]}`).toMatch(/^REGRESSION: 12 of 2,100 cells, e\.g\. dedicated-pool x burst locklessFailureRate 0% -> 11%$/);
    expect(t.indexOf('Configuration differences (baseline -> this run):')).toBeGreaterThan(at);
    expect(t).toContain('  ... 1 more (details.txt)');
    expect(t.some((l) => /^ +0% +new +11%  pool x burst locklessFailureRate REGRESSED$/.test(l))).toBe(true);
    expect(t).toContain('... 4 more rows (details.txt)');
    for (const l of t) expect(l.length).toBeLessThanOrEqual(80);
    const clean = renderTextSummary({ ...big, comparison: { ...compared.comparison, cells: [], unchangedCells: 2100 } });
    expect(clean).toContain('no regression: 2,100 cells compared');
    // The full comparison goes to details.txt.
    expect(renderTextDetails(compared)).toContain('What moved (upper case: fails the run):');
  });

  it('renders input text as ASCII without breaking the layout', () => {
    const r = makeSampleResults({ hostile: true });
    const t = renderTextSummary({ ...r, strategies: r.strategies.map((s) => ({ ...s, name: s.name === 'lockless-entry' ? 'lockless\u2014entry' : s.name })) });
    for (const l of t.split('\n')) expect(/^[\x20-\x7e]*$/.test(l), l).toBe(true);
    expect(t).toContain(HOSTILE_NAME);
  });
});

describe('details.txt', () => {
  const details = renderTextDetails(results);
  const dLines = details.split('\n');
  const bigDetails = renderTextDetails(big).split('\n');

  it('has no line over 80 columns and no "part N of M" splitting, also at the default matrix size', () => {
    for (const l of [...dLines, ...bigDetails]) expect(l.length, l).toBeLessThanOrEqual(80);
    expect(details).not.toMatch(/part \d of \d/);
    expect(bigDetails.join('\n')).not.toMatch(/part \d of \d/);
  });

  it('holds every metric with status-quo, the mean, the gain and the 95% interval, one block per strategy', () => {
    for (const s of results.strategies) expect(details).toMatch(new RegExp(`^-- ${s.name}\\^? ${s.name === 'status-quo' ? '\\(the baseline\\)' : 'against status-quo'}$`, 'm'));
    expect(details).toMatch(/^ {2}metric +status-quo +mean +gain {2}95% interval$/m);
    const row = dLines.find((l) => /^ {2}locklessFailureRate /.test(l) && /\*-[\d,.]+%\*/.test(l));
    expect(row).toMatch(/\d+\.\d\d% \.\. \d+\.\d\d%$/);
    expect(details).toContain('locklessNs (ns; lower is better; modelled)');
    expect(details).not.toMatch(/\(0\.00%\)/);
  });

  it('keeps the verdict reasons, static properties, failed runs, totals and the glossary', () => {
    expect(details).toMatch(/^ 1\. .+: no lock-rule violation/m);
    expect(details).toContain('Static properties');
    expect(details).toMatch(/gfp-no-locks-bit +25\/7 +25 +1 /);
    expect(details).toContain('Failed runs: 1');
    expect(details).toMatch(/runs: +\d+ \(1 failed\)/);
    expect(details).toContain('scenario: rt-lockdep-burst');
    expect(details).toContain('lockdep=y (PROVE_RAW_LOCK_NESTING)');
  });
});

/** The tables of a summary: from a title line (scenario@kernel and column heads) to the next. */
function tables(ls: readonly string[]): string[][] {
  const out: string[][] = [];
  let cur: string[] | undefined;
  for (const l of ls) {
    const title = /^\S+@\S+( \[[^\]]*\])?\s{2,}\S/.test(l) && !l.includes(' > ');
    if (title) {
      cur = [l];
      out.push(cur);
    } else if (cur && /^(\S+)(\s{2,}|$)/.test(l) && !l.startsWith('Reproduce') && !l.startsWith('More:') && !l.startsWith('Regression')) cur.push(l);
    else cur = undefined;
  }
  return out;
}

/** Columns of a table as [head, cell values without gains], split at the heads' right edges. */
function columnsOf(t: readonly string[]): [string, string[]][] {
  const head = t[0]!;
  const out: [string, string[]][] = [];
  const re = /\S+/g;
  let m: RegExpExecArray | null;
  const heads: { name: string; end: number }[] = [];
  re.exec(head); // the title
  while ((m = re.exec(head)) !== null) heads.push({ name: m[0], end: m.index + m[0].length });
  heads.forEach((h, i) => {
    const start = i === 0 ? head.indexOf(h.name) - 12 : heads[i - 1]!.end;
    out.push([h.name, t.slice(1).filter((l) => !l.startsWith('  0 in every')).map((l) => l.slice(Math.max(0, start), h.end).trim().split(' ').pop() ?? '')]);
  });
  return out;
}

describe('formatting helpers', () => {
  it('formats numbers for humans', () => {
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(3)).toBe('3');
    expect(formatNumber(12.34)).toBe('12.3');
    expect(formatNumber(1234)).toBe('1,234');
    expect(formatNumber(99_999)).toBe('99,999');
    expect(formatNumber(123_456)).toBe('123k');
    expect(formatNumber(999_600)).toBe('1.00M');
    expect(formatNumber(2_400_000)).toBe('2.40M');
    expect(formatNumber(0.0012)).toBe('0.0012');
    expect(formatNumber(-1500)).toBe('-1,500');
    expect(formatNumber(Number.NaN)).toBe('n/a');
  });
  it('formats rates and changes', () => {
    expect(formatRate(0.1234)).toBe('12.34%');
    expect(formatRate(0)).toBe('0%');
    expect(formatRate(0.00001)).toBe('<0.01%');
    expect(formatChange(12.345)).toBe('+12.35%');
    expect(formatChange(-3)).toBe('-3.00%');
    expect(formatChange(0)).toBe('0.00%');
    expect(formatChange(12345)).toBe('+12,345%');
    expect(formatChange(null)).toBe('n/a');
  });
  it('wraps text and shell commands within the width', () => {
    for (const l of wrapText('a '.repeat(100) + 'b'.repeat(200), 40)) expect(l.length).toBeLessThanOrEqual(40);
    const cmd = `npm run compare -- --results-dir ${'x'.repeat(150)} --quick`;
    const out = shellLines(cmd, '  ');
    for (const l of out) expect(l.length).toBeLessThanOrEqual(80);
    expect(out.join('\n').replace(/ \\\n\s+/g, ' ').replace(/\\\n/g, '').trim()).toBe(cmd);
  });
});
