/**
 * The vitest counterpart of harness/sim/strategy-resolve-hooks.mjs: tests
 * load strategy files through vitest's module runner, which does not use
 * Node's module hooks, so this plugin gives a strategy file anywhere on disk
 * the same two names: 'nolock-bench/strategy' (through package.json
 * "exports") and 'zod' (the repository's copy). The real CLI path, with the
 * Node hooks, is tested in a child process (test/cli/strategy-file.test.ts).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vitest/config';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; exports: Record<string, string> };

export function strategyResolverPlugin(): Plugin {
  return {
    name: 'nolock-bench-strategy-resolver',
    enforce: 'pre',
    async resolveId(source, _importer, options) {
      if (source === PKG.name || source.startsWith(`${PKG.name}/`)) {
        const target = PKG.exports[`.${source.slice(PKG.name.length)}`];
        return target === undefined ? null : join(ROOT, target);
      }
      if (source === 'zod' || source.startsWith('zod/')) return this.resolve(source, join(ROOT, 'package.json'), { ...options, skipSelf: true });
      return null;
    },
  };
}
