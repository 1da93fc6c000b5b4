/**
 * Malformed command lines, through runCli in-process: a valid command line of
 * each command (compare on a tiny matrix, report and merge of a small results
 * file, history, list) with one thing wrong. An unknown or misspelt option,
 * an option without its value, a number that is not one or out of range, a
 * choice that is not one, a single option given twice, a flag with a value,
 * "--no-" on a value option, an unknown command, arguments a command does not
 * take, bad shards, run ids, baseline names, metric noise, paths, and
 * unicode and control characters in values. The generators are built from
 * the real option table (harness/cli/options.ts).
 *
 * Each must exit 2 with one line naming the option (or "command line"), no
 * stack trace without --verbose, nothing on stdout, and nothing written under
 * the results and reports folders: nothing started to run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMAND_ARGUMENTS, COMMAND_OPTIONS, GLOBAL_OPTIONS, NUMBER_RULES, PATH_OPTIONS, optionKind, type CommandName, type NumberRule } from '../../harness/cli/options.ts';
import { METRIC_NAMES } from '../../harness/metrics/metric-defs.ts';
import { type CliRun, entriesUnder, expectBadInputExit, outputDirs, runCaptured } from '../helpers/fuzz-cli-helpers.ts';
import { FUZZ_RUNS, fuzzAsync, garbage, labelled, nearMiss, show, triedVariants } from '../helpers/fuzz-helpers.ts';
import { resultsText, slimResults } from '../helpers/fuzz-results-base.ts';

const COMMANDS = Object.keys(COMMAND_OPTIONS) as CommandName[];
const out = outputDirs('fuzz-cli-');
const inputs = mkdtempSync(join(resolve('test-output'), 'fuzz-cli-in-'));
/** A small valid results file for report and merge. */
const GOOD = join(inputs, 'good.json');
writeFileSync(GOOD, resultsText(slimResults()));
/** GOOD cut into shards 1/2 and 2/2, for merge. */
const SHARDS = [1, 2].map((index) => {
  const r = slimResults();
  (r['config'] as Record<string, unknown>)['shard'] = { index, count: 2 };
  r['runs'] = (r['runs'] as unknown[]).filter((_, i) => i % 2 === index - 1) as typeof r['runs'];
  const path = join(inputs, `shard-${index}.json`);
  writeFileSync(path, resultsText(r));
  return path;
});

/** Every option of `cmd` (with the global ones), by name. */
const optionsOf = (cmd: CommandName): Record<string, { type?: string; array?: boolean; choices?: readonly unknown[] }> => ({ ...GLOBAL_OPTIONS, ...COMMAND_OPTIONS[cmd] });
const namesOf = (cmd: CommandName, kinds: readonly string[]): string[] => Object.entries(optionsOf(cmd)).filter(([, o]) => kinds.includes(optionKind(o as never))).map(([n]) => n);

/** A valid value of every option that takes one (a test checks the table has no other). */
const VALID: Readonly<Record<string, string>> = {
  strategies: 'status-quo',
  scenarios: 'steady',
  seeds: '1',
  'scenario-file': 'harness/workload/scenarios/steady.json',
  'strategy-file': 'test/fixtures/faulty-strategies/throws-in-request.ts',
  set: 'run.durationMs=1',
  sweep: 'run.durationMs=1,2',
  jobs: '1',
  shard: '1/1',
  baseline: GOOD,
  'run-id': 'fuzz-run',
  'results-dir': out.results,
  'reports-dir': out.reports,
  'run-wall-limit': '60000',
  'run-virtual-limit': '10',
  'check-invariants': '1000',
  'save-baseline': 'fuzz',
  'noise-floor': '2',
  'cost-range': '0',
  'metric-noise': 'simWallMs=10',
  'fail-on': 'timing',
  metrics: 'simWallMs',
  kernel: '6.x',
  sysctl: 'test/fixtures/zoneinfo-6.18-2cpu.sysctl.txt',
  zoneinfo: 'test/fixtures/zoneinfo-6.18-2cpu.txt',
  buddyinfo: 'test/fixtures/buddyinfo-6.18-2cpu.txt',
  dmesg: 'test/fixtures/lab-zoneinfo/5.10.0-32-amd64_1cpu-512M.dmesg.txt',
  tolerance: '10',
  kernels: '6.12',
  shapes: '2x2048',
  'boot-timeout': '60',
};

/** A valid command line of each command: one mutation makes it malformed. */
function baseLine(cmd: CommandName, dirs: readonly string[] = out.flags): string[] {
  switch (cmd) {
    case 'compare':
      return ['compare', '--scenarios', 'steady', '--strategies', 'status-quo', '--seeds', '1', '--set', 'run.durationMs=1', '--no-measure', ...dirs];
    case 'report':
      return ['report', GOOD, ...dirs];
    case 'history':
      return ['history', ...dirs];
    case 'list':
      return ['list'];
    case 'merge':
      return ['merge', ...SHARDS, ...dirs];
    case 'validate':
      return ['validate', 'zoneinfo', 'test/fixtures/zoneinfo-6.18-2cpu.txt', '--sysctl', 'test/fixtures/zoneinfo-6.18-2cpu.sysctl.txt', '--kernel', '6.x'];
    case 'lab':
      // Never run: every variant built on it is malformed, so the lab boots nothing.
      return ['lab', '--offline', '--quick', ...dirs];
  }
}

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const camel = (name: string): string => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** `--name` (any spelling yargs takes: kebab, camel, negated flag) is one of `cmd`'s options or yargs' own. */
function isKnownOption(cmd: CommandName, typed: string): boolean {
  const name = kebab(typed.split('=')[0]!);
  const opts = optionsOf(cmd);
  if (Object.hasOwn(opts, name) || name === 'help' || name === 'version') return true;
  return name.startsWith('no-') && opts[name.slice(3)]?.type === 'boolean';
}

/** `base` without option `name` (in any spelling) and its values. */
function without(base: readonly string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < base.length; i++) {
    const w = base[i]!;
    const typed = w.startsWith('--') ? kebab(w.slice(2).split('=')[0]!) : '';
    if (typed === name || typed === `no-${name}`) {
      while (!w.includes('=') && i + 1 < base.length && !base[i + 1]!.startsWith('-')) i++;
      continue;
    }
    out.push(w);
  }
  return out;
}

/** `words` put in `base`: right after the command or at the end. */
function place(base: readonly string[], words: readonly string[], atEnd: boolean): string[] {
  return atEnd ? [...base, ...words] : [base[0]!, ...words, ...base.slice(1)];
}

/** A malformed command line and what its one line must name. */
interface Variant {
  readonly args: string[];
  /** Named in the message: the option ("--seeds"), or "command line". */
  readonly mention: string;
  readonly what: string;
}

const commandArb = fc.constantFrom(...COMMANDS);
const atEnd = fc.boolean();

// -- unknown options ------------------------------------------------------------------------------

const ALL_OPTION_NAMES = [...new Set(COMMANDS.flatMap((c) => Object.keys(optionsOf(c))))];

const unknownOption: fc.Arbitrary<Variant> = commandArb.chain((cmd) =>
  fc
    .tuple(
      fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...Object.keys(optionsOf(cmd))).chain(nearMiss) },
        { weight: 2, arbitrary: fc.constantFrom(...ALL_OPTION_NAMES) },
        { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) },
        { weight: 1, arbitrary: fc.constantFrom('seed', 'strategy', 'scenario', 'sets', 'dry-run', 'force', 'output', 'config', 'no-seeds-x', 'json5', 'verbose2', 'run_id', 'Seeds', 'RUN-ID', 'set.x', 'quick.x') },
      ),
      fc.constantFrom('', '=1', ' value'),
      atEnd,
    )
    .filter(([name]) => name !== '' && !isKnownOption(cmd, name))
    .map(([name, value, end]) => {
      const words = value === ' value' ? [`--${name}`, 'value'] : [`--${name}${value}`];
      return { args: place(baseLine(cmd), words, end), mention: 'command line', what: `${cmd}: unknown option ${show(words)}` };
    }),
);

/** A single dash: "-s", "-seeds" (no option has a one-letter name). */
const shortOption: fc.Arbitrary<Variant> = fc
  .tuple(commandArb, fc.oneof(fc.constantFrom('s', 'x', 'h', 'v', 'q', 'j', 'seeds', 'quick', 'help'), fc.stringMatching(/^[A-Za-z][\w-]{0,8}$/)), atEnd)
  .map(([cmd, name, end]) => ({ args: place(baseLine(cmd), [`-${name}`], end), mention: 'command line', what: `${cmd}: -${name}` }));

// -- values missing, of the wrong kind, given twice -------------------------------------------------

const valueOptionOf = (cmd: CommandName): fc.Arbitrary<string> => fc.constantFrom(...namesOf(cmd, ['value', 'list']));
const commandsWithValues = COMMANDS.filter((c) => namesOf(c, ['value', 'list']).length > 0);

const missingValue: fc.Arbitrary<Variant> = fc
  .constantFrom(...commandsWithValues)
  .chain((cmd) => fc.tuple(fc.constant(cmd), valueOptionOf(cmd), fc.constantFrom('end', 'before an option', 'before --', '=')))
  .map(([cmd, name, how]) => {
    const base = without(baseLine(cmd), name);
    const args = how === 'end' ? [...base, `--${name}`] : how === '=' ? place(base, [`--${name}=`], false) : how === 'before --' ? [...base, `--${name}`, '--'] : [...base, `--${name}`, '--verbose'];
    return { args, mention: `--${name}`, what: `${cmd}: --${name} ${how}` };
  });

/** Text that is not a decimal number (some character other than digits, ".", "e", "+", "-"), or a number the rule refuses. */
function badNumber(rule: NumberRule): fc.Arbitrary<string> {
  const outOfRange = [rule.min - 1, rule.min - 0.001, -1e9, ...(rule.max < Number.MAX_SAFE_INTEGER ? [rule.max + 1, rule.max * 2] : ['9007199254740993', '1e300'])].map(String);
  return fc.oneof(
    fc.constantFrom('abc', ' ', '0x10', '0b1', '1e999', '-1e999', 'NaN', 'Infinity', '-Infinity', '+1', '1_000', '1,5', '1.2.3', '١', '５', '1e', '.', '1 ', ' 1', '1\n', '½', '1/2', 'true', '[]', '1ms', '10%'),
    fc.constantFrom(...outOfRange),
    rule.integer ? fc.constantFrom(String(rule.min + 0.5), '1.5', '2.000001', '1e-3') : fc.constantFrom('-0.5'),
    fc.string({ minLength: 1, maxLength: 8 }).filter((t) => /[^0-9.eE+-]/.test(t)),
  );
}

const numberOptions = Object.keys(NUMBER_RULES);
const wrongNumber: fc.Arbitrary<Variant> = fc
  .constantFrom(...numberOptions)
  .chain((name) => fc.tuple(fc.constant(name), badNumber(NUMBER_RULES[name]!), fc.boolean(), atEnd))
  .map(([name, value, inline, end]) => {
    const cmd = COMMANDS.find((c) => Object.hasOwn(COMMAND_OPTIONS[c], name))!;
    const words = inline ? [`--${name}=${value}`] : [`--${name}`, value];
    return { args: place(without(baseLine(cmd), name), words, end), mention: `--${name}`, what: `${cmd}: ${show(words)}` };
  });

/** Options with choices: anything else, near misses first ("behavior", "Timing"). */
const choiceOptions = COMMANDS.flatMap((cmd) => Object.entries(COMMAND_OPTIONS[cmd] as Record<string, { choices?: readonly string[] }>).flatMap(([name, o]) => (o.choices ? [{ cmd, name, choices: o.choices }] : [])));
const wrongChoice: fc.Arbitrary<Variant> = fc.constantFrom(...choiceOptions).chain(({ cmd, name, choices }) =>
  fc
    .tuple(fc.oneof(fc.constantFrom(...choices).chain(nearMiss), fc.constantFrom('behavior', 'both', 'none', 'all', 'TIMING', 'behaviour,timing'), fc.string({ minLength: 1, maxLength: 10 })), atEnd)
    .filter(([v]) => !choices.includes(v) && !/^--?[A-Za-z]/.test(v))
    .map(([v, end]) => ({ args: place(without(baseLine(cmd), name), [`--${name}`, v], end), mention: `--${name}`, what: `${cmd}: --${name} ${show(v)}` })),
);

/** An option that takes one value, or a flag, given twice (also as --runId and --run-id, --quick and --no-quick). */
const duplicated: fc.Arbitrary<Variant> = commandArb.chain((cmd) =>
  fc.tuple(fc.constantFrom(...namesOf(cmd, ['value', 'flag'])), fc.nat(), atEnd).map(([name, k, end]) => {
    const flag = optionsOf(cmd)[name]!.type === 'boolean';
    const spell = k % 2 === 0 || !name.includes('-') ? name : camel(name);
    const words = flag ? [[`--${name}`, `--${name}`], [`--${name}`, `--no-${name}`], [`--no-${name}`, `--${spell}`], [`--${name}=true`, `--${name}`]][k % 4]! : [`--${spell}`, VALID[name]!, `--${name}`, VALID[name]!];
    return { args: place(without(baseLine(cmd), name), words, end), mention: `--${name}`, what: `${cmd}: ${show(words)}` };
  }),
);

/** A flag with a value other than true or false, or a negated flag with any value. */
const flagWithValue: fc.Arbitrary<Variant> = commandArb.chain((cmd) =>
  fc
    .tuple(fc.constantFrom(...namesOf(cmd, ['flag'])), fc.oneof(fc.constantFrom('yes', 'no', '1', '0', 'TRUE', 'False', '', 'maybe', 'on'), fc.string({ maxLength: 6 })), fc.boolean(), atEnd)
    .filter(([, v, negated]) => negated || (v !== 'true' && v !== 'false'))
    .map(([name, v, negated, end]) => {
      const word = `--${negated ? 'no-' : ''}${name}=${v}`;
      return { args: place(without(baseLine(cmd), name), [word], end), mention: `--${negated ? 'no-' : ''}${name}`, what: `${cmd}: ${show(word)}` };
    }),
);

/** "--no-" before an option that takes a value (yargs read --no-seeds as 0 seeds). */
const negatedValue: fc.Arbitrary<Variant> = fc
  .constantFrom(...commandsWithValues)
  .chain((cmd) => fc.tuple(fc.constant(cmd), valueOptionOf(cmd), atEnd))
  .map(([cmd, name, end]) => ({ args: place(without(baseLine(cmd), name), [`--no-${name}`], end), mention: `--no-${name}`, what: `${cmd}: --no-${name}` }));

// -- values each option refuses -------------------------------------------------------------------

const notAnOption = (v: string): boolean => !/^--?[A-Za-z]/.test(v) && v !== '--';

/** A value that is not a valid `name` value, per option; the message names `mention`. */
const BAD_VALUES: Record<string, { cmd: CommandName; values: fc.Arbitrary<string>; mention?: (v: string) => string }> = {
  shard: { cmd: 'compare', values: fc.oneof(fc.constantFrom('5/4', 'x', '0/4', '1/0', '0/0', '9/8', '1/', '/4', '1.5/4', '-1/4', '1/4/8', ' 1/4', '1 / 4', 'a/b', '１/４', '1\\4', '1:4', '1/4 '), fc.string({ minLength: 1, maxLength: 6 }).filter((v) => !/^\d+\/\d+$/.test(v))) },
  'run-id': { cmd: 'compare', values: fc.oneof(fc.constantFrom('.hidden', '_x', 'a b', 'a/b', '../x', 'x'.repeat(129), 'ü', '🙂', 'a\nb', 'a\u0000b', 'run id'), fc.string({ minLength: 1, maxLength: 10 }).filter((v) => !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(v))) },
  'save-baseline': { cmd: 'compare', values: fc.constantFrom('../x', 'a b', '.x', '_x', 'x'.repeat(65), 'a/b', 'naïve', 'a\tb') },
  'metric-noise': {
    cmd: 'compare',
    values: fc.oneof(
      fc.constantFrom('x', '=5', 'simWallMs=', 'simWallMs=-1', 'simWallMs=abc', 'simWallMs=0x10', 'simWallMs= ', 'measured.bogus=5', 'measured=5', 'SIMWALLMS=5'),
      // The key is trimmed (as --set's is): " simWallMs" is no near miss.
      fc.constantFrom(...METRIC_NAMES).chain(nearMiss).filter((m) => !(METRIC_NAMES as readonly string[]).includes(m.trim())).map((m) => `${m}=5`),
    ),
  },
  baseline: { cmd: 'compare', values: fc.constantFrom('no-such-baseline', 'no/such/results.json', join(inputs, 'missing.json'), 'quick ', 'base line') },
  'scenario-file': { cmd: 'compare', values: fc.constantFrom(join(inputs, 'no-such-scenario.json'), inputs, resolve('README.md')), mention: (v) => v },
  'strategy-file': { cmd: 'compare', values: fc.constantFrom(join(inputs, 'no-such-strategy.ts'), resolve('package.json')), mention: (v) => v },
  set: { cmd: 'compare', values: fc.constantFrom('x', '=1', 'nosuch.field=1', 'dedicated-pool=3', 'cost.nope=1', 'run.durationMs=abc', 'run.durationMs=-5', 'dedicated-pool.poolPages=1.5', 'dedicated-pool.poolPages=100000000') },
  sweep: { cmd: 'compare', values: fc.constantFrom('x', 'run.durationMs=', 'run.durationMs=5..1', 'x=1,2', 'run.durationMs=1,1', 'cost.lockHandoff=1,x', 'run.durationMs=1..x') },
  strategies: { cmd: 'compare', values: fc.constantFrom('status-qou', 'dedicated_pool', 'all', 'Status-Quo') },
  scenarios: { cmd: 'compare', values: fc.constantFrom('stedy', 'Steady', 'burst ', 'all') },
  metrics: { cmd: 'history', values: fc.oneof(fc.constantFrom('bogus', 'simwallms', 'all'), fc.constantFrom(...METRIC_NAMES).chain(nearMiss).filter((m) => !(METRIC_NAMES as readonly string[]).includes(m))) },
};

/** Most of these are checked before yargs; a few only when compare plans the matrix (names, files, --set): fewer of those, they cost 30-150 ms. */
const SLOW = new Set(['baseline', 'scenario-file', 'strategy-file', 'set', 'sweep', 'strategies', 'scenarios', 'metrics']);
const badValueOf = (names: string[]): fc.Arbitrary<Variant> =>
  fc.constantFrom(...names).chain((name) => {
    const { cmd, values, mention } = BAD_VALUES[name]!;
    return fc.tuple(values.filter(notAnOption), atEnd).map(([v, end]) => ({ args: place(without(baseLine(cmd), name), [`--${name}`, v], end), mention: mention ? mention(v) : `--${name}`, what: `${cmd}: --${name} ${show(v)}` }));
  });
const badValue = fc.oneof({ weight: 3, arbitrary: badValueOf(Object.keys(BAD_VALUES).filter((n) => !SLOW.has(n))) }, { weight: 1, arbitrary: badValueOf([...SLOW]) });

/** A path option with a NUL byte, or empty. */
const badPath: fc.Arbitrary<Variant> = fc
  .constantFrom(...COMMANDS.flatMap((cmd) => Object.keys(COMMAND_OPTIONS[cmd]).filter((n) => PATH_OPTIONS.has(n)).map((name) => ({ cmd, name }))))
  .chain(({ cmd, name }) =>
    fc.tuple(fc.constantFrom('a\u0000b', '\u0000', `${out.dir}/\u0000x.json`, ''), fc.boolean()).map(([v, inline]) => {
      const words = inline ? [`--${name}=${v}`] : [`--${name}`, v];
      return { args: [...without(baseLine(cmd), name), ...words], mention: `--${name}`, what: `${cmd}: ${show(words)}` };
    }),
  );

/**
 * Unicode and control characters in a value no such text can be valid for
 * (a number, a shard, a choice, a run id, a baseline name, a metric, a
 * name, an assignment): each holds at least one control character.
 */
const TEXT_OPTIONS = ['seeds', 'jobs', 'run-wall-limit', 'run-virtual-limit', 'check-invariants', 'noise-floor', 'shard', 'fail-on', 'run-id', 'save-baseline', 'metric-noise', 'baseline', 'set', 'sweep', 'strategies', 'scenarios'];
const controlText = fc.tuple(fc.string({ unit: 'grapheme', maxLength: 6 }), garbage, fc.string({ unit: 'binary', maxLength: 4 })).map(([a, g, b]) => a + g + b);
const unicodeValue: fc.Arbitrary<Variant> = fc.tuple(fc.constantFrom(...TEXT_OPTIONS), controlText.filter(notAnOption), atEnd).map(([name, v, end]) => {
  const cmd = COMMANDS.find((c) => Object.hasOwn(COMMAND_OPTIONS[c], name))!;
  return { args: place(without(baseLine(cmd), name), [`--${name}`, v], end), mention: `--${name}`, what: `${cmd}: --${name} ${show(v)}` };
});

// -- commands and their arguments -----------------------------------------------------------------

const unknownCommand: fc.Arbitrary<Variant> = fc
  .tuple(
    fc.oneof(
      fc.constantFrom(...COMMANDS).chain(nearMiss),
      fc.constantFrom('', 'run', 'version', 'hepl', 'Help', 'COMPARE', 'ｃｏｍｐａｒｅ', 'compare\u0000', 'lst', 'reports', 'merge.'),
      fc.string({ maxLength: 10 }),
      controlText,
    ),
    commandArb,
  )
  .filter(([word]) => !(COMMANDS as string[]).includes(word) && !word.startsWith('-'))
  .map(([word, cmd]) => ({ args: [word, ...baseLine(cmd).slice(1)], mention: 'command line', what: `command ${show(word)}` }));

/** Arguments a command does not take: any for compare, history and list; none or two files for report; none for merge. */
const wrongArguments: fc.Arbitrary<Variant> = fc.oneof(
  fc
    .tuple(fc.constantFrom(...COMMANDS.filter((c) => COMMAND_ARGUMENTS[c].max === 0)), fc.oneof(fc.string({ maxLength: 8 }).filter(notAnOption), fc.constantFrom('x', 'steady', 'status-quo', '-', '-1')), fc.boolean(), atEnd)
    .map(([cmd, word, dashes, end]) => {
      const args = dashes ? [...baseLine(cmd), '--', word] : place(baseLine(cmd), [word], end);
      return { args, mention: 'command line', what: `${cmd} with the argument ${show(word)}${dashes ? ' after --' : ''}` };
    }),
  fc.constantFrom<Variant>(
    { args: ['report', ...out.flags], mention: 'command line', what: 'report without a file' },
    { args: ['report', GOOD, GOOD, ...out.flags], mention: 'command line', what: 'report with two files' },
    { args: ['merge', ...out.flags], mention: 'command line', what: 'merge without files' },
  ),
);

/** `help` with something that is not one command after it: a near miss, two commands, an unknown option. */
const badHelp: fc.Arbitrary<Variant> = fc
  .oneof(
    fc.constantFrom(...COMMANDS).chain(nearMiss).filter((w) => !(COMMANDS as string[]).includes(w) && !w.startsWith('-')).map((w) => ['help', w]),
    fc.tuple(commandArb, commandArb).map(([a, b]) => ['help', a, b]),
    fc.tuple(commandArb, fc.constantFrom('--quick', '--seeds', '--x', '-h')).map(([a, o]) => ['help', a, o]),
  )
  .map((args) => ({ args, mention: 'command line', what: show(args) }));

const variants: fc.Arbitrary<Variant> = fc
  .tuple(
    fc.oneof(
      { weight: 3, arbitrary: unknownOption },
      { weight: 1, arbitrary: shortOption },
      { weight: 2, arbitrary: missingValue },
      { weight: 3, arbitrary: wrongNumber },
      { weight: 1, arbitrary: wrongChoice },
      { weight: 2, arbitrary: duplicated },
      { weight: 2, arbitrary: flagWithValue },
      { weight: 1, arbitrary: negatedValue },
      { weight: 3, arbitrary: badValue },
      { weight: 1, arbitrary: badPath },
      { weight: 2, arbitrary: unicodeValue },
      { weight: 2, arbitrary: unknownCommand },
      { weight: 1, arbitrary: wrongArguments },
      { weight: 1, arbitrary: badHelp },
    ),
    fc.integer({ min: 0, max: 9 }),
  )
  // One in ten with --verbose (the stack may follow the line then); not where --verbose itself is the fault.
  .map(([v, k]) => (k === 0 && v.args.length > 0 && !v.args.some((a) => a.includes('verbose')) ? { ...v, args: [...v.args, '--verbose'], what: `${v.what} --verbose` } : v))
  .map((v) => labelled({ ...v }, `${v.what}: ${show(v.args)}`));

// -- the tests ------------------------------------------------------------------------------------

describe('command lines: malformed variants exit 2 with one clear line, nothing run, nothing written', () => {
  it('the generators know every option that takes a value, and every base command line is valid (exit 0)', async () => {
    for (const cmd of COMMANDS) for (const name of namesOf(cmd, ['value', 'list'])) expect(VALID[name], `a valid value for --${name}`).toBeDefined();
    // The lab's base line would boot kernels in QEMU: its own suite runs it (.ci/run).
    for (const cmd of COMMANDS.filter((c) => c !== 'lab')) {
      const ok = outputDirs(`fuzz-cli-ok-${cmd}-`);
      const r: CliRun = await runCaptured(baseLine(cmd, ok.flags));
      expect(r.code, `${cmd}: ${r.stderr}`).toBe(0);
    }
  }, 60_000);

  it(`${FUZZ_RUNS.cli} malformed command lines through runCli`, async () => {
    await fuzzAsync('cli', variants, async (v) => {
      const r = await runCaptured(v.args);
      try {
        expectBadInputExit(r, [out.results, out.reports], v.mention);
      } catch (e) {
        // What a failing variant wrote must not fail the next ones (fast-check shrinks by running more).
        for (const d of [out.results, out.reports]) rmSync(d, { recursive: true, force: true });
        throw e;
      }
    });
    expect(triedVariants('cli')).toBeGreaterThanOrEqual(FUZZ_RUNS.cli);
    expect(entriesUnder(out.dir)).toEqual([]);
  });
});

// -- help -----------------------------------------------------------------------------------------

/** Words of `cmd`'s valid command line (arguments and options), any of which may come with --help. */
const someOf = (cmd: CommandName): fc.Arbitrary<string[]> => {
  // Each option stays with its values: an option without them is malformed, --help or not.
  const chunks: string[][] = [];
  for (const w of baseLine(cmd, out.flags).slice(1)) {
    if (w.startsWith('--') || chunks.length === 0) chunks.push([w]);
    else chunks[chunks.length - 1]!.push(w);
  }
  return fc.subarray(chunks).map((c) => c.flat());
};

describe('help: usage on stdout, exit 0, nothing run, nothing written', () => {
  it('a bare nolock-bench, `help`, `--help` and --verbose alone print the usage with every command', async () => {
    for (const args of [[], ['help'], ['--help'], ['--verbose'], ['help', '--verbose']]) {
      const r = await runCaptured(args);
      expect(r.code, `${show(args)}: ${r.stderr}`).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/^nolock-bench <command> \[options\]/);
      for (const cmd of COMMANDS) expect(r.stdout).toContain(`nolock-bench ${cmd}`);
    }
  });

  it('COMMAND --help and `help COMMAND` need no other argument, for every command', async () => {
    for (const cmd of COMMANDS) {
      for (const args of [[cmd, '--help'], ['help', cmd], [cmd, '--help', '--verbose']]) {
        const r = await runCaptured(args);
        expect(r.code, `${show(args)}: ${r.stderr}`).toBe(0);
        expect(r.stderr).toBe('');
        expect(r.stdout.split('\n')[0]).toMatch(new RegExp(`^nolock-bench ${cmd}\\b`));
        for (const name of Object.keys(COMMAND_OPTIONS[cmd])) expect(r.stdout, `${cmd} --help lists --${name}`).toContain(`--${name}`);
      }
    }
  });

  it('COMMAND --help with any part of a valid command line prints the help and runs nothing', async () => {
    await fc.assert(
      fc.asyncProperty(commandArb.chain((cmd) => fc.tuple(fc.constant(cmd), someOf(cmd), fc.boolean())), async ([cmd, words, end]) => {
        const args = end ? [cmd, ...words, '--help'] : [cmd, '--help', ...words];
        const r = await runCaptured(args);
        expect(r.code, `${show(args)}: ${r.stderr}`).toBe(0);
        expect(r.stdout.split('\n')[0]).toMatch(new RegExp(`^nolock-bench ${cmd}\\b`));
        expect(entriesUnder(out.dir)).toEqual([]);
      }),
      { numRuns: 100, seed: 19 },
    );
  });
});
