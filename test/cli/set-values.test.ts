import { describe, expect, it } from 'vitest';
import { classify } from '../../harness/cli/set-values.ts';
import { inputError } from '../helpers/input-error.ts';

const LOADED = ['status-quo', 'dedicated-pool', 'worker-pool'];

describe('classify: what a --set key names', () => {
  it('cost keys, strategy parameters and scenario fields', () => {
    expect(classify('cost.lockHandoff', '40', LOADED)).toEqual({ kind: 'cost', key: 'lockHandoff', value: 40 });
    expect(classify('worker-pool.pages', '3', LOADED)).toEqual({ kind: 'strategy', strategy: 'worker-pool', param: 'pages', value: 3 });
    expect(classify('run.durationMs', '50', LOADED)).toEqual({ kind: 'scenario', key: 'run.durationMs', raw: '50' });
  });

  it('a scenario section of a loaded strategy (a --strategy-file one too) is a scenario field', () => {
    expect(classify('strategies.worker-pool.pages', '3', LOADED)).toEqual({ kind: 'scenario', key: 'strategies.worker-pool.pages', raw: '3' });
    expect(classify('strategies', '{"worker-pool":{"pages":3}}', LOADED).kind).toBe('scenario');
  });

  it('a section of a strategy not loaded is one InputError naming the option and strategies.<name>, with the closest name', () => {
    const e = inputError(() => classify('strategies.worker-pol.pages', '3', LOADED));
    expect([e.file, e.where, e.found]).toEqual(['--set strategies.worker-pol.pages=3', 'strategies.worker-pol', 'unknown strategy "worker-pol"']);
    expect(e.expected).toContain('did you mean "worker-pool"');
    const whole = inputError(() => classify('strategies', '{"dedicated-pol":{}}', LOADED, '--sweep strategies={...}'));
    expect([whole.file, whole.where]).toEqual(['--sweep strategies={...}', 'strategies.dedicated-pol']);
  });
});
