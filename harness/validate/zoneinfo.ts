/**
 * SCAFFOLD (helper "profiles" replaces this file): the zoneinfo oracle.
 */
import { InputError } from '../errors.ts';
import type { ResolvedKernel } from './kernel-version.ts';

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
}

export interface ZoneinfoCheckInput {
  zoneinfoText: string;
  zoneinfoFile: string;
  sysctlText?: string;
  sysctlFile?: string;
  kernel?: string;
}

export function checkZoneinfo(input: ZoneinfoCheckInput): ZoneinfoCheck {
  throw new InputError({ file: input.zoneinfoFile, where: 'file', expected: 'a zoneinfo check (not built yet)', found: 'the scaffold' });
}
