/**
 * `nolock-bench list` shows what compare would run: the folder's strategies and
 * the built-in scenarios, plus any --strategy-file and --scenario-file, read as
 * compare reads them (a bad file is one InputError line, exit 2).
 */
import { describe, expect, it } from 'vitest';
import { runCaptured } from '../helpers/fuzz-cli-helpers.ts';
import { BUILTIN_SCENARIOS } from '../../harness/workload/builtin.ts';

const STRATEGY_FILE = 'test/fixtures/strategies/worker-pool.ts';
const SCENARIO_FILE = 'test/fixtures/scenarios/huge-machine.json';

describe('list', () => {
  it('lists the folder and the built-ins alone', async () => {
    const r = await runCaptured(['list', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { strategies: { name: string }[]; scenarios: { name: string }[] };
    expect(out.strategies.map((s) => s.name)).toContain('status-quo');
    expect(out.strategies.map((s) => s.name)).not.toContain('worker-pool');
    expect(out.scenarios.map((s) => s.name)).toEqual([...BUILTIN_SCENARIOS]);
  });

  it('adds --strategy-file and --scenario-file after them, with parameters', async () => {
    const r = await runCaptured(['list', '--json', '--strategy-file', STRATEGY_FILE, '--scenario-file', SCENARIO_FILE]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { strategies: { name: string; params: { name: string }[] }[]; scenarios: { name: string }[] };
    const last = out.strategies[out.strategies.length - 1]!;
    expect(last.name).toBe('worker-pool');
    expect(last.params.length).toBeGreaterThan(0);
    expect(out.scenarios.map((s) => s.name)).toEqual([...BUILTIN_SCENARIOS, 'huge-machine']);
    const text = await runCaptured(['list', '--strategy-file', STRATEGY_FILE]);
    expect(text.stdout).toContain('Strategies (strategies/*.ts, --strategy-file):');
    expect(text.stdout).toMatch(/^ {2}worker-pool: /m);
  });

  it('a missing strategy file or a broken scenario file is one line, exit 2', async () => {
    const missing = await runCaptured(['list', '--strategy-file', 'no/such-strategy.ts']);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('no/such-strategy.ts');
    const broken = await runCaptured(['list', '--scenario-file', 'package.json']);
    expect(broken.code).toBe(2);
    expect(broken.stderr.trim().split('\n')).toHaveLength(1);
    expect(broken.stderr).toContain('package.json');
  });
});
