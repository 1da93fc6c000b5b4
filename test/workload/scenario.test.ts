import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kernelMinFreeKbytes } from '../../harness/machine/defaults.ts';
import { BUILTIN_SCENARIOS, builtinScenarioPath, loadBuiltinScenario } from '../../harness/workload/builtin.ts';
import { DEFAULT_WARMUP_MS, scenarioFieldPaths, type Scenario } from '../../harness/workload/scenario-schema.ts';
import { loadScenario, parseScenario, scenarioMachine } from '../../harness/workload/scenario.ts';
import { inputError } from '../helpers/input-error.ts';

const tmp = mkdtempSync(join(tmpdir(), 'nolock-scenario-'));

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

