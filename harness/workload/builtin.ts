/**
 * The built-in scenarios: the JSON files of harness/workload/scenarios/, each
 * named after its file (CLI, results and reports use the names). Adding one is
 * adding a file (and its line in SCENARIOS.md); no code lists them. Their
 * order (the default matrix, `list`) is each file's `order` field, then the
 * files without one by name. Each file carries a one-paragraph description of
 * what it probes and why.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors.ts';
import { closestName } from '../util/closest-name.ts';
import { loadScenario } from './scenario.ts';
import { ScenarioSchema, type Scenario } from './scenario-schema.ts';

/** The folder holding the built-in scenario files. */
export const BUILTIN_SCENARIO_DIR = join(dirname(fileURLToPath(import.meta.url)), 'scenarios');

/**
 * The `order` of a scenario file, or undefined when it has none or the file
 * cannot be read as a scenario's JSON: such a file sorts after the ordered
 * ones, and loading it reports what is wrong (one InputError).
 */
function orderOf(file: string): number | undefined {
  try {
    const json = JSON.parse(readFileSync(file, 'utf8')) as { order?: unknown } | null;
    const r = ScenarioSchema.shape.order.safeParse(json?.order);
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The scenario names of folder `dir` (its *.json files without the
 * extension), ordered by their `order` field, then by name; files without an
 * order (or that are not a scenario's JSON) come after the ordered ones.
 */
export function scenarioNamesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ name: f.slice(0, -'.json'.length), order: orderOf(join(dir, f)) ?? Infinity }))
    .sort((a, b) => (a.order !== b.order ? a.order - b.order : a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((s) => s.name);
}

/** Built-in scenario names, in the order of the default matrix (scenarioNamesIn). */
export const BUILTIN_SCENARIOS: readonly string[] = scenarioNamesIn(BUILTIN_SCENARIO_DIR);

/** Path of a built-in scenario file (relative to the working directory when below it, for short messages). */
export function builtinScenarioPath(name: string): string {
  const abs = join(BUILTIN_SCENARIO_DIR, `${name}.json`);
  const rel = relative(process.cwd(), abs);
  return rel.startsWith('..') || rel === '' ? abs : rel;
}

/**
 * Load a built-in scenario by name. An unknown name is an InputError that lists
 * the names and suggests the closest one.
 */
export function loadBuiltinScenario(name: string): Scenario {
  if (!BUILTIN_SCENARIOS.includes(name)) {
    const guess = closestName(name, BUILTIN_SCENARIOS);
    throw new InputError({
      file: 'built-in scenarios',
      where: 'scenario name',
      expected: `one of ${BUILTIN_SCENARIOS.join(', ')}`,
      found: `"${name}"${guess ? ` (did you mean "${guess}"?)` : ''}`,
    });
  }
  return loadScenario(builtinScenarioPath(name));
}
