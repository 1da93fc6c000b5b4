import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_SCENARIO_DIR, BUILTIN_SCENARIOS, loadBuiltinScenario, scenarioNamesIn } from '../../harness/workload/builtin.ts';
import { parseScenario, scenarioMachine } from '../../harness/workload/scenario.ts';
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

describe('the built-in list comes from the folder', () => {
  it('every file of scenarios/ is a built-in, in the order of their order fields', () => {
    expect([...BUILTIN_SCENARIOS]).toEqual(readdirSync(BUILTIN_SCENARIO_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort().sort((a, b) => orderIn(a) - orderIn(b)));
    // The order of the default matrix before the list was derived (results and reports keep it).
    expect(BUILTIN_SCENARIOS.slice(0, 10)).toEqual(['steady', 'burst', 'memory-pressure', 'rt-raw-lock', 'debug-hooks', 'boot-gfp0', 'many-cpus', 'userspace-flood', 'trace-replay', 'nmi-tracing']);
  });

  it('files are ordered by order, then those without one (or unreadable) by name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nolock-builtin-'));
    writeFileSync(join(dir, 'zeta.json'), '{"order": 1}');
    writeFileSync(join(dir, 'alpha.json'), '{}');
    writeFileSync(join(dir, 'beta.json'), '{"order": 2}');
    writeFileSync(join(dir, 'gamma.json'), '{"order": 2}');
    writeFileSync(join(dir, 'aa-broken.json'), '{"order": ');
    writeFileSync(join(dir, 'bad-order.json'), '{"order": "first"}');
    writeFileSync(join(dir, 'notes.txt'), 'not a scenario');
    expect(scenarioNamesIn(dir)).toEqual(['zeta', 'beta', 'gamma', 'aa-broken', 'alpha', 'bad-order']);
  });

  it('order is not part of the workload: the resolved scenario is the same with any order or none', () => {
    for (const name of BUILTIN_SCENARIOS) {
      const file = join(BUILTIN_SCENARIO_DIR, `${name}.json`);
      const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      const { order: _order, ...without } = json;
      const s = parseScenario(json, file);
      expect(s).not.toHaveProperty('order');
      expect(parseScenario(without, file), name).toEqual(s);
      expect(parseScenario({ ...json, order: -3.5 }, file), name).toEqual(s);
    }
  });

  it('a bad order is one InputError naming the file and the field', () => {
    const e = inputError(() => parseScenario({ order: 'first' }, 'x.json'));
    expect([e.file, e.where, e.expected]).toEqual(['x.json', 'order', 'a number']);
  });
});

function orderIn(name: string): number {
  const json = JSON.parse(readFileSync(join(BUILTIN_SCENARIO_DIR, `${name}.json`), 'utf8')) as { order?: number };
  return json.order ?? Infinity;
}
