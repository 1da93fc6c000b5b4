/**
 * SCAFFOLD (helper "lab" replaces this file): `nolock-bench lab`.
 */
import { InputError } from '../errors.ts';

export interface LabOptions {
  kernels?: string[];
  shapes?: string[];
  quick: boolean;
  offline: boolean;
  jobs?: number;
  bootTimeoutS: number;
  runId?: string;
  saveBaseline: boolean;
  resultsDir: string;
  reportsDir: string;
  command: string;
}

export interface LabIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
}

/** Runs the lab; returns the exit code (0 every claimed kernel matches, 1 a mismatch). Bad input: InputError. */
export async function labCommand(opts: LabOptions, _io: LabIo): Promise<number> {
  throw new InputError({ file: 'lab', where: 'command', expected: 'the lab (not built yet)', found: opts.command });
}
