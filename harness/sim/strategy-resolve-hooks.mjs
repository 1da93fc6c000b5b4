// Module resolution hooks (node:module register(), Node >= 20.6; registered by
// strategy-resolver.ts) that let a strategy file anywhere on disk import the
// public API by package name: `import { defineStrategy, z } from
// 'nolock-bench/strategy'`. A file in /tmp has no node_modules above it, so
// this package's own name and a bare 'zod' are resolved as if imported from
// this repository: the name through package.json "exports" (Node's package
// self-reference), zod to the repository's copy (the one the harness validates
// parameters with). Every other specifier resolves as usual, so a genuinely
// missing module still fails with Node's own error. Plain JavaScript: hooks
// run on Node's loader thread, before any TypeScript loader applies there.
import { readFileSync } from 'node:fs';

const PACKAGE_JSON = new URL('../../package.json', import.meta.url);
const NAME = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')).name;

/** Whether `specifier` is `name` or one of its subpaths. */
const under = (specifier, name) => specifier === name || specifier.startsWith(`${name}/`);

export async function resolve(specifier, context, nextResolve) {
  if (under(specifier, NAME) || under(specifier, 'zod')) return nextResolve(specifier, { ...context, parentURL: PACKAGE_JSON.href });
  const resolved = await nextResolve(specifier, context);
  // A TypeScript file with no "type": "module" package.json above it (a
  // strategy file in /tmp) would load as CommonJS, where these hooks do not
  // apply and `import` of an ES module fails: strategy files are ES modules.
  if (resolved.format === 'commonjs' && /\.tsx?$/.test(resolved.url) && resolved.url.startsWith('file:') && !resolved.url.includes('/node_modules/')) {
    return { ...resolved, format: 'module' };
  }
  return resolved;
}
