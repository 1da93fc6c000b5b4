/**
 * The results file (results/<run-id>/results.json): a versioned schema, checked
 * with zod when a file is read back (report, merge, baseline), so a corrupt or
 * foreign file gets one clear message naming the file and the field.
 *
 * Version history:
 *   1 - first version.
 *   2 - metrics kvfreeCalls, fallbackRate, locklessNsSuccess, locklessNsFailure,
 *       locklessNsP999, locklessNsMax (MetricDef.since); the kernel of every
 *       summary cell (`kernel`); intervals of non-negative metrics from a
 *       bootstrap (`ciMethod`); the verdict (`verdict`). Version 1 files still
 *       read: their runs lack the new metrics (absent, not 0), their summary
 *       cells the kernel, and they carry no verdict.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { LabSummarySchema } from './lab-summary.ts';
import { InputError, describeFound, describeIoError } from '../errors.ts';
import { METRICS } from '../metrics/metric-defs.ts';
import { jsonSyntaxError, stripBom } from '../util/json-text.ts';
import { TYPE_WORDS, formatPath, valueAt } from '../util/zod-errors.ts';

export const RESULTS_SCHEMA_ID = 'nolock-bench/results';
export const RESULTS_SCHEMA_VERSION = 2;
/** Versions this nolock-bench reads. */
export const READABLE_SCHEMA_VERSIONS: readonly number[] = [1, 2];

type MetricsShape = { [K in (typeof METRICS)[number] as K['name']]: K extends { since: number } ? z.ZodOptional<z.ZodNumber> : z.ZodNumber };
// A metric added after version 1 may be absent (a file of an older version).
const metricsShape = Object.fromEntries(METRICS.map((d) => [d.name, 'since' in d ? z.number().optional() : z.number()])) as MetricsShape;
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
  /** The warm-up's own metrics (run.warmup.ms > 0), excluded from `metrics` (simEvents and simWallMs aside). */
  warmup: MetricsSchema.optional(),
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

/** A strategy x scenario cell not run because the scenario's kernel lacks the strategy (e.g. alloc-pages-nolock before 6.15). */
export const NotApplicableSchema = z.object({
  strategy: z.string(),
  scenario: z.string(),
  variant: z.string(),
  /** The kernel profile of the scenario (as resolved: "7.2" for "6.x"). */
  kernel: z.string(),
  /** As tables print it, e.g. "n/a (needs >= 6.15)". */
  reason: z.string(),
});
export type NotApplicable = z.infer<typeof NotApplicableSchema>;

const CellSchema = z.object({
  n: z.number(),
  mean: z.number(),
  stddev: z.number(),
  ciLow: z.number(),
  ciHigh: z.number(),
  /** How [ciLow, ciHigh] was computed (absent in version 1 files: Student's t). */
  ciMethod: z.enum(['student-t', 'bootstrap']).optional(),
});
export type SummaryCell = z.infer<typeof CellSchema>;

const ChangeSchema = z.object({
  /** Relative change of the mean against status-quo, in percent (null when the baseline mean is 0). */
  changePct: z.number().nullable(),
  /** Welch's t-test p-value across seeds (null when not computable). */
  pValue: z.number().nullable(),
  significant: z.boolean(),
  /**
   * The change in the direction that is better: +x when this strategy is x%
   * better than status-quo, -x when worse (the mmtests convention); null when
   * the metric has no better direction or changePct is null. Absent in version 1 files.
   */
  gainPct: z.number().nullable().optional(),
});
export type Change = z.infer<typeof ChangeSchema>;

export const SummaryRowSchema = z.object({
  strategy: z.string(),
  scenario: z.string(),
  variant: z.string(),
  /** The kernel profile every run of the cell ran on (absent in version 1 files). */
  kernel: z.string().optional(),
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
  /** Per populated zone: its free pages against its own watermarks (absent in older results). */
  zones: z.array(z.object({ name: z.string(), freePages: z.array(z.number()), watermarks: z.object({ min: z.number(), low: z.number(), high: z.number() }) })).default([]),
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

/** What a stored run id must be, as messages say it. */
export const USABLE_RUN_ID = 'a run id usable as a directory name (no "/", "\\", "." or "..")';

/** A stored run id names one directory: not empty, "." or "..", no "/", "\\" or NUL. */
export function usableRunId(id: string): boolean {
  return id !== '' && id !== '.' && id !== '..' && !/[/\\\0]/.test(id);
}

/**
 * A run id names the run's directories (results/<run-id>/, reports/<run-id>/).
 * Checked when a file is read, so the message names the file; ids stored
 * before --run-id was checked (any other text) still read.
 */
const RunIdSchema = z.string().refine(usableRunId, { message: USABLE_RUN_ID });

/** One strategy's place in a scenario's ranking, with why (harness/analysis/verdict.ts). */
export const VerdictEntrySchema = z.object({ strategy: z.string(), reasons: z.array(z.string()) });
export const ScenarioVerdictSchema = z.object({
  /** The kernel profile every ranked run ran on. */
  kernel: z.string(),
  /** Best first. */
  ranking: z.array(VerdictEntrySchema),
  /** Groups of strategies that are equal within the seeds' spread on every criterion. */
  ties: z.array(z.array(z.string())),
  /** Cells of the scenario left out of the ranking, and why (another kernel). */
  notRanked: z.array(z.object({ strategy: z.string(), reason: z.string() })).optional(),
});
export const VerdictSchema = z.object({
  /** Keyed by scenario name ("<scenario>@<kernel>" with --kernels). */
  scenarios: z.record(z.string(), ScenarioVerdictSchema),
  overall: z.string(),
});
export type Verdict = z.infer<typeof VerdictSchema>;
export type ScenarioVerdict = z.infer<typeof ScenarioVerdictSchema>;

export const ResultsSchema = z.object({
  schema: z.literal(RESULTS_SCHEMA_ID),
  schemaVersion: z.union([z.literal(1), z.literal(2)]),
  runId: RunIdSchema,
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
    /** --kernels: every scenario ran on each of these kernel profiles, named "<scenario>@<kernel>" (absent: each scenario's own kernel). */
    kernels: z.array(z.string()).optional(),
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
      /** run.warmup.ms: the steady load's run-in before measurement; 0 a cold start (absent in older results: they started cold). */
      warmupMs: z.number().default(0),
    }),
  ),
  costTable: z.array(z.object({ key: z.string(), ns: z.number(), defaultNs: z.number(), kind: z.string(), source: z.string(), overridden: z.boolean() })),
  runs: z.array(RunRowSchema),
  failedRuns: z.array(FailedRunSchema),
  /** Cells not run because the kernel lacks the strategy (absent in older files: none). */
  notApplicable: z.array(NotApplicableSchema).optional(),
  summary: z.array(SummaryRowSchema),
  timelines: z.array(TimelineSchema),
  measured: z.array(MeasuredSchema),
  totals: z.object({
    runs: z.number(),
    failedRuns: z.number(),
    simEvents: z.number(),
    /** Sum of the runs' simWallMs: simulating their event streams. */
    simWallMs: z.number(),
    /** Wall-clock ms the workers spent generating event streams, each once per thread (absent before it was recorded: 0). */
    workloadWallMs: z.number().default(0),
    wallMs: z.number(),
    /** eventsPerSecPerCore(simEvents, simWallMs + workloadWallMs): end to end, generation included. */
    eventsPerSecPerCore: z.number(),
  }),
  /** Present when the run was compared against --baseline. */
  comparison: ComparisonSchema.optional(),
  /** --cost-range: the corners run and which conclusions flipped (harness/analysis/cost-range.ts). */
  costRange: z
    .object({
      rule: z.string(),
      corners: z.array(z.string()),
      flips: z.array(z.object({ scenario: z.string(), corner: z.string(), kind: z.enum(['cheapest', 'order']), text: z.string() })),
      verdict: z.string(),
    })
    .optional(),
  /** The ranking of the strategies per scenario, computed from the summary (version 2 on). */
  verdict: VerdictSchema.optional(),
  /** The newest lab outcome when the run was made (absent when no lab had run, and in older files). */
  lab: LabSummarySchema.optional(),
});
export type Results = z.infer<typeof ResultsSchema>;

/** Simulated events per second of one core's wall-clock time (0 when no time was spent). */
export function eventsPerSecPerCore(events: number, wallMs: number): number {
  return wallMs > 0 ? events / (wallMs / 1000) : 0;
}

/**
 * Reads and validates a results file. Any problem (missing, not JSON, another
 * schema or version, a missing field) is one InputError naming the file and the field.
 */
export function readResults(path: string): Results {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError({ file: path, where: 'file', expected: 'a readable results.json', found: describeIoError(e) });
  }
  return parseResults(text, path);
}

/** Parses and validates the text of a results file; `file` names it in errors (see readResults). */
export function parseResults(text: string, file: string): Results {
  let json: unknown;
  const body = stripBom(text);
  try {
    json = JSON.parse(body);
  } catch (e) {
    // Not V8's message: it quotes the text, newlines and all.
    const at = jsonSyntaxError(body, e);
    throw new InputError({ file, where: 'JSON', expected: 'valid JSON', found: `${at.found} at line ${at.line}, column ${at.col}` });
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new InputError({ file, where: '(top level)', expected: `a results object ({"schema": "${RESULTS_SCHEMA_ID}", ...})`, found: describeFound(json) });
  }
  // Schema and version first: a file of another kind or version is named as such, not by its first odd field.
  const head = json as { schema?: unknown; schemaVersion?: unknown };
  if (head.schema !== RESULTS_SCHEMA_ID) {
    throw new InputError({ file, where: 'schema', expected: `"${RESULTS_SCHEMA_ID}"`, found: describeFound(head.schema) });
  }
  if (typeof head.schemaVersion !== 'number' || !READABLE_SCHEMA_VERSIONS.includes(head.schemaVersion)) {
    throw new InputError({ file, where: 'schemaVersion', expected: `${READABLE_SCHEMA_VERSIONS.join(' or ')} (the versions this nolock-bench reads)`, found: describeFound(head.schemaVersion) });
  }
  const r = ResultsSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new InputError({ file, where: formatPath(issue.path), expected: expectedOf(issue), found: describeFound(valueAt(json, issue.path)) });
  }
  return r.data;
}

/** What the schema wanted, in words ("a number or null"), for the first issue zod found. */
function expectedOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type': {
      const field = resultsFieldAt(issue.path);
      return `${TYPE_WORDS[issue.expected] ?? issue.expected}${field?.nullable ? ' or null' : ''}`;
    }
    case 'invalid_value':
      return issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return issue.message;
  }
}

/** A schema's definition (zod 4 keeps it on `_zod.def`). */
function defOf(s: z.ZodType): { type: string; shape?: Record<string, z.ZodType>; element?: z.ZodType; valueType?: z.ZodType; innerType?: z.ZodType } {
  return (s as unknown as { _zod: { def: ReturnType<typeof defOf> } })._zod.def;
}

/**
 * What ResultsSchema takes at a field path: the zod type ("string", "number",
 * "object", "array", "record", "unknown", "literal", ...), and whether null
 * or nothing may stand there. undefined for a path the schema does not have.
 */
export function resultsFieldAt(path: readonly PropertyKey[]): { type: string; nullable: boolean; optional: boolean } | undefined {
  let cur: z.ZodType | undefined = ResultsSchema;
  let nullable = false;
  let optional = false;
  const unwrap = (): void => {
    nullable = false;
    optional = false;
    // A field with a default may be left out as much as an optional one.
    for (let d = defOf(cur!); d.type === 'nullable' || d.type === 'optional' || d.type === 'default'; d = defOf(cur!)) {
      if (d.type === 'nullable') nullable = true;
      else optional = true;
      cur = d.innerType!;
    }
  };
  unwrap();
  for (const seg of path) {
    const d = defOf(cur);
    if (d.type === 'object' && typeof seg === 'string') cur = Object.hasOwn(d.shape!, seg) ? d.shape![seg] : undefined;
    else if (d.type === 'array' && typeof seg === 'number') cur = d.element;
    else if (d.type === 'record' && typeof seg === 'string') cur = d.valueType;
    else cur = undefined;
    if (cur === undefined) return undefined;
    unwrap();
  }
  return { type: defOf(cur).type, nullable, optional };
}

