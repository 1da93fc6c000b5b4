/**
 * The guest's initramfs: /bin/busybox (busybox-static, so it needs no
 * libraries), /dev/console (so /init has a console before devtmpfs is
 * mounted) and the generated /init, as gzip-compressed cpio newc. Built once
 * per content and kept in the cache under its hash.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { InputError, describeIoError } from '../errors.ts';
import { newcArchive } from './cpio.ts';
import { initScript } from './init-script.ts';

export const BUSYBOX_PATH = '/bin/busybox';

/** The initramfs bytes (gzip of the cpio archive). Throws InputError when busybox is missing or is not the static build. */
export function buildInitramfs(busybox = BUSYBOX_PATH): Buffer {
  let bin: Buffer;
  try {
    bin = readFileSync(busybox);
  } catch (e) {
    throw new InputError({ file: busybox, where: 'busybox', expected: 'busybox-static installed (apt-get install -y busybox-static)', found: describeIoError(e) });
  }
  // A dynamically linked busybox has an ELF interpreter path; the guest has no libc.
  if (bin.includes(Buffer.from('/lib64/ld-linux'))) {
    throw new InputError({ file: busybox, where: 'busybox', expected: 'the static build (apt-get install -y busybox-static)', found: 'a dynamically linked busybox' });
  }
  const cpio = newcArchive([
    { kind: 'dir', path: 'bin' },
    { kind: 'dir', path: 'dev' },
    { kind: 'char', path: 'dev/console', major: 5, minor: 1 },
    { kind: 'dir', path: 'proc' },
    { kind: 'dir', path: 'sys' },
    { kind: 'dir', path: 'tmp', mode: 0o1777 },
    { kind: 'file', path: 'bin/busybox', data: bin, mode: 0o755 },
    { kind: 'file', path: 'init', data: Buffer.from(initScript(), 'utf8'), mode: 0o755 },
  ]);
  return gzipSync(cpio, { level: 6 });
}

/** The initramfs file in the cache (built when missing); the caller may rely on a complete file. */
export function initramfsFile(cacheDir: string, busybox = BUSYBOX_PATH): string {
  const data = buildInitramfs(busybox);
  const hash = createHash('sha256').update(data).digest('hex').slice(0, 16);
  const file = join(cacheDir, 'initramfs', `initramfs-${hash}.cpio.gz`);
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  }
  return file;
}
