/**
 * Where the lab's kernels come from: the machine's Debian mirror through a
 * private apt state per suite (online), or the cache alone (--offline). The
 * lab asks a KernelSource, so tests hand it a fake one.
 */
import type { AcquiredKernel, AcquiredKernelInfo } from './acquire-kernel.ts';
import { fetchKernel, lastResolvedKernel, resolveSpec } from './acquire-kernel.ts';
import { machineDebianMirror } from './apt-sources.ts';
import type { LabKernelSpec } from './lab-kernels.ts';
import { PrivateApt } from './private-apt.ts';
import type { CommandRunner } from './run-command.ts';
import { InputError } from '../errors.ts';

export type ResolvedSpec = Omit<AcquiredKernelInfo, 'release' | 'vmlinuzMember'>;

export interface KernelSource {
  /** The exact package and version the spec's suite offers now (offline: the one cached last). InputError when there is none. */
  resolve(spec: LabKernelSpec): Promise<ResolvedSpec>;
  /** Its vmlinuz, downloaded and unpacked if needed. */
  fetch(spec: LabKernelSpec, res: ResolvedSpec): Promise<AcquiredKernel>;
}

export class AptKernelSource implements KernelSource {
  private mirror: string | undefined;
  private readonly apts = new Map<string, PrivateApt>();
  private readonly updated = new Set<string>();

  constructor(
    private readonly cacheDir: string,
    private readonly offline: boolean,
    private readonly run: CommandRunner,
    private readonly log: (line: string) => void,
    private readonly etcApt = '/etc/apt',
  ) {}

  private async apt(suite: string): Promise<PrivateApt> {
    this.mirror ??= machineDebianMirror(this.etcApt);
    let apt = this.apts.get(suite);
    if (!apt) {
      apt = new PrivateApt(this.cacheDir, suite, this.mirror, this.run);
      this.apts.set(suite, apt);
    }
    if (!this.updated.has(suite)) {
      if (await apt.ensureLists()) this.log(`apt: updated the package lists of ${suite}`);
      this.updated.add(suite);
    }
    return apt;
  }

  async resolve(spec: LabKernelSpec): Promise<ResolvedSpec> {
    if (this.offline) {
      const k = lastResolvedKernel(this.cacheDir, spec.id);
      if (!k) throw new InputError({ file: this.cacheDir, where: `kernel ${spec.id}`, expected: 'a cached kernel for --offline (run the lab once online)', found: 'none' });
      return { id: spec.id, suite: spec.suite, flavour: spec.flavour, metapackage: k.metapackage, metaVersion: k.metaVersion, imagePackage: k.imagePackage, package: k.package, version: k.version };
    }
    return resolveSpec(spec, await this.apt(spec.suite));
  }

  async fetch(spec: LabKernelSpec, res: ResolvedSpec): Promise<AcquiredKernel> {
    if (this.offline) {
      const k = lastResolvedKernel(this.cacheDir, spec.id);
      if (!k) throw new InputError({ file: this.cacheDir, where: `kernel ${spec.id}`, expected: 'a cached kernel for --offline', found: 'none' });
      return k;
    }
    return fetchKernel(res, { cacheDir: this.cacheDir, apt: await this.apt(spec.suite), run: this.run, onDownload: (p, v) => this.log(`downloading ${p} ${v}`) });
  }
}
