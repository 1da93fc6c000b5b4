/**
 * Writes a file so that readers only ever see the old content or the whole new
 * content: write to a unique temporary name in the same directory, fsync, then
 * rename over the target (rename is atomic within a file system).
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let counter = 0;

export function writeFileAtomic(path: string, data: string): void {
  writeFileAtomicStreaming(path, (write) => write(data));
}

/**
 * The same, for content produced piece by piece (a results file of many runs):
 * `produce` calls `write` as often as it likes, and the pieces go straight to
 * the temporary file, so the whole content never sits in memory as one string.
 */
export function writeFileAtomicStreaming(path: string, produce: (write: (piece: string) => void) => void): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${++counter}.tmp`);
  try {
    const fd = openSync(tmp, 'w');
    try {
      produce((piece) => {
        writeSync(fd, piece);
      });
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
