/**
 * The strategy every other is compared against: today's kernel,
 * __get_free_page(GFP_NOWAIT) under the krc raw lock (strategies/status-quo.ts).
 * Summaries, the verdict, the history and the reports all name it from here.
 */
export const BASELINE_STRATEGY = 'status-quo';
