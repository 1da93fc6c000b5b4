/**
 * The kernel axis (--kernels): each scenario runs on each listed kernel
 * profile as a table of its own, "<scenario>@<kernel>"; every table's runs
 * share one kernel, summary cells and the verdict carry it, and an unknown
 * profile name is one InputError naming --kernels.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compare, parseKernels } from '../../harness/cli/compare.ts';
import { PROFILE_NAMES } from '../../harness/core/profile.ts';
import { InputError } from '../../harness/errors.ts';
import { readResults } from '../../harness/results/schema.ts';

mkdirSync(resolve('test-output'), { recursive: true });
const work = mkdtempSync(join(resolve('test-output'), 'kernels-'));

describe('--kernels', () => {
  it('takes profile names, comma- or space-separated, each once', () => {
    expect(parseKernels(undefined)).toBeUndefined();
    // 6.x is an alias of the newest profile: the table is named for what the results record.
    expect(parseKernels(['5.9,6.x', '5.9', '7.2'])).toEqual(['5.9', '7.2']);
    expect(() => parseKernels(['5.9,6.3'])).toThrow(InputError);
    expect(() => parseKernels(['6.X'])).toThrow(/--kernels.*one of .*did you mean "6\.x"/);
    // Whatever profiles exist (helper "profiles" adds more): each is accepted.
    expect(parseKernels([PROFILE_NAMES.join(',')])).toEqual([...PROFILE_NAMES]);
  });

  it('runs each scenario on each kernel as its own table, every table on one kernel', async () => {
    const out = await compare({
      strategies: ['status-quo', 'gfp-zero-mask'],
      scenarios: ['steady'],
      kernels: ['5.9,6.x'],
      seeds: 2,
      quick: false,
      scenarioFiles: [],
      sets: ['run.durationMs=30'],
      jobs: 2,
      runId: 'kernels',
      resultsDir: join(work, 'results'),
      reportsDir: join(work, 'reports'),
      json: false,
      measure: false,
      command: 'test',
      runWallLimitMs: 60_000,
    });
    const res = readResults(out.paths.json);
    expect(res.config.kernels).toEqual(['5.9', '7.2']);
    expect(res.scenarios.map((s) => [s.name, s.kernel.profile])).toEqual([
      ['steady@5.9', '5.9'],
      ['steady@7.2', '7.2'],
    ]);
    expect(res.runs.length).toBe(2 * 2 * 2);
    // Every table (scenario key) holds runs of one kernel, the one it is named for.
    for (const name of ['steady@5.9', 'steady@7.2']) {
      const kernels = new Set(res.runs.filter((r) => r.scenario === name).map((r) => r.profile));
      expect([...kernels]).toEqual([name.split('@')[1]]);
      for (const c of res.summary.filter((s) => s.scenario === name)) expect(c.kernel).toBe(name.split('@')[1]);
      expect(res.verdict!.scenarios[name]!.kernel).toBe(name.split('@')[1]);
    }
    // A seed's stream differs by kernel (the watermarks depend on it), but is the same for every strategy on one kernel.
    for (const name of ['steady@5.9', 'steady@7.2']) {
      for (const seed of [1, 2]) expect(new Set(res.runs.filter((r) => r.scenario === name && r.seed === seed).map((r) => r.workloadHash)).size).toBe(1);
    }
  }, 120_000);
});
