/**
 * The summary of a lab run (harness/lab, `nolock-bench lab`) that the rest of
 * the results quote: results/baselines/lab.json, and the optional `lab` field
 * of a compare's results.json, so the reports (which read stored results
 * only) can say when and how the model was last checked against real kernels.
 */
import { z } from 'zod';

export const LAB_SCHEMA = 'nolock-bench/lab';
export const LAB_SCHEMA_VERSION = 1;

const CountSchema = z.object({ kernel: z.number(), model: z.number() });
export const CountsSchema = z.object({ pcpRefill: CountSchema, pcpDrain: CountSchema, extfrag: CountSchema });

export const LabTotalsSchema = z.object({ kernels: z.number().int(), shapes: z.number().int(), compared: z.number().int(), matched: z.number().int(), traces: z.number().int(), tracesWithinTolerance: z.number().int() });

/** What a compare and the README quote: per kernel, the numbers without the rows. */
export const LabSummarySchema = z.object({
  schema: z.literal(`${LAB_SCHEMA}-summary`),
  schemaVersion: z.literal(LAB_SCHEMA_VERSION),
  runId: z.string(),
  date: z.string(),
  status: z.enum(['ok', 'mismatch']),
  totalSeconds: z.number(),
  kernels: z.array(
    z.object({
      uname: z.string(),
      package: z.string(),
      version: z.string(),
      profile: z.string(),
      preemptRt: z.boolean(),
      claimed: z.boolean(),
      drift: z.boolean(),
      shapes: z.number().int(),
      compared: z.number().int(),
      matched: z.number().int(),
      trace: z.object({ withinTolerance: z.boolean(), tolerance: z.number(), counts: CountsSchema }).nullable(),
    }),
  ),
  totals: LabTotalsSchema,
});
export type LabSummary = z.infer<typeof LabSummarySchema>;

/** One line of the lab's outcome for the compare report and summary.txt. */
export function labQuote(s: LabSummary): string {
  const day = s.date.slice(0, 10);
  const kernels = s.kernels.map((k) => k.uname).join(', ');
  const traces = s.totals.traces ? `; traces within tolerance ${s.totals.tracesWithinTolerance}/${s.totals.traces}` : '';
  return `Model checked against real kernels on ${day}: ${s.totals.kernels} kernels (${kernels}), ${s.totals.shapes} machine shapes, ${s.totals.matched}/${s.totals.compared} zoneinfo numbers matched${traces}.`;
}

