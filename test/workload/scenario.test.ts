import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootMinFreeKbytes } from '../../harness/machine/min-free-kbytes.ts';
import { BUILTIN_SCENARIOS, builtinScenarioPath, loadBuiltinScenario } from '../../harness/workload/builtin.ts';
import {
  applySet,
  DEFAULT_WARMUP_MS,
  defaultZones,
  kernelMinFreeKbytes,
  loadScenario,
  minFreeKbytesFromZoneinfo,
  parseScenario,
  scenarioFieldPaths,
  scenarioMachine,
  type Scenario,
} from '../../harness/workload/scenario-schema.ts';
import { inputError } from '../helpers/input-error.ts';


const tmp = mkdtempSync(join(tmpdir(), 'nolock-scenario-'));

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

describe('defaults', () => {
  it('an empty object is a complete scenario', () => {
    const s = parseScenario({}, join(tmp, 'empty.json'));
    expect(s.name).toBe('empty');
    expect(s.kernel).toEqual({ profile: '5.9', preemptRt: false, lockdep: false, debugPagealloc: false, kasan: false, pageOwner: false, thp: true, initOnAlloc: null, arch: 'x86_64', earlyBoot: false });
    expect(s.machine.cpus).toBe(4);
    expect(s.machine.memoryMiB).toBe(4096);
    expect(s.machine.zones.map((z) => z.kind)).toEqual(['DMA', 'DMA32', 'Normal', 'Movable', 'Device']);
    expect(s.machine.zones.reduce((a, z) => a + z.managedPages, 0)).toBe(4096 * 256);
    // int_sqrt(4 GiB in kB * 16) = 8192, raised by khugepaged (THP on by default, as in
    // Debian's non-RT kernels) to 11 pageblocks for each of DMA, DMA32 and Normal
    expect(kernelMinFreeKbytes(s.machine.zones, '5.9')).toBe(8192);
    expect(s.machine.minFreeKbytes).toBe(67584);
    expect(s.machine.watermarkScaleFactor).toBe(10);
    expect(s.machine.lowmemReserveRatio).toEqual([256, 256, 32, 0, 0]);
    expect(s.workload.rcu).toEqual({ gracePeriodMs: 10, drainDelayMs: 20, blockEntries: 510 });
    expect(s.workload.kvfreeRcu.cpus).toBe('all');
    expect(s.workload.kvfreeRcu.burst).toBeNull();
    expect(s.workload.pressure).toEqual([]);
    expect(s.workload.userspaceFlood).toBeNull();
    expect(s.workload.trace).toBeNull();
    expect(s.run).toEqual({ durationMs: 1000, seeds: [1, 2, 3, 4, 5], warmup: { ms: DEFAULT_WARMUP_MS } });
    expect(s.strategies).toEqual({});
  });

  it('a weight object given in part weighs the missing keys 0', () => {
    const s = parseScenario({ workload: { kvfreeRcu: { contexts: { hardirq: 1 } } } }, 'x.json');
    expect(s.workload.kvfreeRcu.contexts).toEqual({ task: 0, softirq: 0, hardirq: 1, nmi: 0 });
  });

  it('nested null sections get their own defaults when given', () => {
    const s = parseScenario({ workload: { kvfreeRcu: { burst: { everyMs: 10, calls: 100 } }, userspaceFlood: {} } }, 'x.json');
    expect(s.workload.kvfreeRcu.burst).toEqual({ everyMs: 10, calls: 100, cpus: 'all', spacingNs: 50, startMs: 0, context: 'task' });
    expect(s.workload.userspaceFlood).toEqual({ cpus: [0], callsPerSec: 200000, headlessShare: 0, startMs: 0, endMs: null });
  });

  it('pressure rampMs defaults to min(50, length / 4)', () => {
    const s = parseScenario({ workload: { pressure: [{ startMs: 0, endMs: 100 }, { startMs: 200, endMs: 1000 }] } }, 'x.json');
    expect(s.workload.pressure.map((p) => p.rampMs)).toEqual([25, 50]);
    expect(s.workload.pressure[0]).toMatchObject({ targetFreeOf: 'min', factor: 1.05 });
  });

  it('min_free_kbytes as init_per_zone_wmark_min computes it, clamped', () => {
    const zones = (pages: number) => [{ kind: 'Normal' as const, managedPages: pages }];
    expect(kernelMinFreeKbytes(zones(100), '5.9')).toBe(128);
    expect(kernelMinFreeKbytes(zones(16384), '5.9')).toBe(1024); // 64 MiB
    // 262144 in the 5.10 source (linux-yocto-5.10 init_per_zone_wmark_min) and after
    expect(kernelMinFreeKbytes(zones(2 ** 30), '5.10')).toBe(262144);
    expect(kernelMinFreeKbytes(zones(2 ** 30), '7.2')).toBe(262144);
    // HighMem and Movable are not lowmem
    expect(kernelMinFreeKbytes([{ kind: 'Movable', managedPages: 2 ** 30 }, ...zones(16384)], '7.2')).toBe(1024);
  });

  it('default zones: x86-64 splits at 3 GiB, powerpc has one Normal zone', () => {
    expect(defaultZones(2048, 'x86_64').map((z) => z.managedPages)).toEqual([4096, 2032 * 256, 0, 0, 0]);
    expect(defaultZones(2048, 'powerpc')).toEqual([
      { kind: 'Normal', managedPages: 2048 * 256 },
      { kind: 'Movable', managedPages: 0 },
    ]);
  });

  it('explicit zones in MiB or pages; memoryMiB defaults to their sum', () => {
    const s = parseScenario({ machine: { zones: [{ kind: 'DMA32', memoryMiB: 1024 }, { kind: 'Normal', managedPages: 262144 }] } }, 'x.json');
    expect(s.machine.memoryMiB).toBe(2048);
    expect(s.machine.lowmemReserveRatio).toEqual([256, 32]);
  });

  it('imports a machine from /proc/zoneinfo and /proc/buddyinfo, paths relative to the scenario', () => {
    const s = parseScenario(
      { machine: { zoneinfo: { file: 'fixtures/zoneinfo-6.18-2cpu.txt', buddyinfo: 'fixtures/buddyinfo-6.18-2cpu.txt' } } },
      join('test', 'imported.json'),
    );
    expect(s.machine.cpus).toBe(2);
    expect(s.machine.zones.find((z) => z.kind === 'DMA32')?.managedPages).toBe(772915);
    // 4 x the sum of the lowmem min watermarks: within a few pages of the real 67584
    expect(Math.abs(s.machine.minFreeKbytes - 67584)).toBeLessThan(4 * 4);
    expect(scenarioMachine(s).zones.some((z) => z.initialFreeBlocks !== undefined)).toBe(true);
  });

  it('min_free_kbytes from a zoneinfo text', () => {
    const text = readFileSync('test/fixtures/zoneinfo-6.18-2cpu.txt', 'utf8');
    const v = minFreeKbytesFromZoneinfo(text);
    expect(v).toBeGreaterThan(67000);
    expect(minFreeKbytesFromZoneinfo('nothing here')).toBeUndefined();
  });

  it('the resolved scenario is a valid input that resolves to itself', () => {
    for (const name of BUILTIN_SCENARIOS) {
      const s = loadBuiltinScenario(name);
      const { file: _f, ...input } = JSON.parse(JSON.stringify(s)) as Scenario;
      const again = parseScenario(input, s.file);
      expect(again).toEqual(s);
    }
  });
});

describe('malformed scenarios: one InputError naming file, field path, expected and found', () => {
  const cases: [string, unknown, string, string, string][] = [
    ['negative rate', { workload: { kvfreeRcu: { ratePerCpuPerSec: -5 } } }, 'workload.kvfreeRcu.ratePerCpuPerSec', 'a number >= 0', '-5'],
    ['wrong type', { kernel: { preemptRt: 'yes' } }, 'kernel.preemptRt', 'true or false', '"yes"'],
    ['bad enum', { kernel: { profile: '5.11' } }, 'kernel.profile', 'one of "5.9", "5.10", "6.1", "6.12", "7.2", "6.x"', '"5.11"'],
    ['share above 1', { workload: { kvfreeRcu: { headlessShare: 1.5 } } }, 'workload.kvfreeRcu.headlessShare', 'a number <= 1', '1.5'],
    ['too many CPUs', { machine: { cpus: 2000 } }, 'machine.cpus', 'a number <= 1024', '2000'],
    ['fractional CPU count', { machine: { cpus: 2.5 } }, 'machine.cpus', 'an integer', '2.5'],
    ['CPU index out of range', { workload: { kvfreeRcu: { cpus: [0, 9] } } }, 'workload.kvfreeRcu.cpus[1]', 'a CPU index < machine.cpus (4)', '9'],
    ['CPU set not a list', { workload: { background: { cpus: 'some' } } }, 'workload.background.cpus', '"all" or an array of CPU indices', '"some"'],
    ['duplicate CPU', { workload: { kvfreeRcu: { cpus: [1, 1] } } }, 'workload.kvfreeRcu.cpus[1]', 'each CPU once', 'CPU 1 again'],
    ['zero duration', { run: { durationMs: 0 } }, 'run.durationMs', 'a number > 0', '0'],
    ['no seeds', { run: { seeds: [] } }, 'run.seeds', 'at least 1 entry', 'an array of 0'],
    ['missing required field', { workload: { pressure: [{ endMs: 100 }] } }, 'workload.pressure[0].startMs', 'a number', 'nothing'],
    ['phase ends before it starts', { workload: { pressure: [{ startMs: 500, endMs: 100 }] } }, 'workload.pressure[0].endMs', 'a time after startMs (500)', '100'],
    [
      'phases overlap',
      { workload: { pressure: [{ startMs: 0, endMs: 500 }, { startMs: 400, endMs: 600 }] } },
      'workload.pressure[1].startMs',
      "the previous phase's endMs",
      '400',
    ],
    [
      'zones larger than memory',
      { machine: { memoryMiB: 1024, zones: [{ kind: 'DMA', memoryMiB: 16 }, { kind: 'DMA32', memoryMiB: 2000 }] } },
      'machine.zones',
      'at most machine.memoryMiB (1024 MiB)',
      '2016 MiB',
    ],
    ['zone with both sizes', { machine: { zones: [{ kind: 'DMA32', memoryMiB: 16, managedPages: 4096 }] } }, 'machine.zones[0]', 'exactly one of managedPages and memoryMiB', 'both'],
    ['zones out of order', { machine: { zones: [{ kind: 'Normal', memoryMiB: 1024 }, { kind: 'DMA32', memoryMiB: 1024 }] } }, 'machine.zones[1].kind', 'zone_idx order', '"DMA32" after "Normal"'],
    ['lowmem_reserve_ratio length', { machine: { lowmemReserveRatio: [256, 32] } }, 'machine.lowmemReserveRatio', '5 values', '2 values'],
    ['all weights zero', { workload: { background: { gfpMix: { GFP_KERNEL: 0 } } } }, 'workload.background.gfpMix', 'at least one weight > 0', 'all weights 0'],
    [
      'burst longer than its period',
      { workload: { kvfreeRcu: { burst: { everyMs: 1, calls: 100000, spacingNs: 50 } } } },
      'workload.kvfreeRcu.burst.spacingNs',
      'shorter than everyMs',
      '5 ms',
    ],
    ['flood ends before it starts', { workload: { userspaceFlood: { startMs: 100, endMs: 50 } } }, 'workload.userspaceFlood.endMs', 'a time after startMs (100)', '50'],
    ['not an object', [], '(top level)', 'an object', 'an array of 0'],
    ['trace file missing', { workload: { trace: { file: 'no-such-trace.txt' } } }, 'workload.trace.file', 'an existing trace file', 'no such file'],
    ['zoneinfo plus memory', { machine: { memoryMiB: 100, zoneinfo: { file: 'x' } } }, 'machine.memoryMiB', 'nothing when machine.zoneinfo', '100'],
  ];
  it.each(cases)('%s', (_label, input, where, expected, found) => {
    const e = inputError(() => parseScenario(input, 'bad.json'));
    expect(e.file).toBe('bad.json');
    expect(e.where).toBe(where);
    expect(e.expected).toContain(expected);
    expect(e.found).toContain(found);
    expect(e.message.startsWith(`bad.json: ${where}: expected `)).toBe(true);
  });

  it('unknown field: names it and the closest known field', () => {
    const e = inputError(() => parseScenario({ workload: { kvfreeRcu: { raetPerCpuPerSec: 5 } } }, 'bad.json'));
    expect(e.where).toBe('workload.kvfreeRcu.raetPerCpuPerSec');
    expect(e.found).toBe('unknown field "raetPerCpuPerSec" (did you mean "ratePerCpuPerSec"?)');
    const top = inputError(() => parseScenario({ workloads: {} }, 'bad.json'));
    expect(top.found).toContain('did you mean "workload"?');
  });

  it('invalid JSON: line and column', () => {
    const f = join(tmp, 'broken.json');
    writeFileSync(f, '{\n  "name": "x",\n  "run" {}\n}\n');
    const e = inputError(() => loadScenario(f));
    expect(e.file).toBe(f);
    expect(e.where).toBe('line 3, column 9');
    expect(e.expected).toBe('valid JSON');
    const g = join(tmp, 'cut.json');
    writeFileSync(g, '{\n  "name": ');
    expect(inputError(() => loadScenario(g)).found).toBe('the end of the file');
  });

  it('a missing file', () => {
    const e = inputError(() => loadScenario(join(tmp, 'nope.json')));
    expect(e.found).toBe('no such file');
  });
});

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

describe('documentation', () => {
  const doc = readFileSync('harness/workload/SCENARIOS.md', 'utf8');
  it('every schema field has a describe() text with its default and appears in SCENARIOS.md', () => {
    for (const { path, description } of scenarioFieldPaths()) {
      expect(description, path).not.toBe('');
      if (!path.endsWith('.<name>') && !/\.(task|softirq|hardirq|nmi|GFP_\w+|legacy0)$/.test(path)) {
        expect(description, path).toMatch(/Default|Required|not both/);
      }
      expect(doc.includes(`\`${path}\``), `SCENARIOS.md documents ${path}`).toBe(true);
    }
  });

  it('every built-in scenario has its events-per-run estimate in SCENARIOS.md', () => {
    for (const name of BUILTIN_SCENARIOS) expect(doc).toContain(`\`${name}\``);
    expect(builtinScenarioPath('steady')).toMatch(/scenarios[\\/]steady\.json$/);
  });
});
