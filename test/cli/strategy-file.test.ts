/**
 * `compare --strategy-file` with files outside the repository, through the real
 * CLI in a child process (the package's bin): a file that imports the public
 * API by package name ('nolock-bench/strategy', its z included) and one
 * written against the older import (the core's index.ts by path, zod bare)
 * both load in the main thread and in the pool's worker threads and run; a
 * module that really is missing is still one InputError line, exit 2.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readResults } from '../../harness/results/schema.ts';

const BIN = resolve('bin/nolock-bench.js');
const CORE_INDEX = resolve('harness/core/index.ts');
/** Outside the repository: no package.json, no node_modules above it. */
const dir = mkdtempSync(join(tmpdir(), 'nolock-bench-strategy-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  // cwd is the temp dir too: nothing may depend on being started in the repository.
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: 'true' }, timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A strategy file body: one spare page per CPU, refilled by a worker. `head` holds its imports. */
function spareStrategy(name: string, head: string): string {
  return `${head}
export default defineStrategy({
  name: '${name}',
  title: 'One spare page per CPU, kept outside the repository',
  origin: 'test/cli/strategy-file.test.ts',
  description: 'Keeps a page per CPU that a GFP_KERNEL worker refills; written to a temporary directory outside the repository.',
  claims: { noZoneLockInRequest: true },
  params: z.object({ spare: z.number().int().min(1).default(1).describe('Pages kept per CPU.') }).strict(),
  setup({ core, ext }, p) {
    const alloc = core.alloc;
    const spare = ext.createReserve('spare page');
    const refill = ext.addWorker('refill', (cpu, _arg, time) => {
      alloc.beginOp(cpu, CTX_TASK, false, time);
      while (spare.count(cpu) < p.spare) {
        const pfn = alloc.allocPages(GFP_KERNEL, 0);
        if (pfn === NIL) break;
        spare.push(cpu, pfn);
      }
    });
    for (let cpu = 0; cpu < core.config.machine.cpus; cpu++) ext.schedule(refill, 0, cpu);
    return {
      getPage(cpu) {
        ext.charge('pcpListOp');
        const pfn = spare.pop(cpu);
        if (spare.count(cpu) === 0) ext.schedule(refill, ext.now() + alloc.costs.workerWakeLatency, cpu);
        return pfn;
      },
    };
  },
});
`;
}

describe('compare --strategy-file with a file outside the repository', () => {
  it('imports by package name, or the older way (core index by path, zod bare): both run through the CLI', () => {
    const byName = join(dir, 'by-package-name.ts');
    writeFileSync(byName, spareStrategy('by-package-name', "import { CTX_TASK, GFP_KERNEL, NIL, defineStrategy, z } from 'nolock-bench/strategy';"));
    const byPath = join(dir, 'by-core-path.ts');
    writeFileSync(byPath, spareStrategy('by-core-path', `import { z } from 'zod';\nimport { CTX_TASK, GFP_KERNEL, NIL, defineStrategy } from ${JSON.stringify(CORE_INDEX)};`));
    const out = join(dir, 'out-ok');
    const r = cli('compare', '--strategy-file', byName, '--strategy-file', byPath, '--strategies', 'by-package-name', 'by-core-path', '--scenarios', 'steady', '--seeds', '1', '--set', 'run.durationMs=5', '--no-measure', '--jobs', '1', '--run-id', 'ext', '--results-dir', join(out, 'results'), '--reports-dir', join(out, 'reports'));
    expect(r.code, r.stderr).toBe(0);
    const res = readResults(join(out, 'results', 'ext', 'results.json'));
    expect(res.failedRuns).toEqual([]);
    expect(res.runs.map((x) => x.strategy).sort()).toEqual(['by-core-path', 'by-package-name']);
    for (const run of res.runs) {
      expect(run.metrics.locklessRequests, run.strategy).toBeGreaterThan(0);
      expect(run.metrics.zoneLockInLockless, run.strategy).toBe(0);
    }
  }, 120_000);

  it('a module that is really missing: one InputError line naming the file, exit 2, nothing written', () => {
    const file = join(dir, 'needs-missing.ts');
    writeFileSync(file, `${spareStrategy('needs-missing', "import { CTX_TASK, GFP_KERNEL, NIL, defineStrategy, z } from 'nolock-bench/strategy';")}\nimport 'no-such-package-for-nolock-bench';\n`);
    const out = join(dir, 'out-missing');
    const r = cli('compare', '--strategy-file', file, '--scenarios', 'steady', '--seeds', '1', '--set', 'run.durationMs=5', '--no-measure', '--results-dir', join(out, 'results'), '--reports-dir', join(out, 'reports'));
    expect(r.code, r.stdout + r.stderr).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    // (the found part is cut at InputError's MAX_PART.found characters)
    expect(lines[0]!.startsWith(`nolock-bench: ${file}: module: expected a TypeScript module that loads, found an error: Cannot find package 'no-such-package-for-nolock-bench' imported from `)).toBe(true);
    expect(existsSync(join(out, 'results'))).toBe(false);
  }, 120_000);
});
