/**
 * test/README.md lists every input kind with its test file and count:
 * the table must agree with FUZZ_RUNS, and each file must fuzz its kind.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FUZZ_RUNS } from '../helpers/fuzz-helpers.ts';

const DIR = 'test';

/** The table's rows: kind, file, count (the first column's and second's backticks dropped). */
function readmeRows(): { kind: string; file: string; count: number }[] {
  const lines = readFileSync(join(DIR, 'README.md'), 'utf8').split('\n');
  const rows: { kind: string; file: string; count: number }[] = [];
  for (const line of lines) {
    if (!line.startsWith('|') || /^\|\s*(input kind|---)/.test(line)) continue;
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    expect(cells, `a table row with 4 cells: ${line}`).toHaveLength(4);
    rows.push({ kind: cells[0]!.replace(/`/g, ''), file: cells[1]!.replace(/`/g, ''), count: Number(cells[3]!.replace(/,/g, '')) });
  }
  return rows;
}

describe('test/README.md', () => {
  it('lists every FUZZ_RUNS kind once, with its count', () => {
    const rows = readmeRows();
    expect(Object.fromEntries(rows.map((r) => [r.kind, r.count]))).toEqual({ ...FUZZ_RUNS });
    expect(rows.length).toBe(Object.keys(FUZZ_RUNS).length);
  });

  it('names, for each kind, a test file that fuzzes it', () => {
    for (const { kind, file } of readmeRows()) {
      const path = join(DIR, file);
      expect(existsSync(path), path).toBe(true);
      expect(readFileSync(path, 'utf8'), `${file} runs fuzz('${kind}', ...)`).toMatch(new RegExp(`fuzz(Async)?\\('${kind.replace(/[()]/g, '\\$&')}'`));
    }
  });
});
