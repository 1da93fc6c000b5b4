/**
 * `nolock-bench merge`: recombine the results of shards (`compare --shard
 * i/n`, run on different machines or CI jobs) into one run per matrix.
 *
 * It takes results.json files, folders (a run folder, or a results folder
 * whose run folders it reads) and globs (expanded here when the shell did
 * not, e.g. quoted in a CI script). The files are grouped by matrix: the same
 * config but the shard (strategies, scenarios, seeds, sets, sweep, limits)
 * and the same shard count. Each complete group (every shard 1/n .. n/n) is
 * merged; what is not merged is named, one line each: a whole run (no
 * --shard), a group with shards missing (which), a shard given twice (the
 * newer is used). Runs are put back in the canonical order and the summary
 * is recomputed, so a merged run equals the unsharded one (but for wall
 * times and environment), and its command reruns the whole matrix.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { summarize } from '../analysis/summarize.ts';
import { computeVerdict } from '../analysis/verdict.ts';
import { InputError, describeFound } from '../errors.ts';
import { eventsPerSecPerCore, readResults, type Results } from '../results/schema.ts';
import { claimRunId, storeResults } from '../results/store.ts';

export interface MergedRun {
  readonly results: Results;
  readonly json: string;
  /** The shard files merged, in shard order. */
  readonly files: readonly string[];
}

export interface MergeOutcome {
  readonly merged: readonly MergedRun[];
  /** One line per file or group not merged, and why. */
  readonly skipped: readonly string[];
}

const GLOB_CHARS = /[*?[]/;

/** A glob segment ("*", "?", "[ab]") as a regular expression over one file name. */
function segmentPattern(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = segment.indexOf(']', i + 1);
      if (close < 0) re += '\\[';
      else {
        re += `[${segment.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** The paths a glob matches (files and folders), sorted; "*" does not match a leading ".". */
export function expandGlob(pattern: string): string[] {
  const abs = resolve(pattern);
  const parts = abs.split(sep);
  let bases = [parts[0] === '' ? sep : parts[0]!];
  for (const part of parts.slice(1)) {
    if (part === '') continue;
    const next: string[] = [];
    for (const base of bases) {
      if (!GLOB_CHARS.test(part)) {
        const p = join(base, part);
        if (existsSync(p)) next.push(p);
        continue;
      }
      let names: string[];
      try {
        names = readdirSync(base);
      } catch {
        continue;
      }
      const re = segmentPattern(part);
      for (const n of names.sort()) if (re.test(n) && (part.startsWith('.') || !n.startsWith('.'))) next.push(join(base, n));
    }
    bases = next;
  }
  return bases;
}

const isDir = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/**
 * The results files `args` name: a file as given (readResults says when it
 * is missing), a folder's results.json or else its run folders' (one level
 * down), a glob's matches (`found`: a file merge looked for, not one named).
 * A folder or glob that holds no results file is an InputError naming it.
 */
export function mergeInputs(args: readonly string[]): { path: string; found: boolean }[] {
  const out: { path: string; found: boolean }[] = [];
  const fromDir = (dir: string, arg: string): string[] => {
    const own = join(dir, 'results.json');
    if (existsSync(own)) return [own];
    const found = readdirSync(dir)
      .sort()
      .map((n) => join(dir, n, 'results.json'))
      .filter((p) => existsSync(p));
    if (found.length === 0) throw new InputError({ file: arg, where: 'folder', expected: 'a results.json in it or in its run folders (<run-id>/results.json)', found: 'none' });
    return found;
  };
  for (const arg of args) {
    const abs = resolve(arg);
    if (isDir(abs)) out.push(...fromDir(abs, arg).map((path) => ({ path, found: true })));
    else if (!existsSync(abs) && GLOB_CHARS.test(arg)) {
      const matches = expandGlob(arg);
      if (matches.length === 0) throw new InputError({ file: arg, where: 'glob', expected: 'at least one matching results.json or folder', found: 'no match' });
      for (const m of matches) out.push(...(isDir(m) ? fromDir(m, m) : [m]).map((path) => ({ path, found: true })));
    } else out.push({ path: abs, found: false });
  }
  const seen = new Set<string>();
  return out.filter((f) => !seen.has(f.path) && seen.add(f.path));
}

/** `command` without --shard and --run-id: the command line of the whole matrix. */
export function matrixCommand(command: string): string {
  return command
    .replace(/ --shard(?:=| )\S+/g, '')
    .replace(/ --run-id(?:=| )(?:'(?:[^']|'\\'')*'|\S+)/g, '')
    .replace(/ --$/, '');
}

interface Part {
  readonly file: string;
  readonly r: Results;
}

/** Files grouped as one matrix cut into `count` shards. */
interface Group {
  readonly key: string;
  readonly count: number;
  readonly byIndex: Map<number, Part>;
}

/** One merged Results of a complete group (shards in order), with `runId`. */
function mergeGroup(parts: readonly Part[], runId: string): Results {
  const first = parts[0]!;
  const stratIdx = new Map(first.r.config.strategies.map((s, i) => [s, i]));
  const scenIdx = new Map(first.r.config.scenarios.map((s, i) => [s, i]));
  const seen = new Set<string>();
  const runs = parts
    .flatMap((p) => p.r.runs)
    .filter((r) => {
      const k = `${r.strategy}|${r.scenario}|${r.variant}|${r.seed}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => (scenIdx.get(a.scenario) ?? 0) - (scenIdx.get(b.scenario) ?? 0) || (stratIdx.get(a.strategy) ?? 0) - (stratIdx.get(b.strategy) ?? 0) || a.variant.localeCompare(b.variant, 'en', { numeric: true }) || a.seed - b.seed);
  const failedRuns = parts.flatMap((p) => p.r.failedRuns);
  const timelines = parts.flatMap((p) => p.r.timelines);
  const totals = parts.reduce(
    (t, p) => ({ runs: t.runs + p.r.totals.runs, failedRuns: t.failedRuns + p.r.totals.failedRuns, simEvents: t.simEvents + p.r.totals.simEvents, simWallMs: t.simWallMs + p.r.totals.simWallMs, workloadWallMs: t.workloadWallMs + p.r.totals.workloadWallMs, wallMs: Math.max(t.wallMs, p.r.totals.wallMs), eventsPerSecPerCore: 0 }),
    { runs: 0, failedRuns: 0, simEvents: 0, simWallMs: 0, workloadWallMs: 0, wallMs: 0, eventsPerSecPerCore: 0 },
  );
  totals.eventsPerSecPerCore = eventsPerSecPerCore(totals.simEvents, totals.simWallMs + totals.workloadWallMs);
  // A shard's comparison against a baseline covers its own cells only: the merged run has none.
  const { comparison: _shardsOwn, verdict: _shardsVerdict, ...rest } = first.r;
  const merged: Results = {
    ...rest,
    runId,
    createdAt: new Date().toISOString(),
    command: matrixCommand(first.r.command),
    config: { ...first.r.config, shard: null },
    runs,
    failedRuns,
    summary: summarize(runs),
    timelines,
    measured: first.r.measured,
    totals,
  };
  // Cells a kernel lacks the strategy for are recorded by every shard that planned them.
  const na = new Map((parts.flatMap((p) => p.r.notApplicable ?? [])).map((x) => [`${x.strategy}|${x.scenario}|${x.variant}|${x.kernel}`, x]));
  if (na.size > 0) merged.notApplicable = [...na.values()];
  // Recomputed like the summary; a version 1 shard has none of the metrics it ranks by, so no verdict.
  if (merged.schemaVersion >= 2) merged.verdict = computeVerdict(merged);
  return merged;
}

const list = (xs: readonly (string | number)[]): string => xs.join(', ');

/**
 * Reads the files `args` name (mergeInputs), merges every complete group of
 * shards into its own run under `resultsDir` (named `runId` when given: then
 * there must be exactly one), and names the rest in `skipped`. A file that
 * does not read, or nothing to merge, is one InputError; nothing is written then.
 */
export async function mergeCommand(args: readonly string[], resultsDir: string, runId?: string): Promise<MergeOutcome> {
  const files = mergeInputs(args);
  if (files.length === 0) throw new InputError({ file: 'merge', where: 'files', expected: 'at least one results.json', found: 'none' });
  const skipped: string[] = [];
  // A file named that does not read is bad input; one a folder or glob turned
  // up (another run stored by an older version, say) is named and left out.
  const parts: Part[] = files.flatMap((f) => {
    if (!f.found) return [{ file: f.path, r: readResults(f.path) }];
    try {
      return [{ file: f.path, r: readResults(f.path) }];
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      skipped.push(`${e.message} (not read)`);
      return [];
    }
  });
  const groups = new Map<string, Group>();
  const wholeRuns: string[] = [];
  for (const p of parts) {
    const shard = p.r.config.shard;
    if (shard === null) {
      wholeRuns.push(p.file);
      skipped.push(`${p.file}: not a shard (a whole run, without --shard)`);
      continue;
    }
    const key = `${shard.count}\u0000${JSON.stringify({ ...p.r.config, shard: null })}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, count: shard.count, byIndex: new Map() }));
    const twin = g.byIndex.get(shard.index);
    if (twin) {
      const [older, newer] = twin.r.createdAt <= p.r.createdAt ? [twin, p] : [p, twin];
      skipped.push(`${older.file}: shard ${shard.index}/${shard.count} again (${newer.file}, newer, is the one merged)`);
      g.byIndex.set(shard.index, newer);
    } else g.byIndex.set(shard.index, p);
  }
  const complete: Part[][] = [];
  const incomplete: string[] = [];
  for (const g of groups.values()) {
    const have = [...g.byIndex.keys()].sort((a, b) => a - b);
    const missing = Array.from({ length: g.count }, (_, i) => i + 1).filter((i) => !g.byIndex.has(i));
    const parts = have.map((i) => g.byIndex.get(i)!);
    if (missing.length === 0) {
      complete.push(parts);
      continue;
    }
    const shown = missing.length > 8 ? `${list(missing.slice(0, 8))} and ${missing.length - 8} more` : list(missing);
    incomplete.push(`shard ${shown} of ${g.count} missing`);
    skipped.push(`shards ${list(have.map((i) => `${i}/${g.count}`))} of \`${matrixCommand(parts[0]!.r.command)}\` (${list(parts.map((p) => p.file))}): shard ${shown} missing, not merged`);
  }
  if (complete.length === 0) {
    const found = [wholeRuns.length > 0 ? `${wholeRuns.length} whole run(s) (no --shard)` : '', incomplete.length > 0 ? `${incomplete.length} matrix(es) with shards missing (${incomplete[0]}${incomplete.length > 1 ? ', ...' : ''})` : ''].filter(Boolean).join(' and ');
    throw new InputError({ file: 'merge', where: 'files', expected: 'every shard (1/n .. n/n) of at least one matrix (compare --shard i/n)', found: found || 'no results file that reads' });
  }
  if (runId !== undefined && complete.length > 1) {
    throw new InputError({ file: '--run-id', where: 'value', expected: 'the files of one matrix (or no --run-id: each merged run gets its own id)', found: `${complete.length} complete matrices, ${describeFound(runId)} would name them all` });
  }
  const merged: MergedRun[] = [];
  for (const group of complete) {
    const results = mergeGroup(group, claimRunId(resultsDir, runId));
    const stored = storeResults(results, resultsDir);
    merged.push({ results, json: stored.json, files: group.map((p) => p.file) });
  }
  return { merged, skipped };
}
