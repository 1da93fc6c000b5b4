/**
 * The built-in scenarios: JSON files in harness/workload/scenarios/, one per
 * name below (the names are fixed by the project: CLI, results and reports use
 * them). Each file carries a one-paragraph description of what it probes and why.
 */
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors.ts';
import { closestName } from '../util/closest-name.ts';
import { loadScenario } from './scenario.ts';
import type { Scenario } from './scenario-schema.ts';

/** Built-in scenario names, in the order of the default matrix. */
export const BUILTIN_SCENARIOS: readonly string[] = [
  'steady',
  'burst',
  'memory-pressure',
  'rt-raw-lock',
  'debug-hooks',
  'boot-gfp0',
  'many-cpus',
  'userspace-flood',
  'trace-replay',
  'nmi-tracing',
];

/** The folder holding the built-in scenario files. */
export const BUILTIN_SCENARIO_DIR = join(dirname(fileURLToPath(import.meta.url)), 'scenarios');

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
