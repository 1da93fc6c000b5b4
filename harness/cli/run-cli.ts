/**
 * The nolock-bench command line (yargs): compare, report, history, list, merge.
 * Exit codes: 0 ok, 1 a regression against --baseline, 2 bad input (one line
 * naming the file and the field; the stack only with --verbose), 130
 * interrupted, 3 an internal error.
 *
 * `runCli` runs one command line in-process and returns the exit code; it
 * never throws and never exits the process itself (but for a second SIGINT or
 * SIGTERM during a compare, which aborts with 130 as the real CLI always did).
 * main.ts is the thin entry point that exits with the code.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import yargs from 'yargs';
import { InputError, describeFound } from '../errors.ts';
import { compare } from './compare.ts';
import { listCommand } from './list.ts';
import { mergeCommand } from './merge.ts';
import { writeReportsFor } from './reports.ts';
import { splitAssignment } from './set-values.ts';
import { checkBaselineName } from '../results/baseline.ts';
import { closestName } from '../util/closest-name.ts';
import { renderComparisonText } from '../report/comparison-text.ts';

export const EXIT_OK = 0;
export const EXIT_REGRESSION = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_INTERNAL = 3;
export const EXIT_INTERRUPTED = 130;

/** Where runCli writes: anything with write(string), e.g. process.stdout. */
export interface CliWriter {
  write(chunk: string): unknown;
}
export interface CliIo {
  readonly stdout: CliWriter;
  readonly stderr: CliWriter;
}

/** The largest --seeds: beyond it the job list alone would not fit in memory. */
export const MAX_SEEDS = 100_000;

/** --metric-noise METRIC=PCT values. */
function parseMetricNoise(items: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) {
    const [k, v] = splitAssignment(item, '--metric-noise');
    const n = v.trim() === '' ? NaN : Number(v);
    if (!Number.isFinite(n) || n < 0) throw new InputError({ file: '--metric-noise', where: k, expected: 'a percentage >= 0', found: JSON.stringify(v) });
    out[k] = n;
  }
  return out;
}

function commandLine(args: readonly string[]): string {
  const quote = (a: string): string => (/^[\w./=:,@+-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`);
  const [cmd, ...rest] = args;
  if (cmd === 'compare') return `npm run compare${rest.length ? ` -- ${rest.map(quote).join(' ')}` : ''}`;
  return `npx nolock-bench ${args.map(quote).join(' ')}`;
}

/**
 * The text the user typed for option `name` (the word after `--name`, or after
 * `--name=`), for messages: yargs has already turned "abc" into NaN.
 */
function typedValue(args: readonly string[], name: string, parsed: unknown): string {
  for (let i = args.length - 1; i >= 0; i--) {
    const a = args[i]!;
    if (a === `--${name}`) return args[i + 1] ?? '';
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return String(parsed);
}

/**
 * Options that take one value: given twice, yargs makes an array of them,
 * which no command expects.
 */
function checkSingle(argv: Record<string, unknown>, names: readonly string[]): void {
  for (const name of names) {
    const v = argv[name];
    if (Array.isArray(v)) {
      throw new InputError({ file: `--${name}`, where: 'value', expected: 'one value (the option takes a single value)', found: `${v.length} values (${v.map((x) => JSON.stringify(String(x))).join(', ').slice(0, 80)})` });
    }
  }
}

/** A number option: finite, an integer if asked, within [min, max]. */
function checkNumber(args: readonly string[], argv: Record<string, unknown>, name: string, rule: { integer: boolean; min: number; max?: number; what: string }): void {
  const v = argv[name];
  if (v === undefined) return;
  const ok = typeof v === 'number' && Number.isFinite(v) && (!rule.integer || Number.isInteger(v)) && v >= rule.min && (rule.max === undefined || v <= rule.max);
  if (!ok) throw new InputError({ file: `--${name}`, where: 'value', expected: rule.what, found: describeFound(typedValue(args, name, v)) });
}

/** Options that take a value (in any command), and the commands. */
const VALUE_OPTIONS = ['strategies', 'scenarios', 'seeds', 'scenario-file', 'set', 'sweep', 'jobs', 'shard', 'baseline', 'run-id', 'results-dir', 'reports-dir', 'run-wall-limit', 'save-baseline', 'noise-floor', 'metric-noise', 'fail-on', 'metrics'];
const COMMANDS = ['compare', 'report', 'history', 'list', 'merge'];

const camel = (name: string): string => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const looksLikeOption = (a: string): boolean => /^--?[A-Za-z]/.test(a);

/**
 * Checks yargs does not make: a value option with no value after it (yargs
 * reads `--strategies` alone as "all strategies" and `--seeds` alone as no
 * option at all), and an unknown command (named as such, with the closest).
 */
function checkArgs(args: readonly string[]): void {
  const end = args.indexOf('--');
  const words = end < 0 ? args : args.slice(0, end);
  const first = words.find((a) => !a.startsWith('-'));
  if (first !== undefined && !COMMANDS.includes(first)) {
    const near = closestName(first, COMMANDS);
    throw new InputError({ file: 'command line', where: 'command', expected: `one of ${COMMANDS.join(', ')}${near ? ` (did you mean "${near}"?)` : ''}`, found: describeFound(first) });
  }
  for (let i = 0; i < words.length; i++) {
    const a = words[i]!;
    const name = VALUE_OPTIONS.find((o) => a === `--${o}` || a === `--${camel(o)}`);
    if (name === undefined) continue;
    const next = words[i + 1];
    if (next === undefined || looksLikeOption(next)) {
      throw new InputError({ file: `--${name}`, where: 'value', expected: 'a value after the option', found: next === undefined ? 'nothing' : `the option ${describeFound(next)}` });
    }
  }
}

/** A string option given without a value (`--baseline=`), which yargs reads as "". */
function checkNonEmpty(argv: Record<string, unknown>, names: readonly string[]): void {
  for (const name of names) {
    const v = argv[name];
    if (v === '') throw new InputError({ file: `--${name}`, where: 'value', expected: 'a value after the option', found: 'nothing' });
  }
}

/** A command that takes no arguments but options (`compare -- x` would otherwise pass). For yargs .check(). */
function checkNoPositionals(argv: { _: (string | number)[] }): true {
  const extra = argv._.slice(1);
  if (extra.length > 0) throw new InputError({ file: 'command line', where: `${String(argv._[0])} arguments`, expected: 'options only (see --help)', found: describeFound(String(extra[0])) });
  return true;
}

/** Single-valued string options: given once, not empty. For yargs .check(). */
function checkStrings(argv: unknown, names: readonly string[]): true {
  checkSingle(argv as Record<string, unknown>, names);
  checkNonEmpty(argv as Record<string, unknown>, names);
  return true;
}

/**
 * Runs one nolock-bench command line (the arguments after the program name)
 * and returns its exit code. Output goes to `io` (default: the process's
 * stdout and stderr); the compare's progress line still goes to process.stderr.
 */
export async function runCli(argv: readonly string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const args = [...argv];
  let exitCode = EXIT_OK;
  const verbose = args.includes('--verbose');
  const signalHandlers: [NodeJS.Signals, () => void][] = [];
  const cli = yargs(args)
    .scriptName('nolock-bench')
    .usage('$0 <command> [options]')
    .option('verbose', { type: 'boolean', default: false, describe: 'Print stack traces with errors' })
    .command(
      'compare',
      'Run strategies x scenarios x seeds, store results (JSON + CSV) and write the reports',
      (y) =>
        y
          .option('strategies', { type: 'string', array: true, describe: 'Strategies to run (default: all; see `list`)' })
          .option('scenarios', { type: 'string', array: true, describe: 'Built-in scenarios to run (default: all, or none when --scenario-file is given)' })
          .option('seeds', { type: 'number', describe: 'Seeds per scenario: 1..N (default: the scenario\'s own seeds, 1..5)' })
          .option('quick', { type: 'boolean', default: false, describe: 'A small matrix: one seed and half of each scenario\'s duration, still every strategy and scenario' })
          .option('scenario-file', { type: 'string', array: true, default: [] as string[], describe: 'A scenario JSON file to run (repeatable); see harness/workload/SCENARIOS.md' })
          .option('set', { type: 'string', array: true, default: [] as string[], describe: 'Override a value: <scenario.path>=v, <strategy>.<param>=v or cost.<key>=ns (repeatable), e.g. --set dedicated-pool.poolPages=8' })
          .option('sweep', { type: 'string', describe: 'Sweep one key over values: key=v1,v2,... or key=lo..hi (lo, powers of two, hi), e.g. dedicated-pool.poolPages=0..64' })
          .option('jobs', { type: 'number', describe: 'Worker threads (default: the number of cores)' })
          .option('shard', { type: 'string', describe: 'Run only shard i of n of the matrix (i/n); recombine with `merge`' })
          .option('baseline', { type: 'string', describe: 'Compare against a stored run: a run id or a path to results.json' })
          .option('run-id', { type: 'string', describe: 'Name of this run (default: the time, e.g. 2026-11-25T07-12-03Z)' })
          .option('results-dir', { type: 'string', default: 'results', describe: 'Where results/<run-id>/ goes' })
          .option('reports-dir', { type: 'string', default: 'reports', describe: 'Where reports/<run-id>/ goes' })
          .option('json', { type: 'boolean', default: false, describe: 'Print a JSON summary (paths, totals) on stdout instead of the text summary' })
          .option('measure', { type: 'boolean', default: true, describe: 'Measure the model\'s code paths with tinybench (--no-measure to skip)' })
          .option('run-wall-limit', { type: 'number', default: 600_000, describe: 'Stop a single run after this many wall-clock ms (a runaway strategy)' })
          .option('save-baseline', { type: 'string', describe: 'Also store this run as results/baselines/NAME.json (commit it to make it the reference)' })
          .option('noise-floor', { type: 'number', default: 2, describe: 'With --baseline: changes of timing metrics below this many percent are "within noise"' })
          .option('metric-noise', { type: 'string', array: true, default: [] as string[], describe: 'With --baseline: a per-metric noise floor, METRIC=PCT (repeatable)' })
          .option('fail-on', { type: 'string', choices: ['behaviour', 'timing'], default: 'behaviour', describe: 'With --baseline: what fails the run (exit 1): behaviour (exact and modelled metrics) or also timing (wall clock, tinybench)' })
          .strictOptions()
          // Option values are checked here, not in the handler: yargs renders
          // the command's help before it calls a handler, and a bad value
          // should not wait for that (nor for the runs).
          .check((argv) => {
            const raw = argv as unknown as Record<string, unknown>;
            checkSingle(raw, ['seeds', 'sweep', 'jobs', 'shard', 'baseline', 'run-id', 'results-dir', 'reports-dir', 'run-wall-limit', 'save-baseline', 'noise-floor', 'fail-on']);
            checkNonEmpty(raw, ['sweep', 'shard', 'baseline', 'run-id', 'results-dir', 'reports-dir', 'save-baseline']);
            checkNumber(args, raw, 'seeds', { integer: true, min: 1, max: MAX_SEEDS, what: `an integer from 1 to ${MAX_SEEDS} (the number of seeds)` });
            checkNumber(args, raw, 'jobs', { integer: true, min: 1, what: 'an integer >= 1 (worker threads)' });
            checkNumber(args, raw, 'run-wall-limit', { integer: false, min: 0, what: 'a number of ms >= 0 (0: no limit)' });
            checkNumber(args, raw, 'noise-floor', { integer: false, min: 0, what: 'a percentage >= 0' });
            parseMetricNoise(argv['metric-noise']);
            checkNoPositionals(argv);
            // Checked again when the baseline is saved; a bad name must not wait for the end of the run.
            if (argv['save-baseline'] !== undefined) checkBaselineName(argv['save-baseline']);
            return true;
          }),
      async (argv) => {
        let stopRequested = 0;
        const outcome = await compare(
          {
            strategies: argv.strategies,
            scenarios: argv.scenarios,
            seeds: argv.seeds,
            quick: argv.quick,
            scenarioFiles: argv['scenario-file'],
            sets: argv.set,
            sweep: argv.sweep,
            jobs: argv.jobs,
            shard: argv.shard,
            runId: argv['run-id'],
            resultsDir: resolve(argv['results-dir']),
            reportsDir: resolve(argv['reports-dir']),
            json: argv.json,
            measure: argv.measure,
            command: commandLine(args),
            runWallLimitMs: argv['run-wall-limit'],
            baseline: argv.baseline,
            saveBaseline: argv['save-baseline'],
            regression: {
              noiseFloorPct: argv['noise-floor'],
              metricNoisePct: parseMetricNoise(argv['metric-noise']),
              failOnTiming: argv['fail-on'] === 'timing',
              alpha: 0.05,
            },
          },
          (stop) => {
            const onSignal = (sig: string): void => {
              if (++stopRequested > 1) process.exit(EXIT_INTERRUPTED);
              io.stderr.write(`\n${sig}: finishing the runs in progress, then storing what is done (again to abort)\n`);
              stop();
            };
            for (const sig of ['SIGINT', 'SIGTERM'] as const) {
              const handler = (): void => onSignal(sig);
              signalHandlers.push([sig, handler]);
              process.on(sig, handler);
            }
          },
        );
        const reports = await writeReportsFor(outcome.results, resolve(argv['reports-dir']));
        const r = outcome.results;
        if (argv.json) {
          const regressions = outcome.regression?.failing ?? [];
          io.stdout.write(`${JSON.stringify({ runId: r.runId, interrupted: outcome.interrupted, results: outcome.paths.json, csv: outcome.paths.csv, html: reports.html, summary: reports.text, baselineSaved: outcome.paths.baseline ?? null, totals: r.totals, failedRuns: r.failedRuns, regressions }, null, 2)}\n`);
        } else {
          if (reports.textContent) io.stdout.write(`${reports.textContent}\n`);
          io.stdout.write(`\nresults: ${outcome.paths.json}\n         ${outcome.paths.csv}\n`);
          if (reports.html) io.stdout.write(`report:  ${reports.html}\n         ${reports.text}\n`);
          io.stdout.write(`${r.totals.runs} runs${r.totals.failedRuns ? `, ${r.totals.failedRuns} failed` : ''}, ${(r.totals.simEvents / 1e6).toFixed(1)} M events in ${(r.totals.wallMs / 1000).toFixed(1)} s (${(r.totals.eventsPerSecPerCore / 1e6).toFixed(1)} M events/s per core)\n`);
          if (outcome.paths.baseline) io.stdout.write(`baseline saved: ${outcome.paths.baseline}\n`);
          if (outcome.interrupted) io.stdout.write('Interrupted: the files above hold the runs that finished; nothing else was written.\n');
        }
        if (r.comparison) {
          if (!argv.json) io.stdout.write(`\n${renderComparisonText(r.comparison)}\n`);
          if (outcome.regression && outcome.regression.failing.length > 0) exitCode = EXIT_REGRESSION;
        }
        if (outcome.interrupted) exitCode = EXIT_INTERRUPTED;
      },
    )
    .command(
      'report <results>',
      'Rebuild the HTML and text reports from a stored results.json',
      (y) =>
        y
          .positional('results', { type: 'string', demandOption: true, describe: 'Path to results.json (or a run id under --results-dir)' })
          .option('results-dir', { type: 'string', default: 'results' })
          .option('reports-dir', { type: 'string', default: 'reports' })
          .check((argv) => checkStrings(argv, ['results', 'results-dir', 'reports-dir'])),
      async (argv) => {
        const { readResults } = await import('../results/schema.ts');
        const path = argv.results.endsWith('.json') ? resolve(argv.results) : resolve(argv['results-dir'], argv.results, 'results.json');
        const out = await writeReportsFor(readResults(path), resolve(argv['reports-dir']));
        io.stdout.write(`report:  ${out.html}\n         ${out.text}\n`);
      },
    )
    .command(
      'history',
      'Trend report of the stored runs (results/index.jsonl): one chart per metric across runs, step changes marked',
      (y) =>
        y
          .option('metrics', { type: 'string', array: true, default: [] as string[], describe: 'Metrics to chart (default: locklessFailureRate ordinaryFastPathNs invalidWaitContext reservedPagesMean simWallMs)' })
          .option('strategies', { type: 'string', array: true, describe: 'Only these strategies (default: all in the stored runs)' })
          .option('scenarios', { type: 'string', array: true, describe: 'Only these scenarios (default: all in the stored runs)' })
          .option('include-quick', { type: 'boolean', default: false, describe: 'Include --quick runs (left out by default)' })
          .option('results-dir', { type: 'string', default: 'results' })
          .option('reports-dir', { type: 'string', default: 'reports' })
          .strictOptions()
          .check((argv) => checkNoPositionals(argv) && checkStrings(argv, ['results-dir', 'reports-dir'])),
      async (argv) => {
        const { historyCommand } = await import('./history.ts');
        const out = await historyCommand({ resultsDir: resolve(argv['results-dir']), reportsDir: resolve(argv['reports-dir']), metrics: argv.metrics, strategies: argv.strategies, scenarios: argv.scenarios, includeQuick: argv['include-quick'], command: commandLine(args) });
        for (const skipped of out.skipped) io.stderr.write(`skipped: ${skipped}\n`);
        io.stdout.write(`${readFileSync(out.text, 'utf8')}\n${out.runs} runs\nreport:  ${out.html}\n         ${out.text}\n`);
      },
    )
    .command('list', 'List strategies and scenarios with their descriptions and parameters', (y) => y.option('json', { type: 'boolean', default: false }).check(checkNoPositionals), async (argv) => {
      io.stdout.write(await listCommand(argv.json));
    })
    .command(
      'merge <files..>',
      'Merge results of shards (--shard i/n) into one run',
      (y) =>
        y
          .positional('files', { type: 'string', array: true, demandOption: true, describe: 'results.json files of the shards' })
          .option('run-id', { type: 'string' })
          .option('results-dir', { type: 'string', default: 'results' })
          .option('reports-dir', { type: 'string', default: 'reports' })
          .check((argv) => checkStrings(argv, ['run-id', 'results-dir', 'reports-dir'])),
      async (argv) => {
        const merged = await mergeCommand(argv.files.map((f) => resolve(f)), resolve(argv['results-dir']), argv['run-id']);
        const out = await writeReportsFor(merged.results, resolve(argv['reports-dir']));
        io.stdout.write(`merged ${argv.files.length} files into ${merged.json}\nreport:  ${out.html}\n`);
      },
    )
    .demandCommand(1, 'Name a command: compare, report, history, list or merge')
    .strict()
    .help()
    .fail((msg, err) => {
      if (err) throw err;
      // yargs spreads some messages over lines ("Invalid values:\n  Argument: ..."): one line.
      throw new InputError({ file: 'command line', where: 'arguments', expected: 'valid options (see --help)', found: msg.replace(/\s*\n\s*/g, ' ').trim() });
    });
  try {
    checkArgs(args);
    // The parse callback keeps yargs from exiting the process (--help,
    // --version) and hands over what it would have printed.
    await cli.parseAsync(args, {}, (_err, _argv, output) => {
      if (output) io.stdout.write(`${output}\n`);
    });
    return exitCode;
  } catch (e) {
    if (e instanceof InputError) {
      io.stderr.write(`nolock-bench: ${e.message}\n`);
      if (verbose) io.stderr.write(`${e.stack}\n`);
      return EXIT_BAD_INPUT;
    }
    io.stderr.write(`nolock-bench: internal error: ${(e as Error | undefined)?.stack ?? String(e)}\n`);
    return EXIT_INTERNAL;
  } finally {
    for (const [sig, handler] of signalHandlers) process.off(sig, handler);
  }
}
