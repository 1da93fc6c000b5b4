/**
 * The lab's flow, with everything outside this process passed in (LabDeps),
 * so tests run it with a fake boot, fake kernels and fake checkers:
 *
 *   resolve each suite's kernel -> pick the --kernels -> fetch them
 *   -> boot every kernel in every shape (+ one trace run each), `jobs` at a time
 *   -> check each capture with the zoneinfo and trace oracles
 *   -> one LabResult (lab-result.ts).
 *
 * Bad input (a kernel the mirror lacks, qemu missing, a guest that does not
 * boot in time) is an InputError from here, before anything is stored.
 */
import { join } from 'node:path';
import { InputError, describeFound } from '../errors.ts';
import type { ResolvedKernel } from '../validate/kernel-version.ts';
import type { TraceCheck, TraceCheckInput } from '../validate/trace.ts';
import type { ZoneinfoCheck, ZoneinfoCheckInput } from '../validate/zoneinfo.ts';
import type { AcquiredKernel } from './acquire-kernel.ts';
import { captureOne, type Capture } from './capture.ts';
import type { KernelSource, ResolvedSpec } from './kernel-source.ts';
import { LAB_SCHEMA, LAB_SCHEMA_VERSION, type LabKernel, type LabResult, type LabShape, type LabTrace } from '../results/lab-result.ts';
import { LAB_KERNELS, kernelChoiceMatches, parseKernelChoice, type LabKernelSpec } from './lab-kernels.ts';
import type { LabProgress } from './lab-progress.ts';
import type { BootGuest } from './qemu.ts';
import { DEFAULT_SHAPES, QUICK_SHAPES, TRACE_SHAPE, parseShape, shapeName, type Shape } from './shapes.ts';

export interface LabDeps {
  kernels: KernelSource;
  boot: BootGuest;
  /** The qemu version line; InputError when qemu is missing. */
  qemuVersion(): Promise<string>;
  /** The initramfs file to boot with. */
  initrd(): string;
  checkZoneinfo(input: ZoneinfoCheckInput): ZoneinfoCheck;
  checkTrace(input: TraceCheckInput): TraceCheck;
  resolveKernel(release: string): ResolvedKernel;
  cacheDir: string;
  progress: LabProgress;
  now(): Date;
  host(): { cpus: number; memGiB: number; os: string; node: string };
}

export interface LabPlan {
  kernels?: readonly string[];
  shapes?: readonly string[];
  quick: boolean;
  jobs: number;
  bootTimeoutS: number;
  /** Percent; the trace oracle's default when undefined. */
  traceTolerance?: number;
  /** Gate the trace agreement too (exit 1 when a claimed kernel's trace is outside tolerance). */
  gateTrace: boolean;
  runId: string;
  command: string;
}

/** The shapes to boot: --shapes, else --quick's, else the grid. */
export function planShapes(plan: Pick<LabPlan, 'shapes' | 'quick'>): Shape[] {
  const list = plan.shapes?.flatMap((s) => s.split(',')).filter((s) => s.trim() !== '');
  if (list && list.length) {
    const out: Shape[] = [];
    for (const s of list) {
      const shape = parseShape(s);
      if (!out.some((o) => o.cpus === shape.cpus && o.memMiB === shape.memMiB)) out.push(shape);
    }
    return out;
  }
  return [...(plan.quick ? QUICK_SHAPES : DEFAULT_SHAPES)];
}

/**
 * The specs --kernels asks for, each with its resolution. Every spec that
 * could match is resolved (a suite lookup, no download). A value no suite
 * offers is an InputError listing what the mirror has.
 */
export async function pickKernels(values: readonly string[] | undefined, source: KernelSource): Promise<Array<{ spec: LabKernelSpec; res: ResolvedSpec }>> {
  const choices = values?.flatMap((v) => v.split(',')).filter((v) => v.trim() !== '').map(parseKernelChoice);
  const resolved: Array<{ spec: LabKernelSpec; res: ResolvedSpec }> = [];
  for (const spec of LAB_KERNELS) {
    if (choices && !choices.some((c) => c.rt === (spec.flavour === 'rt'))) continue;
    resolved.push({ spec, res: await source.resolve(spec) });
  }
  if (!choices) return resolved;
  const picked = new Set<string>();
  for (const c of choices) {
    const hits = resolved.filter(({ spec, res }) => c.rt === (spec.flavour === 'rt') && kernelChoiceMatches(c.name, spec.suite, res.version));
    if (!hits.length) {
      const offered = [...new Set(resolved.map((r) => `${r.spec.suite} ${r.res.version}`))].join(', ');
      throw new InputError({ file: '--kernels', where: `${c.name}${c.rt ? '-rt' : ''}`, expected: `a kernel the mirror's suites offer (${offered}), by version or suite name`, found: `${describeFound(c.name)}, which no suite has` });
    }
    for (const h of hits) picked.add(h.spec.id);
  }
  return resolved.filter((r) => picked.has(r.spec.id));
}

interface Job {
  kernel: AcquiredKernel;
  shape: Shape;
  mode: 'capture' | 'trace';
}

/** Runs `jobs` with at most `n` at once, in order of start; the first error stops new starts and is thrown after the running ones end. */
async function pool<T>(items: readonly T[], n: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (e) {
        failure ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, items.length)) }, worker));
  if (failure !== undefined) throw failure;
}

function oneLineError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function checkShape(deps: LabDeps, c: Capture): LabShape {
  const base = { cpus: c.meta.cpus, memMiB: c.meta.memMiB, bootSeconds: c.meta.bootSeconds };
  try {
    const z = deps.checkZoneinfo({ zoneinfoText: c.texts.zoneinfo ?? '', zoneinfoFile: join(c.dir, 'zoneinfo.txt'), sysctlText: c.texts.sysctl ?? '', sysctlFile: join(c.dir, 'sysctl.txt'), dmesgText: c.texts.dmesg ?? '', kernel: c.meta.kernel });
    return { ...base, compared: z.compared, matched: z.matched, mismatches: z.rows.filter((r) => !r.match).map(({ zone, field, kernel, model }) => ({ zone, field, kernel, model })) };
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { ...base, compared: 0, matched: 0, mismatches: [], error: oneLineError(e) };
  }
}

function checkTraceCapture(deps: LabDeps, c: Capture, tolerance: number | undefined): LabTrace {
  const base = { cpus: c.meta.cpus, memMiB: c.meta.memMiB, bootSeconds: c.meta.bootSeconds };
  const file = (n: string): string => join(c.dir, `${n}.txt`);
  try {
    const t = deps.checkTrace({
      traceText: c.texts.trace ?? '',
      traceFile: file('trace'),
      zoneinfoText: c.texts.zoneinfo ?? '',
      zoneinfoFile: file('zoneinfo'),
      buddyinfoText: c.texts.buddyinfo ?? '',
      buddyinfoFile: file('buddyinfo'),
      sysctlText: c.texts.sysctl ?? '',
      sysctlFile: file('sysctl'),
      kernel: c.meta.kernel,
      ...(tolerance !== undefined ? { tolerance } : {}),
    });
    return { ...base, events: t.events, tolerance: t.tolerance, withinTolerance: t.withinTolerance, counts: t.counts, notes: t.notes };
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    const zero = { kernel: 0, model: 0 };
    return { ...base, events: 0, tolerance: tolerance ?? 10, withinTolerance: false, counts: { pcpRefill: zero, pcpDrain: zero, extfrag: zero }, notes: [], error: oneLineError(e) };
  }
}

/** Runs the lab as planned; see the file comment. The caller stores the result. */
export async function runLab(plan: LabPlan, deps: LabDeps): Promise<LabResult> {
  const t0 = performance.now();
  const date = deps.now().toISOString();
  const shapes = planShapes(plan);
  const qemu = await deps.qemuVersion();
  const picked = await pickKernels(plan.kernels, deps.kernels);
  const kernels: AcquiredKernel[] = [];
  for (const { spec, res } of picked) kernels.push(await deps.kernels.fetch(spec, res));
  const initrd = deps.initrd();

  const jobs: Job[] = [];
  for (const kernel of kernels) {
    // The trace run first: it is the longest, so the pool ends evenly.
    if (!plan.quick) jobs.push({ kernel, shape: TRACE_SHAPE, mode: 'trace' });
    for (const shape of shapes) jobs.push({ kernel, shape, mode: 'capture' });
  }
  const captures = new Map<AcquiredKernel, { shapes: LabShape[]; trace: LabTrace | null; uname: string }>();
  for (const k of kernels) captures.set(k, { shapes: [], trace: null, uname: k.release });
  deps.progress.start(jobs.length, plan.jobs);
  const timeoutMs = plan.bootTimeoutS * 1000;
  await pool(jobs, plan.jobs, async (job) => {
    const label = `${job.kernel.release} ${job.mode === 'trace' ? 'trace-' : ''}${shapeName(job.shape)}`;
    // A trace run writes and reads megabytes through the UART: twice the time.
    const capture = (): Promise<Capture> => captureOne({ kernel: job.kernel, shape: job.shape, mode: job.mode, initrd, cacheDir: deps.cacheDir, boot: deps.boot, timeoutMs: job.mode === 'trace' ? timeoutMs * 2 : timeoutMs, now: deps.now });
    let c: Capture;
    try {
      c = await capture();
    } catch (first) {
      // One more boot before giving up: on a busy shared machine a guest
      // has been seen to stop before /init printed anything (its serial log
      // is kept, named in the message); a second failure is the answer.
      if (!(first instanceof InputError)) throw first;
      deps.progress.note(`retrying once: ${oneLineError(first)}`);
      try {
        c = await capture();
      } catch (e) {
        deps.progress.guest(label, 0, oneLineError(e));
        throw e;
      }
    }
    deps.progress.guest(label, c.meta.bootSeconds);
    const slot = captures.get(job.kernel)!;
    slot.uname = c.meta.kernel;
    if (job.mode === 'trace') slot.trace = checkTraceCapture(deps, c, plan.traceTolerance);
    else slot.shapes.push(checkShape(deps, c));
  });

  const out: LabKernel[] = [];
  for (const k of kernels) {
    const slot = captures.get(k)!;
    const order = (s: { cpus: number; memMiB: number }): number => shapes.findIndex((x) => x.cpus === s.cpus && x.memMiB === s.memMiB);
    slot.shapes.sort((a, b) => order(a) - order(b));
    const r = deps.resolveKernel(slot.uname);
    const compared = slot.shapes.reduce((a, s) => a + s.compared, 0);
    const matched = slot.shapes.reduce((a, s) => a + s.matched, 0);
    out.push({
      id: k.id,
      suite: k.suite,
      metapackage: k.metapackage,
      metaVersion: k.metaVersion,
      package: k.package,
      version: k.version,
      uname: slot.uname,
      profile: r.profile,
      preemptRt: r.preemptRt,
      claimed: r.exact && !r.drift,
      drift: r.drift,
      shapes: slot.shapes,
      trace: slot.trace,
      compared,
      matched,
    });
  }
  const failed = out.some((k) => k.claimed && (k.matched !== k.compared || k.shapes.some((s) => s.error) || (plan.gateTrace && k.trace !== null && (!!k.trace.error || !k.trace.withinTolerance))));
  const traces = out.filter((k) => k.trace && !k.trace.error);
  const host = deps.host();
  return {
    schema: LAB_SCHEMA,
    schemaVersion: LAB_SCHEMA_VERSION,
    runId: plan.runId,
    date,
    command: plan.command,
    host: { ...host, qemu },
    kernels: out,
    totals: {
      kernels: out.length,
      shapes: out.reduce((a, k) => a + k.shapes.length, 0),
      compared: out.reduce((a, k) => a + k.compared, 0),
      matched: out.reduce((a, k) => a + k.matched, 0),
      traces: traces.length,
      tracesWithinTolerance: traces.filter((k) => k.trace!.withinTolerance).length,
    },
    status: failed ? 'mismatch' : 'ok',
    totalSeconds: Math.round((performance.now() - t0) / 100) / 10,
  };
}
