/**
 * Machine shapes the lab boots: CPUs and memory. The default grid spans 1 to
 * 16 CPUs and 512 MiB to 16 GiB, with odd sizes (3 CPUs / 3 GiB) where a
 * rounding in the kernel's arithmetic would show.
 */
import { InputError, describeFound } from '../errors.ts';

export interface Shape {
  cpus: number;
  memMiB: number;
}

export const MAX_CPUS = 16;
/** 16 GiB: a 24 GiB guest cannot set up its memory on this kind of machine (LAB.md). */
export const MAX_MEM_MIB = 16384;
export const MIN_MEM_MIB = 256;

export const DEFAULT_SHAPES: readonly Shape[] = [
  { cpus: 1, memMiB: 512 },
  { cpus: 2, memMiB: 1024 },
  { cpus: 2, memMiB: 2048 },
  { cpus: 3, memMiB: 3072 },
  { cpus: 4, memMiB: 6144 },
  { cpus: 8, memMiB: 4096 },
  { cpus: 12, memMiB: 12288 },
  { cpus: 16, memMiB: 16384 },
];

/** --quick: two shapes, an odd one below 4 GiB (DMA, DMA32) and one with a Normal zone. */
export const QUICK_SHAPES: readonly Shape[] = [
  { cpus: 3, memMiB: 3072 },
  { cpus: 4, memMiB: 6144 },
];

/** The shape of each kernel's trace run. */
export const TRACE_SHAPE: Shape = { cpus: 4, memMiB: 2048 };

/** `3cpu-3072M`: the folder name of a capture. */
export function shapeName(s: Shape): string {
  return `${s.cpus}cpu-${s.memMiB}M`;
}

/**
 * One shape from `3cpu-3072M`, `3cpu-3G`, `3x3G` or `3/3072`: CPUs, then
 * memory in MiB (M, or no unit) or GiB (G). InputError naming `source` when
 * malformed or out of range.
 */
export function parseShape(text: string, source = '--shapes'): Shape {
  const m = /^\s*(\d+)\s*(?:cpus?)?\s*[-x/,]\s*(\d+)\s*([MG]i?B?|)\s*$/i.exec(text);
  if (!m) throw new InputError({ file: source, where: 'shape', expected: 'CPUs and memory like 3cpu-3G or 4cpu-6144M', found: describeFound(text) });
  const cpus = Number(m[1]);
  const unit = (m[3] ?? '').toUpperCase();
  const memMiB = Number(m[2]) * (unit.startsWith('G') ? 1024 : 1);
  if (cpus < 1 || cpus > MAX_CPUS) throw new InputError({ file: source, where: `shape ${text.trim()}`, expected: `1 to ${MAX_CPUS} CPUs`, found: String(cpus) });
  if (memMiB < MIN_MEM_MIB || memMiB > MAX_MEM_MIB) throw new InputError({ file: source, where: `shape ${text.trim()}`, expected: `${MIN_MEM_MIB} MiB to ${MAX_MEM_MIB / 1024} GiB of memory`, found: `${memMiB} MiB` });
  return { cpus, memMiB };
}
