/**
 * `nolock-bench validate trace TRACE --zoneinfo F --buddyinfo F [--sysctl F]
 * --kernel VERSION [--json] [--tolerance X]`: the trace oracle
 * (harness/validate/trace.ts) on a user's files. Exit 0 when every total count
 * is within tolerance, 1 when not; bad input throws InputError (exit 2).
 */
import { readFileSync } from 'node:fs';
import { InputError, describeIoError } from '../errors.ts';
import { checkTrace, countWithin, percentDiff, type TraceCheck, type TraceCount, type TraceCounts } from '../validate/trace.ts';

export interface ValidateTraceOptions {
  trace: string;
  zoneinfo: string;
  buddyinfo: string;
  sysctl?: string;
  kernel: string;
  json?: boolean;
  tolerance?: number;
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError({ file: path, where: 'file', expected: `a readable ${what}`, found: describeIoError(err) });
  }
}

/** Runs the check; the caller prints `text` and exits with `code`. */
export function validateTraceCommand(o: ValidateTraceOptions): { text: string; code: number } {
  const check = checkTrace({
    traceText: readText(o.trace, 'tracefs trace file'),
    traceFile: o.trace,
    zoneinfoText: readText(o.zoneinfo, '/proc/zoneinfo capture'),
    zoneinfoFile: o.zoneinfo,
    buddyinfoText: readText(o.buddyinfo, '/proc/buddyinfo capture'),
    buddyinfoFile: o.buddyinfo,
    ...(o.sysctl !== undefined ? { sysctlText: readText(o.sysctl, 'sysctl output'), sysctlFile: o.sysctl } : {}),
    kernel: o.kernel,
    ...(o.tolerance !== undefined ? { tolerance: o.tolerance } : {}),
  });
  const text = o.json ? `${JSON.stringify(check, null, 2)}\n` : formatTraceCheck(check, o.trace);
  return { text, code: check.withinTolerance ? 0 : 1 };
}

function pct(c: TraceCount): string {
  const p = percentDiff(c);
  if (p === null) return 'n/a';
  return `${p >= 0 ? '+' : ''}${p.toFixed(1)}%`;
}

const COLUMNS: ReadonlyArray<[keyof TraceCounts, string]> = [
  ['pcpRefill', 'pcp refills (pages)'],
  ['pcpDrain', 'pcp drains (pages)'],
  ['extfrag', 'fallbacks (extfrag)'],
];

/** The comparison table: totals, then one row per CPU; kernel beside model and the difference. */
export function formatTraceCheck(c: TraceCheck, traceFile: string): string {
  const k = c.kernel;
  const out: string[] = [];
  out.push(`Trace ${traceFile}: ${c.events} events, kernel ${k.input.trim()} modelled by profile ${k.profile}${k.preemptRt ? ' (PREEMPT_RT)' : ''}`);
  out.push('');
  const w = 26;
  out.push(`${'cpu'.padEnd(6)}${COLUMNS.map(([, t]) => t.padStart(w)).join('')}`);
  out.push(`${''.padEnd(6)}${COLUMNS.map(() => `${'kernel'.padStart(8)}${'model'.padStart(8)}${'diff'.padStart(10)}`).join('')}`);
  const row = (label: string, counts: TraceCounts, judged: boolean): string =>
    `${label.padEnd(6)}${COLUMNS.map(([key]) => {
      const x = counts[key];
      const mark = judged && !countWithin(x, c.tolerance) ? '*' : ' ';
      return `${String(x.kernel).padStart(8)}${String(x.model).padStart(8)}${pct(x).padStart(9)}${mark}`;
    }).join('')}`;
  out.push(row('all', c.counts, true));
  for (const p of c.perCpu) out.push(row(String(p.cpu), p, false));
  out.push('');
  const tol = `${(c.tolerance * 100).toFixed(c.tolerance * 100 < 1 ? 2 : 0)}%`;
  out.push(c.withinTolerance ? `Every total within ${tol} of the kernel.` : `Not within ${tol} of the kernel: the totals marked * (per-CPU rows are not judged).`);
  if (c.notes.length > 0) {
    out.push('');
    out.push('Notes:');
    for (const n of c.notes) out.push(`  - ${n}`);
  }
  return `${out.join('\n')}\n`;
}
