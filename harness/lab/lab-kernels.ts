/**
 * The kernels the lab boots: each Debian suite's packaged kernel, in its
 * generic and its PREEMPT_RT build. Only the suite and the metapackage are
 * fixed here; the version is whatever the metapackage depends on today.
 */
export type LabFlavour = 'generic' | 'rt';

export interface LabKernelSpec {
  /** Name used by --kernels and in results: `bookworm`, `bookworm-rt`. */
  id: string;
  suite: string;
  flavour: LabFlavour;
  metapackage: string;
}

/** Debian 11, 12, 13 and unstable (which moves to the newest kernel). */
export const LAB_SUITES = ['bullseye', 'bookworm', 'trixie', 'sid'] as const;

export const LAB_KERNELS: readonly LabKernelSpec[] = LAB_SUITES.flatMap((suite) => [
  { id: suite, suite, flavour: 'generic' as const, metapackage: 'linux-image-amd64' },
  { id: `${suite}-rt`, suite, flavour: 'rt' as const, metapackage: 'linux-image-rt-amd64' },
]);

/** Other names of a suite that --kernels takes. */
const SUITE_ALIASES: Readonly<Record<string, string>> = { unstable: 'sid', '11': 'bullseye', '12': 'bookworm', '13': 'trixie' };

/** A --kernels value split into what it names and whether it asks for the RT build: `6.12-rt`, `unstable`, `bookworm-rt`. */
export function parseKernelChoice(value: string): { name: string; rt: boolean } {
  const v = value.trim().toLowerCase();
  const rt = /-rt$/.test(v);
  return { name: rt ? v.slice(0, -3) : v, rt };
}

/**
 * Whether a --kernels name picks a suite whose kernel package has version
 * `version`: the suite's name or alias, or a version prefix at a dot or dash
 * boundary (`6.1` picks 6.1.176-1, not 6.12.117-1).
 */
export function kernelChoiceMatches(name: string, suite: string, version: string): boolean {
  if (name === suite || SUITE_ALIASES[name] === suite) return true;
  if (!/^\d+(\.\d+)*$/.test(name)) return false;
  const plain = version.replace(/^\d+:/, '');
  return plain === name || plain.startsWith(`${name}.`) || plain.startsWith(`${name}-`);
}
