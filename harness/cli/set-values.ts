/**
 * --set key=value and --sweep key=v1,v2,...: what a key names and how a value
 * is read. A key's first segment decides: `cost.<key>` overrides the cost
 * table, `<strategy>.<param>` a strategy parameter, anything else is a path
 * into the scenario (e.g. workload.kvfreeRcu.headlessShare).
 */
import { InputError, describeFound } from '../errors.ts';
import type { SetTarget } from '../compare/plan.ts';
import { closestName } from '../util/closest-name.ts';

export type { SetTarget };

/** A value as typed: JSON when it parses (numbers, booleans, quoted strings), else the plain string. */
export function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** `key=value` (both trimmed); a text without "=" or without a key is an InputError about `origin`. */
export function splitAssignment(text: string, origin: string): [string, string] {
  const i = text.indexOf('=');
  const key = i < 0 ? '' : text.slice(0, i).trim();
  if (i < 0 || key === '') throw new InputError({ file: origin, where: describeFound(text), expected: 'key=value', found: i < 0 ? 'no "="' : 'no key before "="' });
  return [key, text.slice(i + 1).trim()];
}

/**
 * What `key` names (see the file comment). A strategy's name without a
 * parameter is an InputError about `origin` (default: the `--set` assignment).
 */
export function classify(key: string, raw: string, strategyNames: readonly string[], origin = `--set ${key}=${raw}`): SetTarget {
  const dot = key.indexOf('.');
  const head = dot < 0 ? key : key.slice(0, dot);
  const rest = dot < 0 ? '' : key.slice(dot + 1);
  if (head === 'cost') {
    if (!rest) throw new InputError({ file: origin, where: describeFound(key), expected: 'cost.<key> (a cost table entry, e.g. cost.lockHandoff)', found: 'no cost key' });
    return { kind: 'cost', key: rest, value: parseValue(raw) };
  }
  if (strategyNames.includes(head)) {
    if (!rest) throw new InputError({ file: origin, where: describeFound(key), expected: `${head}.<parameter>`, found: 'no parameter name' });
    return { kind: 'strategy', strategy: head, param: rest, value: parseValue(raw) };
  }
  if (head === 'strategies') checkSectionNames(rest, raw, strategyNames, origin);
  return { kind: 'scenario', key, raw };
}

/**
 * `strategies.<name>...` (or `strategies={...}`) sets a scenario's section of a
 * strategy: the name must be a strategy loaded (`strategyNames`), as in a
 * scenario file (sim/preflight.ts); else one InputError with the closest.
 */
function checkSectionNames(rest: string, raw: string, strategyNames: readonly string[], origin: string): void {
  let names: string[];
  if (rest !== '') {
    const dot = rest.indexOf('.');
    names = [dot < 0 ? rest : rest.slice(0, dot)];
  } else {
    const value = parseValue(raw);
    // Not an object: the schema's to refuse, when the scenario is built.
    names = value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
  }
  for (const name of names) {
    if (strategyNames.includes(name)) continue;
    const near = closestName(name, strategyNames);
    const shown = name.length > 32 ? `${name.slice(0, 29)}...` : name;
    throw new InputError({
      file: origin,
      where: `strategies.${shown}`,
      expected: near ? `a strategy name (did you mean "${near}"?)` : `a strategy name (${strategyNames.join(', ')})`,
      found: `unknown strategy ${describeFound(name)}`,
    });
  }
}

/**
 * Sweep values: a comma list ("0,4,8,16"), or "lo..hi" for lo, the powers of
 * two between, and hi ("0..64" gives 0,1,2,4,8,16,32,64). lo and hi are
 * non-negative integers; list values are not empty and each is given once.
 */
export function sweepValues(spec: string, origin: string): string[] {
  if (spec.includes('..')) {
    const range = /^(\d+)\.\.(\d+)$/.exec(spec.trim());
    if (!range) throw new InputError({ file: origin, where: 'range', expected: 'lo..hi with integers 0 <= lo <= hi (e.g. 0..64)', found: describeFound(spec) });
    const lo = Number(range[1]);
    const hi = Number(range[2]);
    if (!Number.isSafeInteger(hi)) throw new InputError({ file: origin, where: 'range', expected: `lo..hi with hi <= ${Number.MAX_SAFE_INTEGER}`, found: describeFound(spec) });
    if (hi < lo) throw new InputError({ file: origin, where: 'range', expected: 'lo..hi with lo <= hi', found: describeFound(spec) });
    const out = new Set<number>([lo]);
    for (let p = 1; p < hi; p *= 2) if (p > lo) out.add(p);
    out.add(hi);
    return [...out].map(String);
  }
  const vals = spec.split(',').map((s) => s.trim());
  if (vals.some((v) => v === '')) throw new InputError({ file: origin, where: 'values', expected: 'a comma-separated list (v1,v2,...) or a range lo..hi', found: describeFound(spec) });
  const seen = new Set<string>();
  for (const v of vals) {
    if (seen.has(v)) throw new InputError({ file: origin, where: 'values', expected: 'each value once', found: `${describeFound(v)} twice` });
    seen.add(v);
  }
  return vals;
}
