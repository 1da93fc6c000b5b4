/**
 * A scenario's CPU set (`"all"` or a list of CPU indices) as the list of CPUs
 * the machine has: "all" is 0 .. cpus - 1; a listed CPU at or past `cpus` is
 * left out (a scenario written for a bigger machine runs on a smaller one).
 * The order of a list is kept.
 */
import type { CpuSet } from './scenario-schema.ts';

export function cpuList(set: CpuSet, cpus: number): number[] {
  return set === 'all' ? Array.from({ length: cpus }, (_, i) => i) : set.filter((c) => c < cpus);
}
