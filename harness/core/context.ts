/**
 * Execution contexts, as in_task()/in_softirq()/in_hardirq()/in_nmi() tell them
 * apart. The workload tags each event with one; the lock validator reads it.
 */
export const CTX_TASK = 0;
export const CTX_SOFTIRQ = 1;
export const CTX_HARDIRQ = 2;
export const CTX_NMI = 3;
export const CONTEXT_NAMES = ['task', 'softirq', 'hardirq', 'nmi'] as const;
export type ContextName = (typeof CONTEXT_NAMES)[number];
