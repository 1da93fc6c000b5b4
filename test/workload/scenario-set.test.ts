import { describe, expect, it } from 'vitest';
import { bootMinFreeKbytes } from '../../harness/machine/min-free-kbytes.ts';
import { loadBuiltinScenario } from '../../harness/workload/builtin.ts';
import { scenarioMachine } from '../../harness/workload/scenario.ts';
import { applySet } from '../../harness/workload/scenario-set.ts';
import { inputError } from '../helpers/input-error.ts';

describe('applySet (--set key=value)', () => {
  const base = loadBuiltinScenario('steady');

  it('sets a number, leaves the original alone', () => {
    const s = applySet(base, 'workload.kvfreeRcu.headlessShare', '0.5', '--set');
    expect(s.workload.kvfreeRcu.headlessShare).toBe(0.5);
    expect(base.workload.kvfreeRcu.headlessShare).toBe(0.1);
    expect(s.name).toBe('steady');
  });

  it('recomputes defaults that depend on the changed field', () => {
    const s = applySet(base, 'machine.memoryMiB', '8192', '--set');
    expect(s.machine.zones.reduce((a, z) => a + z.managedPages, 0)).toBe(8192 * 256);
    // THP is on (Debian's non-RT default): khugepaged's 11 pageblocks for each of DMA, DMA32, Normal.
    expect(s.machine.minFreeKbytes).toBe(bootMinFreeKbytes(s.machine.zones, '5.9', { thp: true }).minFreeKbytes);
    expect(s.machine.minFreeKbytes).toBe(67584);
  });

  it('booleans, strings, arrays, objects and array indices', () => {
    expect(applySet(base, 'kernel.preemptRt', 'true', 'o').kernel.preemptRt).toBe(true);
    expect(applySet(base, 'kernel.profile', '7.2', 'o').kernel.profile).toBe('7.2');
    // 6.x is an alias: the scenario records the profile it stands for
    expect(applySet(base, 'kernel.profile', '6.x', 'o').kernel.profile).toBe('7.2');
    expect(applySet(base, 'kernel.profile', '6.1', 'o').kernel.profile).toBe('6.1');
    expect(applySet(base, 'kernel.profile', '5.10', 'o').kernel.profile).toBe('5.10');
    expect(applySet(base, 'workload.kvfreeRcu.cpus', '[0,2]', 'o').workload.kvfreeRcu.cpus).toEqual([0, 2]);
    const p = applySet(base, 'workload.pressure', '[{"startMs":10,"endMs":20}]', 'o');
    expect(applySet(p, 'workload.pressure[0].factor', '2', 'o').workload.pressure[0]!.factor).toBe(2);
    expect(applySet(p, 'workload.pressure.0.factor', '3', 'o').workload.pressure[0]!.factor).toBe(3);
    expect(applySet(base, 'workload.kvfreeRcu.burst', '{"everyMs":5,"calls":10}', 'o').workload.kvfreeRcu.burst?.calls).toBe(10);
    expect(applySet(base, 'strategies.dedicated-pool.pages', '64', 'o').strategies).toEqual({ 'dedicated-pool': { pages: 64 } });
  });

  it('chains: each set starts from the previous result', () => {
    const a = applySet(base, 'machine.cpus', '8', 'o');
    const b = applySet(a, 'workload.kvfreeRcu.cpus', '[7]', 'o');
    expect(b.machine.cpus).toBe(8);
    expect(b.workload.kvfreeRcu.cpus).toEqual([7]);
  });

  it('a bad key names the closest valid key', () => {
    const e = inputError(() => applySet(base, 'workload.kvfreeRcu.headlesShare', '0.5', '--set workload.kvfreeRcu.headlesShare=0.5'));
    expect(e.file).toBe('--set workload.kvfreeRcu.headlesShare=0.5');
    expect(e.found).toContain('did you mean "workload.kvfreeRcu.headlessShare"?');
  });

  it('a bad value is re-validated and blamed on the option', () => {
    const e = inputError(() => applySet(base, 'workload.kvfreeRcu.headlessShare', '2', '--set x'));
    expect(e.file).toContain('--set x');
    expect(e.where).toBe('workload.kvfreeRcu.headlessShare');
    expect(e.expected).toBe('a number <= 1');
    const cross = inputError(() => applySet(base, 'workload.kvfreeRcu.cpus', '[4]', '--set y'));
    expect(cross.where).toBe('workload.kvfreeRcu.cpus[0]');
  });

  it('works on a scenario that went through structuredClone (worker threads)', () => {
    const cloned = structuredClone(base);
    expect(applySet(cloned, 'run.durationMs', '50', 'o').run.durationMs).toBe(50);
    expect(scenarioMachine(cloned).cpus).toBe(4);
  });
});
