import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../harness/errors.ts';
import { findVmlinuzMember } from '../../harness/lab/acquire-kernel.ts';
import { imageDependency, parseAptShow, vmlinuzPackage } from '../../harness/lab/apt-output.ts';
import { debianArchiveUri, machineDebianMirror, parseDeb822Sources, parseOneLineSources } from '../../harness/lab/apt-sources.ts';
import { labCacheDir } from '../../harness/lab/cache-dir.ts';
import { kernelChoiceMatches, parseKernelChoice } from '../../harness/lab/lab-kernels.ts';

// The mirror host in these samples is a placeholder: the lab reads the real one from /etc/apt at run time.
const DEB822 = `Types: deb
# http://snapshot.example.org/archive/debian/20250520T000000Z
URIs: http://mirror.example.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.example.org/debian-security
Suites: bookworm-security
Components: main
`;

describe('apt sources', () => {
  it('reads the deb822 format and picks the main archive, not security', () => {
    const s = parseDeb822Sources(DEB822, 'debian.sources');
    expect(s.map((x) => x.uri)).toEqual(['http://mirror.example.org/debian', 'http://mirror.example.org/debian-security']);
    expect(s[0]!.suites).toEqual(['bookworm', 'bookworm-updates']);
    expect(debianArchiveUri(s)).toBe('http://mirror.example.org/debian');
  });

  it('skips deb-src and disabled stanzas', () => {
    const s = parseDeb822Sources('Types: deb-src\nURIs: http://a.example/debian\nSuites: sid\n\nTypes: deb\nEnabled: no\nURIs: http://b.example/debian\nSuites: sid\n', 'x.sources');
    expect(s).toEqual([]);
  });

  it('reads the one-line format with options and comments', () => {
    const s = parseOneLineSources('# comment\ndeb [arch=amd64 signed-by=/k.gpg] http://mirror.example.org/debian/ trixie main\ndeb-src http://x.example/debian trixie main\ndeb http://mirror.example.org/debian-security trixie-security main\n', 'sources.list');
    expect(s.map((x) => [x.uri, x.suites[0]])).toEqual([
      ['http://mirror.example.org/debian/', 'trixie'],
      ['http://mirror.example.org/debian-security', 'trixie-security'],
    ]);
    expect(debianArchiveUri(s)).toBe('http://mirror.example.org/debian');
  });

  it('reads a machine configuration folder, and names it when there is no Debian source', () => {
    const etc = mkdtempSync(join(tmpdir(), 'lab-apt-'));
    mkdirSync(join(etc, 'sources.list.d'));
    writeFileSync(join(etc, 'sources.list.d', 'other.sources'), 'Types: deb\nURIs: https://packages.example.com/x\nSuites: stable-x\n');
    expect(() => machineDebianMirror(etc)).toThrow(InputError);
    expect(() => machineDebianMirror(etc)).toThrow(/sources\.list\.d: URIs: expected a Debian archive source/);
    writeFileSync(join(etc, 'sources.list.d', 'debian.sources'), DEB822);
    expect(machineDebianMirror(etc)).toBe('http://mirror.example.org/debian');
  });

  it('keeps the cache under XDG_CACHE_HOME, else ~/.cache', () => {
    expect(labCacheDir({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' })).toBe('/x/cache/nolock-bench/lab');
    expect(labCacheDir({ XDG_CACHE_HOME: 'relative', HOME: '/home/u' })).toBe('/home/u/.cache/nolock-bench/lab');
    expect(labCacheDir({ HOME: '/home/u' })).toBe('/home/u/.cache/nolock-bench/lab');
  });
});

// Shaped like `apt-cache show` output of Debian's kernel packages (fields trimmed).
const META_SID = `Package: linux-image-amd64
Source: linux-signed-amd64 (7.2.13+1)
Version: 7.2.13-1
Installed-Size: 13
Depends: linux-base-amd64 (= 7.2.13-1), linux-image-7.2.13+deb14-amd64 (= 7.2.13-1)
Description: Linux for 64-bit PCs (meta-package)

`;
const IMAGE_SID = `Package: linux-image-7.2.13+deb14-amd64
Version: 7.2.13-1
Depends: dracut | initramfs-tools (>= 0.120+deb8u2) | linux-initramfs-tool, linux-base-7.2.13+deb14-amd64 (= 7.2.13-1), linux-binary-7.2.13+deb14-amd64 (= 7.2.13-1), linux-modules-7.2.13+deb14-amd64 (= 7.2.13-1)
Size: 1892
`;
const META_BOOKWORM = `Package: linux-image-rt-amd64
Version: 6.1.176-1
Depends: linux-image-6.1.0-50-rt-amd64 (= 6.1.176-1)
Description: Linux for 64-bit PCs (meta-package), PREEMPT_RT
 This package depends on the latest Linux kernel and modules for use on PCs
 with AMD64, Intel 64 or VIA Nano processors.
`;
const IMAGE_BOOKWORM = `Package: linux-image-6.1.0-50-rt-amd64
Version: 6.1.176-1
Depends: kmod, linux-base (>= 4.3~), initramfs-tools (>= 0.120+deb8u2) | linux-initramfs-tool
`;

describe('kernel metapackage resolution', () => {
  it('follows the metapackage to the exact image package and version', () => {
    const [meta] = parseAptShow(META_BOOKWORM);
    expect(meta!.version).toBe('6.1.176-1');
    expect(imageDependency(meta!)).toEqual({ name: 'linux-image-6.1.0-50-rt-amd64', version: '6.1.176-1' });
    const [image] = parseAptShow(IMAGE_BOOKWORM);
    expect(vmlinuzPackage(image!)).toEqual({ name: 'linux-image-6.1.0-50-rt-amd64', version: '6.1.176-1' });
  });

  it("takes vmlinuz from sid's linux-binary-* package, ignoring alternatives and linux-base", () => {
    const [meta] = parseAptShow(META_SID);
    expect(imageDependency(meta!)).toEqual({ name: 'linux-image-7.2.13+deb14-amd64', version: '7.2.13-1' });
    const [image] = parseAptShow(IMAGE_SID);
    expect(image!.depends.find((d) => d.name === 'dracut')?.alt).toBe(true);
    expect(vmlinuzPackage(image!)).toEqual({ name: 'linux-binary-7.2.13+deb14-amd64', version: '7.2.13-1' });
  });

  it('reads several stanzas and finds no image dependency where there is none', () => {
    const stanzas = parseAptShow(`${META_SID}\n${IMAGE_BOOKWORM}`);
    expect(stanzas.map((s) => s.package)).toEqual(['linux-image-amd64', 'linux-image-6.1.0-50-rt-amd64']);
    expect(imageDependency(stanzas[1]!)).toBeUndefined();
  });

  it('finds vmlinuz in a dpkg-deb -c listing, old and new layout', () => {
    const old = '-rw-r--r-- root/root   8013760 2024-08-18 12:00 ./boot/vmlinuz-5.10.0-32-amd64\n-rw-r--r-- root/root 1 2024 ./boot/System.map-5.10.0-32-amd64\n';
    expect(findVmlinuzMember(old)).toEqual({ member: './boot/vmlinuz-5.10.0-32-amd64', release: '5.10.0-32-amd64' });
    const sid = 'drwxr-xr-x root/root 0 2026 ./usr/lib/modules/7.2.13+deb14-amd64/\n-rw-r--r-- root/root 12 2026 ./usr/lib/modules/7.2.13+deb14-amd64/vmlinuz\n';
    expect(findVmlinuzMember(sid)).toEqual({ member: './usr/lib/modules/7.2.13+deb14-amd64/vmlinuz', release: '7.2.13+deb14-amd64' });
    expect(findVmlinuzMember('./usr/share/doc/x\n')).toBeUndefined();
  });

  it('matches --kernels names by suite, alias or version prefix at a boundary', () => {
    expect(parseKernelChoice('6.12-RT')).toEqual({ name: '6.12', rt: true });
    expect(kernelChoiceMatches('6.1', 'bookworm', '6.1.176-1')).toBe(true);
    expect(kernelChoiceMatches('6.1', 'trixie', '6.12.117-1')).toBe(false);
    expect(kernelChoiceMatches('unstable', 'sid', '7.2.13-1')).toBe(true);
    expect(kernelChoiceMatches('7.2.13', 'sid', '7.2.13-1')).toBe(true);
    expect(kernelChoiceMatches('7.3', 'sid', '7.2.13-1')).toBe(false);
  });
});
