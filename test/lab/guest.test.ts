import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { newcArchive } from '../../harness/lab/cpio.ts';
import { TRACE_EVENTS, WRITE_BACK_SYSCTLS, initScript } from '../../harness/lab/init-script.ts';
import { qemuArgs } from '../../harness/lab/qemu.ts';
import { parseSerialLog, stripTerminal } from '../../harness/lab/serial-log.ts';
import { parseShape, shapeName } from '../../harness/lab/shapes.ts';
import { InputError } from '../../harness/errors.ts';

/** The entries of a newc archive: name, mode, size, data. */
function readNewc(buf: Buffer): Array<{ name: string; mode: number; data: Buffer; rdev: [number, number] }> {
  const out = [];
  let off = 0;
  const field = (i: number): number => parseInt(buf.toString('ascii', off + 6 + i * 8, off + 14 + i * 8), 16);
  for (;;) {
    expect(buf.toString('ascii', off, off + 6)).toBe('070701');
    const mode = field(1);
    const size = field(6);
    const rdev: [number, number] = [field(9), field(10)];
    const nameSize = field(11);
    const name = buf.toString('utf8', off + 110, off + 110 + nameSize - 1);
    let p = off + 110 + nameSize;
    p += (4 - (p % 4)) % 4;
    const data = buf.subarray(p, p + size);
    p += size;
    p += (4 - (p % 4)) % 4;
    off = p;
    if (name === 'TRAILER!!!') break;
    out.push({ name, mode, data, rdev });
  }
  expect(off).toBe(buf.length);
  return out;
}

describe('initramfs pieces', () => {
  it('writes a newc archive the kernel can unpack: aligned headers, modes, a console device', () => {
    const arc = newcArchive([
      { kind: 'dir', path: '/bin' },
      { kind: 'char', path: 'dev/console', major: 5, minor: 1 },
      { kind: 'file', path: 'init', data: Buffer.from('#!/bin/sh\n'), mode: 0o755 },
      { kind: 'file', path: 'bin/x', data: Buffer.from('abcde') },
    ]);
    const e = readNewc(arc);
    expect(e.map((x) => x.name)).toEqual(['bin', 'dev/console', 'init', 'bin/x']);
    expect(e[0]!.mode).toBe(0o040755);
    expect(e[1]!.mode).toBe(0o020600);
    expect(e[1]!.rdev).toEqual([5, 1]);
    expect(e[2]!.mode).toBe(0o100755);
    expect(e[3]!.data.toString()).toBe('abcde');
    // Deterministic: the cache keys the initramfs by its hash.
    expect(newcArchive([{ kind: 'file', path: 'a', data: Buffer.from('x') }]).equals(newcArchive([{ kind: 'file', path: 'a', data: Buffer.from('x') }]))).toBe(true);
  });

  it('has an /init that writes every sysctl back, marks each capture and enables every kmem event', () => {
    const s = initScript();
    expect(s.startsWith('#!/bin/busybox sh\n')).toBe(true);
    for (const n of WRITE_BACK_SYSCTLS) expect(s).toContain(n);
    for (const e of TRACE_EVENTS) expect(s).toContain(e);
    for (const sec of ['uname', 'zoneinfo', 'buddyinfo', 'sysctl', 'dmesg']) expect(s).toContain(`nb_begin ${sec} text`);
    expect(s).toContain('nb_begin trace gzip-base64');
    expect(s).toContain('buffer_size_kb');
    expect(s.trimEnd().endsWith('poweroff -f')).toBe(true);
    // The write-back comes before the first capture.
    expect(s.indexOf('for n in min_free_kbytes')).toBeLessThan(s.lastIndexOf('nb_capture\n'));
  });

  it('boots under TCG without network or reboot, never KVM', () => {
    const a = qemuArgs({ label: 'x', vmlinuz: '/k', initrd: '/i', cpus: 3, memMiB: 3072, mode: 'trace', timeoutMs: 1 });
    expect(a.join(' ')).toContain('-accel tcg -cpu max -m 3072 -smp 3');
    expect(qemuArgs({ label: 'x', vmlinuz: '/k', initrd: '/i', cpus: 16, memMiB: 16384, mode: 'capture', timeoutMs: 1 }).join(' ')).toContain('-accel tcg,thread=single -cpu max -m 16384 -smp 16');
    expect(a).toContain('-no-reboot');
    expect(a.join(' ')).toContain('-nic none');
    expect(a.join(' ')).not.toMatch(/kvm/);
    expect(a.at(-1)).toContain('nb.mode=trace');
    expect(a.at(-1)).toContain('no_timer_check');
    expect(a.at(-1)).toContain('noirqdebug');
  });
});

describe('serial log', () => {
  const trace = '# tracer: nop\n  dd-93 [001] ..... 4.1: mm_page_alloc: page=0x1 pfn=0x2 order=0\n';
  const b64 = gzipSync(Buffer.from(trace)).toString('base64').replace(/(.{76})/g, '$1\r\n');
  const log =
    '\u001b[?7l\u001b[2J\u001b[0mSeaBIOS (version 1.16)\r\n' +
    'Booting from ROM...\r\n' +
    '@@NB-BEGIN uname text@@\r\n6.12.117+deb13-amd64\r\n@@NB-END uname@@\r\n' +
    '@@NB-BEGIN zoneinfo text@@\r\nNode 0, zone      DMA\r\n  pages free     3776\r\n@@NB-END zoneinfo@@\r\n' +
    '[    3.201] random: crng init done\r\n' +
    '\u001b[0m@@NB-BEGIN trace gzip-base64@@\r\n' + b64 + '\r\n@@NB-END trace@@\r\n' +
    '@@NB-ERROR write-back percpu_pagelist_fraction@@\r\n' +
    '@@NB-DONE@@\r\n[    9.1] reboot: Power down\r\n';

  it('reads sections through \\r and escape codes, decodes the gzip-base64 trace', () => {
    const p = parseSerialLog(log);
    expect(p.sections.get('uname')).toBe('6.12.117+deb13-amd64\n');
    expect(p.sections.get('zoneinfo')).toBe('Node 0, zone      DMA\n  pages free     3776\n');
    expect(p.sections.get('trace')).toBe(trace);
    expect(p.errors).toEqual(['write-back percpu_pagelist_fraction']);
    expect(p.done).toBe(true);
    expect(p.broken).toEqual([]);
  });

  it('decodes a gzip-base64 stream with a kernel message printed into its middle', () => {
    const lines = b64.split('\r\n');
    const mid = lines[0]!;
    lines[0] = `${mid.slice(0, 30)}[   78.064236] Disabling IRQ #4\r\n${mid.slice(30)}`;
    const p = parseSerialLog(`@@NB-BEGIN trace gzip-base64@@\r\n${lines.join('\r\n')}\r\n@@NB-END trace@@\r\n`);
    expect(p.broken).toEqual([]);
    expect(p.sections.get('trace')).toBe(trace);
  });

  it('reports a cut section and a damaged transfer as broken, not as text', () => {
    const cut = parseSerialLog('@@NB-BEGIN zoneinfo text@@\r\nNode 0\r\n');
    expect(cut.sections.has('zoneinfo')).toBe(false);
    expect(cut.broken).toEqual(['zoneinfo']);
    expect(cut.done).toBe(false);
    const damaged = parseSerialLog(`@@NB-BEGIN trace gzip-base64@@\n${b64.slice(0, 20)}\n@@NB-END trace@@\n`);
    expect(damaged.broken).toEqual(['trace']);
  });

  it('strips escape sequences and carriage returns only', () => {
    expect(stripTerminal('\u001b[1;32mok\u001b[0m\r\n\u001b]0;title\u0007x\u001bcy')).toBe('ok\nxy');
  });
});

describe('shapes', () => {
  it('reads the shape spellings and names folders', () => {
    expect(parseShape('3x3072')).toEqual({ cpus: 3, memMiB: 3072 });
    expect(parseShape('3cpu-3G')).toEqual({ cpus: 3, memMiB: 3072 });
    expect(parseShape('16cpu-16384M')).toEqual({ cpus: 16, memMiB: 16384 });
    expect(shapeName({ cpus: 3, memMiB: 3072 })).toBe('3cpu-3072M');
  });
  it('refuses shapes the machine cannot boot', () => {
    expect(() => parseShape('17x1024')).toThrow(InputError);
    expect(() => parseShape('2x24G')).toThrow(/--shapes: shape 2x24G: expected 256 MiB to 16 GiB of memory, found 24576 MiB/);
    expect(() => parseShape('lots')).toThrow(/expected CPUs and memory/);
  });
});



