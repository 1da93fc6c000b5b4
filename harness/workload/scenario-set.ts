/**
 * `--set key=value` on a scenario: one field, by its dotted path, set to a
 * value, and the scenario validated and resolved again (scenario.ts).
 */
import { InputError, describeFound } from '../errors.ts';
import { closestName } from '../util/closest-name.ts';
import { formatPath, knownKeysAt, schemaAtPath } from '../util/zod-errors.ts';
import { parseScenario, rawInputOf, scenarioToInput } from './scenario.ts';
import { ScenarioSchema, scenarioFieldPaths, type Scenario } from './scenario-schema.ts';

function fail(file: string, where: string, expected: string, found: string): never {
  throw new InputError({ file, where, expected, found });
}

/** A --set key's path: dotted names, with array entries as `.0` or `[0]`; empty segments dropped. */
function splitKey(key: string): PropertyKey[] {
  const out: PropertyKey[] = [];
  for (const part of key.replace(/\[(\d+)\]/g, '.$1').split('.')) {
    if (part === '') continue;
    out.push(/^\d+$/.test(part) ? Number(part) : part);
  }
  return out;
}

/**
 * `--set workload.kvfreeRcu.headlessShare=0.5`: return a new Scenario with the
 * field at the dot path `key` (array entries as `.0` or `[0]`) set to `value`,
 * parsed as JSON when it parses, else taken as a string. Defaults that depend on
 * other fields (zones, minFreeKbytes) are recomputed. The result is validated
 * again; a bad key (with the closest valid key) or a bad value is one InputError
 * whose file is `origin` (e.g. the command-line option). `scenario` is not changed.
 */
export function applySet(scenario: Scenario, key: string, value: string, origin: string): Scenario {
  const path = splitKey(key);
  const paths = scenarioFieldPaths().map((f) => f.path);
  if (path.length === 0) fail(origin, 'key', 'a scenario field such as workload.kvfreeRcu.headlessShare', describeFound(key));
  // "run..durationMs", "run.durationMs.": an empty segment is a typo, not a shorthand.
  if (key.replace(/\[(\d+)\]/g, '.$1').split('.').some((part) => part === '')) {
    fail(origin, 'key', 'field names separated by single dots (e.g. workload.kvfreeRcu.headlessShare)', describeFound(key));
  }
  // Check the path against the schema first, so a typo names the closest key.
  for (let i = 1; i <= path.length; i++) {
    const prefix = path.slice(0, i);
    if (schemaAtPath(ScenarioSchema, prefix).length === 0) {
      const parent = path.slice(0, i - 1);
      const seg = path[i - 1]!;
      if (typeof seg === 'number') {
        fail(origin, formatPath(prefix), `a field name under ${formatPath(parent)}`, `index ${seg}`);
      }
      const guess = closestName(key, paths) ?? closestName(String(seg), knownKeysAt(ScenarioSchema, parent));
      fail(origin, key, 'a scenario field', `unknown field "${String(seg)}"${guess ? ` (did you mean "${guess}"?)` : ''}`);
    }
  }
  let parsedValue: unknown;
  try {
    parsedValue = JSON.parse(value);
  } catch {
    parsedValue = value;
  }
  // A kernel version is a name, not a number: `--set kernel.profile=5.10` means "5.10", not 5.1.
  if (formatPath(path) === 'kernel.profile' && typeof parsedValue === 'number') parsedValue = value;
  const base = rawInputOf(scenario) ?? scenarioToInput(scenario);
  const root: Record<PropertyKey, unknown> = base !== null && typeof base === 'object' && !Array.isArray(base) ? (base as Record<PropertyKey, unknown>) : {};
  let cur: Record<PropertyKey, unknown> = root;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i]!;
    const next = cur[seg as string];
    if (next === null || typeof next !== 'object') {
      if (Array.isArray(cur) && typeof seg === 'number' && seg > cur.length) {
        fail(origin, formatPath(path.slice(0, i + 1)), `an index <= ${cur.length}`, String(seg));
      }
      const created: Record<PropertyKey, unknown> | unknown[] = typeof path[i + 1] === 'number' ? [] : {};
      cur[seg as string] = created;
      cur = created as Record<PropertyKey, unknown>;
    } else {
      cur = next as Record<PropertyKey, unknown>;
    }
  }
  const last = path[path.length - 1]!;
  if (Array.isArray(cur) && typeof last === 'number' && last > cur.length) {
    fail(origin, formatPath(path), `an index <= ${cur.length}`, String(last));
  }
  cur[last as string] = parsedValue;
  try {
    return parseScenario(root, scenario.file);
  } catch (err) {
    if (err instanceof InputError && err.file === scenario.file) {
      throw new InputError({ file: `${origin} (scenario ${scenario.file})`, where: err.where, expected: err.expected, found: err.found });
    }
    throw err;
  }
}
