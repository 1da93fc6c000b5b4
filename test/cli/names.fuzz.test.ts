/**
 * Unknown strategy and scenario names: a typo of a real name (one edit, case,
 * plural, a stray space), an empty name, any other string. Each is one clear
 * InputError that names the option and, when a real name is close, suggests
 * it: selectStrategies (--strategies), loadBuiltinScenario (a built-in by
 * name), and the compare command's own check of --scenarios / --strategies
 * through runCli.
 */
import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StrategyDefinition } from '../../harness/core/strategy-api.ts';
import { STRATEGIES_DIR, loadStrategies, selectStrategies } from '../../harness/sim/strategy-registry.ts';
import { BUILTIN_SCENARIOS, loadBuiltinScenario } from '../../harness/workload/builtin.ts';
import { closestName } from '../../harness/util/closest-name.ts';
import { expectBadInputExit, outputDirs, runCaptured } from '../helpers/fuzz-cli-helpers.ts';
import { FUZZ_RUNS, expectRejects, fuzz, fuzzAsync, labelled, nearMiss, triedVariants } from '../helpers/fuzz-helpers.ts';

let strategies: StrategyDefinition[] = [];
let strategyNames: string[] = [];
beforeAll(async () => {
  strategies = await loadStrategies();
  strategyNames = strategies.map((s) => s.name);
});

/** A name that is not one of `known`: a near miss of one of them, or any string. */
function unknownName(known: () => readonly string[], realNames: readonly string[]): fc.Arbitrary<string> {
  return fc
    .oneof(
      { weight: 6, arbitrary: fc.constantFrom(...realNames).chain(nearMiss) },
      { weight: 2, arbitrary: fc.string({ maxLength: 24 }) },
      { weight: 1, arbitrary: fc.constantFrom('', ' ', 'all', 'default', 'none', '*', 'status_quo', 'dedicated pool', 'STEADY', 'steady\n', 'a\u0000b', 'x'.repeat(300), 'ñandú', '🙂') },
    )
    .filter((n) => !known().includes(n));
}

// Names known at generation time: the strategies/ folder's, read before the properties run.
const STRATEGY_NAMES_AT_LOAD = (await loadStrategies()).map((s) => s.name);

/** A list of names with at least one unknown, and the first unknown one (the one reported). */
function listWithUnknown(known: () => readonly string[], realNames: readonly string[]): fc.Arbitrary<{ names: string[]; bad: string }> {
  return fc
    .tuple(fc.array(fc.constantFrom(...realNames), { maxLength: 2 }), unknownName(known, realNames), fc.array(fc.oneof(fc.constantFrom(...realNames), unknownName(known, realNames)), { maxLength: 2 }))
    .map(([before, bad, after]) => ({ names: [...before, bad, ...after], bad }));
}

const RUNS = { strategies: 450, scenarios: 350, cli: FUZZ_RUNS.names - 450 - 350 };

describe('unknown strategy and scenario names: one clear InputError with the closest name', () => {
  it('the lists the generators start from are the real ones', () => {
    // One strategy per *.ts file of strategies/, named after it.
    const files = readdirSync(STRATEGIES_DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
    expect([...STRATEGY_NAMES_AT_LOAD].sort()).toEqual(files.map((f) => f.slice(0, -'.ts'.length)).sort());
    expect(strategyNames).toEqual(STRATEGY_NAMES_AT_LOAD);
    expect(selectStrategies(strategies, ['dedicated-pool']).map((s) => s.name)).toEqual(['dedicated-pool']);
  });

  it(`${RUNS.strategies} --strategies lists (selectStrategies)`, () => {
    const arb = listWithUnknown(() => strategyNames, STRATEGY_NAMES_AT_LOAD).map((v) => labelled(v, JSON.stringify(v.names)));
    fuzz('names', arb, ({ names, bad }) => {
      const e = expectRejects(() => selectStrategies(strategies, names), '--strategies', `--strategies ${JSON.stringify(names)}`);
      const near = closestName(bad, strategyNames);
      if (near !== undefined) expect(e.message, `--strategies ${JSON.stringify(names)}`).toContain(`did you mean "${near}"?`);
    }, RUNS.strategies);
  });

  it(`${RUNS.scenarios} built-in scenario names (loadBuiltinScenario)`, () => {
    const arb = unknownName(() => BUILTIN_SCENARIOS, BUILTIN_SCENARIOS).map((n) => labelled({ n }, JSON.stringify(n)));
    fuzz('names', arb, ({ n }) => {
      const e = expectRejects(() => loadBuiltinScenario(n), 'built-in scenarios', `scenario ${JSON.stringify(n)}`);
      const near = closestName(n, BUILTIN_SCENARIOS);
      if (near !== undefined) expect(e.message).toContain(`did you mean "${near}"?`);
    }, RUNS.scenarios);
  });

  it(`${RUNS.cli} --scenarios and --strategies lists through the compare command (runCli)`, async () => {
    const out = outputDirs('fuzz-names-');
    // A tiny matrix: were a generated list valid after all, the run would end in a second and the test would see its files.
    const rest = ['--seeds', '1', '--set', 'run.durationMs=1', '--no-measure', ...out.flags];
    // Names that start with "-" are options to yargs, not names: left out here (the cli fuzz covers unknown options).
    const cliName = (n: string): boolean => !n.startsWith('-') && n !== '--';
    const arb = fc
      .oneof(
        listWithUnknown(() => BUILTIN_SCENARIOS, BUILTIN_SCENARIOS).map((v) => ({ ...v, option: '--scenarios' as const })),
        listWithUnknown(() => STRATEGY_NAMES_AT_LOAD, STRATEGY_NAMES_AT_LOAD).map((v) => ({ ...v, option: '--strategies' as const })),
      )
      .filter((v) => v.names.every(cliName))
      .map((v) => labelled(v, `${v.option} ${JSON.stringify(v.names)}`));
    await fuzzAsync('names', arb, async ({ names, bad, option }) => {
      const other = option === '--scenarios' ? ['--strategies', 'status-quo'] : ['--scenarios', 'steady'];
      const r = await runCaptured(['compare', option, ...names, ...other, ...rest]);
      const line = expectBadInputExit(r, [out.results, out.reports], option);
      const near = closestName(bad, option === '--scenarios' ? BUILTIN_SCENARIOS : STRATEGY_NAMES_AT_LOAD);
      if (near !== undefined) expect(line).toContain(`did you mean "${near}"?`);
    }, RUNS.cli);
    expect(triedVariants('names')).toBeGreaterThanOrEqual(FUZZ_RUNS.names);
  });
});
