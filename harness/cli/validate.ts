/**
 * `nolock-bench validate zoneinfo FILE [--sysctl F] [--kernel V] [--json]` and
 * `nolock-bench validate trace TRACE --zoneinfo F --buddyinfo F [--sysctl F]
 * --kernel V [--tolerance PCT] [--json]`: check the model of a kernel against
 * what that kernel printed. Exit codes: 0 every number matches (zoneinfo) or
 * every count agrees within the tolerance (trace), 1 when not, 2 bad input
 * (an InputError, thrown to the command line).
 */
import { InputError, describeFound } from '../errors.ts';
import { readInputText } from '../util/read-input.ts';
import { checkTrace, countWithin, percentDiff, type TraceCheck, type TraceCount, type TraceCounts } from '../validate/trace.ts';
import { checkZoneinfo, type ZoneinfoCheck } from '../validate/zoneinfo.ts';

export interface ValidateOptions {
  what: string;
  file: string;
  kernel?: string;
  sysctl?: string;
  zoneinfo?: string;
  buddyinfo?: string;
  tolerance?: number;
  json: boolean;
}

export const VALIDATE_TARGETS = ['zoneinfo', 'trace'] as const;

/** What the command prints and the exit code it ends with. */
export interface ValidateOutcome {
  text: string;
  exitCode: 0 | 1;
}

function need(value: string | undefined, option: string, what: string): string {
  if (value === undefined) throw new InputError({ file: 'command line', where: `validate ${what}`, expected: `--${option} FILE`, found: 'nothing' });
  return value;
}

function refuse(option: string, what: string): void {
  throw new InputError({ file: `--${option}`, where: `validate ${what}`, expected: `no --${option} (only validate trace takes it)`, found: 'the option' });
}

export function validateCommand(o: ValidateOptions): ValidateOutcome {
  if (o.what === 'zoneinfo') {
    if (o.zoneinfo !== undefined) refuse('zoneinfo', o.what);
    if (o.buddyinfo !== undefined) refuse('buddyinfo', o.what);
    if (o.tolerance !== undefined) refuse('tolerance', o.what);
    const check = checkZoneinfo({
      zoneinfoText: readInputText(o.file, 'a /proc/zoneinfo capture'),
      zoneinfoFile: o.file,
      ...(o.sysctl !== undefined ? { sysctlText: readInputText(o.sysctl, '`sysctl vm` output'), sysctlFile: o.sysctl } : {}),
      ...(o.kernel !== undefined ? { kernel: o.kernel } : {}),
    });
    return { text: o.json ? `${JSON.stringify(check, null, 2)}\n` : renderZoneinfoCheck(check), exitCode: check.matched === check.compared ? 0 : 1 };
  }
  if (o.what === 'trace') {
    const zoneinfo = need(o.zoneinfo, 'zoneinfo', o.what);
    const buddyinfo = need(o.buddyinfo, 'buddyinfo', o.what);
    const kernel = need(o.kernel, 'kernel', o.what);
    const check = checkTrace({
      traceText: readInputText(o.file, 'a tracefs trace'),
      traceFile: o.file,
      zoneinfoText: readInputText(zoneinfo, 'a /proc/zoneinfo capture'),
      zoneinfoFile: zoneinfo,
      buddyinfoText: readInputText(buddyinfo, 'a /proc/buddyinfo capture'),
      buddyinfoFile: buddyinfo,
      ...(o.sysctl !== undefined ? { sysctlText: readInputText(o.sysctl, '`sysctl vm` output'), sysctlFile: o.sysctl } : {}),
      kernel,
      ...(o.tolerance !== undefined ? { tolerance: o.tolerance } : {}),
    });
    return { text: o.json ? `${JSON.stringify(check, null, 2)}\n` : renderTraceCheck(check), exitCode: check.withinTolerance ? 0 : 1 };
  }
  throw new InputError({ file: 'command line', where: 'validate', expected: `one of ${VALIDATE_TARGETS.join(', ')}`, found: describeFound(o.what) });
}

function kernelLine(k: ZoneinfoCheck['kernel']): string {
  const rt = k.preemptRt ? ', PREEMPT_RT' : '';
  const how = k.release === k.profile ? '' : k.exact ? ` (${k.release})` : ` (${k.release}: nearest profile at or below it${k.drift ? '; newer than every profile' : ''})`;
  return `model: kernel profile ${k.profile}${rt}${how}`;
}

/** The zoneinfo check as a table: every compared number, kernel beside model. */
export function renderZoneinfoCheck(c: ZoneinfoCheck): string {
  const lines = [kernelLine(c.kernel), ''];
  const w = Math.max(4, ...c.rows.map((r) => r.zone.length));
  const f = Math.max(5, ...c.rows.map((r) => r.field.length));
  lines.push(`${'zone'.padEnd(w)}  ${'field'.padEnd(f)}  ${'kernel'.padStart(10)}  ${'model'.padStart(10)}`);
  for (const r of c.rows) lines.push(`${r.zone.padEnd(w)}  ${r.field.padEnd(f)}  ${String(r.kernel).padStart(10)}  ${String(r.model).padStart(10)}${r.match ? '' : '  DIFFERS'}`);
  for (const note of c.notes ?? []) lines.push(`note: ${note}`);
  lines.push('', `${c.matched} of ${c.compared} numbers match${c.matched === c.compared ? '' : `; ${c.compared - c.matched} differ`}`);
  return `${lines.join('\n')}\n`;
}

function pct(c: TraceCount): string {
  const p = percentDiff(c);
  if (p === null) return 'n/a';
  return `${p >= 0 ? '+' : ''}${p.toFixed(1)}%`;
}

const TRACE_COLUMNS: ReadonlyArray<[keyof TraceCounts, string]> = [
  ['pcpRefill', 'pcp refills (pages)'],
  ['pcpDrain', 'pcp drains (pages)'],
  ['extfrag', 'fallbacks (extfrag)'],
];

/**
 * The trace check as a table: the totals (judged: a `*` marks one outside the
 * tolerance), then one row per CPU (reported only), each count kernel beside
 * model with the difference; then the verdict and the notes.
 */
export function renderTraceCheck(c: TraceCheck): string {
  const lines = [kernelLine(c.kernel), `${c.events} trace events replayed; tolerance ${c.tolerance}%`, ''];
  lines.push(`${'cpu'.padEnd(6)}${TRACE_COLUMNS.map(([, t]) => t.padStart(26)).join('')}`);
  lines.push(`${''.padEnd(6)}${TRACE_COLUMNS.map(() => `${'kernel'.padStart(8)}${'model'.padStart(8)}${'diff'.padStart(10)}`).join('')}`);
  const row = (label: string, counts: TraceCounts, judged: boolean): string =>
    `${label.padEnd(6)}${TRACE_COLUMNS.map(([key]) => {
      const x = counts[key];
      const mark = judged && !countWithin(x, c.tolerance) ? '*' : ' ';
      return `${String(x.kernel).padStart(8)}${String(x.model).padStart(8)}${pct(x).padStart(9)}${mark}`;
    }).join('')}`;
  lines.push(row('all', c.counts, true));
  for (const p of c.perCpu) lines.push(row(String(p.cpu), p, false));
  lines.push('', c.withinTolerance ? `every total agrees within ${c.tolerance}%` : `some totals (marked *) differ by more than ${c.tolerance}% (per-CPU rows are not judged)`);
  if (c.notes.length > 0) lines.push('', ...c.notes.map((n) => `note: ${n}`));
  return `${lines.join('\n')}\n`;
}
