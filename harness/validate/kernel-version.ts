/**
 * Which kernel profile models a kernel named by the user: a `uname -r` string
 * (`6.12.117+deb13-rt-amd64`) or a profile name. Minimal version written for
 * the trace oracle until helper "profiles" brings the full one (same
 * signature; theirs wins at merge).
 */
import { InputError, describeFound } from '../errors.ts';
import { PROFILE_NAMES, PROFILE_VERSIONS, type ProfileName } from '../core/profile.ts';

export interface ResolvedKernel {
  /** What the user gave. */
  readonly input: string;
  /** The profile that models it: the nearest at or below the version. */
  readonly profile: ProfileName;
  /** PREEMPT_RT: from `-rt` in a uname -r string. */
  readonly preemptRt: boolean;
  /** [major, minor] parsed from a uname -r string; null for a profile name. */
  readonly version: readonly [number, number] | null;
}

/**
 * Resolves `text`. Callers may rely on: a profile name resolves to itself
 * (not RT); a version resolves to the newest profile whose PROFILE_VERSIONS
 * is at or below it. Anything else, or a version older than every profile,
 * is an InputError naming `where` (e.g. "--kernel").
 */
export function resolveKernel(text: string, where = '--kernel'): ResolvedKernel {
  const t = text.trim();
  if ((PROFILE_NAMES as readonly string[]).includes(t)) return { input: text, profile: t as ProfileName, preemptRt: false, version: null };
  const m = /^(\d+)\.(\d+)(?:[.\-+~][\w.+~-]*)?$/.exec(t);
  if (!m) {
    throw new InputError({ file: where, where: 'kernel', expected: `a uname -r string (e.g. 6.12.117+deb13-amd64) or a profile (${PROFILE_NAMES.join(', ')})`, found: describeFound(text) });
  }
  const version: [number, number] = [Number(m[1]), Number(m[2])];
  const preemptRt = /(^|[-+.])rt(\d*)([-+.]|$)/.test(t.slice(m[1]!.length + m[2]!.length + 1));
  let best: ProfileName | null = null;
  for (const p of PROFILE_NAMES) {
    const [ma, mi] = PROFILE_VERSIONS[p];
    const le = ma < version[0] || (ma === version[0] && mi <= version[1]);
    if (!le) continue;
    if (best === null) best = p;
    else {
      const [bma, bmi] = PROFILE_VERSIONS[best];
      if (ma > bma || (ma === bma && mi > bmi)) best = p;
    }
  }
  if (best === null) {
    throw new InputError({ file: where, where: 'kernel', expected: `a kernel at or above the oldest profile (${PROFILE_NAMES.join(', ')})`, found: describeFound(text) });
  }
  return { input: text, profile: best, preemptRt, version };
}
