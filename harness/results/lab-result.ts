/**
 * lab.json: what one lab run booted and how the model compared, versioned
 * and validated with zod when read back (reports, compare's quote, the
 * baseline), so a corrupt or foreign file is one InputError line.
 *
 * results/lab/<run-id>/lab.json holds the whole result (mismatching rows
 * included); results/baselines/lab.json and a compare's results.json hold
 * only its LabSummary.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { InputError, describeIoError } from '../errors.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { CountsSchema, LAB_SCHEMA, LAB_SCHEMA_VERSION, LabSummarySchema, LabTotalsSchema, type LabSummary } from './lab-summary.ts';

export { LAB_SCHEMA, LAB_SCHEMA_VERSION, LabSummarySchema, labQuote, type LabSummary } from './lab-summary.ts';


export const MismatchRowSchema = z.object({ zone: z.string(), field: z.string(), kernel: z.number(), model: z.number() });

export const LabShapeSchema = z.object({
  cpus: z.number().int(),
  memMiB: z.number().int(),
  bootSeconds: z.number(),
  compared: z.number().int(),
  matched: z.number().int(),
  /** The rows that differ (every compared number is in the capture; only these are kept). */
  mismatches: z.array(MismatchRowSchema),
  /** Set when the oracle could not check the capture at all (its one-line message). */
  error: z.string().optional(),
});
export type LabShape = z.infer<typeof LabShapeSchema>;

export const LabTraceSchema = z.object({
  cpus: z.number().int(),
  memMiB: z.number().int(),
  bootSeconds: z.number(),
  events: z.number().int(),
  /** Percent. */
  tolerance: z.number(),
  withinTolerance: z.boolean(),
  counts: CountsSchema,
  notes: z.array(z.string()),
  error: z.string().optional(),
});
export type LabTrace = z.infer<typeof LabTraceSchema>;

export const LabKernelSchema = z.object({
  /** bullseye, bullseye-rt, ... */
  id: z.string(),
  suite: z.string(),
  metapackage: z.string(),
  metaVersion: z.string(),
  /** The package that held vmlinuz, and its exact version. */
  package: z.string(),
  version: z.string(),
  /** `uname -r` the guest reported. */
  uname: z.string(),
  /** The model profile resolveKernel chose. */
  profile: z.string(),
  preemptRt: z.boolean(),
  /** A profile claims this kernel's major.minor: it must match (the CI gate). */
  claimed: z.boolean(),
  /** Newer than every profile: reported, not a failure. */
  drift: z.boolean(),
  shapes: z.array(LabShapeSchema),
  trace: LabTraceSchema.nullable(),
  compared: z.number().int(),
  matched: z.number().int(),
});
export type LabKernel = z.infer<typeof LabKernelSchema>;

export const LabResultSchema = z.object({
  schema: z.literal(LAB_SCHEMA),
  schemaVersion: z.literal(LAB_SCHEMA_VERSION),
  runId: z.string(),
  date: z.string(),
  command: z.string(),
  host: z.object({ cpus: z.number().int(), memGiB: z.number(), os: z.string(), qemu: z.string(), node: z.string() }),
  kernels: z.array(LabKernelSchema),
  totals: LabTotalsSchema,
  /** ok: every claimed kernel matched; mismatch: one did not (exit 1). */
  status: z.enum(['ok', 'mismatch']),
  totalSeconds: z.number(),
});
export type LabResult = z.infer<typeof LabResultSchema>;

/** The summary of a lab result. */
export function summarizeLab(r: LabResult): LabSummary {
  return {
    schema: `${LAB_SCHEMA}-summary`,
    schemaVersion: LAB_SCHEMA_VERSION,
    runId: r.runId,
    date: r.date,
    status: r.status,
    totalSeconds: r.totalSeconds,
    kernels: r.kernels.map((k) => ({
      uname: k.uname,
      package: k.package,
      version: k.version,
      profile: k.profile,
      preemptRt: k.preemptRt,
      claimed: k.claimed,
      drift: k.drift,
      shapes: k.shapes.length,
      compared: k.compared,
      matched: k.matched,
      trace: k.trace && !k.trace.error ? { withinTolerance: k.trace.withinTolerance, tolerance: k.trace.tolerance, counts: k.trace.counts } : null,
    })),
    totals: r.totals,
  };
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError({ file, where: 'file', expected: 'a readable lab result', found: describeIoError(e) });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError({ file, where: 'JSON', expected: 'valid JSON', found: (e as Error).message.slice(0, 80) });
  }
}

function parseWith<T>(schema: z.ZodType<T>, data: unknown, file: string, what: string): T {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'top level';
  throw new InputError({ file, where, expected: `${what} (${issue?.message ?? 'schema'})`, found: 'something else' });
}

/** A lab.json, validated; InputError naming the file and the field when it is not one. */
export function readLabResult(file: string): LabResult {
  return parseWith(LabResultSchema, readJson(file), file, `a ${LAB_SCHEMA} v${LAB_SCHEMA_VERSION} result`);
}

/** A lab summary (results/baselines/lab.json), validated. */
export function readLabSummary(file: string): LabSummary {
  return parseWith(LabSummarySchema, readJson(file), file, `a ${LAB_SCHEMA}-summary v${LAB_SCHEMA_VERSION}`);
}

/** Writes `data` as JSON atomically (a reader never sees half a file). */
export function writeLabJson(file: string, data: LabResult | LabSummary): void {
  writeFileAtomic(file, `${JSON.stringify(data, null, 1)}\n`);
}
