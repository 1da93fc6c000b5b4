import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../harness/errors.ts';
import {
  checkZoneinfoAgainstModel,
  machineFromZoneinfo,
  parseBuddyinfo,
  parseZoneinfo,
} from '../../harness/machine/zoneinfo.ts';
import { DEFAULT_LOWMEM_RESERVE_RATIO } from '../../harness/core/machine-spec.ts';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

const ZONEINFO_618 = fixture('zoneinfo-6.18-2cpu.txt');
const BUDDYINFO_618 = fixture('buddyinfo-6.18-2cpu.txt');
const ZONEINFO_5X = fixture('zoneinfo-5.x-2cpu.txt');

/** The sysctls captured with the 6.18 zoneinfo ("key=value" lines). */
function sysctl618(): { minFreeKbytes: number; watermarkScaleFactor: number; lowmemReserveRatio: number[]; cpus: number } {
  const kv = new Map<string, string>();
  for (const line of fixture('zoneinfo-6.18-2cpu.sysctl.txt').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) kv.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  const num = (k: string): number => Number(kv.get(k));
  return {
    minFreeKbytes: num('min_free_kbytes'),
    watermarkScaleFactor: num('watermark_scale_factor'),
    lowmemReserveRatio: (kv.get('lowmem_reserve_ratio') ?? '').split(/\s+/).map(Number),
    cpus: num('cpus'),
  };
}

/** Runs fn, expects an InputError, returns its message. */
function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

/** Replaces the first line matching `re` and returns the new text and that line's number. */
function replaceLine(text: string, re: RegExp, by: (line: string) => string): { text: string; line: number } {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => re.test(l));
  if (i < 0) throw new Error(`no line matches ${re}`);
  lines[i] = by(lines[i] ?? '');
  return { text: lines.join('\n'), line: i + 1 };
}

describe('parseZoneinfo, 6.18 capture', () => {
  const z = parseZoneinfo(ZONEINFO_618, 'zoneinfo-6.18-2cpu.txt');

  it('reads every zone of the node, empty ones included', () => {
    expect(z.file).toBe('zoneinfo-6.18-2cpu.txt');
    expect(z.zones.map((zone) => `${zone.node}:${zone.kind}`)).toEqual(['0:DMA', '0:DMA32', '0:Normal', '0:Movable', '0:Device']);
  });

  it('reads the watermark block, including boost, promo and cma', () => {
    const dma32 = z.zones[1];
    expect(dma32).toMatchObject({
      line: 99,
      pagesFree: 772915,
      boost: 0,
      min: 13883,
      low: 17353,
      high: 20823,
      promo: 24293,
      spanned: 1044480,
      present: 782336,
      managed: 772915,
      cma: 0,
      protection: [0, 0, 640, 640, 640],
      startPfn: 4096,
    });
  });

  it('reads pagesets with high_min/high_max', () => {
    expect(z.zones[1]?.pagesets).toEqual([
      { cpu: 0, count: 0, high: 8676, batch: 63, highMin: 8676, highMax: 48307 },
      { cpu: 1, count: 0, high: 8676, batch: 63, highMin: 8676, highMax: 48307 },
    ]);
    expect(z.zones[2]?.pagesets.map((p) => p.high)).toEqual([3553, 4597]); // auto-tuned, per CPU
  });

  it('gives unpopulated zones no pagesets and no start_pfn', () => {
    const movable = z.zones[3];
    expect(movable?.pagesets).toEqual([]);
    expect(movable?.startPfn).toBeUndefined();
    expect(movable).toMatchObject({ min: 32, low: 32, high: 32, promo: 32, managed: 0, protection: [0, 0, 0, 0, 0] });
  });
});

describe('parseBuddyinfo, 6.18 capture', () => {
  it('reads 11 orders per populated zone', () => {
    const rows = parseBuddyinfo(BUDDYINFO_618, 'buddyinfo-6.18-2cpu.txt');
    expect(rows.map((r) => r.kind)).toEqual(['DMA', 'DMA32', 'Normal']);
    expect(rows[0]?.freeBlocks).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 3]);
    expect(rows[1]?.freeBlocks[10]).toBe(752);
    expect(rows[2]).toMatchObject({ node: 0, line: 3, file: 'buddyinfo-6.18-2cpu.txt' });
    // DMA: 256 + 512 + 3 * 1024 = 3840 free pages, as zoneinfo's "pages free" says
    const dmaPages = rows[0]?.freeBlocks.reduce((s, n, order) => s + n * 2 ** order, 0);
    expect(dmaPages).toBe(3840);
  });
});

describe('machineFromZoneinfo', () => {
  const sys = sysctl618();
  const z = parseZoneinfo(ZONEINFO_618, 'zoneinfo.txt');
  const buddy = parseBuddyinfo(BUDDYINFO_618, 'buddyinfo.txt');

  it('builds a single-node machine, CPUs from the pagesets', () => {
    const m = machineFromZoneinfo(z, { minFreeKbytes: sys.minFreeKbytes, watermarkScaleFactor: sys.watermarkScaleFactor, buddyinfo: buddy });
    expect(m.cpus).toBe(sys.cpus);
    expect(m.lowmemReserveRatio).toEqual([...DEFAULT_LOWMEM_RESERVE_RATIO]);
    expect(m.lowmemReserveRatio).toEqual(sys.lowmemReserveRatio);
    expect(m.zones.map((zz) => [zz.kind, zz.managedPages])).toEqual([
      ['DMA', 3840],
      ['DMA32', 772915],
      ['Normal', 163840],
      ['Movable', 0],
      ['Device', 0],
    ]);
    expect(m.zones[2]?.initialFreeBlocks).toEqual([2858, 1836, 1203, 649, 310, 116, 98, 64, 44, 5, 8]);
    expect(m.zones[3]?.initialFreeBlocks).toBeUndefined();
    expect(m.zones[4]?.initialFreeBlocks).toBeUndefined();
  });

  it('rejects a buddyinfo row with more free pages than the zone manages', () => {
    const bad = parseBuddyinfo('Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      4\n', 'buddy.txt');
    const e = inputError(() => machineFromZoneinfo(z, { minFreeKbytes: 67584, watermarkScaleFactor: 10, buddyinfo: bad }));
    expect(e.message).toBe('buddy.txt: line 1: expected at most 3840 free pages (zone DMA manages that many in zoneinfo.txt), found 4864');
  });

  it('rejects a buddyinfo zone the zoneinfo does not have', () => {
    const bad = parseBuddyinfo('Node 0, zone  HighMem 0 0 0 0 0 0 0 0 0 0 1\n', 'buddy.txt');
    expect(inputError(() => machineFromZoneinfo(z, { minFreeKbytes: 67584, watermarkScaleFactor: 10, buddyinfo: bad })).message).toMatch(
      /^buddy\.txt: line 1: expected a zone of zoneinfo\.txt/,
    );
  });

  it('rejects a lowmem_reserve_ratio of the wrong length and bad sysctls', () => {
    const e = inputError(() =>
      machineFromZoneinfo(z, { minFreeKbytes: 67584, watermarkScaleFactor: 10, lowmemReserveRatio: [256, 32], sysctlSource: 'sysctl.txt' }),
    );
    expect(e.message).toBe('sysctl.txt: lowmem_reserve_ratio: expected 5 values, one per zone of zoneinfo.txt (DMA, DMA32, Normal, Movable, Device), found 2 values');
    expect(inputError(() => machineFromZoneinfo(z, { minFreeKbytes: -1, watermarkScaleFactor: 10 })).where).toBe('min_free_kbytes');
    expect(inputError(() => machineFromZoneinfo(z, { minFreeKbytes: 1024, watermarkScaleFactor: 0 })).where).toBe('watermark_scale_factor');
  });

  it('rejects a multi-node capture', () => {
    const twoNodes = `${ZONEINFO_618}${ZONEINFO_618.replaceAll('Node 0,', 'Node 1,')}`;
    const zz = parseZoneinfo(twoNodes, 'numa.txt');
    expect(zz.zones).toHaveLength(10);
    const e = inputError(() => machineFromZoneinfo(zz, { minFreeKbytes: 67584, watermarkScaleFactor: 10 }));
    expect(e.message).toMatch(/^numa\.txt: line 215: field "node": expected a single-node zoneinfo/);
  });
});

describe('checkZoneinfoAgainstModel', () => {
  const sys = sysctl618();
  const z = parseZoneinfo(ZONEINFO_618, 'zoneinfo.txt');
  const buddy = parseBuddyinfo(BUDDYINFO_618, 'buddyinfo.txt');
  const machine = machineFromZoneinfo(z, {
    minFreeKbytes: sys.minFreeKbytes,
    watermarkScaleFactor: sys.watermarkScaleFactor,
    lowmemReserveRatio: sys.lowmemReserveRatio,
    cpus: sys.cpus,
    buddyinfo: buddy,
  });

  it('finds no mismatch for the 6.x profile on the 6.18 capture', () => {
    expect(checkZoneinfoAgainstModel(z, machine, '7.2')).toEqual([]);
  });

  it('finds what the 5.9 rules would have printed differently', () => {
    const diff = checkZoneinfoAgainstModel(z, machine, '5.9');
    expect(diff).toContainEqual({ zone: 'Node 0, zone Movable', field: 'min', kernel: 32, model: 0 });
    expect(diff).toContainEqual({ zone: 'Node 0, zone DMA32', field: 'cpu 1: high', kernel: 8676, model: 378 });
    // batch and protection follow the same rules in both kernels here
    expect(diff.filter((d) => d.field.endsWith('batch') || d.field.startsWith('protection'))).toEqual([]);
  });

  it('reports a wrong min_free_kbytes, scale factor or CPU count', () => {
    const fields = (m: typeof machine): string[] => checkZoneinfoAgainstModel(z, m, '7.2').map((d) => `${d.zone.split(' ').pop()} ${d.field}`);
    expect(fields({ ...machine, minFreeKbytes: 65536 })).toEqual(expect.arrayContaining(['DMA32 min', 'DMA32 low', 'DMA32 cpu 0: high_min']));
    expect(fields({ ...machine, watermarkScaleFactor: 1000 })).toContain('DMA32 low');
    expect(fields({ ...machine, cpus: 4 })).toEqual(expect.arrayContaining(['DMA32 cpu 0: high_min', 'DMA32 cpu 1: high_max']));
    expect(fields({ ...machine, lowmemReserveRatio: [128, 256, 32, 0, 0] })).toContain('DMA protection[1]');
  });
});

describe('a 5.x /proc/zoneinfo (kellyjonbrazil/jc fixture, see fixtures/README.md)', () => {
  const z = parseZoneinfo(ZONEINFO_5X, 'zoneinfo-5.x-2cpu.txt');

  it('parses the format without boost, promo, cma and high_min/high_max', () => {
    expect(z.zones.map((zone) => zone.kind)).toEqual(['DMA', 'DMA32', 'Normal', 'Movable', 'Device']);
    const dma32 = z.zones[1];
    expect(dma32).toMatchObject({ min: 12729, low: 15911, high: 19093, managed: 758708, protection: [0, 0, 924, 924, 924], startPfn: 4096 });
    expect(dma32?.boost).toBeUndefined();
    expect(dma32?.promo).toBeUndefined();
    expect(dma32?.cma).toBeUndefined();
    expect(dma32?.pagesets).toEqual([
      { cpu: 0, count: 253, high: 378, batch: 63 },
      { cpu: 1, count: 243, high: 378, batch: 63 },
    ]);
    // 5.x rules: the empty Movable zone is lowmem with a 0 share
    expect(z.zones[3]).toMatchObject({ min: 0, low: 0, high: 0 });
  });

  it('matches the 5.9 pcp sizing (which depends on managed pages only)', () => {
    // Its sysctls were not captured and its watermarks predate later managed-page
    // changes, so only the pcp fields are compared; min_free_kbytes is a placeholder.
    const m = machineFromZoneinfo(z, { minFreeKbytes: 67584, watermarkScaleFactor: 10 });
    expect(m.cpus).toBe(2);
    const pcp = checkZoneinfoAgainstModel(z, m, '5.9').filter((d) => d.field.startsWith('cpu '));
    expect(pcp).toEqual([]);
    // DMA (3976 managed) has zone_batchsize 0: stored batch 1, high 0, as printed
    expect(z.zones[0]?.pagesets[0]).toMatchObject({ high: 0, batch: 1 });
  });
});

describe('malformed input', () => {
  it('rejects an empty file and a blank one', () => {
    expect(inputError(() => parseZoneinfo('', 'zoneinfo.txt')).message).toBe(
      'zoneinfo.txt: line 1: expected a /proc/zoneinfo text ("Node N, zone NAME" blocks), found an empty file',
    );
    expect(inputError(() => parseZoneinfo('\n  \n', 'zoneinfo.txt')).message).toMatch(/found only blank lines$/);
    expect(inputError(() => parseBuddyinfo('', 'buddyinfo.txt')).message).toMatch(/^buddyinfo\.txt: line 1: .* found an empty file$/);
  });

  it('rejects binary junk, naming the line', () => {
    const junk = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x0a, 0xff, 0xfe]).toString('latin1');
    expect(inputError(() => parseZoneinfo(junk, 'vmlinux')).message).toBe(
      'vmlinux: line 1: expected a /proc/zoneinfo text ("Node N, zone NAME" blocks), as plain text, found binary data (byte 0x7f at column 1)',
    );
    const utf8Junk = Buffer.from([0x4e, 0x6f, 0x64, 0x65, 0x0a, 0xc3, 0x28]).toString('utf8');
    expect(inputError(() => parseZoneinfo(utf8Junk, 'z.bin')).message).toBe(
      'z.bin: line 2: expected a /proc/zoneinfo text ("Node N, zone NAME" blocks), as plain text, found binary data (an undecodable byte at column 1)',
    );
    const nulInside = ZONEINFO_618.replace('        min      68', '        min  \u0000  68');
    expect(inputError(() => parseZoneinfo(nulInside, 'z.txt')).where).toBe('line 56');
    expect(inputError(() => parseBuddyinfo('Node 0, zone DMA\u0001', 'b.txt')).where).toBe('line 1');
  });

  it('rejects a text without a "Node N, zone X" header', () => {
    expect(inputError(() => parseZoneinfo('MemTotal:       16318496 kB\n', 'meminfo')).message).toBe(
      'meminfo: line 1: expected a "Node N, zone NAME" header (a /proc/zoneinfo text ("Node N, zone NAME" blocks)), found "MemTotal:       16318496 kB"',
    );
    expect(inputError(() => parseZoneinfo('\n\n  pages free     3840\n', 'z.txt')).where).toBe('line 3');
    const cutHeader = replaceLine(ZONEINFO_618, /^Node 0, zone\s+Normal$/, () => 'Node 0, zone');
    expect(inputError(() => parseZoneinfo(cutHeader.text, 'z.txt')).message).toBe(
      `z.txt: line ${cutHeader.line}: expected a "Node N, zone NAME" header, found "Node 0, zone"`,
    );
  });

  it('names file, line and field for a non-numeric value', () => {
    const { text, line } = replaceLine(ZONEINFO_618, /^\s+min\s+13883$/, () => '        min      abc');
    expect(line).toBe(102);
    expect(inputError(() => parseZoneinfo(text, 'zoneinfo.txt')).message).toBe(
      'zoneinfo.txt: line 102: field "min": expected a non-negative integer, found "abc"',
    );
    const neg = replaceLine(ZONEINFO_618, /^\s+batch:\s+31$/, () => '              batch:    -31');
    expect(inputError(() => parseZoneinfo(neg.text, 'zoneinfo.txt')).message).toBe(
      `zoneinfo.txt: line ${neg.line}: field "batch": expected a non-negative integer, found "-31"`,
    );
    const counter = replaceLine(ZONEINFO_618, /^\s+nr_free_pages 61696$/, () => '      nr_free_pages lots');
    expect(inputError(() => parseZoneinfo(counter.text, 'zoneinfo.txt')).message).toBe(
      `zoneinfo.txt: line ${counter.line}: field "nr_free_pages": expected an integer, found "lots"`,
    );
  });

  it('names the line where a truncated text ends and the field it misses', () => {
    // Cut inside DMA32's watermark block, right after "low": no high/spanned/present/managed/protection.
    const lines = ZONEINFO_618.split('\n');
    const cut = lines.slice(0, 103).join('\n');
    expect(inputError(() => parseZoneinfo(cut, 'zoneinfo.txt')).message).toBe(
      'zoneinfo.txt: line 103: field "high": expected a "high" line in "Node 0, zone DMA32" (from line 99), found the end of the text',
    );
    // Cut in the middle of a line: "        man" is not a zoneinfo line.
    const midLine = `${lines.slice(0, 106).join('\n')}\n        man`;
    expect(inputError(() => parseZoneinfo(midLine, 'zoneinfo.txt')).message).toBe(
      'zoneinfo.txt: line 107: expected a zoneinfo line ("name value", "name: value", "pagesets", "protection: (...)"), found "        man"',
    );
    // Cut inside a pageset: cpu 1 of DMA32 has count and high but no batch.
    const inPageset = lines.slice(0, lines.indexOf('              high:     8676', 134) + 1).join('\n');
    const e = inputError(() => parseZoneinfo(inPageset, 'zoneinfo.txt'));
    expect(e.where).toBe('line 138: field "batch"');
    expect(e.found).toBe('the end of the text');
    // A value cut off: "managed" with nothing after it.
    const noValue = replaceLine(ZONEINFO_618, /^\s+managed\s+163840$/, () => '        managed');
    expect(inputError(() => parseZoneinfo(noValue.text, 'zoneinfo.txt')).message).toBe(
      `zoneinfo.txt: line ${noValue.line}: field "managed": expected a non-negative integer, found nothing`,
    );
  });

  it('rejects bad protection lists, unknown zones and repeated fields', () => {
    const prot = replaceLine(ZONEINFO_618, /protection: \(0, 3019/, () => '        protection: (0, 3019, x)');
    expect(inputError(() => parseZoneinfo(prot.text, 'z.txt')).message).toBe(
      `z.txt: line ${prot.line}: field "protection": expected a list of non-negative integers like "(0, 3019, 3659)", found "(0, 3019, x)"`,
    );
    const short = replaceLine(ZONEINFO_618, /protection: \(0, 0, 640/, () => '        protection: (0, 0, 640)');
    expect(inputError(() => parseZoneinfo(short.text, 'z.txt')).message).toBe(
      `z.txt: line ${short.line}: field "protection": expected 5 values, one per zone of node 0, found 3 values`,
    );
    const zone = replaceLine(ZONEINFO_618, /^Node 0, zone\s+Normal$/, () => 'Node 0, zone   Normal2');
    expect(inputError(() => parseZoneinfo(zone.text, 'z.txt')).message).toBe(
      `z.txt: line ${zone.line}: field "zone": expected a zone name (DMA, DMA32, Normal, HighMem, Movable, Device), found "Normal2"`,
    );
    const twice = replaceLine(ZONEINFO_618, /^\s+spanned\s+4095$/, () => '        min      68');
    expect(inputError(() => parseZoneinfo(twice.text, 'z.txt')).message).toBe(
      `z.txt: line ${twice.line}: field "min": expected one "min" line in "Node 0, zone DMA", found a second one (first at line 56)`,
    );
  });

  it('rejects malformed buddyinfo rows', () => {
    expect(inputError(() => parseBuddyinfo('Node 0, zone DMA 1 2 3\n', 'buddyinfo.txt')).message).toBe(
      'buddyinfo.txt: line 1: expected 11 free-block counts (orders 0..10), found 3',
    );
    const bad = BUDDYINFO_618.replace('  752 ', '  7x2 ');
    expect(inputError(() => parseBuddyinfo(bad, 'buddyinfo.txt')).message).toBe(
      'buddyinfo.txt: line 2: field "order 10": expected a non-negative integer, found "7x2"',
    );
    expect(inputError(() => parseBuddyinfo('hello\n', 'buddyinfo.txt')).where).toBe('line 1');
    expect(inputError(() => parseBuddyinfo(`${BUDDYINFO_618}${BUDDYINFO_618}`, 'buddyinfo.txt')).where).toBe('line 4: field "zone"');
  });
});
