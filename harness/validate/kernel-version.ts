/**
 * SCAFFOLD (helper "profiles" replaces this file): which kernel profile models
 * a `uname -r` string.
 */
import { InputError, describeFound } from '../errors.ts';
import type { ProfileName } from '../core/profile.ts';

export interface ResolvedKernel {
  /** What the user gave: a `uname -r` string or a profile name. */
  release: string;
  profile: ProfileName;
  preemptRt: boolean;
  /** The profile's version is the kernel's major.minor. */
  exact: boolean;
  /** The kernel is newer than every profile. */
  drift: boolean;
}

export function resolveKernel(release: string): ResolvedKernel {
  throw new InputError({ file: '--kernel', where: 'value', expected: 'a kernel version (not built yet)', found: describeFound(release) });
}
