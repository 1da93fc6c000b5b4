/**
 * Which kernel profile models a kernel: from a `uname -r` string
 * (`6.12.117+deb13-rt-amd64`) or a profile name (`6.1`, `6.x`).
 */
import { InputError, describeFound } from '../errors.ts';
import {
  NEWEST_PROFILE,
  PROFILE_INPUT_NAMES,
  PROFILE_NAMES,
  PROFILE_VERSIONS,
  resolveProfileName,
  versionAtLeast,
  type ProfileName,
} from '../core/profile.ts';

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

/** `-rt` in a release suffix: Debian's `-rt-amd64` flavour, mainline -rt's `-rt12`. */
const RT_SUFFIX = /(?:^|[-+_.])rt(?:\d+)?(?=$|[-+_.])/;

/**
 * Resolves a `uname -r` string or a profile name.
 * - A profile name or alias (`5.10`, `6.x`): that profile, exact, not PREEMPT_RT.
 * - A release `MAJOR.MINOR[.PATCH][suffix]`: PREEMPT_RT when the suffix has
 *   `-rt` (Debian's `-rt-amd64`, mainline's `-rtN`); the nearest profile at or
 *   below MAJOR.MINOR; exact when that profile is MAJOR.MINOR; drift when the
 *   kernel is newer than every profile (it is then modelled by the newest).
 * Callers may rely on: an InputError (file "--kernel") for anything else,
 * including a kernel older than every profile, naming the known profiles.
 */
export function resolveKernel(release: string): ResolvedKernel {
  const given = release.trim();
  const byName = resolveProfileName(given);
  if (byName) return { release: given, profile: byName, preemptRt: false, exact: true, drift: false };

  const m = /^(\d{1,3})\.(\d{1,3})(?:\.(\d+))?(.*)$/.exec(given);
  const known = `a \`uname -r\` string such as 6.12.117+deb13-rt-amd64, or a profile (${PROFILE_INPUT_NAMES.join(', ')})`;
  if (!m) throw new InputError({ file: '--kernel', where: 'value', expected: known, found: describeFound(release) });
  const suffix = m[4] ?? '';
  if (suffix !== '' && !/^[-+~_.]/.test(suffix)) throw new InputError({ file: '--kernel', where: 'value', expected: known, found: describeFound(release) });
  const major = Number(m[1]);
  const minor = Number(m[2]);
  let profile: ProfileName | undefined;
  for (const p of PROFILE_NAMES) {
    const [ma, mi] = PROFILE_VERSIONS[p];
    if (versionAtLeast([major, minor], ma, mi)) profile = p;
  }
  if (!profile) {
    const [oma, omi] = PROFILE_VERSIONS[PROFILE_NAMES[0] ?? '5.9'];
    throw new InputError({
      file: '--kernel',
      where: 'value',
      expected: `a kernel at or above the oldest profile, ${oma}.${omi} (profiles: ${PROFILE_NAMES.join(', ')})`,
      found: describeFound(release),
    });
  }
  const [pma, pmi] = PROFILE_VERSIONS[profile];
  const [nma, nmi] = PROFILE_VERSIONS[NEWEST_PROFILE];
  return {
    release: given,
    profile,
    preemptRt: RT_SUFFIX.test(suffix),
    exact: pma === major && pmi === minor,
    drift: !versionAtLeast([nma, nmi], major, minor),
  };
}
