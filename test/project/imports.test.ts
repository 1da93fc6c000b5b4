/**
 * Imports follow the data flow (DESIGN.md, README "Layout"): each folder of
 * harness/ imports only the folders below it, no two files import each other
 * through any chain, and a strategy sees the public API only. A new import
 * against the flow fails here with the file and the line that adds it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * What each part may import besides itself. Parts are harness/'s folders,
 * harness/'s top-level files by name (errors, strategy) and strategies/.
 * Ground: errors, util, metrics. The core imports nothing above it; reports
 * read stored results (results/) and their analysis, never a model.
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  errors: [],
  util: ['errors'],
  metrics: ['errors', 'util'],
  core: ['errors', 'util'],
  machine: ['core', 'errors', 'util'],
  results: ['metrics', 'errors', 'util'],
  workload: ['core', 'machine', 'errors', 'util'],
  strategy: ['core', 'errors', 'util'],
  strategies: ['strategy', 'core'],
  sim: ['core', 'machine', 'workload', 'results', 'metrics', 'errors', 'util'],
  validate: ['core', 'machine', 'workload', 'errors', 'util'],
  analysis: ['core', 'results', 'metrics', 'errors', 'util'],
  report: ['analysis', 'results', 'metrics', 'errors', 'util'],
  lab: ['validate', 'machine', 'core', 'results', 'report', 'errors', 'util'],
  compare: ['analysis', 'sim', 'workload', 'machine', 'core', 'results', 'metrics', 'errors', 'util'],
  bench: ['sim', 'workload', 'machine', 'core', 'strategies', 'results', 'metrics', 'errors', 'util'],
  cli: ['compare', 'bench', 'lab', 'report', 'analysis', 'validate', 'sim', 'workload', 'machine', 'core', 'results', 'metrics', 'errors', 'util'],
};

/** A strategy file may import these harness files only (the public API). */
const STRATEGY_API = new Set(['harness/strategy.ts', 'harness/core/index.ts']);

function sources(dir: string, out: string[] = []): string[] {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.(ts|mjs)$/.test(f) && !f.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function partOf(file: string): string {
  if (file.startsWith('strategies/')) return 'strategies';
  const segs = file.split('/');
  return segs.length === 2 ? segs[1]!.replace(/\.(ts|mjs)$/, '') : segs[1]!;
}

interface Import {
  from: string;
  to: string;
  line: number;
}

/** Every relative import and re-export (static and dynamic with a literal path) of harness/ and strategies/. */
function imports(): Import[] {
  const out: Import[] = [];
  for (const file of [...sources('harness'), ...sources('strategies')]) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((text, i) => {
      for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)) {
        out.push({ from: file, to: relative('.', resolve(dirname(file), m[1]!)), line: i + 1 });
      }
    });
  }
  return out;
}

describe('imports follow the data flow', () => {
  const all = imports();

  it('finds the imports it checks (the reader works)', () => {
    expect(all.length).toBeGreaterThan(300);
    expect(all.some((x) => x.from === 'harness/cli/main.ts')).toBe(true);
  });

  it('each folder imports only the folders below it', () => {
    const against = all
      .filter((x) => {
        const a = partOf(x.from);
        const b = partOf(x.to);
        return a !== b && !(MAY_IMPORT[a] ?? []).includes(b);
      })
      .map((x) => `${x.from}:${x.line} imports ${x.to} (${partOf(x.from)} -> ${partOf(x.to)})`);
    expect(against).toEqual([]);
  });

  it('every folder of harness/ has its place in the order', () => {
    const parts = new Set(all.flatMap((x) => [partOf(x.from), partOf(x.to)]));
    expect([...parts].filter((p) => !(p in MAY_IMPORT))).toEqual([]);
  });

  it('a strategy imports the public API only', () => {
    const bad = all.filter((x) => partOf(x.from) === 'strategies' && partOf(x.to) !== 'strategies' && !STRATEGY_API.has(x.to));
    expect(bad.map((x) => `${x.from}:${x.line} imports ${x.to}`)).toEqual([]);
  });

  it('only the simulator, the validators and the bench boot an allocator core (the CLI and a compare\'s plan never do)', () => {
    const booting = new Set(['core', 'sim', 'validate', 'bench']);
    const files = [...sources('harness'), ...sources('strategies')].filter((f) => /\bcreateCore\(/.test(readFileSync(f, 'utf8')));
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((f) => !booting.has(partOf(f)))).toEqual([]);
  });

  it('no files import each other, through any chain', () => {
    const next = new Map<string, string[]>();
    for (const x of all) next.set(x.from, [...(next.get(x.from) ?? []), x.to]);
    // Tarjan's strongly connected components: a component of two or more files is a loop.
    let index = 0;
    const idx = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const on = new Set<string>();
    const loops: string[][] = [];
    const visit = (v: string): void => {
      idx.set(v, index);
      low.set(v, index++);
      stack.push(v);
      on.add(v);
      for (const w of next.get(v) ?? []) {
        if (!idx.has(w)) {
          visit(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
      if (low.get(v) === idx.get(v)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          on.delete(w);
          comp.push(w);
        } while (w !== v);
        if (comp.length > 1) loops.push(comp.sort());
      }
    };
    for (const v of next.keys()) if (!idx.has(v)) visit(v);
    expect(loops).toEqual([]);
  });
});
