/**
 * Reading `apt-cache show` output: which exact image package a suite's
 * kernel metapackage depends on today (Debian moves it with every point
 * release, so the lab asks instead of pinning a version).
 */

/** One package stanza of `apt-cache show`. */
export interface AptStanza {
  package: string;
  version: string;
  depends: AptDependency[];
}

/** One `Depends:` entry (alternatives `a | b` are kept as separate entries with alt=true). */
export interface AptDependency {
  name: string;
  /** `=` version when the entry is `name (= version)`, else undefined. */
  exactVersion?: string;
  alt: boolean;
}

/** The stanzas of `apt-cache show` output, in order; continuation lines are joined to their field. */
export function parseAptShow(text: string): AptStanza[] {
  const out: AptStanza[] = [];
  for (const block of text.replace(/\r/g, '').split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let last = '';
    for (const line of block.split('\n')) {
      if (/^\s/.test(line) && last) {
        fields.set(last, `${fields.get(last) ?? ''}\n${line.trim()}`);
        continue;
      }
      const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
      if (!m) continue;
      last = m[1]!.toLowerCase();
      fields.set(last, m[2]!);
    }
    const pkg = fields.get('package');
    const version = fields.get('version');
    if (!pkg || !version) continue;
    out.push({ package: pkg.trim(), version: version.trim(), depends: parseDepends(fields.get('depends') ?? '') });
  }
  return out;
}

/** A `Depends:` value: `a (= 1), b | c (>= 2)`. */
export function parseDepends(value: string): AptDependency[] {
  const out: AptDependency[] = [];
  for (const group of value.split(',')) {
    const alts = group.split('|');
    for (const a of alts) {
      const m = /^\s*([a-z0-9][a-z0-9+.-]*)(?::\S+)?\s*(?:\(\s*([<>=]+)\s*([^)\s]+)\s*\))?/.exec(a);
      if (!m) continue;
      out.push({ name: m[1]!, exactVersion: m[2] === '=' ? m[3] : undefined, alt: alts.length > 1 });
    }
  }
  return out;
}

/** What a metapackage resolves to: the image package and, when it only depends on one, the package that holds vmlinuz. */
export interface ResolvedPackages {
  metapackage: string;
  metaVersion: string;
  imagePackage: string;
  /** The package whose files hold vmlinuz: the image package itself, or (Debian 14 on) its `linux-binary-*` dependency. */
  package: string;
  version: string;
}

/**
 * The image package a kernel metapackage (`linux-image-amd64`,
 * `linux-image-rt-amd64`) depends on with an exact version. Returns undefined
 * when the stanza has no such dependency.
 */
export function imageDependency(meta: AptStanza): { name: string; version: string } | undefined {
  for (const d of meta.depends) {
    if (!d.alt && d.exactVersion && d.name.startsWith('linux-image-') && d.name !== meta.package) return { name: d.name, version: d.exactVersion };
  }
  return undefined;
}

/**
 * The package that holds vmlinuz for an image package's stanza: its exact
 * `linux-binary-*` dependency when it has one (sid's split packaging), else
 * the image package itself.
 */
export function vmlinuzPackage(image: AptStanza): { name: string; version: string } {
  for (const d of image.depends) {
    if (!d.alt && d.exactVersion && d.name.startsWith('linux-binary-')) return { name: d.name, version: d.exactVersion };
  }
  return { name: image.package, version: image.version };
}
