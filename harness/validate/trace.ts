/**
 * SCAFFOLD (helper "trace" replaces this file): the trace oracle.
 */
import { InputError } from '../errors.ts';
import type { ResolvedKernel } from './kernel-version.ts';

export interface TraceCount {
  kernel: number;
  model: number;
}

export interface TraceCounts {
  pcpRefill: TraceCount;
  pcpDrain: TraceCount;
  extfrag: TraceCount;
}

export interface TraceCheck {
  kernel: ResolvedKernel;
  counts: TraceCounts;
  perCpu: Array<{ cpu: number } & TraceCounts>;
  events: number;
  /** Percent. */
  tolerance: number;
  withinTolerance: boolean;
  notes: string[];
}

export interface TraceCheckInput {
  traceText: string;
  traceFile: string;
  zoneinfoText: string;
  zoneinfoFile: string;
  buddyinfoText: string;
  buddyinfoFile: string;
  sysctlText?: string;
  sysctlFile?: string;
  kernel: string;
  /** Percent (default 10). */
  tolerance?: number;
}

export function checkTrace(input: TraceCheckInput): TraceCheck {
  throw new InputError({ file: input.traceFile, where: 'file', expected: 'a trace check (not built yet)', found: 'the scaffold' });
}
