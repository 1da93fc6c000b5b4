/**
 * Reader for `sysctl vm` output (`vm.min_free_kbytes = 45056`), the vm sysctls
 * the zoneinfo oracle needs from a captured machine.
 */
import { InputError, describeFound } from '../errors.ts';

export interface VmSysctls {
  /** vm.min_free_kbytes */
  minFreeKbytes?: number;
  /** vm.watermark_scale_factor */
  watermarkScaleFactor?: number;
  /** vm.lowmem_reserve_ratio, one value per zone of the node */
  lowmemReserveRatio?: number[];
  /** vm.percpu_pagelist_high_fraction (v5.14+) */
  percpuPagelistHighFraction?: number;
  /** vm.percpu_pagelist_fraction (up to v5.13) */
  percpuPagelistFraction?: number;
}

/**
 * Parses `sysctl vm` (or `sysctl -a`) output: one `name = value` per line
 * (`name=value` is read too; the `vm.` prefix is optional). Blank lines and
 * `#` comments are skipped; keys the oracle does not use are ignored, even
 * with an empty value (`vm.stat_refresh = `).
 * Callers may rely on: an InputError naming `file`, the line and the key for a
 * line that is not `name = value`, or a used key whose value is not a
 * non-negative integer (a list of them for lowmem_reserve_ratio).
 */
export function parseVmSysctls(text: string, file: string): VmSysctls {
  const out: VmSysctls = {};
  const lines = text.split(/\r?\n/);
  let seen = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z0-9_.\-/]+)\s*=\s*(.*)$/.exec(line);
    if (!m) {
      throw new InputError({ file, where: `line ${i + 1}`, expected: 'a sysctl line "vm.name = value" (the output of `sysctl vm`)', found: describeFound(line) });
    }
    seen++;
    const key = (m[1] ?? '').replace(/^vm\./, '');
    const value = (m[2] ?? '').trim();
    const int = (): number => {
      if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
        throw new InputError({ file, where: `line ${i + 1}: vm.${key}`, expected: 'a non-negative integer', found: describeFound(value) });
      }
      return Number(value);
    };
    switch (key) {
      case 'min_free_kbytes':
        out.minFreeKbytes = int();
        break;
      case 'watermark_scale_factor':
        out.watermarkScaleFactor = int();
        break;
      case 'percpu_pagelist_high_fraction':
        out.percpuPagelistHighFraction = int();
        break;
      case 'percpu_pagelist_fraction':
        out.percpuPagelistFraction = int();
        break;
      case 'lowmem_reserve_ratio': {
        const parts = value.split(/[\s,]+/).filter((p) => p !== '');
        if (parts.length === 0 || parts.some((p) => !/^\d+$/.test(p) || !Number.isSafeInteger(Number(p)))) {
          throw new InputError({ file, where: `line ${i + 1}: vm.lowmem_reserve_ratio`, expected: 'non-negative integers, one per zone ("256 256 32 0 0")', found: describeFound(value) });
        }
        out.lowmemReserveRatio = parts.map(Number);
        break;
      }
      default:
        break;
    }
  }
  if (seen === 0) throw new InputError({ file, where: 'line 1', expected: 'sysctl lines "vm.name = value" (the output of `sysctl vm`)', found: 'none' });
  return out;
}
