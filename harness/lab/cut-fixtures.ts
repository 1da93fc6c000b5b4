/**
 * Copies a few lab captures from the cache into test/fixtures/lab/ so that
 * `npm test` covers the parsers and oracles offline: per kernel one machine
 * shape and its trace run, the trace cut to a few hundred lines.
 *
 *   npx tsx harness/lab/cut-fixtures.ts [shape, default 3cpu-3072M]
 *
 * Run it after `npm run lab`; it reads only the cache and writes only
 * test/fixtures/lab/.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labCacheDir } from './cache-dir.ts';
import { TRACE_SHAPE, shapeName } from './shapes.ts';

/** Event lines kept from the start of a trace, and around its first drain, refill and fallback. */
export const TRACE_HEAD_EVENTS = 60;
export const TRACE_WINDOW_EVENTS = 30;

/**
 * A short trace that keeps the tracefs format: the `#` header (its
 * entries-in-buffer line rewritten to the number of events kept), the first
 * TRACE_HEAD_EVENTS events, and TRACE_WINDOW_EVENTS events from the first
 * `mm_page_pcpu_drain`, the first `percpu_refill=1` and the first
 * `mm_page_alloc_extfrag` on, in their original order.
 */
export function cutTrace(text: string): string {
  const lines = text.split('\n');
  const header: string[] = [];
  const events: string[] = [];
  for (const l of lines) {
    if (l.startsWith('#')) {
      if (events.length === 0) header.push(l);
    } else if (l.trim()) events.push(l);
  }
  const keep = new Set<number>();
  for (let i = 0; i < Math.min(TRACE_HEAD_EVENTS, events.length); i++) keep.add(i);
  for (const marker of ['mm_page_pcpu_drain:', 'percpu_refill=1', 'mm_page_alloc_extfrag:']) {
    const at = events.findIndex((l) => l.includes(marker));
    if (at < 0) continue;
    for (let i = at; i < Math.min(at + TRACE_WINDOW_EVENTS, events.length); i++) keep.add(i);
  }
  const kept = [...keep].sort((a, b) => a - b).map((i) => events[i]!);
  const head = header.map((l) => l.replace(/(entries-in-buffer\/entries-written:\s*)\d+\/\d+/, `$1${kept.length}/${kept.length}`));
  return `${[...head, ...kept].join('\n')}\n`;
}

function main(): void {
  const shape = process.argv[2] ?? '3cpu-3072M';
  const cache = join(labCacheDir(), 'captures');
  const out = join(process.cwd(), 'test', 'fixtures', 'lab');
  for (const release of readdirSync(cache).sort()) {
    const dst = join(out, release);
    rmSync(dst, { recursive: true, force: true });
    for (const dir of [shape, `trace-${shapeName(TRACE_SHAPE)}`]) {
      const src = join(cache, release, dir);
      if (!existsSync(join(src, 'zoneinfo.txt'))) continue;
      mkdirSync(join(dst, dir), { recursive: true });
      for (const f of ['zoneinfo.txt', 'buddyinfo.txt', 'sysctl.txt', 'uname.txt', 'meta.json']) copyFileSync(join(src, f), join(dst, dir, f));
      // The boot log's "Freeing ... memory" lines only: what the zoneinfo oracle reads from it.
      if (existsSync(join(src, 'dmesg.txt'))) writeFileSync(join(dst, dir, 'dmesg.txt'), readFileSync(join(src, 'dmesg.txt'), 'utf8').split('\n').filter((l) => /Freeing .*memory/i.test(l)).map((l) => `${l}\n`).join(''));
      if (existsSync(join(src, 'trace.txt'))) writeFileSync(join(dst, dir, 'trace.txt'), cutTrace(readFileSync(join(src, 'trace.txt'), 'utf8')));
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
