/**
 * The zoneinfo oracle: the model of a kernel against what that kernel printed
 * in /proc/zoneinfo (and `sysctl vm`). Every number the kernel computes from
 * the machine is compared: per zone managed, min, low, high, promo, every
 * protection entry; per pageset batch, high where it is fixed, high_min and
 * high_max; and vm.min_free_kbytes from first principles against the capture.
 *
 * The model reads from the capture only what the kernel reads from the
 * machine: each zone's managed pages and the CPU count (the pagesets), plus the
 * vm sysctls when given (min_free_kbytes, watermark_scale_factor,
 * lowmem_reserve_ratio, percpu_pagelist_(high_)fraction). Without a sysctl
 * file, min_free_kbytes is the model's own and the rest are the defaults.
 */
import { PROFILES, type ProfileName } from '../core/profile.ts';
import { bootFreedKbFromLog, bootMinFreeKbytes, debianThpDefault } from '../machine/min-free-kbytes.ts';
import { parseVmSysctls } from '../machine/sysctl.ts';
import { compareZoneinfoWithModel, machineFromZoneinfo, parseZoneinfo, type ParsedZoneinfo } from '../machine/zoneinfo.ts';
import { resolveKernel, type ResolvedKernel } from './kernel-version.ts';

export interface ZoneinfoCheckRow {
  zone: string;
  field: string;
  kernel: number;
  model: number;
  match: boolean;
}

export interface ZoneinfoCheck {
  kernel: ResolvedKernel;
  rows: ZoneinfoCheckRow[];
  compared: number;
  matched: number;
  /** How the kernel was chosen and what the model assumed (printed under the table). */
  notes?: string[];
}

export interface ZoneinfoCheckInput {
  zoneinfoText: string;
  zoneinfoFile: string;
  sysctlText?: string;
  sysctlFile?: string;
  kernel?: string;
  /**
   * The guest's boot log (`dmesg`), optional: its "Freeing ... memory: NK" lines
   * say how much lowmem the kernel freed after computing min_free_kbytes (the
   * initrd, __init memory), which int_sqrt() of the final lowmem cannot know.
   */
  dmesgText?: string;
}

/**
 * The kernel a zoneinfo's format points to, and why:
 * - pagesets with high_min/high_max: v6.7+ (the 6.12 and 7.2 profiles size zones alike: 7.2);
 * - a "promo" watermark line without them: v6.2-6.6, modelled by 6.1;
 * - pgpromote_* node counters (memory tiering, v6.0+) without either: 6.1;
 * - none of these: a 5.x kernel, modelled by 5.10.
 */
export function inferKernelFromZoneinfo(text: string, z: ParsedZoneinfo): { profile: ProfileName; reason: string } {
  if (z.zones.some((zone) => zone.pagesets.some((p) => p.highMin !== undefined))) {
    return { profile: '7.2', reason: 'pagesets print high_min/high_max (v6.7+; 6.12 and 7.2 size zones alike)' };
  }
  if (z.zones.some((zone) => zone.promo !== undefined)) {
    return { profile: '6.1', reason: 'a "promo" watermark but no high_min/high_max (v6.2-6.6, nearest profile 6.1)' };
  }
  if (/^\s*pgpromote_success\s/m.test(text)) {
    return { profile: '6.1', reason: 'pgpromote_* counters but no high_min/high_max or promo line (v6.0-6.1)' };
  }
  return { profile: '5.10', reason: 'no pgpromote_* counters, promo or high_min/high_max (a 5.x kernel)' };
}

/**
 * How far the boot's own page use at init_per_zone_wmark_min() may move lowmem
 * from what the final zoneinfo and the boot log give: 16 pages.
 */
export const BOOT_SLACK_KB = 64;

/** calculate_min_free_kbytes()'s int_sqrt(lowmem_kbytes * 16), clamped 128..262144, for lowmem within slackKb of lowmemKb. */
export function minFreeWithin(lowmemKb: number, slackKb: number): { low: number; high: number } {
  const f = (kb: number): number => Math.min(Math.max(Math.floor(Math.sqrt(Math.max(0, kb) * 16)), 128), 262144);
  return { low: f(lowmemKb - slackKb), high: f(lowmemKb + slackKb) };
}

/**
 * Checks a capture against the model of its kernel.
 * `kernel`: a `uname -r` string or a profile name (resolveKernel); absent, the
 * profile is inferred from the zoneinfo format (inferKernelFromZoneinfo) and
 * the kernel taken as non-RT (Debian's THP default then applies to
 * min_free_kbytes); the notes say so.
 * Callers may rely on: compared === rows.length, matched === rows that match;
 * an InputError (exit 2) for bad input: a zoneinfo that does not parse or has
 * several nodes, a malformed sysctl line, a lowmem_reserve_ratio of the wrong
 * length, a kernel string resolveKernel refuses.
 */
export function checkZoneinfo(input: ZoneinfoCheckInput): ZoneinfoCheck {
  const notes: string[] = [];
  const kernelGiven = input.kernel !== undefined ? resolveKernel(input.kernel) : undefined;
  const z = parseZoneinfo(input.zoneinfoText, input.zoneinfoFile);
  let kernel: ResolvedKernel;
  if (kernelGiven) {
    kernel = kernelGiven;
    if (kernel.drift) notes.push(`kernel ${kernel.release} is newer than every profile: modelled by ${kernel.profile}, the newest (drift)`);
    else if (!kernel.exact) notes.push(`no ${kernel.release.split(/[.-]/).slice(0, 2).join('.')} profile: modelled by ${kernel.profile}, the nearest at or below it`);
  } else {
    const inferred = inferKernelFromZoneinfo(input.zoneinfoText, z);
    kernel = { release: inferred.profile, profile: inferred.profile, preemptRt: false, exact: false, drift: false };
    notes.push(`no --kernel: profile ${inferred.profile} inferred from the zoneinfo format: ${inferred.reason}; taken as non-PREEMPT_RT`);
  }
  const profile = kernel.profile;

  const sysctlFile = input.sysctlFile ?? 'sysctl';
  const sysctl = input.sysctlText !== undefined ? parseVmSysctls(input.sysctlText, sysctlFile) : undefined;

  // The machine as the kernel sees it: managed pages per zone (from the capture), CPUs.
  const first = z.zones[0];
  const bootZones = z.zones.filter((zone) => zone.node === first?.node).map((zone) => ({ kind: zone.kind, managedPages: zone.managed }));
  const thp = debianThpDefault(kernel.preemptRt);
  const wsf = sysctl?.watermarkScaleFactor ?? 10;
  const bootFreedKb = input.dmesgText !== undefined ? bootFreedKbFromLog(input.dmesgText) : 0;
  const modelMinFree = bootMinFreeKbytes(bootZones, profile, { thp, watermarkScaleFactor: wsf, bootFreedPages: Math.ceil(bootFreedKb / 4) });
  if (input.dmesgText !== undefined) notes.push(`boot log: ${bootFreedKb} KiB freed after the min_free_kbytes initcall (initrd, __init memory), taken off lowmem`);
  const machine = machineFromZoneinfo(z, {
    // The kernel's watermarks come from the min_free_kbytes it has: the captured one when given.
    minFreeKbytes: sysctl?.minFreeKbytes ?? modelMinFree.minFreeKbytes,
    watermarkScaleFactor: wsf,
    ...(sysctl?.lowmemReserveRatio ? { lowmemReserveRatio: sysctl.lowmemReserveRatio } : {}),
    sysctlSource: sysctlFile,
  });
  if (sysctl?.minFreeKbytes === undefined) notes.push(`no vm.min_free_kbytes given: the watermarks use the model's ${modelMinFree.minFreeKbytes}`);
  const fiveX = PROFILES[profile].pcpSizing === 'high-6x-batch';
  const fraction = (fiveX ? sysctl?.percpuPagelistFraction : sysctl?.percpuPagelistHighFraction) ?? 0;

  const rows: ZoneinfoCheckRow[] = compareZoneinfoWithModel(z, machine, profile, { percpuPagelistHighFraction: fraction });
  if (sysctl?.minFreeKbytes !== undefined) {
    const exact = sysctl.minFreeKbytes === modelMinFree.minFreeKbytes;
    // init_per_zone_wmark_min() reads nr_free_buffer_pages() at its initcall: a
    // boot log gives what was freed after it, not the few pages the boot's own
    // work held at that moment, which differ from boot to boot (the same kernel
    // and shape gave 2705 in one lab run and 2704 in the next). Where the value
    // is int_sqrt(lowmem * 16) itself (no khugepaged minimum above it), a value
    // that lowmem within BOOT_SLACK_KB of the model's gives is a match, said in a note.
    const spread = input.dmesgText !== undefined && modelMinFree.minFreeKbytes === modelMinFree.calculated ? minFreeWithin(modelMinFree.lowmemPages * 4, BOOT_SLACK_KB) : null;
    const inSpread = spread !== null && sysctl.minFreeKbytes >= spread.low && sysctl.minFreeKbytes <= spread.high;
    rows.push({ zone: 'vm', field: 'min_free_kbytes', kernel: sysctl.minFreeKbytes, model: modelMinFree.minFreeKbytes, match: exact || inSpread });
    if (!exact && inSpread) notes.push(`min_free_kbytes ${sysctl.minFreeKbytes} is what lowmem within ${BOOT_SLACK_KB} KiB of the model's gives (${spread!.low}..${spread!.high}): the pages the boot held at the initcall`);
    if (!rows[rows.length - 1]?.match && input.dmesgText === undefined) {
      notes.push('min_free_kbytes differs: the kernel computed it before freeing its initrd and __init memory; give its boot log (--dmesg) to take that off');
    }
    notes.push(
      `min_free_kbytes from first principles: int_sqrt(${modelMinFree.lowmemPages * 4} kB * 16) = ${modelMinFree.calculated}` +
        (modelMinFree.thpOffSmallRam
          ? ' (THP built in but off: less than 512 MiB of RAM, hugepage_init())'
          : thp
            ? `, khugepaged (THP on) recommends ${modelMinFree.recommended}, capped at 5% of lowmem = ${modelMinFree.lowmemCap}`
            : ' (THP off: PREEMPT_RT)'),
    );
  }
  const matched = rows.filter((r) => r.match).length;
  return { kernel, rows, compared: rows.length, matched, notes };
}
