/**
 * `nolock-bench lab` (and `npm run lab`): boot Debian's kernels in QEMU,
 * check the model against their zoneinfo and traces (run-lab.ts), store
 * results/lab/<run-id>/lab.json and reports/lab/<run-id>/index.html, and
 * with --save-baseline the summary as results/baselines/lab.json.
 *
 * Exit codes: 0 every kernel a profile claims matches; 1 one does not; 2 bad
 * input (a kernel the mirror lacks, qemu missing, a guest that does not boot
 * in time): one line, and nothing of the run is stored.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { baselinesDir } from '../results/baseline.ts';
import { writeFileAtomic } from '../results/atomic-write.ts';
import { newRunId } from '../results/store.ts';
import { renderLabPage } from '../report/lab-page.ts';
import { resolveKernel } from '../validate/kernel-version.ts';
import { checkTrace } from '../validate/trace.ts';
import { checkZoneinfo } from '../validate/zoneinfo.ts';
import { labCacheDir } from './cache-dir.ts';
import { initramfsFile } from './initramfs.ts';
import { AptKernelSource } from './kernel-source.ts';
import { LabProgress, type ProgressSink } from './lab-progress.ts';
import { summarizeLab, writeLabJson, type LabResult } from '../results/lab-result.ts';
import { bootGuest, QEMU } from './qemu.ts';
import { runCommand } from './run-command.ts';
import { runLab, type LabDeps } from './run-lab.ts';

export interface LabOptions {
  kernels?: string[];
  shapes?: string[];
  quick: boolean;
  offline: boolean;
  jobs?: number;
  bootTimeoutS: number;
  runId?: string;
  saveBaseline: boolean;
  resultsDir: string;
  reportsDir: string;
  command: string;
}

export interface LabIo {
  stdout: { write(chunk: string): unknown };
  stderr: ProgressSink;
}

/** Guests booted at once by default: one per host core, at most two (LAB.md: the machine has 2 cores). */
export const DEFAULT_JOBS = Math.max(1, Math.min(2, cpus().length));

/**
 * The trace oracle's gate. helper "trace" reports (notes/trace.md) which
 * tolerance the model reaches; until the trace agreement is gated there, the
 * lab reports it and gates only the zoneinfo.
 */
export const GATE_TRACE = false;

function osName(): string {
  try {
    return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'unknown OS';
  } catch {
    return 'unknown OS';
  }
}

/** The real dependencies: apt, qemu, the cache, the oracles. */
export function realLabDeps(opts: Pick<LabOptions, 'offline'>, io: LabIo): LabDeps {
  const cacheDir = labCacheDir();
  const progress = new LabProgress(io.stderr);
  return {
    cacheDir,
    progress,
    kernels: new AptKernelSource(cacheDir, opts.offline, runCommand, (l) => progress.note(l)),
    boot: (req) => bootGuest(req),
    async qemuVersion() {
      let r;
      try {
        r = await runCommand(QEMU, ['--version']);
      } catch {
        throw new InputError({ file: QEMU, where: 'PATH', expected: 'QEMU installed (apt-get install -y qemu-system-x86)', found: 'no such program' });
      }
      return r.stdout.split('\n')[0]?.trim() || QEMU;
    },
    initrd: () => initramfsFile(cacheDir),
    checkZoneinfo,
    checkTrace,
    resolveKernel,
    now: () => new Date(),
    host: () => ({ cpus: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30), os: osName(), node: process.versions.node }),
  };
}

/** The table printed on stdout. */
export function labTable(r: LabResult): string {
  const lines = [`${'kernel'.padEnd(28)} ${'package version'.padEnd(16)} ${'profile'.padEnd(7)} shapes  matched/compared  trace (refill, drain: kernel/model)`];
  for (const k of r.kernels) {
    const t = k.trace;
    const trace = !t ? '-' : t.error ? 'error' : `${t.counts.pcpRefill.kernel}/${t.counts.pcpRefill.model}, ${t.counts.pcpDrain.kernel}/${t.counts.pcpDrain.model}${t.withinTolerance ? '' : ' (outside tolerance)'}`;
    const tag = k.drift ? ' drift' : k.claimed ? (k.matched === k.compared && !k.shapes.some((s) => s.error) ? '' : ' MISMATCH') : ' (not claimed)';
    lines.push(`${k.uname.padEnd(28)} ${k.version.padEnd(16)} ${k.profile.padEnd(7)} ${String(k.shapes.length).padStart(6)}  ${`${k.matched}/${k.compared}`.padStart(15)}${tag}  ${trace}`);
  }
  lines.push(`total: ${r.totals.matched}/${r.totals.compared} numbers matched on ${r.totals.kernels} kernels x shapes (${r.totals.shapes} boots), traces within tolerance ${r.totals.tracesWithinTolerance}/${r.totals.traces}, ${r.totalSeconds} s`);
  return `${lines.join('\n')}\n`;
}

/** Runs the lab; returns the exit code (0 every claimed kernel matches, 1 a mismatch). Bad input: InputError. */
export async function labCommand(opts: LabOptions, io: LabIo, deps: LabDeps = realLabDeps(opts, io)): Promise<number> {
  const runId = opts.runId ?? newRunId(deps.now());
  const runDir = join(opts.resultsDir, 'lab', runId);
  if (existsSync(runDir)) throw new InputError({ file: '--run-id', where: 'value', expected: `a run id not used yet in ${join(opts.resultsDir, 'lab')} (stored runs are never overwritten)`, found: `${JSON.stringify(runId)}, which exists` });
  const jobs = opts.jobs ?? DEFAULT_JOBS;
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 16) throw new InputError({ file: '--jobs', where: 'value', expected: 'an integer from 1 to 16', found: String(jobs) });
  if (!(opts.bootTimeoutS > 0)) throw new InputError({ file: '--boot-timeout', where: 'value', expected: 'seconds > 0', found: String(opts.bootTimeoutS) });

  const result = await runLab(
    {
      ...(opts.kernels ? { kernels: opts.kernels } : {}),
      ...(opts.shapes ? { shapes: opts.shapes } : {}),
      quick: opts.quick,
      jobs,
      bootTimeoutS: opts.bootTimeoutS,
      gateTrace: GATE_TRACE,
      runId,
      command: opts.command,
    },
    deps,
  );

  // Stored only once everything ran: a failed lab leaves nothing half-written.
  mkdirSync(runDir, { recursive: true });
  const json = join(runDir, 'lab.json');
  writeLabJson(json, result);
  const page = join(opts.reportsDir, 'lab', runId, 'index.html');
  writeFileAtomic(page, renderLabPage(result));
  io.stdout.write(labTable(result));
  io.stdout.write(`lab result: ${json}\nreport: ${page}\n`);
  if (opts.saveBaseline) {
    const base = join(baselinesDir(opts.resultsDir), 'lab.json');
    writeLabJson(base, summarizeLab(result));
    io.stdout.write(`baseline: ${base}\n`);
  }
  return result.status === 'ok' ? 0 : 1;
}
