import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { formatPath, issueToInputError, knownKeysAt, schemaAtPath, schemaFieldPaths, valueAt } from '../../harness/util/zod-errors.ts';

const Schema = z
  .object({
    size: z.number().int().min(1).describe('A size. Required.'),
    cpus: z.union([z.literal('all'), z.array(z.number().int().min(0))]).default('all').describe('CPUs. Default: "all".'),
    inner: z.object({ speed: z.number().max(10).default(1).describe('Speed. Default: 1.'), mode: z.enum(['a', 'b']).default('a').describe('Mode. Default: "a".') }).strict().prefault({}).describe('Inner. Default: {}.'),
    list: z.array(z.object({ at: z.number().describe('At. Required.') }).strict()).default([]).describe('List. Default: [].'),
    extra: z.record(z.string(), z.unknown()).default({}).describe('Free-form. Default: {}.'),
  })
  .strict();

/** The InputError of parsing `input` with Schema as file f.json. */
function errorOf(input: unknown) {
  const r = Schema.safeParse(input);
  if (r.success) throw new Error('parsed');
  return issueToInputError(r.error.issues, input, 'f.json', Schema);
}

describe('zod errors in words', () => {
  it('paths and values', () => {
    expect(formatPath(['list', 3, 'at'])).toBe('list[3].at');
    expect(formatPath([])).toBe('(top level)');
    expect(valueAt({ a: [{ b: 7 }] }, ['a', 0, 'b'])).toBe(7);
    expect(valueAt({ a: 1 }, ['a', 'b'])).toBeUndefined();
  });

  it('a bad value: file, path, what was expected, what was found', () => {
    expect(errorOf({ size: 0 })).toMatchObject({ file: 'f.json', where: 'size', expected: 'a number >= 1', found: '0' });
    expect(errorOf({ size: 1, inner: { speed: 11 } })).toMatchObject({ where: 'inner.speed', expected: 'a number <= 10' });
    expect(errorOf({ size: 1, inner: { mode: 'c' } })).toMatchObject({ where: 'inner.mode', expected: 'one of "a", "b"' });
    expect(errorOf({ size: 'big' })).toMatchObject({ where: 'size', expected: 'a number' });
  });

  it('a union: the branch that matched the shape reports its own error, else both branches in words', () => {
    expect(errorOf({ size: 1, cpus: [0, -1] })).toMatchObject({ where: 'cpus[1]', expected: 'a number >= 0' });
    expect(errorOf({ size: 1, cpus: 'some' }).expected).toBe('"all" or an array of CPU indices');
  });

  it('an unknown key: the keys the object takes and the closest one', () => {
    const e = errorOf({ size: 1, inner: { sped: 2 } });
    expect(e.where).toBe('inner.sped');
    expect(e.expected).toBe('one of the fields speed, mode');
    expect(e.found).toBe('unknown field "sped" (did you mean "speed"?)');
  });

  it('schema walking: keys, schemas at a path, every field with its description', () => {
    expect(knownKeysAt(Schema, ['inner'])).toEqual(['speed', 'mode']);
    expect(knownKeysAt(Schema, ['list', 0])).toEqual(['at']);
    expect(schemaAtPath(Schema, ['inner', 'nope'])).toEqual([]);
    expect(schemaAtPath(Schema, ['extra', 'anything', 'deeper']).length).toBe(1);
    expect(schemaFieldPaths(Schema).map((f) => f.path)).toEqual(['size', 'cpus', 'inner', 'inner.speed', 'inner.mode', 'list', 'list[].at', 'extra', 'extra.<name>']);
    expect(schemaFieldPaths(Schema).find((f) => f.path === 'inner.speed')?.description).toBe('Speed. Default: 1.');
  });
});
