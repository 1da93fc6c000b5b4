/**
 * Discovers strategies: every `*.ts` file in strategies/ whose default export
 * is a strategy definition. Adding a strategy is adding a file; nothing else
 * changes. The order is the thread's (status-quo first, then the 2020
 * proposals, then the later designs); unknown new files come after, by name.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { STRATEGY_CLAIMS, type StrategyDefinition } from '../core/strategy-api.ts';
import { InputError } from '../errors.ts';
import { closestName } from '../util/closest-name.ts';
import { registerStrategyResolver } from './strategy-resolver.ts';

export const STRATEGIES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../strategies');

const PREFERRED_ORDER = ['status-quo', 'gfp-no-locks-bit', 'gfp-zero-mask', 'lockless-entry', 'dedicated-pool', 'rcu-page-cache', 'alloc-pages-nolock'];

let cache: Promise<StrategyDefinition[]> | null = null;

/** All strategies of the strategies/ folder, loaded once. */
export function loadStrategies(dir = STRATEGIES_DIR): Promise<StrategyDefinition[]> {
  if (dir === STRATEGIES_DIR && cache) return cache;
  const p = loadFrom(dir);
  if (dir === STRATEGIES_DIR) cache = p;
  return p;
}

async function loadFrom(dir: string): Promise<StrategyDefinition[]> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).sort();
  const out: StrategyDefinition[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(join(dir, f)).href)) as { default?: unknown };
    const def = mod.default as StrategyDefinition | undefined;
    if (!isStrategy(def)) throw new Error(`strategies/${f}: the default export must be defineStrategy({...})`);
    if (`${def.name}.ts` !== f) throw new Error(`strategies/${f}: the strategy is named "${def.name}"; name the file ${def.name}.ts`);
    const bad = claimsProblem(def.claims);
    if (bad !== undefined) throw new Error(`strategies/${f}: claims: expected ${CLAIMS_EXPECTED}, found ${bad}`);
    out.push(def);
  }
  const rank = (n: string): number => {
    const i = PREFERRED_ORDER.indexOf(n);
    return i < 0 ? PREFERRED_ORDER.length : i;
  };
  return out.sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
}

const CLAIMS_EXPECTED = `an object of true/false claims among ${STRATEGY_CLAIMS.join(', ')}`;

/** What is wrong with a definition's `claims` (undefined: absent or valid), for the error line. */
function claimsProblem(claims: unknown): string | undefined {
  if (claims === undefined) return undefined;
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return Array.isArray(claims) ? 'an array' : claims === null ? 'null' : `a ${typeof claims}`;
  for (const [k, v] of Object.entries(claims)) {
    if (!(STRATEGY_CLAIMS as readonly string[]).includes(k)) return `unknown claim ${JSON.stringify(k)}`;
    if (typeof v !== 'boolean') return `${k}: ${JSON.stringify(v) ?? typeof v}`;
  }
  return undefined;
}

function isStrategy(def: unknown): def is StrategyDefinition {
  const d = def as Partial<StrategyDefinition> | null | undefined;
  return !!d && typeof d === 'object' && typeof d.name === 'string' && typeof d.setup === 'function' && typeof d.params?.safeParse === 'function';
}

/**
 * Strategies from files outside strategies/ (`compare --strategy-file`): try a
 * design without adding it to the tree. Each file follows the same contract
 * (default export defineStrategy, file named after the strategy); a missing
 * file, a file that fails to load (a module it imports is missing, a syntax
 * error), or a name already taken is an InputError. A file anywhere on disk
 * may import 'nolock-bench/strategy' and 'zod' (strategy-resolver.ts,
 * registered here in whichever thread loads the files), or the repository's
 * files by path.
 */
export async function loadStrategyFiles(paths: readonly string[], taken: readonly string[] = []): Promise<StrategyDefinition[]> {
  if (paths.length > 0) registerStrategyResolver();
  const out: StrategyDefinition[] = [];
  const names = new Set(taken);
  for (const path of paths) {
    if (!existsSync(path)) throw new InputError({ file: path, where: '--strategy-file', expected: 'an existing strategy file (*.ts)', found: 'no such file' });
    let mod: { default?: unknown };
    try {
      mod = (await import(pathToFileURL(resolve(path)).href)) as { default?: unknown };
    } catch (e) {
      throw new InputError({ file: path, where: 'module', expected: 'a TypeScript module that loads', found: `an error: ${String((e as Error).message ?? e).split('\n')[0]}` });
    }
    const def = mod.default;
    if (!isStrategy(def)) throw new InputError({ file: path, where: 'default export', expected: 'defineStrategy({...})', found: describeExport(def) });
    if (`${def.name}.ts` !== basename(path)) throw new InputError({ file: path, where: 'name', expected: `the file to be named ${def.name}.ts`, found: JSON.stringify(basename(path)) });
    if (names.has(def.name)) throw new InputError({ file: path, where: 'name', expected: 'a strategy name not already taken', found: JSON.stringify(def.name) });
    const bad = claimsProblem(def.claims);
    if (bad !== undefined) throw new InputError({ file: path, where: 'claims', expected: CLAIMS_EXPECTED, found: bad });
    names.add(def.name);
    out.push(def);
  }
  return out;
}

function describeExport(v: unknown): string {
  if (v === undefined) return 'no default export';
  return typeof v === 'object' && v !== null ? 'an object that is not a strategy definition' : `a ${typeof v}`;
}

/** Picks strategies by name; an unknown name is an InputError that suggests the closest. */
export function selectStrategies(all: readonly StrategyDefinition[], names: readonly string[] | undefined, origin = '--strategies'): StrategyDefinition[] {
  if (!names || names.length === 0) return [...all];
  const known = all.map((s) => s.name);
  return names.map((n) => {
    const s = all.find((x) => x.name === n);
    if (!s) {
      const near = closestName(n, known);
      throw new InputError({ file: origin, where: 'strategy name', expected: `one of ${known.join(', ')}${near ? ` (did you mean "${near}"?)` : ''}`, found: JSON.stringify(n) });
    }
    return s;
  });
}
