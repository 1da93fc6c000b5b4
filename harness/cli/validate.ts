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
import { checkTrace, type TraceCheck } from '../validate/trace.ts';
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

const pct = (k: number, m: number): string => (k === 0 ? (m === 0 ? '0%' : 'n/a') : `${(((m - k) / k) * 100).toFixed(1)}%`);

/** The trace check as a table: each count in total and per CPU, kernel beside model, and the difference. */
export function renderTraceCheck(c: TraceCheck): string {
  const lines = [kernelLine(c.kernel), `${c.events} trace events replayed; tolerance ${c.tolerance}%`, ''];
  const names = ['pcpRefill', 'pcpDrain', 'extfrag'] as const;
  lines.push(`${'cpu'.padEnd(6)}  ${'count'.padEnd(10)}  ${'kernel'.padStart(9)}  ${'model'.padStart(9)}  ${'diff'.padStart(8)}`);
  const rows = [{ cpu: 'all', ...c.counts }, ...c.perCpu.map((p) => ({ ...p, cpu: String(p.cpu) }))];
  for (const r of rows) {
    for (const n of names) lines.push(`${r.cpu.padEnd(6)}  ${n.padEnd(10)}  ${String(r[n].kernel).padStart(9)}  ${String(r[n].model).padStart(9)}  ${pct(r[n].kernel, r[n].model).padStart(8)}`);
  }
  for (const note of c.notes) lines.push(`note: ${note}`);
  lines.push('', c.withinTolerance ? 'every count agrees within the tolerance' : 'some counts differ by more than the tolerance');
  return `${lines.join('\n')}\n`;
}
