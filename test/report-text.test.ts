import { describe, expect, it } from 'vitest';
import { renderTextSummary, shellLines, wrapText } from '../harness/report/text-summary.ts';
import { formatChange, formatNumber, formatRate } from '../harness/report/format.ts';
import type { Results } from '../harness/results/schema.ts';
import { HOSTILE_NAME, makeSampleResults } from './helpers/sample-results.ts';

const results = makeSampleResults({ failedRun: true });
const text = renderTextSummary(results);
const lines = text.split('\n');

/** The lines of the first table of a group heading in the first scenario. */
function table(heading: string): string[] {
  const start = lines.findIndex((l) => l.startsWith(heading));
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((l, i) => i > start && l.trim() === '');
  return lines.slice(start, end);
}

describe('text summary', () => {
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

  it('opens with the verdict, after the header: overall paragraph, then each scenario ranked', () => {
    const at = lines.indexOf('Verdict');
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(lines.indexOf('How to read the tables'));
    const flat = lines.slice(at).join(' ').replace(/\s+/g, ' ');
    expect(flat).toContain(results.verdict!.overall.replace(/\s+/g, ' '));
    for (const [name, v] of Object.entries(results.verdict!.scenarios)) {
      expect(flat).toContain(`${name} (kernel ${v.kernel}):`);
      expect(flat).toContain(` 1. ${v.ranking[0]!.strategy}:`);
    }
  });

  it('has a header with run id, date, commit and the exact reproducing command', () => {
    expect(text).toContain(results.runId);
    expect(text).toContain(results.createdAt);
    expect(text).toContain(results.environment.gitCommit!);
    // The command, re-joined from its shell continuation lines, is the command itself.
    const start = lines.indexOf('Reproduce with:');
    const cmd: string[] = [];
    for (let i = start + 1; lines[i] !== undefined && lines[i]!.startsWith('  '); i++) cmd.push(lines[i]!);
    const joined = cmd.join('\n').replace(/ \\\n\s+/g, ' ').replace(/\\\n/g, '').trim();
    expect(joined).toBe(results.command);
  });

  it('puts the scenario, its kernel config and machine above its tables', () => {
    const scen = lines.findIndex((l) => l === 'scenario: rt-lockdep-burst');
    const kernel = lines.findIndex((l) => l.includes('kernel:') && l.includes('PREEMPT_RT=y'));
    const machine = lines.findIndex((l) => l.includes('machine:') && l.includes('4 CPUs'));
    const firstTable = lines.findIndex((l) => l.startsWith('lockless page requests'));
    expect(scen).toBeGreaterThan(0);
    expect(kernel).toBeGreaterThan(scen);
    expect(machine).toBeGreaterThan(kernel);
    expect(firstTable).toBeGreaterThan(machine);
    expect(text).toContain('lockdep=y (PROVE_RAW_LOCK_NESTING)');
  });

  it('has one table per metric group with status-quo as the first column', () => {
    for (const heading of ['lockless page requests', 'fallbacks when no page came', 'ordinary (background) allocations', 'lock-rule violations', 'memory']) {
      const t = table(heading);
      const header = t.find((l) => /status-quo/.test(l))!;
      expect(header, heading).toBeDefined();
      // status-quo is the first column name on its header line.
      expect(header.trim().split(/\s+/)[0]).toBe('status-quo');
    }
  });

  it('wraps the strategies into several tables, each repeating the baseline column', () => {
    const parts = lines.filter((l) => /^lockless page requests \(kvfree_rcu\), part \d of \d$/.test(l));
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      const t = table(p);
      expect(t.some((l) => l.trim().split(/\s+/)[0] === 'status-quo')).toBe(true);
    }
    for (const s of results.strategies) expect(text).toContain(s.name);
  });

  it('prints value (+x.xx%) as a gain (+ better) for the other columns and marks significant cells with *', () => {
    const t = table('lockless page requests');
    const row = t.find((l) => l.startsWith('locklessFailureRate'))!;
    // gfp-no-locks-bit fails far more often than status-quo: significant, and worse, so a negative gain.
    expect(row).toMatch(/\*\s*\d+\.\d\d% +\(-[\d,]+(\.\d\d)?%\)\*/);
    // A metric with no better direction shows its plain change in braces.
    expect(t.find((l) => l.startsWith('locklessRequests'))).toMatch(/\{[+-][\d,]+(\.\d\d)?%\}/);
    const any = lines.filter((l) => /\((\+|-)\d+\.\d\d%\)/.test(l));
    expect(any.length).toBeGreaterThan(10);
    // A not-significant cell is not starred.
    const sumRow = results.summary.find((r) => r.strategy === 'gfp-no-locks-bit' && r.scenario === 'rt-lockdep-burst' && r.variant === '')!;
    expect(sumRow.vsStatusQuo!.locklessFailureRate!.significant).toBe(true);
  });

  it('explains every marker, the test and its level in a legend', () => {
    expect(text).toContain('How to read the tables');
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain("significant: Welch's t-test across seeds, two-sided, p < 0.05");
    for (const k of ['*value (+x.xx%)*', '(n/a)', '^', '[key=value]', 'k M G T', 'ns ']) expect(text).toContain(k);
    // The later strategy is marked and explained.
    expect(text).toContain('rcu-page-cache^');
    // Every metric shown has a glossary entry.
    expect(text).toContain('locklessFailureRate (%; lower is better; exact)');
    expect(text).toContain('locklessNs (ns; lower is better; modelled)');
  });

  it('lists the static properties, failed runs and totals', () => {
    expect(text).toContain('Static properties');
    const props = table('Static properties');
    expect(props.length).toBeGreaterThan(0);
    expect(text).toMatch(/gfp-no-locks-bit +25\/7 +25 +1 /);
    expect(text).toContain('collisions: ___GFP_NO_LOCKS 0x800000 == ___GFP_NOLOCKDEP');
    expect(text).toContain('entry points: __rcu_alloc_page_lockless()');
    expect(text).toContain('Failed runs: 1');
    expect(text).toContain('lockless-entry x steady-4cpu, seed 4:');
    expect(text).toMatch(/runs: +\d+ \(1 failed\)/);
    expect(text).toMatch(/events: +[\d.]+M simulated/);
  });

  it('renders input text as ASCII without breaking the layout', () => {
    const r = makeSampleResults({ hostile: true });
    const t = renderTextSummary({ ...r, scenarios: r.scenarios.map((s) => ({ ...s, description: 'bursts \u2014 with \u00d7 and \u201cquotes\u201d and \u{1f600}' })) });
    expect(t).toContain(`scenario: ${HOSTILE_NAME}`);
    expect(t).toContain('bursts -- with x and "quotes" and ?');
  });
});

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
