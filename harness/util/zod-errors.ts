/**
 * A zod schema's failures in the user's words: the first issue of a failed
 * parse as ONE InputError (file, field path, what was expected, what was
 * found, the closest known key for a misspelt one), and the schema walking
 * that needs (which keys an object takes, the schema at a path, every field
 * with its description). Generic: it knows zod, not what the schema describes.
 */
import type * as z from 'zod';
import { InputError, describeFound } from '../errors.ts';
import { closestName } from './closest-name.ts';

type Issue = z.core.$ZodIssue;
type AnySchema = z.ZodType;

/** `workload.pressure[0].factor` from a zod path; `(top level)` for the empty path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out === '' ? '(top level)' : out;
}

/** The value at `path` inside `root`, or undefined when the path leaves the data. */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg as string];
  }
  return cur;
}

/** A zod type name in words, as an error's "expected" says it. */
export const TYPE_WORDS: Readonly<Record<string, string>> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  record: 'an object',
  array: 'an array',
  null: 'null',
};

/** What the schema wanted at an issue, in words ("a number >= 0", "one of "a", "b""). */
export function expectedOf(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return TYPE_WORDS[issue.expected] ?? issue.expected;
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'array') return `at least ${min} entr${min === 1 ? 'y' : 'ies'}`;
      if (issue.origin === 'string') return 'a non-empty string';
      return `a number ${issue.inclusive ? '>=' : '>'} ${min}`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'array') return `at most ${max} entr${max === 1 ? 'y' : 'ies'}`;
      return `a number ${issue.inclusive ? '<=' : '<'} ${max}`;
    }
    case 'invalid_value':
      return issue.values.length === 1
        ? JSON.stringify(issue.values[0])
        : `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return issue.message;
  }
}

/** The innermost, most specific issue of a union failure, with its full path. */
function flattenUnion(issue: Issue, input: unknown): { issue: Issue; path: PropertyKey[] } {
  if (issue.code !== 'invalid_union') return { issue, path: [...issue.path] };
  const value = valueAt(input, issue.path);
  // A branch whose first error lies deeper than the union itself matched the
  // shape (e.g. an array of CPUs with one bad entry): report that error.
  for (const branch of issue.errors) {
    const first = branch[0];
    if (first && first.path.length > 0) {
      const inner = flattenUnion(first, value);
      return { issue: inner.issue, path: [...issue.path, ...inner.path] };
    }
  }
  const expected = issue.errors
    .map((b) => (b[0] ? expectedOf(b[0]) : ''))
    .filter((s) => s !== '')
    .map((s) => (s === 'an array' ? 'an array of CPU indices' : s))
    .join(' or ');
  return { issue: { ...issue, code: 'custom', message: expected || 'a valid value', params: {} } as Issue, path: [...issue.path] };
}

/**
 * The first zod issue of parsing `input` (the content of `file`) with
 * `schema` as one InputError: file, field path, expected, found. An unknown
 * key names the keys the object takes (at most 7) and the closest one; a key
 * or a value is shown short, so the message stays one readable line.
 */
export function issueToInputError(issues: readonly Issue[], input: unknown, file: string, schema: AnySchema): InputError {
  const first = issues[0];
  if (!first) return new InputError({ file, where: '(top level)', expected: 'a valid file', found: 'an invalid one' });
  const { issue, path } = flattenUnion(first, input);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const known = knownKeysAt(schema, path);
    const guess = closestName(key, known);
    // A key is the user's text: shown short (a 200-character key must not make a 600-character message).
    const shown = key.length > 32 ? `${key.slice(0, 29)}...` : key;
    return new InputError({
      file,
      where: formatPath([...path, shown]),
      // At most 7 fields named (the guess names the likely one): the message stays one readable line.
      expected: known.length > 0 ? `one of the fields ${known.length > 7 ? `${known.slice(0, 7).join(', ')}, ...` : known.join(', ')}` : 'no field here',
      found: `unknown field ${JSON.stringify(shown)}${guess ? ` (did you mean "${guess}"?)` : ''}`,
    });
  }
  const found = valueAt(input, path);
  return new InputError({ file, where: formatPath(path), expected: expectedOf(issue), found: describeFound(found) });
}

// ---------------------------------------------------------------------------
// Schema walking
// ---------------------------------------------------------------------------

function defOf(s: AnySchema): { type: string; [k: string]: unknown } {
  return (s as unknown as { _zod: { def: { type: string; [k: string]: unknown } } })._zod.def;
}

/** Strip default/prefault/nullable/optional/readonly wrappers (and a pipe's output side). */
function unwrap(s: AnySchema): AnySchema {
  let cur = s;
  for (;;) {
    const d = defOf(cur);
    if (d.type === 'default' || d.type === 'prefault' || d.type === 'nullable' || d.type === 'optional' || d.type === 'readonly') {
      cur = d['innerType'] as AnySchema;
    } else if (d.type === 'pipe') {
      cur = d['in'] as AnySchema;
    } else return cur;
  }
}

/** The child schemas of `s` for one path segment (several for unions), [] if none. */
function childSchemas(s: AnySchema, seg: PropertyKey): AnySchema[] {
  const u = unwrap(s);
  const d = defOf(u);
  if (d.type === 'unknown' || d.type === 'any') return [u]; // free-form (e.g. strategy parameters)
  if (d.type === 'object') {
    const shape = d['shape'] as Record<string, AnySchema>;
    const child = typeof seg === 'string' ? shape[seg] : undefined;
    return child ? [child] : [];
  }
  if (d.type === 'array') return typeof seg === 'number' ? [d['element'] as AnySchema] : [];
  if (d.type === 'record') return typeof seg === 'string' ? [d['valueType'] as AnySchema] : [];
  if (d.type === 'union') return (d['options'] as AnySchema[]).flatMap((o) => childSchemas(o, seg));
  return [];
}

/** The schemas that may describe the value at `path` (several under a union); [] when no field is there. */
export function schemaAtPath(schema: AnySchema, path: readonly PropertyKey[]): AnySchema[] {
  let cur = [schema];
  for (const seg of path) cur = cur.flatMap((s) => childSchemas(s, seg));
  return cur;
}

function objectKeys(s: AnySchema): string[] {
  const u = unwrap(s);
  const d = defOf(u);
  if (d.type === 'object') return Object.keys(d['shape'] as Record<string, unknown>);
  if (d.type === 'union') return (d['options'] as AnySchema[]).flatMap(objectKeys);
  return [];
}

/** The keys an object at `path` takes, each once, in the schema's order ([] when no object is there). */
export function knownKeysAt(schema: AnySchema, path: readonly PropertyKey[]): string[] {
  return [...new Set(schemaAtPath(schema, path).flatMap(objectKeys))];
}

/**
 * Every field of `schema` as a dotted path (`machine.zones[].kind`; a
 * record's entries as `<prefix>.<name>`), with its `.describe()` text ('' when
 * it has none), parents before their children, in the schema's order.
 */
export function schemaFieldPaths(schema: AnySchema): { path: string; description: string }[] {
  const out: { path: string; description: string }[] = [];
  const walk = (s: AnySchema, prefix: string): void => {
    const u = unwrap(s);
    const d = defOf(u);
    if (d.type === 'object') {
      for (const [k, child] of Object.entries(d['shape'] as Record<string, AnySchema>)) {
        const p = prefix === '' ? k : `${prefix}.${k}`;
        out.push({ path: p, description: descriptionOf(child) });
        walk(child, p);
      }
    } else if (d.type === 'array') {
      const el = d['element'] as AnySchema;
      if (defOf(unwrap(el)).type === 'object') walk(el, `${prefix}[]`);
    } else if (d.type === 'record') {
      out.push({ path: `${prefix}.<name>`, description: descriptionOf(d['valueType'] as AnySchema) });
    }
  };
  walk(schema, '');
  return out;
}

function descriptionOf(s: AnySchema): string {
  let cur: AnySchema | undefined = s;
  while (cur) {
    const desc = (cur as { description?: string }).description;
    if (desc) return desc;
    const d = defOf(cur);
    cur = (d['innerType'] as AnySchema | undefined) ?? undefined;
  }
  return '';
}
