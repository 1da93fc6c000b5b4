/**
 * A private apt state for one Debian suite under the lab's cache folder:
 * its own sources file (the machine's mirror, this suite, main), package
 * lists, and package cache. The system's apt configuration is never read
 * for packages nor written (SourceParts=/dev/null, status=/dev/null).
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { parseAptShow, type AptStanza } from './apt-output.ts';
import { lastErrorLine, type CommandRunner } from './run-command.ts';

/** Lists younger than this are used without `apt-get update`. */
export const LISTS_MAX_AGE_MS = 24 * 3600 * 1000;

export class PrivateApt {
  readonly dir: string;
  private readonly sourcesFile: string;
  private readonly stampFile: string;

  constructor(
    cacheDir: string,
    readonly suite: string,
    private readonly mirror: string,
    private readonly run: CommandRunner,
  ) {
    this.dir = join(cacheDir, 'apt', suite);
    this.sourcesFile = join(this.dir, 'sources.sources');
    this.stampFile = join(this.dir, 'updated-at');
  }

  /** apt options that point every apt program at this private state. */
  options(): string[] {
    return [
      '-o', `Dir::Etc::SourceList=${this.sourcesFile}`,
      '-o', 'Dir::Etc::SourceParts=/dev/null',
      '-o', `Dir::State::Lists=${join(this.dir, 'lists')}`,
      '-o', `Dir::Cache=${join(this.dir, 'cache')}`,
      '-o', 'Dir::State::status=/dev/null',
      '-o', 'APT::Get::List-Cleanup=true',
    ];
  }

  /** When the lists were last updated (ms since epoch), or undefined. */
  listsUpdatedAt(): number | undefined {
    try {
      return statSync(this.stampFile).mtimeMs;
    } catch {
      return undefined;
    }
  }

  /**
   * Makes sure the suite's package lists exist: runs `apt-get update` when
   * they are missing, older than maxAgeMs, or the mirror changed. Returns
   * whether it updated. Throws InputError (exit 2) naming the suite when the
   * mirror does not serve it and no older lists exist.
   */
  async ensureLists(maxAgeMs = LISTS_MAX_AGE_MS, now = Date.now()): Promise<boolean> {
    const sources = `Types: deb\nURIs: ${this.mirror}\nSuites: ${this.suite}\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n`;
    const same = existsSync(this.sourcesFile) && readFileSync(this.sourcesFile, 'utf8') === sources;
    const at = this.listsUpdatedAt();
    if (same && at !== undefined && now - at < maxAgeMs) return false;
    for (const d of ['lists/partial', 'cache/archives/partial']) mkdirSync(join(this.dir, d), { recursive: true });
    writeFileSync(this.sourcesFile, sources);
    const r = await this.run('apt-get', [...this.options(), '-q', 'update']);
    // apt-get update exits 0 even when a source failed; its "E:"/"W: Failed" lines tell.
    const failed = r.code !== 0 || /^(E:|W: Failed to fetch|Err:)/m.test(r.stderr + r.stdout);
    if (failed) {
      if (same && at !== undefined) return false; // keep yesterday's lists rather than fail offline
      throw new InputError({ file: `apt suite ${this.suite}`, where: 'apt-get update', expected: 'the machine\'s Debian mirror to serve this suite', found: lastErrorLine(r.stderr || r.stdout) });
    }
    writeFileSync(this.stampFile, `${new Date(now).toISOString()}\n`);
    return true;
  }

  /** `apt-cache show pkg[=version]`: its stanzas, or [] when the suite lacks it. */
  async show(pkg: string, version?: string): Promise<AptStanza[]> {
    const r = await this.run('apt-cache', [...this.options(), 'show', version ? `${pkg}=${version}` : pkg]);
    if (r.code !== 0) return [];
    return parseAptShow(r.stdout);
  }

  /** Downloads exactly `pkg=version` into destDir; throws InputError naming the package when apt cannot. */
  async download(pkg: string, version: string, destDir: string): Promise<void> {
    mkdirSync(destDir, { recursive: true });
    const r = await this.run('apt-get', [...this.options(), '-q', 'download', `${pkg}=${version}`], { cwd: destDir });
    if (r.code !== 0) throw new InputError({ file: `apt suite ${this.suite}`, where: `download ${pkg}=${version}`, expected: 'the package on the machine\'s Debian mirror', found: lastErrorLine(r.stderr) });
  }
}
