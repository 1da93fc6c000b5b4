/**
 * The results file (results/<run-id>/results.json): a versioned schema, checked
 * with zod when a file is read back (report, merge, baseline), so a corrupt or
 * foreign file gets one clear message naming the file and the field.
 *
 * Version history:
 *   1 - first version.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { InputError, describeFound } from '../errors.ts';
import { METRIC_NAMES } from '../metrics/metric-defs.ts';
import { jsonSyntaxError, stripBom } from '../util/json-text.ts';

export const RESULTS_SCHEMA_ID = 'nolock-bench/results';
export const RESULTS_SCHEMA_VERSION = 1;

const metricsShape = Object.fromEntries(METRIC_NAMES.map((n) => [n, z.number()])) as Record<(typeof METRIC_NAMES)[number], z.ZodNumber>;
export const MetricsSchema = z.object(metricsShape);

const StaticPropertiesSchema = z.object({
  gfpBits: z.array(z.object({ name: z.string(), value: z.string() })),
  gfpCollisions: z.array(z.string()),
  gfpRelocations: z.array(z.string()),
  gfpBitsShift: z.number(),
  gfpBitsUsed: z.number(),
  gfpBitsLeft: z.number(),
  gfpBitsTotal: z.number(),
  fastPathChecks: z.array(z.string()),
  slowPathChecks: z.array(z.string()),
  pcpMissChecks: z.array(z.string()),
  entryPoints: z.array(z.string()),
  reserves: z.array(z.string()),
  workers: z.array(z.string()),
});

export const RunRowSchema = z.object({
  strategy: z.string(),
  scenario: z.string(),
  /** Sweep point label ("" outside a sweep), e.g. "dedicated-pool.poolPages=8". */
  variant: z.string(),
  seed: z.number().int(),
  profile: z.string(),
  params: z.record(z.string(), z.unknown()),
  workloadHash: z.string(),
  metrics: MetricsSchema,
  violations: z.array(z.object({ kind: z.string(), message: z.string(), count: z.number() })),
});
export type RunRow = z.infer<typeof RunRowSchema>;

export const FailedRunSchema = z.object({
  strategy: z.string(),
  scenario: z.string(),
  variant: z.string(),
  seed: z.number().int(),
  error: z.string(),
});
export type FailedRun = z.infer<typeof FailedRunSchema>;

const CellSchema = z.object({
  n: z.number(),
  mean: z.number(),
  stddev: z.number(),
  ciLow: z.number(),
  ciHigh: z.number(),
});
export type SummaryCell = z.infer<typeof CellSchema>;

const ChangeSchema = z.object({
  /** Relative change of the mean against status-quo, in percent (null when the baseline mean is 0). */
  changePct: z.number().nullable(),
  /** Welch's t-test p-value across seeds (null when not computable). */
  pValue: z.number().nullable(),
  significant: z.boolean(),
});
export type Change = z.infer<typeof ChangeSchema>;

export const SummaryRowSchema = z.object({
  strategy: z.string(),
  scenario: z.string(),
  variant: z.string(),
  metrics: z.record(z.string(), CellSchema),
  vsStatusQuo: z.record(z.string(), ChangeSchema).nullable(),
});
export type SummaryRow = z.infer<typeof SummaryRowSchema>;

export const TimelineSchema = z.object({
  strategy: z.string(),
  scenario: z.string(),
  variant: z.string(),
  seed: z.number(),
  timeMs: z.array(z.number()),
  freePages: z.array(z.number()),
  pcpPages: z.array(z.number()),
  reservedPages: z.array(z.number()),
  blockPages: z.array(z.number()),
  locklessFailures: z.array(z.number()),
  ordinaryFailures: z.array(z.number()),
  watermarks: z.object({ min: z.number(), low: z.number(), high: z.number() }),
});
export type TimelineRow = z.infer<typeof TimelineSchema>;

export const MeasuredSchema = z.object({
  strategy: z.string(),
  task: z.enum(['ordinary-fast-path', 'lockless-request']),
  nsPerOp: z.number(),
  rmePct: z.number(),
  samples: z.number(),
});
export type Measured = z.infer<typeof MeasuredSchema>;

export const ComparisonCellSchema = z.object({
  strategy: z.string(),
  scenario: z.string(),
  variant: z.string(),
  metric: z.string(),
  kind: z.string(),
  baseline: z.number(),
  current: z.number(),
  changePct: z.number().nullable(),
  pValue: z.number().nullable(),
  test: z.string(),
  verdict: z.enum(['improved', 'regressed', 'changed', 'no change', 'within noise']),
  failing: z.boolean(),
});
export type ComparisonCell = z.infer<typeof ComparisonCellSchema>;

/** The comparison against --baseline: every cell that moved (no-change cells are only counted). */
export const ComparisonSchema = z.object({
  baselineRunId: z.string(),
  baselineCommit: z.string().nullable(),
  noiseFloorPct: z.number(),
  failOnTiming: z.boolean(),
  comparedCells: z.number(),
  unchangedCells: z.number(),
  cells: z.array(ComparisonCellSchema),
  differences: z.array(z.string()),
});
export type Comparison = z.infer<typeof ComparisonSchema>;

export const ResultsSchema = z.object({
  schema: z.literal(RESULTS_SCHEMA_ID),
  schemaVersion: z.literal(RESULTS_SCHEMA_VERSION),
  runId: z.string(),
  createdAt: z.string(),
  command: z.string(),
  environment: z.object({
    node: z.string(),
    os: z.string(),
    arch: z.string(),
    cpuModel: z.string(),
    cpuCount: z.number(),
    totalMemoryMiB: z.number(),
    gitCommit: z.string().nullable(),
    gitDirty: z.boolean().nullable(),
  }),
  config: z.object({
    strategies: z.array(z.string()),
    scenarios: z.array(z.string()),
    seeds: z.array(z.number()),
    quick: z.boolean(),
    sets: z.array(z.string()),
    sweep: z.object({ key: z.string(), values: z.array(z.string()) }).nullable(),
    scenarioFiles: z.array(z.string()),
    /** --strategy-file paths (absent in files written before it existed). */
    strategyFiles: z.array(z.string()).optional(),
    /** The per-run limits and invariant-check period the runs had (absent in older files). */
    limits: z.object({ runWallLimitMs: z.number(), runHeapLimitMb: z.number(), runVirtualLimitMs: z.number(), checkInvariantsEvery: z.number() }).optional(),
    shard: z.object({ index: z.number(), count: z.number() }).nullable(),
    costOverrides: z.record(z.string(), z.number()),
  }),
  strategies: z.array(
    z.object({
      name: z.string(),
      title: z.string(),
      origin: z.string(),
      description: z.string(),
      later: z.boolean(),
      params: z.record(z.string(), z.unknown()),
      staticProperties: StaticPropertiesSchema,
    }),
  ),
  scenarios: z.array(
    z.object({
      name: z.string(),
      description: z.string(),
      kernel: z.record(z.string(), z.unknown()),
      machine: z.object({ cpus: z.number(), memoryMiB: z.number(), zones: z.array(z.object({ kind: z.string(), managedPages: z.number() })) }),
      durationMs: z.number(),
    }),
  ),
  costTable: z.array(z.object({ key: z.string(), ns: z.number(), defaultNs: z.number(), kind: z.string(), source: z.string(), overridden: z.boolean() })),
  runs: z.array(RunRowSchema),
  failedRuns: z.array(FailedRunSchema),
  summary: z.array(SummaryRowSchema),
  timelines: z.array(TimelineSchema),
  measured: z.array(MeasuredSchema),
  totals: z.object({ runs: z.number(), failedRuns: z.number(), simEvents: z.number(), simWallMs: z.number(), wallMs: z.number(), eventsPerSecPerCore: z.number() }),
  /** Present when the run was compared against --baseline. */
  comparison: ComparisonSchema.optional(),
});
export type Results = z.infer<typeof ResultsSchema>;

/**
 * Reads and validates a results file. Any problem (missing, not JSON, another
 * schema or version, a missing field) is one InputError naming the file and the field.
 */
export function readResults(path: string): Results {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError({ file: path, where: 'file', expected: 'a readable results.json', found: (e as NodeJS.ErrnoException).code ?? 'an unreadable file' });
  }
  let json: unknown;
  const body = stripBom(text);
  try {
    json = JSON.parse(body);
  } catch (e) {
    // Not V8's message: it quotes the text, newlines and all.
    const at = jsonSyntaxError(body, e);
    throw new InputError({ file: path, where: 'JSON', expected: 'valid JSON', found: `${at.found} at line ${at.line}, column ${at.col}` });
  }
  const head = json as { schema?: unknown; schemaVersion?: unknown } | null;
  if (!head || typeof head !== 'object' || head.schema !== RESULTS_SCHEMA_ID) {
    throw new InputError({ file: path, where: 'schema', expected: `"${RESULTS_SCHEMA_ID}"`, found: describeFound(head && typeof head === 'object' ? head.schema : head) });
  }
  if (head.schemaVersion !== RESULTS_SCHEMA_VERSION) {
    throw new InputError({ file: path, where: 'schemaVersion', expected: `${RESULTS_SCHEMA_VERSION} (this nolock-bench reads version ${RESULTS_SCHEMA_VERSION} only)`, found: describeFound(head.schemaVersion) });
  }
  const r = ResultsSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const where = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || '(top level)';
    throw new InputError({ file: path, where, expected: issue.message, found: describeFound(valueAt(json, issue.path)) });
  }
  return r.data;
}

function valueAt(v: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = v;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}
