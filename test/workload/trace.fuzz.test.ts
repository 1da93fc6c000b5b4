/**
 * Bad trace files, in each format (csv, jsonl, kmem): cut short, binary bytes
 * inside, wrong columns or keys, timestamps that go back, bad values (cpu,
 * op, order, gfp, migratetype, context, slot, flags, pfn), slots freed
 * before they were allocated or allocated twice. Each is one clear InputError
 * naming the file and the line (parseTrace).
 *
 * Own-format traces are generated valid (fast-check: events in time order,
 * frees of live slots) and then broken in one place; kmem traces are the
 * first lines of the shipped sample, broken in one place.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONTEXT_NAMES } from '../../harness/workload/events.ts';
import { TRACE_CSV_HEADER, TRACE_FLAG_NAMES, TRACE_OPS, parseTrace, type TraceFormat } from '../../harness/workload/trace.ts';
import { FUZZ_RUNS, expectRejects, fuzz, garbageChar, labelled, nearMiss, triedVariants } from '../helpers/fuzz-helpers.ts';

interface Ev {
  t: number;
  cpu: number;
  op: (typeof TRACE_OPS)[number];
  order: number;
  gfp: string;
  mt: string;
  ctx: string;
  slot: number | null;
  flags: string[];
}
type Field = 'timestamp_ns' | 'cpu' | 'op' | 'order' | 'gfp' | 'migratetype' | 'context' | 'slot' | 'flags';
const COLUMNS: Field[] = ['timestamp_ns', 'cpu', 'op', 'order', 'gfp', 'migratetype', 'context', 'slot'];

/** A valid event list: time never goes back, a free frees a live slot, an alloc takes a free one. */
const validEvents: fc.Arbitrary<Ev[]> = fc
  .array(
    fc.record({
      dt: fc.integer({ min: 0, max: 5000 }),
      cpu: fc.integer({ min: 0, max: 7 }),
      kind: fc.constantFrom('alloc', 'alloc', 'free', 'kvfree_rcu', 'kvfree_rcu_headless'),
      order: fc.integer({ min: 0, max: 3 }),
      gfp: fc.constantFrom('GFP_KERNEL', 'GFP_ATOMIC', 'GFP_NOWAIT|__GFP_NOWARN', '0xcc0', 'none', 'GFP_KERNEL|__GFP_COMP'),
      mt: fc.constantFrom('', '0', '1', 'movable', 'reclaimable'),
      ctx: fc.constantFrom('', 'task', 'softirq', 'hardirq', 'nmi'),
      flags: fc.subarray([...TRACE_FLAG_NAMES]),
      pick: fc.nat(),
    }),
    { minLength: 3, maxLength: 14 },
  )
  .map((raw) => {
    const live: number[] = [];
    let next = 0;
    let t = 100;
    return raw.map((r): Ev => {
      t += r.dt;
      let op = r.kind as Ev['op'];
      if (op === 'free' && live.length === 0) op = 'alloc';
      let slot: number | null = null;
      if (op === 'alloc') {
        slot = next++;
        live.push(slot);
      } else if (op === 'free') {
        slot = live.splice(r.pick % live.length, 1)[0]!;
      }
      return { t, cpu: r.cpu, op, order: r.order, gfp: op === 'alloc' ? r.gfp : '', mt: op === 'alloc' ? r.mt : '', ctx: r.ctx, slot, flags: r.flags };
    });
  });

const cellsOf = (e: Ev): Record<Field, string> => ({
  timestamp_ns: String(e.t),
  cpu: String(e.cpu),
  op: e.op,
  order: String(e.order),
  gfp: e.gfp,
  migratetype: e.mt,
  context: e.ctx,
  slot: e.slot === null ? '' : String(e.slot),
  flags: e.flags.join('|'),
});

function csvLine(c: Record<Field, string>, withFlags: boolean): string {
  return [...COLUMNS.map((k) => c[k]), ...(withFlags ? [c.flags] : [])].join(',');
}

function jsonlLine(c: Record<Field, string>): string {
  const o: Record<string, unknown> = {};
  for (const k of [...COLUMNS, 'flags'] as Field[]) {
    if (c[k] === '') continue;
    // Numbers as JSON numbers when they are written the way JSON writes them; anything else stays a string.
    const numeric = (k === 'timestamp_ns' || k === 'cpu' || k === 'order' || k === 'slot') && String(Number(c[k])) === c[k];
    o[k] = numeric ? Number(c[k]) : k === 'flags' ? c[k].split('|') : c[k];
  }
  return JSON.stringify(o);
}

interface Variant {
  readonly format: TraceFormat;
  readonly file: string;
  readonly text: string;
  readonly what: string;
}
const variant = (format: TraceFormat, text: string, what: string): Variant => {
  const file = `fuzz.${format === 'kmem' ? 'kmem.txt' : format}`;
  return labelled({ format, file, text, what }, `${format}: ${what}`);
};

/** Which cells an event's op reads (the others are informative only and may hold anything). */
const readsField = (op: Ev['op'], f: Field): boolean => ['timestamp_ns', 'cpu', 'op', 'order', 'context', 'flags'].includes(f) || (op === 'alloc' && (f === 'gfp' || f === 'migratetype' || f === 'slot')) || (op === 'free' && f === 'slot');

/** Bad values per cell (each rejected wherever the cell is read). */
const BAD: Record<Field, string[]> = {
  timestamp_ns: ['-5', '1.5', 'abc', '', '1e3', '0x10', '99999999999999999999'],
  cpu: ['-1', 'abc', '65536', '1.5', '', 'cpu0'],
  op: ['', 'aloc', 'ALLOC', 'kfree_rcu', 'free_page', 'kvfree-rcu'],
  order: ['11', '-1', 'x', '1.5', '99'],
  gfp: ['', 'GFP_KER', '0x', 'GFP_KERNEL|', '|', 'gfp_kernel', '0x1ffffffff'],
  migratetype: ['6', '9', 'unmov', '-1', 'MOVABLE_', 'cma2'],
  context: ['irq', 'TASK', 'process', 'hard irq'],
  slot: ['', '-1', 'x', '1.5'],
  flags: ['bogus', 'irqs_off|', '|', 'IRQS_OFF', 'irqs_off|nope'],
};

/** An own-format (csv or jsonl) trace broken in one place. */
const ownVariant: fc.Arbitrary<Variant> = fc.tuple(fc.constantFrom<TraceFormat>('csv', 'jsonl'), fc.boolean(), validEvents).chain(([format, withFlags, events]) => {
  const cells = events.map(cellsOf);
  const header = format === 'csv' ? [withFlags ? `${TRACE_CSV_HEADER},flags` : TRACE_CSV_HEADER] : [];
  const render = (cs: Record<Field, string>[]): string[] => [...header, ...cs.map((c) => (format === 'csv' ? csvLine(c, withFlags) : jsonlLine(c)))];
  const text = (lines: string[], final = '\n'): string => lines.join('\n') + final;
  const n = events.length;
  const fields: Field[] = format === 'csv' && !withFlags ? COLUMNS : [...COLUMNS, 'flags'];
  const valueMutations = events.flatMap((e, i) => fields.filter((f) => readsField(e.op, f)).map((f) => [i, f] as const));
  const jsonOf = (i: number): Record<string, unknown> => JSON.parse(jsonlLine(cells[i]!)) as Record<string, unknown>;
  const withCell = (i: number, f: Field, v: string): Record<Field, string>[] => cells.map((c, j) => (j === i ? { ...c, [f]: v } : c));
  return fc.oneof(
    // a bad value in a cell the line's op reads
    fc.tuple(fc.constantFrom(...valueMutations), fc.nat()).map(([[i, f], k]) => {
      const bad = BAD[f][k % BAD[f].length]!;
      // jsonl: a number-typed cell that is not a number is written as a string, so the reader sees it as typed
      return variant(format, text(render(withCell(i, f, bad))), `event ${i + 1} (${events[i]!.op}): ${f} = ${JSON.stringify(bad)}`);
    }),
    // time goes back
    fc.tuple(fc.integer({ min: 1, max: n - 1 }), fc.integer({ min: 1, max: 10 ** 6 })).map(([i, d]) => {
      const prev = Math.max(...events.slice(0, i).map((e) => e.t));
      const t = Math.max(0, prev - d);
      const cs = cells.map((c, j) => (j === i ? { ...c, timestamp_ns: String(t) } : j > i ? { ...c, timestamp_ns: String(Math.max(Number(c.timestamp_ns), prev)) } : c));
      return variant(format, text(render(prev === 0 ? withCell(i, 'timestamp_ns', '-1') : cs)), `event ${i + 1} at ${t} after ${prev}`);
    }),
    // a free of a slot nobody holds, an alloc into a held slot
    fc.integer({ min: 0, max: n - 1 }).map((i) => {
      const e = events[i]!;
      const held = new Set<number>();
      for (const x of events.slice(0, i)) if (x.op === 'alloc') held.add(x.slot!); else if (x.op === 'free') held.delete(x.slot!);
      if (e.op === 'free') return variant(format, text(render(withCell(i, 'slot', String(1000 + i)))), `event ${i + 1}: free of slot ${1000 + i}, never allocated`);
      if (e.op === 'alloc' && held.size > 0) return variant(format, text(render(withCell(i, 'slot', String([...held][0])))), `event ${i + 1}: alloc into held slot ${[...held][0]}`);
      return variant(format, text(render([...cells, { ...cells[n - 1]!, op: 'free', slot: '99999', gfp: '', migratetype: '' }])), 'a final free of slot 99999');
    }),
    // the last line cut (and no final newline): before its last column (csv) or its closing brace (jsonl)
    fc.nat().map((k) => {
      const lines = render(cells);
      const last = lines[lines.length - 1]!;
      const end = format === 'csv' ? last.lastIndexOf(',') : last.length - 1;
      const at = 1 + (k % end);
      return variant(format, text([...lines.slice(0, -1), last.slice(0, at)], ''), `last line cut at ${at}: ${JSON.stringify(last.slice(0, at))}`);
    }),
    // binary bytes in a line
    fc.tuple(fc.integer({ min: 0, max: n }), fc.nat(), garbageChar).map(([i, k, c]) => {
      const lines = render(cells);
      const li = Math.min(i, lines.length - 1);
      const l = lines[li]!;
      const at = k % (l.length + 1);
      lines[li] = l.slice(0, at) + c + l.slice(at);
      return variant(format, text(lines), `byte 0x${c.charCodeAt(0).toString(16)} in line ${li + 1}`);
    }),
    // the shape: columns (csv) or keys and types (jsonl)
    format === 'csv'
      ? fc.oneof(
          fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.boolean()).map(([i, add]) => {
            const lines = render(cells);
            const l = lines[i + 1]!;
            lines[i + 1] = add ? `${l},x` : l.slice(0, l.lastIndexOf(','));
            return variant(format, text(lines), `line ${i + 2}: a column ${add ? 'too many' : 'too few'}`);
          }),
          fc.constantFrom(...TRACE_CSV_HEADER.split(',')).chain((col) => nearMiss(col).filter((m) => m.trim() !== col).map((m) => {
            const lines = render(cells);
            lines[0] = lines[0]!.replace(col, m);
            return variant(format, text(lines), `header column ${col} -> ${JSON.stringify(m)}`);
          })),
          fc.constantFrom('', 'timestamp,cpu,op,order,gfp,migratetype,context,slot', 'cpu,timestamp_ns,op,order,gfp,migratetype,context,slot', `${TRACE_CSV_HEADER},flags,extra`, '# only a comment').map((h) => {
            const lines = render(cells);
            if (h === '') lines.shift();
            else lines[0] = h;
            return variant(format, text(lines), `header ${JSON.stringify(h)}`);
          }),
        )
      : fc.oneof(
          fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.constantFrom(...COLUMNS, 'flags').chain((k) => nearMiss(k).filter((m) => m !== k && !(COLUMNS as string[]).includes(m) && m !== 'flags'))).map(([i, key]) => {
            const lines = render(cells);
            lines[i] = JSON.stringify({ ...jsonOf(i), [key]: 1 });
            return variant(format, text(lines), `line ${i + 1}: unknown key ${JSON.stringify(key)}`);
          }),
          fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.constantFrom('[1,2]', '5', '"alloc"', 'null', 'true', '{', '{"cpu": 0,}', "{'cpu': 0}", '{"timestamp_ns": NaN}')).map(([i, l]) => {
            const lines = render(cells);
            lines[i] = l;
            return variant(format, text(lines), `line ${i + 1}: ${l}`);
          }),
          fc.tuple(fc.constantFrom(...valueMutations), fc.constantFrom<unknown>({}, { v: 1 }, true, [[1]])).map(([[i, f], v]) => {
            const lines = render(cells);
            lines[i] = JSON.stringify({ ...jsonOf(i), [f]: f === 'flags' ? [v] : v });
            return variant(format, text(lines), `line ${i + 1}: ${f} = ${JSON.stringify(v)}`);
          }),
        ),
  );
});

// -- kmem ----------------------------------------------------------------------------------

const SAMPLE = readFileSync('harness/workload/traces/sample.kmem.txt', 'utf8').split('\n').slice(0, 250);
const EVENT_RE = /^(\s*\S.*?\s+\[)(\d+)(\]\s+)([.\w]{4,5}\s+)?(\d+)\.(\d+)(:\s+(?:[\w-]+:)?)(mm_page_alloc|mm_page_free_batched|mm_page_free)(:.*)$/;
const eventLines = SAMPLE.flatMap((l, i) => (EVENT_RE.test(l) ? [i] : []));
const kindOf = (i: number): string => EVENT_RE.exec(SAMPLE[i]!)![8]!;
const kmemText = (lines: string[], final = '\n'): string => lines.join('\n') + final;
const kmemWith = (i: number, line: string): string[] => SAMPLE.map((l, j) => (j === i ? line : l));

const kmemVariant: fc.Arbitrary<Variant> = fc.oneof(
  // a bad field value, by event type
  fc.tuple(fc.constantFrom(...eventLines), fc.nat()).map(([i, k]) => {
    const l = SAMPLE[i]!;
    const kind = kindOf(i);
    const edits: [string, RegExp, string][] = [
      ['pfn', /pfn=\S+/, pick(['pfn=xyz', 'pfn=-1', 'pfn=0xZZ', 'pfn=', 'pfn=1.5', 'pfn=0x1fffffffffffffff'], k)],
      ...(kind !== 'mm_page_free_batched' ? ([['order', /order=\S+/, pick(['order=11', 'order=-2', 'order=x', 'order=', 'order=1.5'], k)], ['order', /order=\S+/, '']] as [string, RegExp, string][]) : []),
      ...(kind === 'mm_page_alloc'
        ? ([
            ['migratetype', /migratetype=\S+/, pick(['migratetype=9', 'migratetype=x', 'migratetype=-2', 'migratetype=', ''], k)],
            ['gfp_flags', /gfp_flags=\S+/, pick(['gfp_flags=GFP_BOGUS', 'gfp_flags=', 'gfp_flags=|', 'gfp_flags=GFP_KERNEL|', ''], k)],
            ['a field without "="', /order=(\d+)/, 'order 0'],
          ] as [string, RegExp, string][])
        : []),
      ['cpu', /\[\d+\]/, pick(['[abc]', '[99999]', '[]', '[-1]'], k)],
      ['timestamp', /\d+\.\d+:/, pick(['8123.4568051234:', '8123:', 'x.5:', '.5:'], k)],
      ['no pfn', /\s*pfn=\S+/, ''],
    ];
    const [what, re, rep] = edits[(k >> 3) % edits.length]!;
    return variant('kmem', kmemText(kmemWith(i, l.replace(re, rep))), `line ${i + 1} (${kind}): ${what} -> ${JSON.stringify(rep)}`);
  }),
  // time goes back (against the event line before)
  fc.tuple(fc.integer({ min: 1, max: eventLines.length - 1 }), fc.integer({ min: 1, max: 10 ** 6 })).map(([j, d]) => {
    const i = eventLines[j]!;
    const prev = EVENT_RE.exec(SAMPLE[eventLines[j - 1]!]!)!;
    const prevNs = Number(prev[5]) * 1e9 + Number(prev[6]!.padEnd(9, '0'));
    const t = prevNs - d * 1000;
    const ts = `${Math.floor(t / 1e9)}.${String(t % 1e9).padStart(9, '0').slice(0, 6)}`;
    const line = SAMPLE[i]!.replace(/\d+\.\d+:/, `${ts}:`);
    return variant('kmem', kmemText(kmemWith(i, line)), `line ${i + 1} at ${ts}, before line ${eventLines[j - 1]! + 1}`);
  }),
  // the last line cut inside (an alloc or free line, before its order= value)
  fc.tuple(fc.constantFrom(...eventLines.filter((i) => kindOf(i) !== 'mm_page_free_batched')), fc.nat()).map(([i, k]) => {
    const l = SAMPLE[i]!;
    const first = l.search(/\S/);
    const end = l.indexOf('order=') + 'order='.length;
    const at = first + 1 + (k % (end - first - 1));
    return variant('kmem', kmemText([...SAMPLE.slice(0, i), l.slice(0, at)], ''), `cut inside line ${i + 1} at ${at}: ${JSON.stringify(l.slice(0, at).trim().slice(-30))}`);
  }),
  // binary bytes inside a line, or a line that is no trace line at all
  fc.tuple(fc.integer({ min: 0, max: SAMPLE.length - 1 }), fc.nat(), garbageChar).map(([i, k, c]) => {
    const l = SAMPLE[i]!;
    const at = k % (l.length + 1);
    return variant('kmem', kmemText(kmemWith(i, l.slice(0, at) + c + l.slice(at))), `byte 0x${c.charCodeAt(0).toString(16)} in line ${i + 1}`);
  }),
  fc.tuple(fc.integer({ min: 3, max: SAMPLE.length - 1 }), fc.constantFrom('hello', 'timestamp_ns,cpu,op', '{"op":"alloc"}', 'mm_page_alloc: page=1 pfn=0x1 order=0', '[000] 1.5: mm_page_alloc: pfn=1')).map(([i, l]) =>
    variant('kmem', kmemText(kmemWith(i, l)), `line ${i + 1} replaced by ${JSON.stringify(l)}`),
  ),
);

function pick<T>(xs: readonly T[], k: number): T {
  return xs[k % xs.length]!;
}

describe('trace files: malformed traces get one clear InputError naming the line', () => {
  it('the bases parse (generated own-format traces, the sample head)', () => {
    fc.assert(
      fc.property(validEvents, fc.boolean(), (events, withFlags) => {
        const cells = events.map(cellsOf);
        parseTrace([withFlags ? `${TRACE_CSV_HEADER},flags` : TRACE_CSV_HEADER, ...cells.map((c) => csvLine(c, withFlags))].join('\n'), 'csv', 'ok.csv');
        parseTrace(cells.map(jsonlLine).join('\n'), 'jsonl', 'ok.jsonl');
      }),
      { numRuns: 100, seed: 1 },
    );
    expect(parseTrace(kmemText(SAMPLE), 'kmem', 'ok.kmem.txt').length).toBeGreaterThan(200);
    expect(CONTEXT_NAMES).toContain('softirq');
  });

  it(`${FUZZ_RUNS.trace} malformed traces (csv, jsonl, kmem)`, () => {
    const arb = fc.oneof({ weight: 2, arbitrary: ownVariant }, { weight: 1, arbitrary: kmemVariant });
    fuzz('trace', arb, (v) => {
      const e = expectRejects(() => parseTrace(v.text, v.format, v.file), v.file, `${v.format}: ${v.what}`);
      expect(e.where, `${v.format}: ${v.what}: ${e.message}`).toMatch(/^line \d+$/);
    });
    expect(triedVariants('trace')).toBeGreaterThanOrEqual(FUZZ_RUNS.trace);
  });
});
