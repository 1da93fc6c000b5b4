/**
 * Getting one lab kernel's vmlinuz: ask the suite's metapackage which package
 * and version it depends on today, download that exact package once, unpack
 * its vmlinuz once, and keep both in the cache. A rerun (or a fresh clone on
 * the same machine) finds them there and downloads nothing.
 *
 * Cache layout under the lab's cache dir:
 *   debs/<package>_<version>_amd64.deb          what apt downloaded
 *   kernels/<package>_<version>/vmlinuz         unpacked
 *   kernels/<package>_<version>/kernel.json     AcquiredKernel (without paths)
 *   kernels/resolved/<id>.json                  the last resolution, for --offline
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.ts';
import { writeFileAtomic } from '../results/atomic-write.ts';
import { imageDependency, vmlinuzPackage } from './apt-output.ts';
import type { LabKernelSpec } from './lab-kernels.ts';
import type { PrivateApt } from './private-apt.ts';
import { lastErrorLine, type CommandRunner } from './run-command.ts';

export const AcquiredKernelSchema = z.object({
  id: z.string(),
  suite: z.string(),
  flavour: z.enum(['generic', 'rt']),
  metapackage: z.string(),
  metaVersion: z.string(),
  imagePackage: z.string(),
  /** The package that held vmlinuz (the image package, or sid's linux-binary-*). */
  package: z.string(),
  version: z.string(),
  /** `uname -r` the kernel will report, from vmlinuz's path in the package. */
  release: z.string(),
  vmlinuzMember: z.string(),
});
export type AcquiredKernelInfo = z.infer<typeof AcquiredKernelSchema>;
export interface AcquiredKernel extends AcquiredKernelInfo {
  vmlinuz: string;
  /** Whether this call downloaded the package (false: found in the cache). */
  downloaded: boolean;
}

/** Resolution of a spec against a suite's lists: the exact image package and the package with vmlinuz. Throws InputError when the suite lacks the metapackage. */
export async function resolveSpec(spec: LabKernelSpec, apt: PrivateApt): Promise<Omit<AcquiredKernelInfo, 'release' | 'vmlinuzMember'>> {
  const meta = (await apt.show(spec.metapackage))[0];
  if (!meta) throw new InputError({ file: `apt suite ${spec.suite}`, where: spec.metapackage, expected: 'the kernel metapackage in the suite', found: 'no such package on the mirror' });
  const image = imageDependency(meta);
  if (!image) throw new InputError({ file: `apt suite ${spec.suite}`, where: `${spec.metapackage} ${meta.version} Depends`, expected: 'a linux-image-* (= version) dependency', found: meta.depends.map((d) => d.name).join(', ') || 'none' });
  const imageStanza = (await apt.show(image.name, image.version))[0];
  if (!imageStanza) throw new InputError({ file: `apt suite ${spec.suite}`, where: `${image.name}=${image.version}`, expected: 'the package the metapackage depends on', found: 'no such version on the mirror' });
  const pkg = vmlinuzPackage(imageStanza);
  return { id: spec.id, suite: spec.suite, flavour: spec.flavour, metapackage: spec.metapackage, metaVersion: meta.version, imagePackage: image.name, package: pkg.name, version: pkg.version };
}

/** The vmlinuz member of a `dpkg-deb -c` listing: `./boot/vmlinuz-<release>` or `./usr/lib/modules/<release>/vmlinuz`. */
export function findVmlinuzMember(listing: string): { member: string; release: string } | undefined {
  for (const line of listing.split('\n')) {
    const path = line.trim().split(/\s+/).at(-1) ?? '';
    let m = /^\.?\/?boot\/vmlinuz-(\S+)$/.exec(path);
    if (m) return { member: path, release: m[1]! };
    m = /^\.?\/?(?:usr\/)?lib\/modules\/([^/]+)\/vmlinuz$/.exec(path);
    if (m) return { member: path, release: m[1]! };
  }
  return undefined;
}

function kernelDir(cacheDir: string, pkg: string, version: string): string {
  return join(cacheDir, 'kernels', `${pkg}_${version.replace(/:/g, '%3a')}`);
}

function resolvedFile(cacheDir: string, id: string): string {
  return join(cacheDir, 'kernels', 'resolved', `${id}.json`);
}

/** The cached kernel of a package version, or undefined. */
export function cachedKernel(cacheDir: string, pkg: string, version: string): AcquiredKernel | undefined {
  const dir = kernelDir(cacheDir, pkg, version);
  const vmlinuz = join(dir, 'vmlinuz');
  if (!existsSync(vmlinuz)) return undefined;
  try {
    const info = AcquiredKernelSchema.parse(JSON.parse(readFileSync(join(dir, 'kernel.json'), 'utf8')));
    return { ...info, vmlinuz, downloaded: false };
  } catch {
    return undefined;
  }
}

/** The kernel the spec resolved to last time (for --offline), or undefined. */
export function lastResolvedKernel(cacheDir: string, id: string): AcquiredKernel | undefined {
  try {
    const r = z.object({ package: z.string(), version: z.string() }).parse(JSON.parse(readFileSync(resolvedFile(cacheDir, id), 'utf8')));
    return cachedKernel(cacheDir, r.package, r.version);
  } catch {
    return undefined;
  }
}

/**
 * The kernel of a resolution, downloaded and unpacked if not cached yet
 * (`onDownload` is told before a download starts). Never leaves a
 * half-unpacked vmlinuz: it is unpacked under a temporary name and renamed.
 */
export async function fetchKernel(res: Omit<AcquiredKernelInfo, 'release' | 'vmlinuzMember'>, opts: { cacheDir: string; apt: PrivateApt; run: CommandRunner; onDownload?: (pkg: string, version: string) => void }): Promise<AcquiredKernel> {
  const { cacheDir, apt, run } = opts;
  writeFileAtomic(resolvedFile(cacheDir, res.id), `${JSON.stringify({ package: res.package, version: res.version })}\n`);
  const hit = cachedKernel(cacheDir, res.package, res.version);
  if (hit) return { ...hit, id: res.id, suite: res.suite, flavour: res.flavour, metapackage: res.metapackage, metaVersion: res.metaVersion, imagePackage: res.imagePackage };

  const debs = join(cacheDir, 'debs');
  mkdirSync(debs, { recursive: true });
  const debName = (): string | undefined => readdirSync(debs).find((f) => f.startsWith(`${res.package}_${res.version.replace(/:/g, '%3a')}_`) && f.endsWith('.deb'));
  let downloaded = false;
  if (!debName()) {
    opts.onDownload?.(res.package, res.version);
    await apt.download(res.package, res.version, debs);
    downloaded = true;
  }
  const deb = join(debs, debName() ?? `${res.package}_${res.version}_amd64.deb`);
  const list = await run('dpkg-deb', ['-c', deb]);
  if (list.code !== 0) throw new InputError({ file: deb, where: 'dpkg-deb -c', expected: 'a readable Debian package', found: lastErrorLine(list.stderr) });
  const found = findVmlinuzMember(list.stdout);
  if (!found) throw new InputError({ file: deb, where: 'contents', expected: 'boot/vmlinuz-* or usr/lib/modules/*/vmlinuz', found: 'no vmlinuz' });

  const dir = kernelDir(cacheDir, res.package, res.version);
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) if (/^\.vmlinuz\.\d+\.tmp$/.test(f)) rmSync(join(dir, f), { force: true }); // left by a killed run
  const tmp = join(dir, `.vmlinuz.${process.pid}.tmp`);
  const x = await run('bash', ['-c', 'set -o pipefail; dpkg-deb --fsys-tarfile "$1" | tar -xOf - "$2" > "$3"', '_', deb, found.member, tmp]);
  if (x.code !== 0) {
    rmSync(tmp, { force: true });
    throw new InputError({ file: deb, where: found.member, expected: 'an unpackable vmlinuz', found: lastErrorLine(x.stderr) });
  }
  renameSync(tmp, join(dir, 'vmlinuz'));
  const info: AcquiredKernelInfo = { ...res, release: found.release, vmlinuzMember: found.member };
  writeFileSync(join(dir, 'kernel.json'), `${JSON.stringify(info, null, 2)}\n`);
  return { ...info, vmlinuz: join(dir, 'vmlinuz'), downloaded };
}
