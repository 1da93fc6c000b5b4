/**
 * Bad /proc/zoneinfo and /proc/buddyinfo captures: the real fixtures with a
 * required line deleted, a number corrupted, two fields swapped, the text
 * cut short, binary garbage inside, rows that do not match the machine. Each
 * is one clear InputError naming the file and the line: parseZoneinfo /
 * parseBuddyinfo, then machineFromZoneinfo as the scenario import runs it.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { machineFromZoneinfo, parseBuddyinfo, parseZoneinfo } from '../../harness/machine/zoneinfo.ts';
import { FUZZ_RUNS, binaryText, expectRejects, fuzz, garbageChar, labelled, triedVariants } from '../helpers/fuzz-helpers.ts';

const ZONEINFO_FILES = ['test/fixtures/zoneinfo-6.18-2cpu.txt', 'test/fixtures/zoneinfo-5.x-2cpu.txt'];
const BUDDYINFO_FILE = 'test/fixtures/buddyinfo-6.18-2cpu.txt';
/** The 6.18 capture's sysctls (test/fixtures/zoneinfo-6.18-2cpu.sysctl.txt). */
const SYSCTL = { minFreeKbytes: 67584, watermarkScaleFactor: 10 };

interface Text {
  readonly file: string;
  readonly text: string;
  readonly lines: string[];
}
const read = (file: string): Text => {
  const text = readFileSync(file, 'utf8');
  return { file, text, lines: text.split('\n') };
};
const ZONEINFOS = ZONEINFO_FILES.map(read);
const BUDDYINFO = read(BUDDYINFO_FILE);
const ZONEINFO_618 = parseZoneinfo(ZONEINFOS[0]!.text, ZONEINFOS[0]!.file);

function importZoneinfo(text: string, file: string): void {
  machineFromZoneinfo(parseZoneinfo(text, file), SYSCTL);
}

function importBuddyinfo(text: string, file: string): void {
  machineFromZoneinfo(ZONEINFO_618, { ...SYSCTL, buddyinfo: parseBuddyinfo(text, file) });
}

interface Variant {
  readonly file: string;
  readonly text: string;
  readonly what: string;
}
const variant = (file: string, text: string, what: string): Variant => labelled({ file, text, what }, `${file}: ${what}`);
const withLine = (t: Text, i: number, line: string | null): string => {
  const lines = [...t.lines];
  if (line === null) lines.splice(i, 1);
  else lines[i] = line;
  return lines.join('\n');
};

// -- zoneinfo ----------------------------------------------------------------------------

/** Lines whose deletion breaks the capture: zone headers, required watermark lines, protection, pagesets and pageset fields. */
const REQUIRED_LINE = /^(Node \d+, zone|pages free\b|min\b|low\b|high\b|spanned\b|present\b|managed\b|protection:|pagesets$|cpu:|count:|high:|batch:|high_min:|high_max:)/;
/** Lines with a number parseZoneinfo reads as a count (not a signed counter). */
const COUNT_LINE = /^(pages free|boost|min|low|high|promo|spanned|present|managed|cma|count:|high:|batch:|high_min:|high_max:|cpu:|start_pfn:|node_unreclaimable:|vm stats threshold:)\s*(\d+)$/;
const COUNTER_LINE = /^([a-z_]+)\s+(-?\d+)$/;

const indexesOf = (t: Text, re: RegExp): number[] => t.lines.flatMap((l, i) => (re.test(l.trim()) ? [i] : []));

const zoneinfoVariant: fc.Arbitrary<Variant> = fc.constantFrom(...ZONEINFOS).chain((t) => {
  const required = indexesOf(t, REQUIRED_LINE);
  const counts = indexesOf(t, COUNT_LINE);
  const counters = t.lines.flatMap((l, i) => (COUNTER_LINE.test(l.trim()) && !COUNT_LINE.test(l.trim()) ? [i] : []));
  const headers = indexesOf(t, /^Node \d+, zone/);
  const protections = indexesOf(t, /^protection:/);
  const keyValue = indexesOf(t, /^[A-Za-z_][\w ]*:?\s+\S+$/);
  const lastParen = t.text.lastIndexOf(')');
  return fc.oneof(
    // a required line deleted
    fc.constantFrom(...required).map((i) => variant(t.file, withLine(t, i, null), `line ${i + 1} deleted: ${t.lines[i]!.trim()}`)),
    // a count corrupted: not a non-negative integer
    fc.tuple(fc.constantFrom(...counts), fc.constantFrom('abc', '-1', '1.5', '0x10', '1e3', '', '99999999999999999999', '\uff11', '+5', '5 5', 'NaN')).map(([i, v]) => {
      const line = t.lines[i]!.replace(/\d+\s*$/, v);
      return variant(t.file, withLine(t, i, line), `line ${i + 1}: ${JSON.stringify(line.trim())}`);
    }),
    // a counter corrupted: not an integer
    fc.tuple(fc.constantFrom(...counters), fc.constantFrom('abc', '1.5', '0x10', '', '+5', '--1', '1,000')).map(([i, v]) => {
      const line = t.lines[i]!.replace(/-?\d+\s*$/, v);
      return variant(t.file, withLine(t, i, line), `line ${i + 1}: ${JSON.stringify(line.trim())}`);
    }),
    // protection: a bad entry, one entry too few or too many, no parentheses
    fc.tuple(fc.constantFrom(...protections), fc.constantFrom<(s: string) => string>((s) => s.replace(/\((\d+)/, '(x'), (s) => s.replace(/, \d+\)/, ')'), (s) => s.replace(/\)/, ', 0)'), (s) => s.replace(/[()]/g, ''), (s) => s.replace(/\)/, ''), (s) => s.replace(/\(.*\)/, '()'), (s) => s.replace(/, /, ',, '))).map(([i, f]) => {
      const line = f(t.lines[i]!);
      return variant(t.file, withLine(t, i, line), `line ${i + 1}: ${JSON.stringify(line.trim())}`);
    }),
    // a header: an unknown zone, a bad node number, another node (the model has one)
    fc.tuple(fc.constantFrom(...headers), fc.constantFrom<(s: string) => string>((s) => s.replace(/zone\s+\w+/, 'zone Foo'), (s) => s.replace(/zone\s+(\w+)/, (_, z: string) => `zone ${z.toLowerCase()}`), (s) => s.replace(/Node \d+/, 'Node x'), (s) => s.replace(/Node \d+/, 'Node -1'), (s) => s.replace(/, zone/, ' zone'), (s) => s.replace(/zone\s+\w+/, 'zone'))).map(([i, f]) => {
      const line = f(t.lines[i]!);
      return variant(t.file, withLine(t, i, line), `header at line ${i + 1}: ${JSON.stringify(line)}`);
    }),
    fc.constant(variant(t.file, t.lines.map((l, i) => (i === headers[headers.length - 1] ? l.replace('Node 0', 'Node 1') : l)).join('\n'), 'the last zone on node 1')),
    // two zone headers swapped (zones out of zone_idx order)
    fc.tuple(fc.constantFrom(...headers), fc.constantFrom(...headers)).filter(([a, b]) => a !== b).map(([a, b]) => {
      const lines = [...t.lines];
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      return variant(t.file, lines.join('\n'), `headers at lines ${a + 1} and ${b + 1} swapped`);
    }),
    // name and value swapped in a line ("68 min")
    fc.constantFrom(...keyValue).map((i) => {
      const l = t.lines[i]!;
      const m = /^(\s*)(.*?)(:?)\s+(\S+)$/.exec(l)!;
      const line = `${m[1]}${m[4]}${m[3]} ${m[2]}`;
      return variant(t.file, withLine(t, i, line), `line ${i + 1} swapped: ${JSON.stringify(line.trim())}`);
    }),
    // a line repeated (a field twice)
    fc.constantFrom(...required.filter((i) => !/^Node/.test(t.lines[i]!.trim()))).map((i) => {
      const lines = [...t.lines];
      lines.splice(i, 0, t.lines[i]!);
      return variant(t.file, lines.join('\n'), `line ${i + 1} twice: ${t.lines[i]!.trim()}`);
    }),
    // cut short: anywhere before the last protection list is complete
    fc.integer({ min: 0, max: lastParen }).map((at) => variant(t.file, t.text.slice(0, at), `cut at ${at} of ${t.text.length}`)),
    // binary garbage somewhere
    fc.tuple(fc.integer({ min: 0, max: t.text.length }), garbageChar).map(([at, c]) => variant(t.file, t.text.slice(0, at) + c + t.text.slice(at), `byte 0x${c.charCodeAt(0).toString(16)} at ${at}`)),
    // not a zoneinfo at all
    fc.oneof(binaryText, fc.constantFrom('', '\n\n', BUDDYINFO.text, 'Node 0, zone DMA\n', '{"zones": []}', 'pages free 5\n')).map((s) => variant(t.file, s, `not a zoneinfo: ${JSON.stringify(s.slice(0, 30))}`)),
  );
});

// -- buddyinfo ---------------------------------------------------------------------------

const buddyRows = BUDDYINFO.lines.flatMap((l, i) => (l.startsWith('Node') ? [i] : []));
const tokensOf = (l: string): string[] => l.trim().split(/\s+/);

const buddyinfoVariant: fc.Arbitrary<Variant> = fc.oneof(
  // a count dropped or added
  fc.tuple(fc.constantFrom(...buddyRows), fc.boolean(), fc.nat()).map(([i, add, k]) => {
    const tok = tokensOf(BUDDYINFO.lines[i]!);
    const counts = tok.slice(4);
    if (add) counts.splice(k % (counts.length + 1), 0, '1');
    else counts.splice(k % counts.length, 1);
    const line = [...tok.slice(0, 4), ...counts].join(' ');
    return variant(BUDDYINFO.file, withLine(BUDDYINFO, i, line), `line ${i + 1}: ${counts.length} counts`);
  }),
  // a count that is not a non-negative integer
  fc.tuple(fc.constantFrom(...buddyRows), fc.nat(), fc.constantFrom('abc', '-1', '1.5', '0x1', '1e2', '99999999999999999999', '+1')).map(([i, k, v]) => {
    const tok = tokensOf(BUDDYINFO.lines[i]!);
    tok[4 + (k % 11)] = v;
    return variant(BUDDYINFO.file, withLine(BUDDYINFO, i, tok.join(' ')), `line ${i + 1}: count ${v}`);
  }),
  // more free pages than the zone manages
  fc.tuple(fc.constantFrom(...buddyRows), fc.integer({ min: 1, max: 10 ** 6 })).map(([i, n]) => {
    const tok = tokensOf(BUDDYINFO.lines[i]!);
    tok[14] = String(Number(tok[14]) + 1000 + n);
    return variant(BUDDYINFO.file, withLine(BUDDYINFO, i, tok.join(' ')), `line ${i + 1}: order 10 count ${tok[14]}`);
  }),
  // a zone the zoneinfo does not have, or one that manages no pages, another node, a bad name
  fc.tuple(fc.constantFrom(...buddyRows), fc.constantFrom<(l: string) => string>((l) => l.replace(/zone\s+\w+/, 'zone HighMem'), (l) => l.replace(/zone\s+\w+/, 'zone Movable'), (l) => l.replace(/Node 0/, 'Node 1'), (l) => l.replace(/zone\s+\w+/, 'zone Bogus'), (l) => l.replace(/zone\s+(\w+)/, (_, z: string) => `zone ${z.toLowerCase()}`), (l) => l.replace(/Node 0/, 'Node x'), (l) => l.replace(/Node 0, /, ''))).map(([i, f]) => {
    const line = f(BUDDYINFO.lines[i]!);
    return variant(BUDDYINFO.file, withLine(BUDDYINFO, i, line), `line ${i + 1}: ${JSON.stringify(line.slice(0, 30))}`);
  }),
  // a row twice
  fc.constantFrom(...buddyRows).map((i) => {
    const lines = [...BUDDYINFO.lines];
    lines.splice(i, 0, BUDDYINFO.lines[i]!);
    return variant(BUDDYINFO.file, lines.join('\n'), `line ${i + 1} twice`);
  }),
  // cut inside a row (before its last count: fewer counts)
  fc.tuple(fc.constantFrom(...buddyRows), fc.nat()).map(([i, k]) => {
    const start = BUDDYINFO.lines.slice(0, i).reduce((a, l) => a + l.length + 1, 0);
    const line = BUDDYINFO.lines[i]!;
    const lastToken = line.trimEnd().lastIndexOf(' ') + 1;
    const at = start + 1 + (k % (lastToken - 1));
    return variant(BUDDYINFO.file, BUDDYINFO.text.slice(0, at), `cut at ${at} (inside line ${i + 1})`);
  }),
  // binary garbage, or not a buddyinfo at all
  fc.tuple(fc.integer({ min: 0, max: BUDDYINFO.text.length }), garbageChar).map(([at, c]) => variant(BUDDYINFO.file, BUDDYINFO.text.slice(0, at) + c + BUDDYINFO.text.slice(at), `byte 0x${c.charCodeAt(0).toString(16)} at ${at}`)),
  fc.oneof(binaryText, fc.constantFrom('', ' \n', ZONEINFOS[0]!.text, 'Node 0, zone DMA\n', '1 2 3 4 5 6 7 8 9 10 11\n')).map((s) => variant(BUDDYINFO.file, s, `not a buddyinfo: ${JSON.stringify(s.slice(0, 30))}`)),
);

describe('/proc/zoneinfo and /proc/buddyinfo: malformed captures get one clear InputError', () => {
  it('the fixtures import as they are', () => {
    for (const t of ZONEINFOS) expect(() => importZoneinfo(t.text, t.file)).not.toThrow();
    expect(() => importBuddyinfo(BUDDYINFO.text, BUDDYINFO.file)).not.toThrow();
  });

  it(`${FUZZ_RUNS.zoneinfo} zoneinfo variants`, () => {
    fuzz('zoneinfo', zoneinfoVariant, (v) => {
      const e = expectRejects(() => importZoneinfo(v.text, v.file), v.file, `${v.file}: ${v.what}`);
      expect(e.where, `${v.file}: ${v.what}: ${e.message}`).toMatch(/^line \d+/);
    });
    expect(triedVariants('zoneinfo')).toBeGreaterThanOrEqual(FUZZ_RUNS.zoneinfo);
  });

  it(`${FUZZ_RUNS.buddyinfo} buddyinfo variants`, () => {
    fuzz('buddyinfo', buddyinfoVariant, (v) => {
      const e = expectRejects(() => importBuddyinfo(v.text, v.file), v.file, `${v.file}: ${v.what}`);
      expect(e.where, `${v.file}: ${v.what}: ${e.message}`).toMatch(/^line \d+/);
    });
    expect(triedVariants('buddyinfo')).toBeGreaterThanOrEqual(FUZZ_RUNS.buddyinfo);
  });
});
