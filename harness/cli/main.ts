/**
 * The nolock-bench command line (yargs): compare, report, history, list, merge.
 * Exit codes: 0 ok, 1 a regression against --baseline, 2 bad input (one line
 * naming the file and the field; the stack only with --verbose).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { InputError } from '../errors.ts';
import { compare } from './compare.ts';
import { listCommand } from './list.ts';
import { mergeCommand } from './merge.ts';
import { writeReportsFor } from './reports.ts';
import { splitAssignment } from './set-values.ts';
import { renderComparisonText } from '../report/comparison-text.ts';

const EXIT_REGRESSION = 1;
const EXIT_BAD_INPUT = 2;

/** --metric-noise METRIC=PCT values. */
function parseMetricNoise(items: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) {
    const [k, v] = splitAssignment(item, '--metric-noise');
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new InputError({ file: '--metric-noise', where: k, expected: 'a percentage >= 0', found: JSON.stringify(v) });
    out[k] = n;
  }
  return out;
}

function commandLine(): string {
  const args = hideBin(process.argv);
  const quote = (a: string): string => (/^[\w./=:,@+-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`);
  const [cmd, ...rest] = args;
  if (cmd === 'compare') return `npm run compare${rest.length ? ` -- ${rest.map(quote).join(' ')}` : ''}`;
  return `npx nolock-bench ${args.map(quote).join(' ')}`;
}

async function main(): Promise<number> {
  let exitCode = 0;
  const verbose = process.argv.includes('--verbose');
  const cli = yargs(hideBin(process.argv))
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
          .strictOptions(),
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
            command: commandLine(),
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
              if (++stopRequested > 1) process.exit(130);
              process.stderr.write(`\n${sig}: finishing the runs in progress, then storing what is done (again to abort)\n`);
              stop();
            };
            process.on('SIGINT', () => onSignal('SIGINT'));
            process.on('SIGTERM', () => onSignal('SIGTERM'));
          },
        );
        const reports = await writeReportsFor(outcome.results, resolve(argv['reports-dir']));
        const r = outcome.results;
        if (argv.json) {
          const regressions = outcome.regression?.failing ?? [];
          process.stdout.write(`${JSON.stringify({ runId: r.runId, interrupted: outcome.interrupted, results: outcome.paths.json, csv: outcome.paths.csv, html: reports.html, summary: reports.text, baselineSaved: outcome.paths.baseline ?? null, totals: r.totals, failedRuns: r.failedRuns, regressions }, null, 2)}\n`);
        } else {
          if (reports.textContent) process.stdout.write(`${reports.textContent}\n`);
          process.stdout.write(`\nresults: ${outcome.paths.json}\n         ${outcome.paths.csv}\n`);
          if (reports.html) process.stdout.write(`report:  ${reports.html}\n         ${reports.text}\n`);
          process.stdout.write(`${r.totals.runs} runs${r.totals.failedRuns ? `, ${r.totals.failedRuns} failed` : ''}, ${(r.totals.simEvents / 1e6).toFixed(1)} M events in ${(r.totals.wallMs / 1000).toFixed(1)} s (${(r.totals.eventsPerSecPerCore / 1e6).toFixed(1)} M events/s per core)\n`);
          if (outcome.paths.baseline) process.stdout.write(`baseline saved: ${outcome.paths.baseline}\n`);
          if (outcome.interrupted) process.stdout.write('Interrupted: the files above hold the runs that finished; nothing else was written.\n');
        }
        if (r.comparison) {
          if (!argv.json) process.stdout.write(`\n${renderComparisonText(r.comparison)}\n`);
          if (outcome.regression && outcome.regression.failing.length > 0) exitCode = EXIT_REGRESSION;
        }
        if (outcome.interrupted) exitCode = 130;
      },
    )
    .command(
      'report <results>',
      'Rebuild the HTML and text reports from a stored results.json',
      (y) => y.positional('results', { type: 'string', demandOption: true, describe: 'Path to results.json (or a run id under --results-dir)' }).option('results-dir', { type: 'string', default: 'results' }).option('reports-dir', { type: 'string', default: 'reports' }),
      async (argv) => {
        const { readResults } = await import('../results/schema.ts');
        const path = argv.results.endsWith('.json') ? resolve(argv.results) : resolve(argv['results-dir'], argv.results, 'results.json');
        const out = await writeReportsFor(readResults(path), resolve(argv['reports-dir']));
        process.stdout.write(`report:  ${out.html}\n         ${out.text}\n`);
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
          .strictOptions(),
      async (argv) => {
        const { historyCommand } = await import('./history.ts');
        const out = await historyCommand({ resultsDir: resolve(argv['results-dir']), reportsDir: resolve(argv['reports-dir']), metrics: argv.metrics, strategies: argv.strategies, scenarios: argv.scenarios, includeQuick: argv['include-quick'], command: commandLine() });
        for (const skipped of out.skipped) process.stderr.write(`skipped: ${skipped}\n`);
        process.stdout.write(`${readFileSync(out.text, 'utf8')}\n${out.runs} runs\nreport:  ${out.html}\n         ${out.text}\n`);
      },
    )
    .command('list', 'List strategies and scenarios with their descriptions and parameters', (y) => y.option('json', { type: 'boolean', default: false }), async (argv) => {
      process.stdout.write(await listCommand(argv.json));
    })
    .command(
      'merge <files..>',
      'Merge results of shards (--shard i/n) into one run',
      (y) =>
        y
          .positional('files', { type: 'string', array: true, demandOption: true, describe: 'results.json files of the shards' })
          .option('run-id', { type: 'string' })
          .option('results-dir', { type: 'string', default: 'results' })
          .option('reports-dir', { type: 'string', default: 'reports' }),
      async (argv) => {
        const merged = await mergeCommand(argv.files.map((f) => resolve(f)), resolve(argv['results-dir']), argv['run-id']);
        const out = await writeReportsFor(merged.results, resolve(argv['reports-dir']));
        process.stdout.write(`merged ${argv.files.length} files into ${merged.json}\nreport:  ${out.html}\n`);
      },
    )
    .demandCommand(1, 'Name a command: compare, report, history, list or merge')
    .strict()
    .help()
    .fail((msg, err) => {
      if (err) throw err;
      throw new InputError({ file: 'command line', where: 'arguments', expected: 'valid options (see --help)', found: msg });
    });
  try {
    await cli.parseAsync();
  } catch (e) {
    if (e instanceof InputError) {
      process.stderr.write(`nolock-bench: ${e.message}\n`);
      if (verbose) process.stderr.write(`${e.stack}\n`);
      return EXIT_BAD_INPUT;
    }
    throw e;
  }
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`nolock-bench: internal error: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(3);
  },
);
