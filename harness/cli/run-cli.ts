/**
 * The nolock-bench command line (yargs): compare, report, history, list, merge,
 * validate, lab.
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
import { parseShard, withResolvedShard } from './shard.ts';
import { listCommand } from './list.ts';
import { mergeCommand } from './merge.ts';
import { COMMANDS, COMMAND_OPTIONS, GLOBAL_OPTIONS, HELP_COMMAND, NUMBER_RULES, checkCommandLine, checkNumberValue, decimalNumber, optionKind, type CommandName } from './options.ts';
import { writeReportsFor } from './reports.ts';
import { VALIDATE_TARGETS, validateCommand } from './validate.ts';
import { splitAssignment } from './set-values.ts';
import { METRIC_NAMES } from '../metrics/metric-defs.ts';
import { checkBaselineName } from '../results/baseline.ts';
import { MeasuredSchema } from '../results/schema.ts';
import { checkRunId } from '../results/store.ts';
import { closestName } from '../util/closest-name.ts';

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

/** What --metric-noise takes: a metric, or a tinybench task as measured.<task>. */
const NOISE_METRICS: readonly string[] = [...METRIC_NAMES, ...MeasuredSchema.shape.task.options.map((t) => `measured.${t}`)];

/** --metric-noise METRIC=PCT values. */
function parseMetricNoise(items: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) {
    const [k, v] = splitAssignment(item, '--metric-noise');
    if (!NOISE_METRICS.includes(k)) {
      const near = closestName(k, NOISE_METRICS);
      throw new InputError({ file: '--metric-noise', where: 'metric name', expected: `a metric name (README, "Metrics") or measured.<task>${near ? `; did you mean "${near}"?` : ''}`, found: describeFound(k) });
    }
    const n = decimalNumber(v);
    if (!Number.isFinite(n) || n < 0) throw new InputError({ file: '--metric-noise', where: k, expected: 'a percentage >= 0', found: describeFound(v) });
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
 * After yargs: what checkCommandLine cannot see in the words (an option
 * given in a way it did not foresee) still ends as one InputError. A single
 * value given twice is an array; a number is finite and in range; a value is
 * not empty.
 */
function checkParsed(argv: Record<string, unknown>, command: CommandName): void {
  for (const [name, spec] of Object.entries(COMMAND_OPTIONS[command])) {
    const v = argv[name];
    if (v === undefined || optionKind(spec) !== 'value') continue;
    if (Array.isArray(v)) throw new InputError({ file: `--${name}`, where: 'value', expected: 'one value (the option takes a single value)', found: `${v.length} values` });
    if (v === '') throw new InputError({ file: `--${name}`, where: 'value', expected: 'a value after the option', found: 'nothing' });
    if (NUMBER_RULES[name] !== undefined) checkNumberValue(name, String(v));
  }
}

/** A command that takes no arguments but options (`compare -- x` would otherwise pass). For yargs .check(). */
function checkNoPositionals(argv: { _: (string | number)[] }): true {
  const extra = argv._.slice(1);
  if (extra.length > 0) throw new InputError({ file: 'command line', where: `${String(argv._[0])} arguments`, expected: 'options only (see --help)', found: describeFound(String(extra[0])) });
  return true;
}

/**
 * The words yargs reads for a command line checkCommandLine accepted: no
 * command at all (a bare `nolock-bench`) and `help` ask for the usage,
 * `help COMMAND` for the command's help (as `COMMAND --help`); other
 * command lines as they are.
 */
function helpArgs(args: readonly string[]): string[] {
  const end = args.indexOf('--');
  const words = end < 0 ? args : args.slice(0, end);
  const first = words.find((a) => !a.startsWith('-'));
  const flags = words.filter((a) => a.startsWith('-') && a !== '--help');
  if (first === undefined) return words.includes('--version') ? [...args] : [...flags, '--help'];
  if (first !== HELP_COMMAND) return [...args];
  const of = words.slice(words.indexOf(first) + 1).find((a) => !a.startsWith('-'));
  return of !== undefined ? [of, ...flags, '--help'] : [...flags, '--help'];
}

/**
 * Runs one nolock-bench command line (the arguments after the program name)
 * and returns its exit code. Output goes to `io` (default: the process's
 * stdout and stderr); the compare's progress line still goes to process.stderr.
 */
export async function runCli(argv: readonly string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const args = [...argv];
  let exitCode = EXIT_OK;
  const verbose = args.includes('--verbose') || args.includes('--verbose=true');
  const signalHandlers: [NodeJS.Signals, () => void][] = [];
  const cli = yargs(args)
    .scriptName('nolock-bench')
    .usage('$0 <command> [options]\n\n`$0 help COMMAND` or `$0 COMMAND --help`: the options of one command.')
    .options(GLOBAL_OPTIONS)
    .command(
      'compare',
      'Run strategies x scenarios x seeds, store results (JSON + CSV) and write the reports',
      (y) =>
        y
          .options(COMMAND_OPTIONS.compare)
          .strictOptions()
          // Option values are checked here, not in the handler: yargs renders
          // the command's help before it calls a handler, and a bad value
          // should not wait for that (nor for the runs). The words themselves
          // were checked before yargs read them (checkCommandLine).
          .check((argv) => {
            checkParsed(argv as unknown as Record<string, unknown>, 'compare');
            parseMetricNoise(argv['metric-noise']);
            checkNoPositionals(argv);
            // Checked again when used; a bad name, id or shard must not wait for the runs.
            if (argv['save-baseline'] !== undefined) checkBaselineName(argv['save-baseline']);
            if (argv['run-id'] !== undefined) checkRunId(argv['run-id']);
            parseShard(argv.shard);
            return true;
          }),
      async (argv) => {
        let stopRequested = 0;
        const shard = parseShard(argv.shard);
        const outcome = await compare(
          {
            strategies: argv.strategies,
            scenarios: argv.scenarios,
            ...(argv.kernels !== undefined ? { kernels: argv.kernels } : {}),
            seeds: argv.seeds,
            quick: argv.quick,
            scenarioFiles: argv['scenario-file'],
            strategyFiles: argv['strategy-file'],
            sets: argv.set,
            sweep: argv.sweep,
            ...(argv['cost-range'] !== undefined ? { costRange: argv['cost-range'] } : {}),
            jobs: argv.jobs,
            // `auto` read once: the stored command names the shard it ran.
            ...(shard ? { shard: `${shard.index}/${shard.count}` } : {}),
            runId: argv['run-id'],
            resultsDir: resolve(argv['results-dir']),
            reportsDir: resolve(argv['reports-dir']),
            json: argv.json,
            measure: argv.measure,
            command: commandLine(withResolvedShard(args, shard)),
            runWallLimitMs: argv['run-wall-limit'],
            runVirtualLimitMs: argv['run-virtual-limit'],
            checkInvariantsEvery: argv['check-invariants'],
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
          // The terminal gets summary.txt (with the regression check), never details.txt.
          if (reports.textContent) io.stdout.write(`${reports.textContent}\n`);
          io.stdout.write(`results: ${outcome.paths.json}\n         ${outcome.paths.csv}\n`);
          if (reports.html) io.stdout.write(`report:  ${reports.html}\n         ${reports.text}\n         ${reports.details}\n`);
          io.stdout.write(`${r.totals.runs} runs${r.totals.failedRuns ? `, ${r.totals.failedRuns} failed` : ''}, ${(r.totals.simEvents / 1e6).toFixed(1)} M events in ${(r.totals.wallMs / 1000).toFixed(1)} s (${(r.totals.eventsPerSecPerCore / 1e6).toFixed(1)} M events/s per core)\n`);
          if (outcome.paths.baseline) io.stdout.write(`baseline saved: ${outcome.paths.baseline}\n`);
          if (outcome.interrupted) io.stdout.write('Interrupted: the files above hold the runs that finished; nothing else was written.\n');
        }
        if (r.comparison) {
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
          .options(COMMAND_OPTIONS.report)
          .check((argv) => {
            checkParsed(argv as unknown as Record<string, unknown>, 'report');
            return true;
          }),
      async (argv) => {
        const { readResults } = await import('../results/schema.ts');
        const path = argv.results.endsWith('.json') ? resolve(argv.results) : resolve(argv['results-dir'], argv.results, 'results.json');
        const out = await writeReportsFor(readResults(path), resolve(argv['reports-dir']));
        io.stdout.write(`report:  ${out.html}\n         ${out.text}\n         ${out.details}\n`);
      },
    )
    .command(
      'history',
      'Trend report of the stored runs (results/index.jsonl): one chart per metric across runs, step changes marked',
      (y) =>
        y
          .options(COMMAND_OPTIONS.history)
          .strictOptions()
          .check((argv) => {
            checkParsed(argv as unknown as Record<string, unknown>, 'history');
            return checkNoPositionals(argv);
          }),
      async (argv) => {
        const { historyCommand } = await import('./history.ts');
        const out = await historyCommand({ resultsDir: resolve(argv['results-dir']), reportsDir: resolve(argv['reports-dir']), metrics: argv.metrics, strategies: argv.strategies, scenarios: argv.scenarios, includeQuick: argv['include-quick'], command: commandLine(args) });
        for (const skipped of out.skipped) io.stderr.write(`skipped: ${skipped}\n`);
        io.stdout.write(`${readFileSync(out.text, 'utf8')}\n${out.runs} runs\nreport:  ${out.html}\n         ${out.text}\n`);
      },
    )
    .command('list', 'List strategies and scenarios with their descriptions and parameters', (y) => y.options(COMMAND_OPTIONS.list).check(checkNoPositionals), async (argv) => {
      io.stdout.write(await listCommand({ json: argv.json, strategyFiles: argv['strategy-file'], scenarioFiles: argv['scenario-file'] }));
    })
    .command(
      'merge <files..>',
      'Merge the shards of a matrix (compare --shard i/n) into one run: results.json files, folders or globs; every complete matrix is merged, the rest named',
      (y) =>
        y
          .positional('files', { type: 'string', array: true, demandOption: true, describe: 'results.json files, run or results folders, or globs (e.g. "results/*/results.json")' })
          .options(COMMAND_OPTIONS.merge)
          .check((argv) => {
            checkParsed(argv as unknown as Record<string, unknown>, 'merge');
            if (argv['run-id'] !== undefined) checkRunId(argv['run-id']);
            return true;
          }),
      async (argv) => {
        const out = await mergeCommand(argv.files, resolve(argv['results-dir']), argv['run-id']);
        for (const line of out.skipped) io.stderr.write(`skipped: ${line}\n`);
        for (const m of out.merged) {
          const reports = await writeReportsFor(m.results, resolve(argv['reports-dir']));
          io.stdout.write(`merged ${m.files.length} shards of \`${m.results.command}\` into ${m.json}\nreport:  ${reports.html}\n`);
        }
      },
    )
    .command(
      'validate <what> <file>',
      'Check the model of a kernel against what it printed: `validate zoneinfo FILE` or `validate trace TRACE --zoneinfo F --buddyinfo F --kernel V`',
      (y) =>
        y
          .positional('what', { type: 'string', demandOption: true, choices: VALIDATE_TARGETS, describe: 'zoneinfo or trace' })
          .positional('file', { type: 'string', demandOption: true, describe: 'The /proc/zoneinfo capture, or the tracefs trace' })
          .options(COMMAND_OPTIONS.validate)
          .check((argv) => {
            checkParsed(argv as unknown as Record<string, unknown>, 'validate');
            return true;
          }),
      (argv) => {
        const out = validateCommand({
          what: argv.what,
          file: argv.file,
          json: argv.json,
          ...(argv.kernel !== undefined ? { kernel: argv.kernel } : {}),
          ...(argv.sysctl !== undefined ? { sysctl: argv.sysctl } : {}),
          ...(argv.zoneinfo !== undefined ? { zoneinfo: argv.zoneinfo } : {}),
          ...(argv.buddyinfo !== undefined ? { buddyinfo: argv.buddyinfo } : {}),
          ...(argv.dmesg !== undefined ? { dmesg: argv.dmesg } : {}),
          ...(argv.tolerance !== undefined ? { tolerance: argv.tolerance } : {}),
        });
        io.stdout.write(out.text);
        exitCode = out.exitCode;
      },
    )
    .command(
      'lab',
      "Boot Debian's real kernels in QEMU, capture zoneinfo, sysctls and kmem traces, and check the model against them",
      (y) =>
        y
          .options(COMMAND_OPTIONS.lab)
          .strictOptions()
          .check((argv) => {
            checkParsed(argv as unknown as Record<string, unknown>, 'lab');
            if (argv['run-id'] !== undefined) checkRunId(argv['run-id']);
            return checkNoPositionals(argv);
          }),
      async (argv) => {
        const { labCommand } = await import('../lab/command.ts');
        exitCode = await labCommand(
          {
            quick: argv.quick,
            offline: argv.offline,
            bootTimeoutS: argv['boot-timeout'],
            saveBaseline: argv['save-baseline'],
            resultsDir: resolve(argv['results-dir']),
            reportsDir: resolve(argv['reports-dir']),
            command: commandLine(args),
            ...(argv.kernels !== undefined ? { kernels: argv.kernels } : {}),
            ...(argv.shapes !== undefined ? { shapes: argv.shapes } : {}),
            ...(argv.jobs !== undefined ? { jobs: argv.jobs } : {}),
            ...(argv['run-id'] !== undefined ? { runId: argv['run-id'] } : {}),
          },
          io,
        );
      },
    )
    .demandCommand(1, `Name a command: ${COMMANDS.join(', ')}`)
    .strict()
    .help()
    .fail((msg, err) => {
      if (err) throw err;
      // yargs spreads some messages over lines ("Invalid values:\n  Argument: ..."): one line.
      throw new InputError({ file: 'command line', where: 'arguments', expected: 'valid options (see --help)', found: msg.replace(/\s*\n\s*/g, ' ').trim() });
    });
  try {
    checkCommandLine(args);
    // The parse callback keeps yargs from exiting the process (--help,
    // --version) and hands over what it would have printed.
    await cli.parseAsync(helpArgs(args), {}, (_err, _argv, output) => {
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
