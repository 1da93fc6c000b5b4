/** Test helper: the one InputError a call throws. */
import { expect } from 'vitest';
import { InputError } from '../../harness/errors.ts';

/** Runs f and returns the one InputError it throws (fails the test otherwise). */
export function inputError(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError, got none');
}

/** Awaits f and returns the one InputError it rejects with (fails the test otherwise). */
export async function inputErrorAsync(f: () => Promise<unknown>): Promise<InputError> {
  try {
    await f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError, got none');
}
