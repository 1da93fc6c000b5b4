/**
 * A cpio archive in the "newc" format, the one the kernel unpacks as an
 * initramfs (Documentation/driver-api/early-userspace/buffer-format.rst).
 * Written here rather than with the cpio program so that the archive needs
 * no staging folder and can hold /dev/console without root. Deterministic:
 * same entries, same bytes (mtime 0, inode numbers in order).
 */
export type CpioEntry =
  | { kind: 'dir'; path: string; mode?: number }
  | { kind: 'file'; path: string; data: Uint8Array; mode?: number }
  | { kind: 'char'; path: string; major: number; minor: number; mode?: number };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFCHR = 0o020000;

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

function pad4(n: number): number {
  return (4 - (n % 4)) % 4;
}

/** The archive of `entries` (paths without a leading slash), ending with the TRAILER!!! entry. */
export function newcArchive(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  const push = (name: string, mode: number, data: Uint8Array, rmaj = 0, rmin = 0, nlink = 1): void => {
    const nameBytes = Buffer.from(`${name}\0`, 'utf8');
    const header =
      '070701' +
      [ino++, mode, 0, 0, nlink, 0, data.length, 0, 0, rmaj, rmin, nameBytes.length, 0].map(hex8).join('');
    parts.push(Buffer.from(header, 'ascii'), nameBytes, Buffer.alloc(pad4(110 + nameBytes.length)));
    if (data.length) parts.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength), Buffer.alloc(pad4(data.length)));
  };
  for (const e of entries) {
    const path = e.path.replace(/^\/+/, '');
    if (e.kind === 'dir') push(path, S_IFDIR | (e.mode ?? 0o755), new Uint8Array(0), 0, 0, 2);
    else if (e.kind === 'file') push(path, S_IFREG | (e.mode ?? 0o644), e.data);
    else push(path, S_IFCHR | (e.mode ?? 0o600), new Uint8Array(0), e.major, e.minor);
  }
  ino = 0;
  push('TRAILER!!!', 0, new Uint8Array(0), 0, 0, 1);
  return Buffer.concat(parts);
}
