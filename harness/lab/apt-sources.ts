/**
 * The Debian mirror this machine already uses, read from its own apt sources
 * at run time (deb822 `*.sources` files and one-line `sources.list` files), so
 * no mirror host name is ever written into the repository.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.ts';

/** One `deb` source: its URI and suites, from either format. */
export interface AptSource {
  uri: string;
  suites: string[];
  file: string;
}

/**
 * The `deb` sources of a deb822 file (`Types:`/`URIs:`/`Suites:` stanzas).
 * Stanzas with `Enabled: no`, or without type `deb`, are left out; comment
 * lines are ignored. Every URI of a stanza gives one AptSource.
 */
export function parseDeb822Sources(text: string, file: string): AptSource[] {
  const out: AptSource[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let last = '';
    for (const raw of stanza.split('\n')) {
      const line = raw.replace(/\r$/, '');
      if (line.startsWith('#') || line.trim() === '') continue;
      if (/^\s/.test(line) && last) {
        fields.set(last, `${fields.get(last) ?? ''} ${line.trim()}`);
        continue;
      }
      const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
      if (!m) continue;
      last = m[1]!.toLowerCase();
      fields.set(last, m[2]!.trim());
    }
    const types = (fields.get('types') ?? '').split(/\s+/);
    if (!types.includes('deb')) continue;
    if (/^(no|false)$/i.test(fields.get('enabled') ?? 'yes')) continue;
    const suites = (fields.get('suites') ?? '').split(/\s+/).filter(Boolean);
    for (const uri of (fields.get('uris') ?? '').split(/\s+/).filter(Boolean)) out.push({ uri, suites, file });
  }
  return out;
}

/** The `deb` lines of a one-line-format file (`deb [opts] URI suite comp...`). */
export function parseOneLineSources(text: string, file: string): AptSource[] {
  const out: AptSource[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
    if (m) out.push({ uri: m[1]!, suites: [m[2]!], file });
  }
  return out;
}

/**
 * The main Debian archive among `sources`: the first URI whose suites are
 * plain Debian release names (not `-security`, `-updates`, `-backports`) and
 * whose path does not end in `-security`. The caller gets the URI without a
 * trailing slash, or undefined.
 */
export function debianArchiveUri(sources: readonly AptSource[]): string | undefined {
  const plain = /^(bullseye|bookworm|trixie|forky|duke|sid|unstable|testing|stable|oldstable|oldoldstable)$/;
  for (const s of sources) {
    const uri = s.uri.replace(/\/+$/, '');
    if (/-security$|debian-security|-ports$/.test(uri)) continue;
    if (s.suites.some((x) => plain.test(x))) return uri;
  }
  return undefined;
}

/**
 * The machine's Debian archive URI, from /etc/apt/sources.list.d/*.sources,
 * *.list and /etc/apt/sources.list (`etcApt` for tests). Throws InputError
 * naming the folder when no Debian source is configured.
 */
export function machineDebianMirror(etcApt = '/etc/apt'): string {
  const sources: AptSource[] = [];
  const dir = join(etcApt, 'sources.list.d');
  let names: string[] = [];
  try {
    names = readdirSync(dir).sort();
  } catch {
    names = [];
  }
  for (const name of names) {
    const file = join(dir, name);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    if (name.endsWith('.sources')) sources.push(...parseDeb822Sources(text, file));
    else if (name.endsWith('.list')) sources.push(...parseOneLineSources(text, file));
  }
  try {
    sources.push(...parseOneLineSources(readFileSync(join(etcApt, 'sources.list'), 'utf8'), join(etcApt, 'sources.list')));
  } catch {
    // no sources.list: the .d folder is enough
  }
  const uri = debianArchiveUri(sources);
  if (!uri) {
    throw new InputError({ file: join(etcApt, 'sources.list.d'), where: 'URIs', expected: 'a Debian archive source (Suites: bookworm, trixie, sid, ...) to reuse its mirror', found: sources.length ? `${sources.length} other sources` : 'no deb source' });
  }
  return uri;
}
