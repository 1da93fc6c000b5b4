/**
 * One capture: boot a kernel in one machine shape, read the sections its
 * /init printed, and store them under the cache:
 *   captures/<uname -r>/<cpus>cpu-<MiB>M/{zoneinfo,buddyinfo,sysctl,uname,dmesg}.txt + meta.json
 *   captures/<uname -r>/trace-<cpus>cpu-<MiB>M/{...,trace}.txt + meta.json
 * The folder is written under a temporary name and renamed, so a capture on
 * disk is always whole.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.ts';
import type { AcquiredKernel } from './acquire-kernel.ts';
import type { BootGuest } from './qemu.ts';
import { CAPTURE_SECTIONS } from './init-script.ts';
import { parseSerialLog } from './serial-log.ts';
import { shapeName, type Shape } from './shapes.ts';

export const CaptureMetaSchema = z.object({
  package: z.string(),
  version: z.string(),
  metapackage: z.string(),
  suite: z.string(),
  kernel: z.string(),
  mode: z.enum(['capture', 'trace']),
  cpus: z.number().int(),
  memMiB: z.number().int(),
  bootSeconds: z.number(),
  date: z.string(),
});
export type CaptureMeta = z.infer<typeof CaptureMetaSchema>;

export interface Capture {
  dir: string;
  meta: CaptureMeta;
  /** Section name -> text: uname, zoneinfo, buddyinfo, sysctl (+ trace). */
  texts: Record<string, string>;
}


/** The folder of a capture. */
export function captureDir(cacheDir: string, release: string, shape: Shape, mode: 'capture' | 'trace'): string {
  return join(cacheDir, 'captures', release, `${mode === 'trace' ? 'trace-' : ''}${shapeName(shape)}`);
}

/**
 * Boots `kernel` in `shape` and stores what it printed. Throws InputError
 * (one line) when the guest's log misses a section, reports an error, or
 * reports another `uname -r` than the package's.
 */
export async function captureOne(opts: { kernel: AcquiredKernel; shape: Shape; mode: 'capture' | 'trace'; initrd: string; cacheDir: string; boot: BootGuest; timeoutMs: number; now?: () => Date }): Promise<Capture> {
  const { kernel, shape, mode } = opts;
  const label = `${kernel.release} ${mode === 'trace' ? 'trace-' : ''}${shapeName(shape)}`;
  const r = await opts.boot({ label, vmlinuz: kernel.vmlinuz, initrd: opts.initrd, cpus: shape.cpus, memMiB: shape.memMiB, mode, timeoutMs: opts.timeoutMs });
  const log = parseSerialLog(r.serial);
  const want = mode === 'trace' ? [...CAPTURE_SECTIONS, 'trace'] : [...CAPTURE_SECTIONS];
  const dir0 = captureDir(opts.cacheDir, kernel.release, shape, mode);
  const fail = (where: string, expected: string, found: string): never => {
    // Keep what the guest printed, so the failure can be read; the message names the file.
    const logFile = `${dir0}.failed-serial.log`;
    mkdirSync(dirname(logFile), { recursive: true });
    writeFileSync(logFile, r.serial);
    throw new InputError({ file: logFile, where: `guest ${label}: ${where}`, expected, found });
  };
  if (log.errors.length) fail('guest report', 'no error from /init', log.errors.join('; '));
  for (const name of want) {
    if (!log.sections.has(name)) fail(`section ${name}`, 'the section between its markers', log.broken.includes(name) ? 'a cut or undecodable section' : log.done ? 'no such section' : 'the guest stopped before printing it');
  }
  const uname = (log.sections.get('uname') ?? '').trim();
  if (uname !== kernel.release) fail('uname -r', kernel.release, JSON.stringify(uname));

  const meta: CaptureMeta = {
    package: kernel.package,
    version: kernel.version,
    metapackage: kernel.metapackage,
    suite: kernel.suite,
    kernel: uname,
    mode,
    cpus: shape.cpus,
    memMiB: shape.memMiB,
    bootSeconds: Math.round(r.seconds * 10) / 10,
    date: (opts.now?.() ?? new Date()).toISOString(),
  };
  const texts: Record<string, string> = {};
  for (const name of want) texts[name] = log.sections.get(name) ?? '';
  const dir = captureDir(opts.cacheDir, uname, shape, mode);
  const tmp = `${dir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  for (const [name, text] of Object.entries(texts)) writeFileSync(join(tmp, `${name}.txt`), text);
  writeFileSync(join(tmp, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  mkdirSync(dirname(dir), { recursive: true });
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return { dir, meta, texts };
}
