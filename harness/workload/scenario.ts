/**
 * A scenario file, read and resolved: loadScenario/parseScenario validate it
 * with the schema (scenario-schema.ts) and resolve what depends on other
 * fields (zones from memoryMiB, min_free_kbytes as the kernel computes it,
 * paths relative to the scenario file), then run the cross-field checks. Any
 * bad input ends as ONE InputError naming the file, the field path, what was
 * expected and what was found.
 *
 * The resolved Scenario is itself a valid scenario input: parsing it again gives
 * the same Scenario (computed fields keep their computed values).
 *
 * The `strategies` sections are left to the strategies loaded: the names and
 * parameters are checked by sim/preflight.ts, which knows them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type * as z from 'zod';
import type { MachineSpec } from '../core/machine-spec.ts';
import { NEWEST_PROFILE, PAGE_SIZE_KB, resolveProfileName } from '../core/profile.ts';
import { LOWMEM_RESERVE_RATIO_DEFAULT } from '../core/watermarks.ts';
import { InputError, describeFound } from '../errors.ts';
import { defaultZones, mibToPages, minFreeKbytesFromZoneinfo } from '../machine/defaults.ts';
import { bootMinFreeKbytes, debianThpDefault } from '../machine/min-free-kbytes.ts';
import { machineFromZoneinfo, parseBuddyinfo, parseZoneinfo } from '../machine/zoneinfo.ts';
import { parseJsonText } from '../util/json-text.ts';
import { issueToInputError } from '../util/zod-errors.ts';
import { MAX_MEMORY_MIB, ScenarioSchema, ZONE_KINDS, type CpuSet, type PressurePhase, type Scenario, type ZoneKind } from './scenario-schema.ts';

// The raw input of each parsed scenario (for applySet: computed defaults are
// recomputed from the input, not frozen) and the MachineSpec it implies.
const rawInputs = new WeakMap<Scenario, unknown>();
const machineSpecs = new WeakMap<Scenario, MachineSpec>();

/**
 * Read, parse and validate a scenario file. Returns the fully defaulted,
 * resolved scenario; throws one InputError (file + field path or line/column)
 * on any problem, never another exception for bad input.
 */
export function loadScenario(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError({ file: path, where: 'file', expected: 'a readable scenario file (JSON)', found: ioReason(err) });
  }
  return parseScenario(parseJsonText(text, path), path);
}

function ioReason(err: unknown): string {
  const code = (err as { code?: string } | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'a directory';
  if (code === 'EACCES') return 'a file without read permission';
  return err instanceof Error ? err.message : String(err);
}

type Parsed = z.output<typeof ScenarioSchema>;

/**
 * Validate `json` (the parsed content of `file`) and return the fully defaulted,
 * resolved Scenario. Relative paths inside are taken relative to `file`'s folder.
 * Throws exactly one InputError on any problem.
 */
export function parseScenario(json: unknown, file: string): Scenario {
  const r = ScenarioSchema.safeParse(json);
  if (!r.success) throw issueToInputError(r.error.issues, json, file, ScenarioSchema);
  const scenario = resolveScenario(r.data, json, file);
  rawInputs.set(scenario, structuredClone(json));
  return scenario;
}

function fail(file: string, where: string, expected: string, found: string): never {
  throw new InputError({ file, where, expected, found });
}

function readInputFile(path: string, scenarioFile: string, where: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    return fail(scenarioFile, where, what, `${JSON.stringify(path)}: ${ioReason(err)}`);
  }
}

/** Re-throw a plain Error from a helper module as an InputError about `file`. */
function asInputError(err: unknown, file: string, where: string, expected: string): InputError {
  if (err instanceof InputError) return err;
  return new InputError({ file, where, expected, found: err instanceof Error ? err.message : String(err) });
}

function resolveScenario(parsed: Parsed, raw: unknown, file: string): Scenario {
  // zod hands out default values by reference: copy so no two scenarios share an array.
  const p = structuredClone(parsed);
  const dir = dirname(file);
  const rawMachine = (raw as { machine?: Record<string, unknown> }).machine ?? {};
  const durationMs = p.run.durationMs;

  // -- kernel ---------------------------------------------------------------
  // `6.x` is an alias: the scenario (and every result) records the profile it stands for.
  const profile = resolveProfileName(p.kernel.profile) ?? NEWEST_PROFILE;
  const thp = p.kernel.thp ?? debianThpDefault(p.kernel.preemptRt);

  // -- machine --------------------------------------------------------------
  let spec: MachineSpec;
  let zoneinfo: Scenario['machine']['zoneinfo'] = null;
  if (p.machine.zoneinfo) {
    for (const k of ['memoryMiB', 'zones', 'minFreeKbytes'] as const) {
      if (rawMachine[k] !== undefined && rawMachine[k] !== null) {
        fail(file, `machine.${k}`, 'nothing when machine.zoneinfo imports the machine', describeFound(rawMachine[k]));
      }
    }
    const zi = p.machine.zoneinfo;
    const zPath = resolve(dir, zi.file);
    const zText = readInputFile(zPath, file, 'machine.zoneinfo.file', 'a readable /proc/zoneinfo capture');
    const bPath = zi.buddyinfo === null ? null : resolve(dir, zi.buddyinfo);
    const bText = bPath === null ? null : readInputFile(bPath, file, 'machine.zoneinfo.buddyinfo', 'a readable /proc/buddyinfo capture');
    const minFree = zi.minFreeKbytes ?? minFreeKbytesFromZoneinfo(zText);
    if (minFree === undefined) {
      fail(file, 'machine.zoneinfo.minFreeKbytes', 'a number (the capture has no "min" watermark lines to derive it from)', 'null');
    }
    try {
      const parsed = parseZoneinfo(zText, zPath);
      const buddy = bText === null || bPath === null ? undefined : parseBuddyinfo(bText, bPath);
      spec = machineFromZoneinfo(parsed, {
        minFreeKbytes: minFree,
        watermarkScaleFactor: zi.watermarkScaleFactor ?? p.machine.watermarkScaleFactor,
        ...(p.machine.cpus !== undefined ? { cpus: p.machine.cpus } : {}),
        ...(p.machine.lowmemReserveRatio !== null ? { lowmemReserveRatio: p.machine.lowmemReserveRatio } : {}),
        sysctlSource: `${file} (machine)`,
        ...(buddy !== undefined ? { buddyinfo: buddy } : {}),
      });
    } catch (err) {
      throw asInputError(err, zPath, '(zoneinfo import)', 'a /proc/zoneinfo capture');
    }
    zoneinfo = { file: zPath, buddyinfo: bPath, minFreeKbytes: zi.minFreeKbytes, watermarkScaleFactor: zi.watermarkScaleFactor };
  } else {
    let zones: { kind: ZoneKind; managedPages: number }[];
    let memoryMiB: number;
    if (p.machine.zones) {
      const seen = new Set<string>();
      zones = p.machine.zones.map((z, i) => {
        if ((z.managedPages === undefined) === (z.memoryMiB === undefined)) {
          fail(file, `machine.zones[${i}]`, 'exactly one of managedPages and memoryMiB', z.managedPages === undefined ? 'neither' : 'both');
        }
        if (seen.has(z.kind)) fail(file, `machine.zones[${i}].kind`, 'each zone kind once', `"${z.kind}" again`);
        seen.add(z.kind);
        return { kind: z.kind, managedPages: z.managedPages ?? mibToPages(z.memoryMiB!) };
      });
      const totalPages = zones.reduce((a, z) => a + z.managedPages, 0);
      const totalMiB = (totalPages * PAGE_SIZE_KB) / 1024;
      if (p.machine.memoryMiB !== undefined) {
        if (totalPages > mibToPages(p.machine.memoryMiB)) {
          fail(file, 'machine.zones', `zones summing to at most machine.memoryMiB (${p.machine.memoryMiB} MiB)`, `${totalMiB} MiB`);
        }
        memoryMiB = p.machine.memoryMiB;
      } else {
        if (totalMiB > MAX_MEMORY_MIB) fail(file, 'machine.zones', `zones summing to at most ${MAX_MEMORY_MIB} MiB`, `${totalMiB} MiB`);
        memoryMiB = totalMiB;
      }
    } else {
      memoryMiB = p.machine.memoryMiB ?? 4096;
      zones = defaultZones(memoryMiB, p.kernel.arch);
    }
    // zone_idx order: the core walks zones (zonelists, lowmem_reserve) by index.
    for (let i = 1; i < zones.length; i++) {
      if (ZONE_KINDS.indexOf(zones[i]!.kind) < ZONE_KINDS.indexOf(zones[i - 1]!.kind)) {
        fail(file, `machine.zones[${i}].kind`, `zones in zone_idx order (${ZONE_KINDS.join(', ')})`, `"${zones[i]!.kind}" after "${zones[i - 1]!.kind}"`);
      }
    }
    const ratios = p.machine.lowmemReserveRatio ?? zones.map((z) => LOWMEM_RESERVE_RATIO_DEFAULT[z.kind]);
    if (ratios.length !== zones.length) {
      fail(file, 'machine.lowmemReserveRatio', `${zones.length} values, one per zone (${zones.map((z) => z.kind).join(', ')})`, `${ratios.length} values`);
    }
    spec = {
      cpus: p.machine.cpus ?? 4,
      minFreeKbytes: p.machine.minFreeKbytes ?? bootMinFreeKbytes(zones, profile, { thp, watermarkScaleFactor: p.machine.watermarkScaleFactor }).minFreeKbytes,
      watermarkScaleFactor: p.machine.watermarkScaleFactor,
      lowmemReserveRatio: [...ratios],
      zones: zones.map((z) => ({ kind: z.kind, managedPages: z.managedPages })),
    };
  }
  const cpus = spec.cpus;
  const machine: Scenario['machine'] = {
    cpus,
    memoryMiB: p.machine.zoneinfo
      ? (spec.zones.reduce((a, z) => a + z.managedPages, 0) * PAGE_SIZE_KB) / 1024
      : (p.machine.memoryMiB ?? (spec.zones.reduce((a, z) => a + z.managedPages, 0) * PAGE_SIZE_KB) / 1024),
    zones: spec.zones.map((z) => ({ kind: z.kind, managedPages: z.managedPages })),
    minFreeKbytes: spec.minFreeKbytes,
    watermarkScaleFactor: spec.watermarkScaleFactor,
    lowmemReserveRatio: [...spec.lowmemReserveRatio],
    zoneinfo,
  };

  // -- CPU sets ---------------------------------------------------------------
  const checkCpus = (set: CpuSet, where: string): void => {
    if (set === 'all') return;
    const seen = new Set<number>();
    set.forEach((c, i) => {
      if (c >= cpus) fail(file, `${where}[${i}]`, `a CPU index < machine.cpus (${cpus})`, String(c));
      if (seen.has(c)) fail(file, `${where}[${i}]`, 'each CPU once', `CPU ${c} again`);
      seen.add(c);
    });
  };
  const w = p.workload;
  checkCpus(w.kvfreeRcu.cpus, 'workload.kvfreeRcu.cpus');
  checkCpus(w.background.cpus, 'workload.background.cpus');
  if (w.kvfreeRcu.burst) checkCpus(w.kvfreeRcu.burst.cpus, 'workload.kvfreeRcu.burst.cpus');
  if (w.userspaceFlood) checkCpus(w.userspaceFlood.cpus, 'workload.userspaceFlood.cpus');

  // -- mixes ------------------------------------------------------------------
  const positive = (weights: Record<string, number> | number[], where: string, needed: boolean): void => {
    const sum = Object.values(weights).reduce((a, b) => a + b, 0);
    if (needed && !(sum > 0)) fail(file, where, 'at least one weight > 0', 'all weights 0');
  };
  positive(w.kvfreeRcu.contexts, 'workload.kvfreeRcu.contexts', w.kvfreeRcu.ratePerCpuPerSec > 0);
  const bgUsed = w.background.allocsPerCpuPerSec > 0 || w.pressure.length > 0;
  positive(w.background.gfpMix, 'workload.background.gfpMix', bgUsed);
  positive(w.background.orderMix, 'workload.background.orderMix', bgUsed);
  positive(w.background.contexts, 'workload.background.contexts', bgUsed);

  // -- burst --------------------------------------------------------------------
  const burst = w.kvfreeRcu.burst;
  if (burst && burst.calls * burst.spacingNs >= burst.everyMs * 1e6) {
    fail(
      file,
      'workload.kvfreeRcu.burst.spacingNs',
      `calls x spacingNs shorter than everyMs (${burst.everyMs} ms), so one burst ends before the next`,
      `${burst.calls} x ${burst.spacingNs} ns = ${(burst.calls * burst.spacingNs) / 1e6} ms`,
    );
  }

  // -- pressure phases -------------------------------------------------------
  let prevEnd = -1;
  const pressure: PressurePhase[] = w.pressure.map((ph, i) => {
    const at = `workload.pressure[${i}]`;
    if (!(ph.endMs > ph.startMs)) fail(file, `${at}.endMs`, `a time after startMs (${ph.startMs})`, String(ph.endMs));
    if (ph.startMs < prevEnd) fail(file, `${at}.startMs`, `a time >= the previous phase's endMs (${prevEnd}); phases must not overlap`, String(ph.startMs));
    if (ph.startMs >= durationMs) fail(file, `${at}.startMs`, `a time before run.durationMs (${durationMs})`, String(ph.startMs));
    prevEnd = ph.endMs;
    const rampMs = ph.rampMs ?? Math.min(50, (ph.endMs - ph.startMs) / 4);
    if (rampMs > ph.endMs - ph.startMs) fail(file, `${at}.rampMs`, `at most endMs - startMs (${ph.endMs - ph.startMs})`, String(rampMs));
    return { ...ph, rampMs };
  });

  // -- userspace flood -------------------------------------------------------
  const flood = w.userspaceFlood;
  if (flood && flood.endMs !== null && !(flood.endMs > flood.startMs)) {
    fail(file, 'workload.userspaceFlood.endMs', `a time after startMs (${flood.startMs})`, String(flood.endMs));
  }

  // -- trace -----------------------------------------------------------------
  let trace: Scenario['workload']['trace'] = null;
  if (w.trace) {
    const tPath = resolve(dir, w.trace.file);
    if (!existsSync(tPath)) fail(file, 'workload.trace.file', 'an existing trace file', `${JSON.stringify(tPath)}: no such file`);
    const format = w.trace.format ?? (tPath.endsWith('.jsonl') ? 'jsonl' : tPath.endsWith('.csv') ? 'csv' : 'kmem');
    trace = { file: tPath, format, offsetMs: w.trace.offsetMs, loop: w.trace.loop, foldCpus: w.trace.foldCpus };
  }

  const name = p.name ?? (file.split(/[\\/]/).pop() ?? file).replace(/\.json$/i, '');
  const scenario: Scenario = {
    name,
    description: p.description,
    file,
    kernel: { ...p.kernel, profile, thp },
    machine,
    workload: {
      kvfreeRcu: {
        ratePerCpuPerSec: w.kvfreeRcu.ratePerCpuPerSec,
        cpus: w.kvfreeRcu.cpus,
        headlessShare: w.kvfreeRcu.headlessShare,
        contexts: { ...w.kvfreeRcu.contexts },
        rawLockHeldShare: w.kvfreeRcu.rawLockHeldShare,
        irqsOffShare: w.kvfreeRcu.irqsOffShare,
        hardirqKind: w.kvfreeRcu.hardirqKind,
        burst: burst ? { ...burst } : null,
      },
      rcu: { ...w.rcu },
      background: {
        ...w.background,
        gfpMix: { ...w.background.gfpMix },
        orderMix: [...w.background.orderMix],
        contexts: { ...w.background.contexts },
      },
      pressure,
      userspaceFlood: flood ? { ...flood } : null,
      trace,
    },
    run: { durationMs, seeds: [...p.run.seeds], warmup: { ms: p.run.warmup.ms } },
    strategies: p.strategies,
  };
  machineSpecs.set(scenario, spec);
  return scenario;
}

/**
 * The MachineSpec the scenario implies (zones, watermark inputs, CPUs; imported
 * from zoneinfo when the scenario says so). A caller may rely on it agreeing
 * with scenario.machine (cpus, zones' managed pages, minFreeKbytes).
 */
export function scenarioMachine(scenario: Scenario): MachineSpec {
  const cached = machineSpecs.get(scenario);
  if (cached) return cached;
  // A scenario that went through structuredClone lost its cache entry: re-resolve.
  const again = parseScenario(scenarioToInput(scenario), scenario.file);
  const spec = machineSpecs.get(again)!;
  machineSpecs.set(scenario, spec);
  return spec;
}

/** A resolved scenario as an input object (computed machine fields dropped when zoneinfo imports them). */
export function scenarioToInput(scenario: Scenario): unknown {
  const { file: _file, ...rest } = structuredClone(scenario);
  const input = rest as unknown as { machine: Record<string, unknown> };
  if (scenario.machine.zoneinfo) {
    delete input.machine['zones'];
    delete input.machine['memoryMiB'];
    delete input.machine['minFreeKbytes'];
  }
  return input;
}

/**
 * The input `scenario` was parsed from (a copy the caller may change), or
 * undefined when the scenario did not come from parseScenario (e.g. it went
 * through structuredClone): applySet recomputes defaults from it.
 */
export function rawInputOf(scenario: Scenario): unknown {
  return rawInputs.has(scenario) ? structuredClone(rawInputs.get(scenario)) : undefined;
}
