/**
 * The committed lab captures (test/fixtures/lab/<uname -r>/, copied from real
 * Debian kernels booted by `npm run lab`; see its README): every one reads,
 * the zoneinfo oracle reproduces every number of the kernels a profile
 * claims, and the cut traces read with the kmem trace importer.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureMetaSchema } from '../../harness/lab/capture.ts';
import { cutTrace } from '../../harness/lab/cut-fixtures.ts';
import { parseBuddyinfo, parseZoneinfo } from '../../harness/machine/zoneinfo.ts';
import { resolveKernel } from '../../harness/validate/kernel-version.ts';
import { checkZoneinfo } from '../../harness/validate/zoneinfo.ts';
import { parseKmemText } from '../../harness/workload/kmem-text.ts';

const ROOT = new URL('../fixtures/lab/', import.meta.url).pathname;
const captures = readdirSync(ROOT)
  .filter((r) => statSync(join(ROOT, r)).isDirectory())
  .flatMap((release) => readdirSync(join(ROOT, release)).map((dir) => ({ release, dir, path: join(ROOT, release, dir) })));
const read = (p: string, f: string): string => readFileSync(join(p, f), 'utf8');

describe('committed lab captures', () => {
  it('cover the generic and the RT build of four kernel versions', () => {
    const releases = [...new Set(captures.map((c) => c.release))];
    expect(releases.length).toBeGreaterThanOrEqual(8);
    expect(releases.filter((r) => r.includes('-rt-')).length).toBeGreaterThanOrEqual(4);
    // Trace runs of 6 kernels (6.12-rt's and 7.2's did not complete in the lab run the fixtures come from).
    expect(captures.filter((c) => c.dir.startsWith('trace-')).length).toBeGreaterThanOrEqual(6);
  });

  it.each(captures)('$release $dir: meta, uname, zoneinfo and buddyinfo read', ({ release, path }) => {
    const meta = CaptureMetaSchema.parse(JSON.parse(read(path, 'meta.json')));
    expect(meta.kernel).toBe(release);
    expect(read(path, 'uname.txt').trim()).toBe(release);
    const z = parseZoneinfo(read(path, 'zoneinfo.txt'), 'zoneinfo.txt');
    expect(z).toBeTruthy();
    expect(parseBuddyinfo(read(path, 'buddyinfo.txt'), 'buddyinfo.txt').length).toBeGreaterThan(0);
    expect(read(path, 'sysctl.txt')).toMatch(/^vm\.min_free_kbytes = \d+$/m);
  });

  it.each(captures.filter((c) => !c.dir.startsWith('trace-')))('$release $dir: the model reproduces every zoneinfo number of a claimed kernel', ({ release, path }) => {
    const k = resolveKernel(release);
    const dmesg = join(path, 'dmesg.txt');
    const check = checkZoneinfo({ zoneinfoText: read(path, 'zoneinfo.txt'), zoneinfoFile: join(path, 'zoneinfo.txt'), sysctlText: read(path, 'sysctl.txt'), sysctlFile: join(path, 'sysctl.txt'), ...(existsSync(dmesg) ? { dmesgText: readFileSync(dmesg, 'utf8') } : {}), kernel: release });
    expect(check.compared).toBeGreaterThan(40);
    if (k.exact && !k.drift) expect(check.rows.filter((r) => !r.match)).toEqual([]);
  });

  it.each(captures.filter((c) => c.dir.startsWith('trace-')))('$release $dir: the cut trace reads with the kmem importer', ({ path }) => {
    const text = read(path, 'trace.txt');
    expect(text.length).toBeLessThan(25_000);
    const t = parseKmemText(text, 'trace.txt');
    expect(t.lost).toEqual([]);
    expect(text).toMatch(/mm_page_alloc_zone_locked: .*percpu_refill=1/);
  });
});

describe('cutTrace', () => {
  it('keeps the header (with its entry count rewritten) and the events around the first drain, in order', () => {
    const events = Array.from({ length: 400 }, (_, i) => `  dd-9 [001] ..... ${i}.0: ${i === 300 ? 'mm_page_pcpu_drain: page=0x1 pfn=0x2 order=0 migratetype=1' : 'mm_page_free: page=0x1 pfn=0x2 order=0'}`);
    const text = ['# tracer: nop', '#', '# entries-in-buffer/entries-written: 400/400   #P:4', '#', ...events].join('\n');
    const cut = cutTrace(text).trimEnd().split('\n');
    expect(cut[2]).toBe('# entries-in-buffer/entries-written: 90/90   #P:4');
    expect(cut.length).toBe(4 + 90);
    expect(cut[4 + 60]).toContain('300.0: mm_page_pcpu_drain');
    expect(cut.at(-1)).toContain('329.0:');
  });
});
