import { describe, expect, it } from 'vitest';
import { BUILTIN_SCENARIOS, loadBuiltinScenario } from '../../harness/workload/builtin.ts';
import { scenarioMachine } from '../../harness/workload/scenario.ts';
import { inputError } from '../helpers/input-error.ts';

describe('built-in scenarios', () => {
  it.each(BUILTIN_SCENARIOS)('%s loads, is named after its file and describes itself', (name) => {
    const s = loadBuiltinScenario(name);
    expect(s.name).toBe(name);
    expect(s.description.length).toBeGreaterThan(200);
    expect(s.run.durationMs).toBeGreaterThan(0);
    expect(s.run.seeds.length).toBeGreaterThan(0);
    // resolved machine agrees with the MachineSpec handed to the core
    const spec = scenarioMachine(s);
    expect(spec.cpus).toBe(s.machine.cpus);
    expect(spec.zones.map((z) => z.managedPages)).toEqual(s.machine.zones.map((z) => z.managedPages));
    expect(spec.lowmemReserveRatio.length).toBe(spec.zones.length);
  });

  it('has the fixed names of the issue', () => {
    for (const n of ['steady', 'burst', 'memory-pressure', 'rt-raw-lock', 'debug-hooks', 'boot-gfp0', 'many-cpus', 'userspace-flood', 'trace-replay']) {
      expect(BUILTIN_SCENARIOS).toContain(n);
    }
  });

  it('unknown name: InputError with the closest name', () => {
    const e = inputError(() => loadBuiltinScenario('stedy'));
    expect(e.found).toContain('did you mean "steady"');
  });

  it('the kernel configs the scenarios are about', () => {
    expect(loadBuiltinScenario('rt-raw-lock').kernel).toMatchObject({ preemptRt: true, lockdep: true });
    expect(loadBuiltinScenario('debug-hooks').kernel).toMatchObject({ arch: 'powerpc', debugPagealloc: true, kasan: true, pageOwner: true });
    expect(loadBuiltinScenario('boot-gfp0').kernel.earlyBoot).toBe(true);
    const many = loadBuiltinScenario('many-cpus');
    expect(many.machine.cpus).toBeGreaterThanOrEqual(64);
    expect(many.machine.cpus).toBeLessThanOrEqual(256);
    expect(loadBuiltinScenario('trace-replay').workload.trace?.format).toBe('kmem');
    expect(loadBuiltinScenario('memory-pressure').workload.pressure.length).toBeGreaterThan(0);
    expect(loadBuiltinScenario('userspace-flood').workload.userspaceFlood).not.toBeNull();
    expect(loadBuiltinScenario('burst').workload.kvfreeRcu.burst).not.toBeNull();
  });
});
