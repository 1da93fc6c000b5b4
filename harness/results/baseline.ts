/**
 * Baselines: a stored run to compare against. `--baseline` takes a path to a
 * results.json, a name saved with --save-baseline (results/baselines/NAME.json,
 * committed), or a run id (results/<run-id>/results.json).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError, describeFound } from '../errors.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { readResults, type Results } from './schema.ts';

export function baselinesDir(resultsDir: string): string {
  return join(resultsDir, 'baselines');
}

export function resolveBaselinePath(ref: string, resultsDir: string): string {
  const candidates = ref.endsWith('.json') ? [resolve(ref)] : [join(baselinesDir(resultsDir), `${ref}.json`), join(resultsDir, ref, 'results.json')];
  const found = candidates.find((p) => existsSync(p));
  if (found) return found;
  throw new InputError({
    file: '--baseline',
    where: 'value',
    expected: `a results.json path, a baseline name (${baselinesDir(resultsDir)}/NAME.json) or a run id (${resultsDir}/RUN-ID/results.json)`,
    found: `${JSON.stringify(ref)}, which is none of them`,
  });
}

export function loadBaseline(ref: string, resultsDir: string): Results {
  return readResults(resolveBaselinePath(ref, resultsDir));
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A name for --save-baseline: an InputError unless it is letters, digits, ".", "_" or "-". */
export function checkBaselineName(name: string): void {
  if (!NAME.test(name)) throw new InputError({ file: '--save-baseline', where: 'name', expected: 'letters, digits, ".", "_" or "-" (at most 64, starting with a letter or digit)', found: describeFound(name) });
}

/** Stores `results` as results/baselines/NAME.json (atomically); returns the path. */
export function saveBaseline(results: Results, name: string, resultsDir: string): string {
  checkBaselineName(name);
  const path = join(baselinesDir(resultsDir), `${name}.json`);
  // Wall-clock timelines are not needed to compare; keep the file small and diffable.
  const slim: Results = { ...results, timelines: [] };
  writeFileAtomic(path, `${JSON.stringify(slim, null, 1)}\n`);
  return path;
}
