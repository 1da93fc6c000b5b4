/**
 * Registers strategy-resolve-hooks.mjs with Node's module loader, once per
 * thread: after it, a strategy file outside the repository can import
 * 'nolock-bench/strategy' (and 'zod'). loadStrategyFiles calls it before it
 * loads a --strategy-file, in whichever thread loads one: the main thread, and
 * each pool worker when its job names a strategy file (job.ts); module hooks
 * are per thread.
 * The caller may rely on: idempotent, and nothing else in the process changes
 * (every other specifier resolves as before).
 */
import { register } from 'node:module';

let registered = false;

export function registerStrategyResolver(): void {
  if (registered) return;
  registered = true;
  register(new URL('./strategy-resolve-hooks.mjs', import.meta.url));
}
