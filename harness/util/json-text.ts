/**
 * JSON text from a user's file: a syntax error becomes one InputError naming
 * the line and column (V8's own message may quote the text, newlines and all,
 * so it is never shown as is).
 */
import { InputError, describeFound } from '../errors.ts';

/**
 * Where and what the first syntax error of `body` is (JSON.parse failed with
 * `err`): 1-based line and column, and a short rendering of the text there.
 */
export function jsonSyntaxError(body: string, err: unknown): { line: number; col: number; found: string } {
  const msg = err instanceof Error ? err.message : String(err);
  // V8 names the position for some errors only; find it ourselves otherwise.
  const m = /position (\d+)/.exec(msg);
  const pos = m ? Number(m[1]) : jsonErrorOffset(body);
  const lc = /line (\d+) column (\d+)/.exec(msg);
  let line: number;
  let col: number;
  if (lc) {
    line = Number(lc[1]);
    col = Number(lc[2]);
  } else {
    ({ line, col } = lineColumn(body, pos));
  }
  const found = pos >= body.length ? 'the end of the file' : describeFound(body.slice(pos).split('\n')[0]!.slice(0, 20));
  return { line, col, found };
}

/** `text` without a leading byte order mark. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Parse JSON text; a syntax error becomes an InputError at `line L, column C`.
 * A caller may rely on the result being whatever JSON.parse returns.
 */
export function parseJsonText(text: string, file: string): unknown {
  const body = stripBom(text);
  try {
    return JSON.parse(body);
  } catch (err) {
    const { line, col, found } = jsonSyntaxError(body, err);
    throw new InputError({ file, where: `line ${line}, column ${col}`, expected: 'valid JSON', found });
  }
}

/**
 * Offset of the first JSON syntax error in `text` (text.length when the text
 * ends too early). A small scan run only after JSON.parse failed; iterative,
 * with its own stack of open brackets, so a file of 100,000 "[" is answered
 * like any other (a recursive scan ran out of call stack there).
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const n = text.length;
  class Stop {
    constructor(readonly at: number) {}
  }
  const ws = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const expect = (c: string): void => {
    if (text[i] !== c) throw new Stop(i);
    i++;
  };
  const str = (): void => {
    expect('"');
    while (i < n && text[i] !== '"') {
      const c = text.charCodeAt(i);
      if (c < 0x20) throw new Stop(i);
      if (text[i] === '\\') {
        i++;
        if (i >= n) throw new Stop(n);
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) throw new Stop(i);
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i]!)) throw new Stop(i);
      }
      i++;
    }
    expect('"');
  };
  const key = (): void => {
    ws();
    str();
    ws();
    expect(':');
  };
  /** Open containers, innermost last: "}" or "]", the bracket that closes each. */
  const open: ('}' | ']')[] = [];
  try {
    for (;;) {
      // A value starts here.
      ws();
      if (i >= n) throw new Stop(n);
      const c = text[i]!;
      if (c === '{' || c === '[') {
        const close = c === '{' ? '}' : ']';
        i++;
        ws();
        if (text[i] !== close) {
          open.push(close);
          if (close === '}') key();
          continue;
        }
        i++;
      } else if (c === '"') {
        str();
      } else {
        const lit = /^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)/.exec(text.slice(i, i + 64));
        if (!lit) throw new Stop(i);
        i += lit[0].length;
      }
      // After a value: a comma (then the next value), or the closing brackets.
      let next = false;
      while (open.length > 0 && !next) {
        ws();
        const close = open[open.length - 1]!;
        if (text[i] === ',') {
          i++;
          if (close === '}') key();
          next = true;
        } else {
          expect(close);
          open.pop();
        }
      }
      if (!next) break;
    }
    ws();
    return i < n ? i : n;
  } catch (e) {
    if (e instanceof Stop) return Math.min(e.at, n);
    throw e;
  }
}

function lineColumn(text: string, pos: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: pos - lineStart + 1 };
}

