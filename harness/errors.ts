/**
 * InputError - bad input from a user: a scenario, a trace, a zoneinfo text, a
 * results file, a command-line value. The CLI prints `message` on one line and
 * exits with code 2; nothing else in the harness catches it.
 *
 * The message always names where (file, and a line or a field path) and what was
 * expected against what was found, so a user can fix the input without reading code.
 */
export class InputError extends Error {
  readonly file: string;
  readonly where: string;
  readonly expected: string;
  readonly found: string;

  constructor(opts: { file: string; where: string; expected: string; found: string }) {
    super(`${opts.file}: ${opts.where}: expected ${opts.expected}, found ${opts.found}`);
    this.name = 'InputError';
    this.file = opts.file;
    this.where = opts.where;
    this.expected = opts.expected;
    this.found = opts.found;
  }
}

/** Short, printable rendering of a found value for an InputError message. */
export function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') {
    const s = value.length > 40 ? `${value.slice(0, 37)}...` : value;
    return JSON.stringify(s);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return 'an object';
}
