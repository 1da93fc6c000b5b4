/**
 * Execution contexts, as in_task()/in_softirq()/in_hardirq()/in_nmi() tell them
 * apart. The workload tags each event with one; the lock validator reads it.
 * CTX_HARDIRQ is a real hard interrupt on every kernel; an interrupt handler
 * that PREEMPT_RT force-threads runs in a kthread and is CTX_TASK.
 */
export const CTX_TASK = 0;
export const CTX_SOFTIRQ = 1;
export const CTX_HARDIRQ = 2;
export const CTX_NMI = 3;
export const CONTEXT_NAMES = ['task', 'softirq', 'hardirq', 'nmi'] as const;
export type ContextName = (typeof CONTEXT_NAMES)[number];
