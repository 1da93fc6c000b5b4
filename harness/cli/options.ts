/**
 * The command line's commands and options, in one table: run-cli.ts builds
 * yargs from it, and checkCommandLine reads the words typed against it before
 * yargs does. yargs alone takes `--quick=maybe` as false, `--no-seeds` as 0
 * seeds, `--seeds -1e3` as the flags -1 and -e, and names a bad choice
 * "Invalid values: Argument: fail-on, Given: ..."; here each malformed word
 * (an unknown or misspelt option, a value missing, of the wrong kind or given
 * twice, a flag with a value) is one InputError naming the option, before
 * anything runs.
 */
import type { Options } from 'yargs';
import { InputError, describeFound } from '../errors.ts';
import { DEFAULT_INVARIANT_CHECK_EVERY, DEFAULT_VIRTUAL_OP_LIMIT_MS } from '../sim/simulator.ts';
import { WATCHDOG_GRACE_MS } from '../sim/pool.ts';
import { closestName } from '../util/closest-name.ts';

/** The largest --seeds: beyond it the job list alone would not fit in memory. */
export const MAX_SEEDS = 100_000;

/**
 * The largest --run-wall-limit: the pool's watchdog waits this plus its grace
 * period with setTimeout, which fires at once for more than 2^31 - 1 ms.
 */
export const MAX_RUN_WALL_LIMIT_MS = 2 ** 31 - 1 - WATCHDOG_GRACE_MS;

/** Options of every command. */
export const GLOBAL_OPTIONS = {
  verbose: { type: 'boolean', default: false, describe: 'Print stack traces with errors' },
} as const satisfies Record<string, Options>;

/** `nolock-bench help [COMMAND]`: the usage, as --help prints it (not a command of the table: it has no options). */
export const HELP_COMMAND = 'help';

/** yargs' own flags (every command has them). */
const BUILTIN_FLAGS: readonly string[] = ['help', 'version'];

const RESULTS_DIR = { type: 'string', default: 'results', describe: 'Where results/<run-id>/ goes' } as const;
const REPORTS_DIR = { type: 'string', default: 'reports', describe: 'Where reports/<run-id>/ goes' } as const;

const COMPARE_OPTIONS = {
  strategies: { type: 'string', array: true, describe: 'Strategies to run (default: all; see `list`)' },
  scenarios: { type: 'string', array: true, describe: 'Built-in scenarios to run (default: all, or none when --scenario-file is given)' },
  seeds: { type: 'number', describe: `Seeds per scenario: 1..N, N from 1 to ${MAX_SEEDS} (default: the scenario's own seeds, 1..5)` },
  kernels: { type: 'string', array: true, describe: "Run each scenario on each of these kernel profiles (comma- or space-separated, e.g. 5.9,6.12,7.2; 6.x is 7.2): every table compares strategies on one kernel, named <scenario>@<kernel> (default: each scenario's own kernel)" },
  quick: { type: 'boolean', default: false, describe: "A small matrix: one seed and half of each scenario's duration, still every strategy and scenario" },
  'scenario-file': { type: 'string', array: true, default: [] as string[], describe: 'A scenario JSON file to run (repeatable); see harness/workload/SCENARIOS.md' },
  'strategy-file': { type: 'string', array: true, default: [] as string[], describe: 'A strategy kept outside strategies/ (a .ts file; repeatable)' },
  set: { type: 'string', array: true, default: [] as string[], describe: 'Override a value: <scenario.path>=v, <strategy>.<param>=v or cost.<key>=ns (repeatable), e.g. --set dedicated-pool.poolPages=8' },
  'cost-range': { type: 'number', describe: 'Also run the matrix at corners of the cost table\'s documented ranges (every entry low, every entry high, and N seeded mixes) and say whether a conclusion (the cheapest strategy, the order of strategies by locklessNs) flips; N = 0 runs the two extreme corners only. Corners replace --set cost values' },
  sweep: { type: 'string', describe: 'Sweep one key over values: key=v1,v2,... or key=lo..hi (lo, powers of two, hi), e.g. dedicated-pool.poolPages=0..64' },
  jobs: { type: 'number', describe: 'Worker threads (default: the number of cores)' },
  shard: { type: 'string', describe: 'Run only shard i of n of the matrix (i/n), or the shard the CI or Kubernetes job is (auto, auto/N: SHARD_INDEX and SHARD_COUNT, CI_NODE_INDEX and CI_NODE_TOTAL, or JOB_COMPLETION_INDEX); recombine with `merge`' },
  baseline: { type: 'string', describe: 'Compare against a stored run: a run id, a baseline name or a path to results.json' },
  'run-id': { type: 'string', describe: 'Name of this run (default: the time, e.g. 2026-11-25T07-12-03Z)' },
  'results-dir': RESULTS_DIR,
  'reports-dir': REPORTS_DIR,
  json: { type: 'boolean', default: false, describe: 'Print a JSON summary (paths, totals) on stdout instead of the text summary' },
  measure: { type: 'boolean', default: true, describe: "Measure the model's code paths with tinybench (--no-measure to skip)" },
  'run-wall-limit': { type: 'number', default: 600_000, describe: 'Stop a single run after this many wall-clock ms (a runaway strategy; 0: no limit)' },
  'run-virtual-limit': { type: 'number', default: DEFAULT_VIRTUAL_OP_LIMIT_MS, describe: 'Fail a run when one operation costs more than this many ms of modelled time (0: no limit)' },
  'check-invariants': { type: 'number', default: DEFAULT_INVARIANT_CHECK_EVERY, describe: "Check the core's invariants every this many events and at the end of each run (0: never)" },
  'save-baseline': { type: 'string', describe: 'Also store this run as results/baselines/NAME.json (commit it to make it the reference)' },
  'noise-floor': { type: 'number', default: 2, describe: 'With --baseline: changes of timing metrics below this many percent are "within noise"' },
  'metric-noise': { type: 'string', array: true, default: [] as string[], describe: 'With --baseline: a per-metric noise floor, METRIC=PCT (repeatable)' },
  'fail-on': { type: 'string', choices: ['behaviour', 'timing'], default: 'behaviour', describe: 'With --baseline: what fails the run (exit 1): behaviour (exact and modelled metrics) or also timing (wall clock, tinybench)' },
} as const satisfies Record<string, Options>;

const REPORT_OPTIONS = {
  'results-dir': { ...RESULTS_DIR, describe: 'Where a run id given instead of a path is looked up' },
  'reports-dir': REPORTS_DIR,
} as const satisfies Record<string, Options>;

const HISTORY_OPTIONS = {
  metrics: { type: 'string', array: true, default: [] as string[], describe: 'Metrics to chart (default: locklessFailureRate ordinaryFastPathNs invalidWaitContext reservedPagesMean simWallMs)' },
  strategies: { type: 'string', array: true, describe: 'Only these strategies (default: all in the stored runs)' },
  scenarios: { type: 'string', array: true, describe: 'Only these scenarios (default: all in the stored runs)' },
  'include-quick': { type: 'boolean', default: false, describe: 'Include --quick runs (left out by default)' },
  'results-dir': { ...RESULTS_DIR, describe: 'Where the stored runs are (results/index.jsonl)' },
  'reports-dir': { ...REPORTS_DIR, describe: 'Where reports/history/ goes' },
} as const satisfies Record<string, Options>;

const LIST_OPTIONS = {
  json: { type: 'boolean', default: false, describe: 'Print JSON instead of text' },
  'scenario-file': { type: 'string', array: true, default: [] as string[], describe: 'Also list this scenario JSON file, checked as compare reads it (repeatable)' },
  'strategy-file': { type: 'string', array: true, default: [] as string[], describe: 'Also list this strategy kept outside strategies/ (a .ts file, loaded as compare loads it; repeatable)' },
} as const satisfies Record<string, Options>;

const MERGE_OPTIONS = {
  'run-id': { type: 'string', describe: 'Name of the merged run (default: the time)' },
  'results-dir': RESULTS_DIR,
  'reports-dir': REPORTS_DIR,
} as const satisfies Record<string, Options>;

const VALIDATE_OPTIONS = {
  kernel: { type: 'string', describe: 'The kernel the capture comes from: a `uname -r` string (6.12.117+deb13-rt-amd64) or a profile name (5.10, 6.1, ...); required for a trace' },
  sysctl: { type: 'string', describe: '`sysctl vm` output of the same boot (lines such as "vm.min_free_kbytes = 45056")' },
  zoneinfo: { type: 'string', describe: 'trace: /proc/zoneinfo captured right before the trace started' },
  buddyinfo: { type: 'string', describe: 'trace: /proc/buddyinfo captured right before the trace started' },
  dmesg: { type: 'string', describe: 'zoneinfo: the boot log (`dmesg`) of the same boot; its "Freeing ... memory" lines say what lowmem was freed after min_free_kbytes was computed' },
  tolerance: { type: 'number', describe: 'trace: the largest relative difference, in percent, a count may show and still agree (default 10)' },
  json: { type: 'boolean', default: false, describe: 'Print JSON instead of the table' },
} as const satisfies Record<string, Options>;

const LAB_OPTIONS = {
  kernels: { type: 'string', array: true, describe: 'Only these kernels: 5.10, 6.1, 6.12, unstable, each optionally with -rt (default: all, generic and rt)' },
  shapes: { type: 'string', array: true, describe: 'Only these machine shapes, CPUSxMiB (e.g. 3x3072) (default: the lab grid)' },
  quick: { type: 'boolean', default: false, describe: 'Two shapes per kernel and no trace runs' },
  offline: { type: 'boolean', default: false, describe: 'Use the cached kernels only; download nothing' },
  jobs: { type: 'number', describe: 'Guests booted at once (default: 2)' },
  'boot-timeout': { type: 'number', default: 180, describe: 'Seconds a guest may take from start to power-off' },
  'run-id': { type: 'string', describe: 'Name of this lab run (default: the time)' },
  'save-baseline': { type: 'boolean', default: false, describe: 'Also store the summary as results/baselines/lab.json, the check reports and the README quote' },
  'results-dir': RESULTS_DIR,
  'reports-dir': REPORTS_DIR,
} as const satisfies Record<string, Options>;

/** Every command and its options (besides GLOBAL_OPTIONS, --help and --version). */
export const COMMAND_OPTIONS = {
  compare: COMPARE_OPTIONS,
  report: REPORT_OPTIONS,
  history: HISTORY_OPTIONS,
  list: LIST_OPTIONS,
  merge: MERGE_OPTIONS,
  validate: VALIDATE_OPTIONS,
  lab: LAB_OPTIONS,
} as const;
export type CommandName = keyof typeof COMMAND_OPTIONS;
export const COMMANDS = Object.keys(COMMAND_OPTIONS) as CommandName[];

/** The arguments (not options) each command takes: how many, and what they are. */
export const COMMAND_ARGUMENTS: Readonly<Record<CommandName, { min: number; max: number; what: string }>> = {
  compare: { min: 0, max: 0, what: 'options only' },
  report: { min: 1, max: 1, what: 'one results.json path (or a run id under --results-dir)' },
  history: { min: 0, max: 0, what: 'options only' },
  list: { min: 0, max: 0, what: 'options only' },
  merge: { min: 1, max: Number.POSITIVE_INFINITY, what: 'the shards to merge: results.json files, folders or globs' },
  validate: { min: 2, max: 2, what: 'what to check and its file: `zoneinfo FILE` or `trace TRACE`' },
  lab: { min: 0, max: 0, what: 'options only' },
};

/** What a number option takes. */
export interface NumberRule {
  readonly integer: boolean;
  readonly min: number;
  readonly max: number;
  /** The expected part of the message. */
  readonly what: string;
}

/** Every number option's range. */
export const NUMBER_RULES: Readonly<Record<string, NumberRule>> = {
  seeds: { integer: true, min: 1, max: MAX_SEEDS, what: `an integer from 1 to ${MAX_SEEDS} (the number of seeds)` },
  jobs: { integer: true, min: 1, max: Number.MAX_SAFE_INTEGER, what: 'an integer >= 1 (worker threads)' },
  'run-wall-limit': { integer: false, min: 0, max: MAX_RUN_WALL_LIMIT_MS, what: `a number of ms from 0 to ${MAX_RUN_WALL_LIMIT_MS} (0: no limit)` },
  'run-virtual-limit': { integer: false, min: 0, max: Number.MAX_SAFE_INTEGER, what: 'a number of ms >= 0 (0: no limit)' },
  'check-invariants': { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER, what: 'an integer >= 0 (events between checks; 0: never)' },
  'cost-range': { integer: true, min: 0, max: 64, what: 'an integer from 0 to 64 (mixed corners besides all-low and all-high)' },
  'noise-floor': { integer: false, min: 0, max: Number.MAX_SAFE_INTEGER, what: 'a percentage >= 0' },
  tolerance: { integer: false, min: 0, max: 1000, what: 'a percentage from 0 to 1000' },
  'boot-timeout': { integer: false, min: 1, max: 3600, what: 'a number of seconds from 1 to 3600' },
};

/** Options whose value is a file or a directory. */
export const PATH_OPTIONS: ReadonlySet<string> = new Set(['scenario-file', 'strategy-file', 'results-dir', 'reports-dir', 'baseline', 'sysctl', 'zoneinfo', 'buddyinfo', 'dmesg']);

/** How yargs reads an option: a flag, one value, or a list of values (repeatable). */
export type OptionKind = 'flag' | 'value' | 'list';

export function optionKind(o: Options): OptionKind {
  return o.type === 'boolean' ? 'flag' : o.array === true ? 'list' : 'value';
}

export function isCommand(word: string): word is CommandName {
  return Object.hasOwn(COMMAND_OPTIONS, word);
}

/** The options `command` takes (undefined: none given), with the global ones. */
export function optionsOf(command: CommandName | undefined): Readonly<Record<string, Options>> {
  return { ...GLOBAL_OPTIONS, ...(command !== undefined ? COMMAND_OPTIONS[command] : {}) };
}

/** A decimal number as typed: what yargs reads as a number, and nothing else ("0x10", "", " 5" are not). */
const DECIMAL = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
/** What yargs-parser calls a negative number: a value, though it starts with "-". */
const NEGATIVE = /^-([0-9]+(\.[0-9]+)?|\.[0-9]+)$/;

/** A word yargs reads as an option ("-x", "-\u0000"), not as an argument ("-1", "-0.5", "-"). */
export const looksLikeOption = (word: string): boolean => word.startsWith('-') && word !== '-' && !NEGATIVE.test(word);

/**
 * A word yargs takes as the value of the option before it: not one that
 * starts with "-" (not even "-"), but for a negative number. After a number
 * option, "-1e3" counts too: the message then says what is wrong with it.
 */
const isValueWord = (word: string, numberOption: boolean): boolean => !word.startsWith('-') || NEGATIVE.test(word) || (numberOption && /^-[0-9.]/.test(word));

/** `text` as a number when it is a decimal number as typed, else NaN. */
export function decimalNumber(text: string): number {
  return DECIMAL.test(text) ? Number(text) : NaN;
}

/** A number option's value as typed: an InputError unless it is a decimal number within the option's rule. */
export function checkNumberValue(name: string, text: string): number {
  const rule = NUMBER_RULES[name];
  const n = decimalNumber(text);
  const ok = rule !== undefined && Number.isFinite(n) && (!rule.integer || Number.isInteger(n)) && n >= rule.min && n <= rule.max;
  if (!ok) throw new InputError({ file: `--${name}`, where: 'value', expected: rule?.what ?? 'a number', found: describeFound(text) });
  return n;
}

function unknownOption(word: string, name: string, command: CommandName | undefined): InputError {
  const own = Object.keys(optionsOf(command));
  const near = closestName(name, own);
  const elsewhere = COMMANDS.filter((c) => c !== command && Object.hasOwn(COMMAND_OPTIONS[c], name));
  const hint = near !== undefined ? `; did you mean "--${near}"?` : elsewhere.length > 0 ? `; --${name} is an option of ${elsewhere.join(', ')}` : '';
  const scope = command !== undefined ? `an option of ${command} (see ${command} --help${hint})` : `a command first (${COMMANDS.join(', ')})${hint}`;
  return new InputError({ file: 'command line', where: 'option', expected: scope, found: describeFound(word) });
}

/**
 * Checks the words of a command line against the option table, before yargs
 * reads them: a known command is named (or --help, --version); each option
 * is one of the command's (a near miss gets a suggestion); a flag has no value
 * but true or false; an option that takes one value has one, given once, of
 * the right kind (a number in range, one of the choices, a path without NUL
 * bytes); the command gets as many arguments as it takes. Throws the first
 * problem as an InputError.
 */
export function checkCommandLine(args: readonly string[]): void {
  const end = args.indexOf('--');
  const words = end < 0 ? args : args.slice(0, end);
  const commandAt = words.findIndex((a) => !a.startsWith('-'));
  const first = words[commandAt];
  // `help` and `help COMMAND` print the usage (runCli); COMMAND must be one.
  if (first === HELP_COMMAND) {
    const of = words.slice(commandAt + 1).filter((w) => !w.startsWith('-'));
    if (of.length > 1 || (of[0] !== undefined && !isCommand(of[0]))) {
      const near = of[0] !== undefined ? closestName(of[0], COMMANDS) : undefined;
      throw new InputError({ file: 'command line', where: 'help', expected: `nothing or one command (${COMMANDS.join(', ')})${near ? ` (did you mean "${near}"?)` : ''}`, found: describeFound(of.length > 1 ? of.join(' ') : of[0]) });
    }
    for (const w of words.slice(commandAt + 1)) if (w.startsWith('-') && !['--verbose', '--help'].includes(w)) throw unknownOption(w, kebab(w.replace(/^--?/, '').split('=')[0]!), undefined);
    return;
  }
  if (first !== undefined && !isCommand(first)) {
    const near = closestName(first, COMMANDS);
    throw new InputError({ file: 'command line', where: 'command', expected: `one of ${COMMANDS.join(', ')}${near ? ` (did you mean "${near}"?)` : ''}`, found: describeFound(first) });
  }
  const command = first;
  const options = optionsOf(command);
  const given = new Map<string, number>();
  /** Words that are neither the command nor options nor their values (and all after "--"). */
  const positionals: string[] = end < 0 ? [] : args.slice(end + 1);
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (i === commandAt) continue;
    if (!word.startsWith('--')) {
      // No option has a one-letter name: "-x" is a typo ("-seeds"), "-1" or "-" an argument.
      if (looksLikeOption(word)) throw unknownOption(word, kebab(word.slice(1)), command);
      positionals.push(word);
      continue;
    }
    const eq = word.indexOf('=');
    const typed = eq < 0 ? word.slice(2) : word.slice(2, eq);
    const inline = eq < 0 ? undefined : word.slice(eq + 1);
    let name = kebab(typed);
    let negated = false;
    if (!Object.hasOwn(options, name) && name.startsWith('no-') && options[name.slice(3)]?.type === 'boolean') {
      name = name.slice(3);
      negated = true;
    }
    const spec = Object.hasOwn(options, name) ? options[name] : undefined;
    if (spec === undefined && !BUILTIN_FLAGS.includes(name)) throw unknownOption(word, name, command);
    const kind = spec !== undefined ? optionKind(spec) : 'flag';
    const times = (given.get(name) ?? 0) + 1;
    given.set(name, times);
    if (kind === 'flag') {
      if (times > 1) throw new InputError({ file: `--${name}`, where: 'flag', expected: 'the flag once', found: `it ${times} times` });
      if (inline !== undefined && (negated || (inline !== 'true' && inline !== 'false'))) {
        throw new InputError({ file: `--${negated ? 'no-' : ''}${name}`, where: 'flag', expected: negated ? 'no value' : 'no value (or =true, =false)', found: describeFound(inline) });
      }
      continue;
    }
    if (times > 1 && kind === 'value') {
      throw new InputError({ file: `--${name}`, where: 'value', expected: 'one value (the option takes a single value)', found: `the option ${times} times` });
    }
    // The values: after "=", and the words that follow (one for a value, all up to the next option for a list).
    const values: string[] = inline !== undefined ? [inline] : [];
    let j = i + 1;
    const numeric = spec?.type === 'number';
    while (j < words.length && isValueWord(words[j]!, numeric) && (kind === 'list' || values.length === 0)) values.push(words[j++]!);
    i = j - 1;
    const next = words[i + 1];
    // "--set=" is no value: yargs drops it from a list, and the run went ahead without it. An
    // empty word in a list ("--strategies a ''") goes on to the list's own check, in order.
    const empty = inline === '' || (kind === 'value' && values[0] === '');
    if (values.length === 0 || empty) {
      throw new InputError({ file: `--${name}`, where: 'value', expected: 'a value after the option', found: next === undefined || empty ? 'nothing' : `the option ${describeFound(next)}` });
    }
    for (const v of values) checkValue(name, spec!, v);
  }
  if (command === undefined) {
    // No command (nothing, or only --verbose, --help, --version): runCli prints the usage.
    if (positionals.length > 0) throw new InputError({ file: 'command line', where: 'command', expected: `one of ${COMMANDS.join(', ')}`, found: describeFound(positionals[0]) });
    return;
  }
  // `report --help` asks for the help, not for a report: the arguments it would need do not matter.
  if (given.has('help') || given.has('version')) return;
  const takes = COMMAND_ARGUMENTS[command];
  if (positionals.length < takes.min || positionals.length > takes.max) {
    const extra = positionals[takes.max];
    throw new InputError({ file: 'command line', where: `${command} arguments`, expected: takes.what, found: extra !== undefined ? describeFound(extra) : 'nothing' });
  }
}

function checkValue(name: string, spec: Options, value: string): void {
  if (spec.type === 'number') checkNumberValue(name, value);
  if (spec.choices !== undefined && !(spec.choices as readonly unknown[]).includes(value)) {
    throw new InputError({ file: `--${name}`, where: 'value', expected: `one of ${(spec.choices as readonly unknown[]).join(', ')}`, found: describeFound(value) });
  }
  // An empty path would be the working directory; Node refuses a NUL byte with a long message of its own.
  if (PATH_OPTIONS.has(name) && (value === '' || value.includes('\u0000'))) {
    throw new InputError({ file: `--${name}`, where: 'value', expected: 'a path (not empty, without NUL bytes)', found: describeFound(value) });
  }
}
