/**
 * InputError - bad input from a user: a scenario, a trace, a zoneinfo text, a
 * results file, a command-line value. The CLI prints `message` on one line and
 * exits with code 2; nothing else in the harness catches it.
 *
 * The message always names where (file, and a line or a field path) and what was
 * expected against what was found, so a user can fix the input without reading code.
 * It is always one line (control characters in the parts are shown escaped)
 * and short: a part longer than MAX_PART is cut, with "..." where text went.
 * Callers keep their parts short themselves (describeFound); the cut is a net
 * for what they cannot foresee, such as a 500-character key in a user's file.
 */
export class InputError extends Error {
  readonly file: string;
  readonly where: string;
  readonly expected: string;
  readonly found: string;

  constructor(opts: { file: string; where: string; expected: string; found: string }) {
    const file = clipMiddle(oneLine(opts.file), MAX_PART.file);
    const where = clip(oneLine(opts.where), MAX_PART.where);
    const expected = clip(oneLine(opts.expected), MAX_PART.expected);
    const found = clip(oneLine(opts.found), MAX_PART.found);
    super(`${file}: ${where}: expected ${expected}, found ${found}`);
    this.name = 'InputError';
    this.file = file;
    this.where = where;
    this.expected = expected;
    this.found = found;
  }
}

/** The longest file, where, expected and found an InputError message shows. */
export const MAX_PART = { file: 120, where: 100, expected: 200, found: 100 } as const;

/** `text`, cut to `max` characters with "..." at the end. */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}

/** `text`, cut to `max` characters with "..." in the middle (a path keeps its start and its file name). */
function clipMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.ceil((max - 3) / 2);
  return `${text.slice(0, head)}...${text.slice(text.length - (max - 3 - head))}`;
}

/**
 * `text` on one line: line breaks and other control characters (which a file
 * name, a key or a value from the user may hold) are shown escaped, \n, \t,
 * \u0000, and so are the invisible ones that would hide in the line or
 * reorder it on screen (a byte order mark, zero-width spaces, bidi overrides).
 * Applying it twice changes nothing more.
 */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
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

/**
 * Why a file could not be read, in words ("no such file", "a directory"), for
 * the `found` of an InputError; Node's own message names the path again and
 * may be long.
 */
export function describeIoError(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'a directory';
    case 'ENOTDIR':
      return 'a path through something that is not a directory';
    case 'EACCES':
    case 'EPERM':
      return 'a file without read permission';
    case 'ENAMETOOLONG':
      return 'a name too long for the file system';
    case 'ELOOP':
      return 'a loop of symbolic links';
    case 'ERR_INVALID_ARG_VALUE':
    case 'ERR_INVALID_ARG_TYPE':
      // Node refuses a path with a NUL byte before asking the file system.
      return 'a path with a NUL byte';
    case 'ERR_FS_FILE_TOO_LARGE':
    case 'ERR_STRING_TOO_LONG':
      return 'a file too large to read as text';
    default:
      return typeof code === 'string' ? code : err instanceof Error ? err.message : String(err);
  }
}
