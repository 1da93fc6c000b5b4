import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { __GFP_DIRECT_RECLAIM } from '../../harness/core/gfp.ts';
import { InputError } from '../../harness/errors.ts';
import {
  CTX_HARDIRQ,
  CTX_NMI,
  CTX_SOFTIRQ,
  CTX_TASK,
  EventBatch,
  FLAG_HEADLESS,
  FLAG_IRQS_OFF,
  FLAG_LEGACY_GFP0,
  FLAG_RAW_LOCK_HELD,
  OP_ALLOC,
  OP_FREE,
  OP_KVFREE_RCU,
} from '../../harness/workload/events.ts';
import { createWorkload } from '../../harness/workload/generator.ts';
import { parseScenario } from '../../harness/workload/scenario.ts';
import { loadTrace, parseTrace, traceFormatFromPath, workloadToCsv, TRACE_CSV_HEADER, type TraceData, type TraceFormat } from '../../harness/workload/trace.ts';
import { inputError } from '../helpers/input-error.ts';

const SAMPLE = 'harness/workload/traces/sample.kmem.txt';


/** Paired, ordered, dense: what every TraceData promises. */
function checkTrace(t: TraceData): void {
  const live = new Set<number>();
  let prev = -Infinity;
  for (let i = 0; i < t.length; i++) {
    if (!(t.time[i]! >= prev)) throw new Error(`time goes back at ${i}`);
    prev = t.time[i]!;
    const op = t.op[i]!;
    const slot = t.slot[i]!;
    if (op === OP_ALLOC) {
      if (slot < 0 || slot >= t.maxSlots || live.has(slot)) throw new Error(`bad alloc slot ${slot} at ${i}`);
      live.add(slot);
    } else if (op === OP_FREE) {
      if (!live.delete(slot)) throw new Error(`free of a dead slot ${slot} at ${i}`);
    } else if (op !== OP_KVFREE_RCU || slot !== -1) throw new Error(`bad event at ${i}`);
  }
}

const line = (cpu: number, flags: string, ts: string, rest: string, task = 'bash-1234') => `${task.padStart(20)}  [${String(cpu).padStart(3, '0')}] ${flags} ${ts}: ${rest}`;

describe('kmem tracepoint text', () => {
  it('imports the shipped sample', () => {
    const text = readFileSync(SAMPLE, 'utf8');
    expect(text.split('\n')[0]).toMatch(/^# SYNTHETIC/);
    const t = loadTrace(SAMPLE);
    expect(traceFormatFromPath(SAMPLE)).toBe('kmem');
    checkTrace(t);
    const allocLines = text.split('\n').filter((l) => l.includes(' mm_page_alloc: ')).length;
    let allocs = 0;
    let frees = 0;
    for (let i = 0; i < t.length; i++) {
      if (t.op[i] === OP_ALLOC) allocs++;
      else if (t.op[i] === OP_FREE) frees++;
    }
    expect(allocs).toBe(allocLines);
    expect(frees).toBeGreaterThan(allocs * 0.5);
    expect(t.time[0]).toBe(0); // rebased
    expect(t.time[t.length - 1]).toBeLessThan(100e6);
    expect(t.maxCpu).toBe(3);
    expect(t.stats.failedAllocs).toBe(1); // the sample as make-sample.ts writes it
    expect(t.stats.unpairedFrees).toBeGreaterThan(0);
    expect(t.stats.skippedLines).toBeGreaterThan(0); // pcpu_drain, zone_locked
    // contexts and flags came through from the irq-flags column
    const ctxs = new Set(Array.from(t.ctx));
    expect(ctxs).toEqual(new Set([CTX_TASK, CTX_SOFTIRQ, CTX_HARDIRQ]));
    expect(Array.from(t.flags).some((f) => f & FLAG_LEGACY_GFP0)).toBe(true);
    expect(Array.from(t.migratetype).some((m) => m === 2)).toBe(true);
  });

  it('reads the trace_pipe variants, perf script, decimal pfn, LOST markers and failed allocations', () => {
    const text = [
      '# tracer: nop',
      line(1, 'd.h1.', '100.000001', 'mm_page_alloc: page=000000001234abcd pfn=0x1000 order=0 migratetype=0 gfp_flags=GFP_ATOMIC'),
      `          <idle>-0       (-------) [002] ..s. 100.000002: mm_page_alloc: page=00000000deadbeef pfn=8192 order=1 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE`,
      'CPU:2 [LOST 17 EVENTS]',
      line(3, '.Nz1.', '100.000003', 'mm_page_alloc: page=(null) pfn=0 order=0 migratetype=0 gfp_flags=GFP_NOWAIT|__GFP_NOWARN'),
      '   swapper     0 [000] 100.000004: kmem:mm_page_free: page=0xffffea0000040000 pfn=0x1000 order=0',
      line(0, '....', '100.000005', 'mm_page_free_batched: page=0000000011111111 pfn=0x2000 order=0'),
      line(0, '.....', '100.000006', 'mm_page_alloc: page=0000000022222222 pfn=0x3000 order=0 migratetype=0 gfp_flags=none'),
      line(0, '.....', '100.000006', 'mm_page_pcpu_drain: page=0000000022222222 pfn=0x3000 order=0 migratetype=0'),
      line(0, '.....', '100.000007', 'kmalloc: call_site=foo+0x10 ptr=0000000012345678 bytes_req=8 bytes_alloc=8 gfp_flags=GFP_KERNEL'),
    ].join('\n');
    const t = parseTrace(text, 'kmem', 'v.txt');
    checkTrace(t);
    expect(Array.from(t.op)).toEqual([OP_ALLOC, OP_ALLOC, OP_ALLOC, OP_FREE, OP_FREE, OP_ALLOC]);
    expect(Array.from(t.ctx)).toEqual([CTX_HARDIRQ, CTX_SOFTIRQ, CTX_NMI, CTX_TASK, CTX_TASK, CTX_TASK]);
    expect(t.flags[0]! & FLAG_IRQS_OFF).toBe(FLAG_IRQS_OFF);
    expect(t.flags[2]! & FLAG_IRQS_OFF).toBe(FLAG_IRQS_OFF); // NMI
    expect(Array.from(t.time)).toEqual([0, 1000, 2000, 3000, 4000, 5000]);
    expect(t.order[4]).toBe(1); // the batched free of pfn 8192 (0x2000) repeats its allocation's order
    expect(t.slot[4]).toBe(t.slot[1]);
    expect(t.flags[5]! & FLAG_LEGACY_GFP0).toBe(FLAG_LEGACY_GFP0);
    expect(t.stats).toMatchObject({ lostEvents: 17, failedAllocs: 1, skippedLines: 3 });
  });

  it('a free of a page allocated before the trace is skipped, not an error', () => {
    const t = parseTrace(line(0, '.....', '5.000000', 'mm_page_free: page=0000000011111111 pfn=0x42 order=0'), 'kmem', 'f.txt');
    expect(t.length).toBe(0);
    expect(t.stats.unpairedFrees).toBe(1);
  });

  const bad: [string, string, string, RegExp][] = [
    ['not a trace line', 'hello world', 'line 2', /trace_pipe or perf script line/],
    ['truncated fields', line(0, '.....', '1.000001', 'mm_page_alloc: page=0000000011111111 pfn=0x10 order=0 migratetype=0'), 'line 2', /gfp_flags=/],
    ['no pfn', line(0, '.....', '1.000001', 'mm_page_free: page=0000000011111111'), 'line 2', /pfn=/],
    ['bad order', line(0, '.....', '1.000001', 'mm_page_free: page=0000000011111111 pfn=0x10 order=12'), 'line 2', /order= an integer in \[0, 10\]/],
    ['unknown gfp flag', line(0, '.....', '1.000001', 'mm_page_alloc: page=0000000011111111 pfn=0x10 order=0 migratetype=0 gfp_flags=GFP_BOGUS'), 'line 2', /GFP flags/],
    ['timestamps go back', line(0, '.....', '0.500000', 'mm_page_free: page=0000000011111111 pfn=0x10 order=0'), 'line 2', /non-decreasing/],
    ['binary data', `${line(0, '.....', '1.000001', 'mm_page_free: page=00000000\u0000\u0001 pfn=0x10 order=0')}`, 'line 2', /text line/],
    ['invalid UTF-8', `${line(0, '.....', '1.000001', 'mm_page_free: page=\ufffd pfn=0x10 order=0')}`, 'line 2', /text line/],
  ];
  it.each(bad)('%s: InputError with the line number', (_label, badLine, where, expected) => {
    const first = line(0, '.....', '1.000000', 'mm_page_alloc: page=0000000011111111 pfn=0x99 order=0 migratetype=0 gfp_flags=GFP_KERNEL');
    const e = inputError(() => parseTrace(`${first}\n${badLine}\n`, 'kmem', 'k.txt'));
    expect(e.file).toBe('k.txt');
    expect(e.where).toBe(where);
    expect(`${e.expected} ${e.found}`).toMatch(expected);
  });

  it('a cut last line says so', () => {
    const e = inputError(() => parseTrace(line(0, '.....', '1.000000', 'mm_page_alloc: page=0000000011111111 pfn=0x99 or'), 'kmem', 'k.txt'));
    expect(e.found).toContain('truncated');
  });
});

describe('own formats', () => {
  const csv = [
    '# a hand-made trace',
    TRACE_CSV_HEADER,
    '0,0,alloc,0,GFP_KERNEL,,task,10',
    '1500,1,kvfree_rcu,,,,softirq,',
    '2000,0,alloc,3,GFP_KERNEL|__GFP_COMP,0,task,11',
    '9000,2,free,,,,task,10',
    '9100,3,kvfree_rcu_headless,,,,hardirq,',
    '9200,3,alloc,0,none,,task,10',
  ].join('\n');

  it('csv: ops, contexts, flags, slot pairing', () => {
    const t = parseTrace(csv, 'csv', 't.csv');
    checkTrace(t);
    expect(Array.from(t.op)).toEqual([OP_ALLOC, OP_KVFREE_RCU, OP_ALLOC, OP_FREE, OP_KVFREE_RCU, OP_ALLOC]);
    expect(Array.from(t.time)).toEqual([0, 1500, 2000, 9000, 9100, 9200]); // not rebased
    expect(t.slot[3]).toBe(t.slot[0]);
    expect(t.order[2]).toBe(3);
    expect(t.flags[4]! & (FLAG_HEADLESS | FLAG_IRQS_OFF)).toBe(FLAG_HEADLESS | FLAG_IRQS_OFF);
    expect(t.flags[5]! & FLAG_LEGACY_GFP0).toBe(FLAG_LEGACY_GFP0);
    expect(t.maxSlots).toBe(2);
  });

  it('jsonl: the same events from the same fields', () => {
    const jsonl = [
      '{"timestamp_ns": 0, "cpu": 0, "op": "alloc", "order": 0, "gfp": "GFP_KERNEL", "context": "task", "slot": 10}',
      '{"timestamp_ns": 1500, "cpu": 1, "op": "kvfree_rcu", "context": "softirq"}',
      '{"timestamp_ns": 2000, "cpu": 0, "op": "alloc", "order": 3, "gfp": "GFP_KERNEL|__GFP_COMP", "migratetype": 0, "slot": 11}',
      '{"timestamp_ns": 9000, "cpu": 2, "op": "free", "slot": 10}',
      '{"timestamp_ns": 9100, "cpu": 3, "op": "kvfree_rcu_headless", "context": "hardirq"}',
      '{"timestamp_ns": 9200, "cpu": 3, "op": "alloc", "gfp": 0, "slot": "10"}',
    ].join('\n');
    const a = parseTrace(csv, 'csv', 't.csv');
    const b = parseTrace(jsonl, 'jsonl', 't.jsonl');
    for (const k of ['time', 'cpu', 'op', 'ctx', 'flags', 'order', 'migratetype', 'gfp', 'slot'] as const) {
      expect(Array.from(b[k]), k).toEqual(Array.from(a[k]));
    }
    const r = parseTrace('{"timestamp_ns": 1, "cpu": 0, "op": "kvfree_rcu", "flags": ["raw_lock_held", "irqs_off"]}', 'jsonl', 'x.jsonl');
    expect(r.flags[0]).toBe(FLAG_RAW_LOCK_HELD | FLAG_IRQS_OFF);
  });

  const bad: [string, TraceFormat, string, number, RegExp][] = [
    ['csv without header', 'csv', '0,0,alloc,0,GFP_KERNEL,,task,1', 1, /CSV header/],
    ['csv wrong column count', 'csv', `${TRACE_CSV_HEADER}\n0,0,alloc,0,GFP_KERNEL`, 2, /8 comma-separated columns/],
    ['csv unknown op', 'csv', `${TRACE_CSV_HEADER}\n0,0,aloc,0,GFP_KERNEL,,task,1`, 2, /did you mean "alloc"/],
    ['csv timestamps go back', 'csv', `${TRACE_CSV_HEADER}\n5,0,kvfree_rcu,,,,,\n4,0,kvfree_rcu,,,,,`, 3, /non-decreasing/],
    ['csv free of an unallocated slot', 'csv', `${TRACE_CSV_HEADER}\n5,0,free,,,,,7`, 2, /no earlier alloc holds/],
    ['csv slot allocated twice', 'csv', `${TRACE_CSV_HEADER}\n1,0,alloc,0,GFP_KERNEL,,,7\n2,0,alloc,0,GFP_KERNEL,,,7`, 3, /still allocated/],
    ['csv alloc without gfp', 'csv', `${TRACE_CSV_HEADER}\n1,0,alloc,0,,,,7`, 2, /gfp for an alloc/],
    ['csv bad context', 'csv', `${TRACE_CSV_HEADER}\n1,0,kvfree_rcu,,,,irq,`, 2, /context one of/],
    ['csv bad migratetype', 'csv', `${TRACE_CSV_HEADER}\n1,0,alloc,0,GFP_KERNEL,9,,1`, 2, /migratetype/],
    ['csv negative cpu', 'csv', `${TRACE_CSV_HEADER}\n1,-1,kvfree_rcu,,,,,`, 2, /cpu/],
    ['jsonl not json', 'jsonl', '{"timestamp_ns": 1,', 1, /one JSON object per line/],
    ['jsonl unknown key', 'jsonl', '{"timestamp_ns": 1, "cpu": 0, "op": "kvfree_rcu", "ctx": "task"}', 1, /unknown field "ctx"/],
    ['jsonl array', 'jsonl', '[1, 2]', 1, /a JSON object/],
    ['jsonl missing op', 'jsonl', '{"timestamp_ns": 1, "cpu": 0}', 1, /op one of/],
    ['jsonl fractional time', 'jsonl', '{"timestamp_ns": 1.5, "cpu": 0, "op": "kvfree_rcu"}', 1, /timestamp_ns/],
  ];
  it.each(bad)('%s: InputError with the line number', (_label, format, text, lineNo, expected) => {
    const e = inputError(() => parseTrace(text, format, 'own.txt'));
    expect(e.file).toBe('own.txt');
    expect(e.where).toBe(`line ${lineNo}`);
    expect(`${e.expected} ${e.found}`).toMatch(expected);
  });

  it('a generated workload round-trips through CSV', () => {
    const s = parseScenario(
      { machine: { cpus: 3 }, workload: { kvfreeRcu: { ratePerCpuPerSec: 5000, contexts: { task: 1, hardirq: 1 }, rawLockHeldShare: 0.5 }, background: { allocsPerCpuPerSec: 5000, gfpMix: { GFP_KERNEL: 1, legacy0: 1 } } }, run: { durationMs: 50 } },
      'rt.json',
    );
    const text = workloadToCsv(createWorkload(s, 4, { cpus: 3 }), new EventBatch(512));
    const t = parseTrace(text, 'csv', 'rt.csv');
    checkTrace(t);
    const w = createWorkload(s, 4, { cpus: 3 });
    const b = new EventBatch(100000);
    const n = w.next(b);
    expect(t.length).toBe(n);
    for (let i = 0; i < n; i++) {
      if (
        t.time[i] !== Math.round(b.time[i]!) ||
        t.cpu[i] !== b.cpu[i] ||
        t.op[i] !== b.op[i] ||
        t.ctx[i] !== b.ctx[i] ||
        t.flags[i] !== b.flags[i] ||
        t.order[i] !== b.order[i] ||
        (b.op[i] === OP_ALLOC && (t.gfp[i] !== b.gfp[i] || t.migratetype[i] !== b.migratetype[i]))
      ) {
        throw new Error(`event ${i} differs`);
      }
    }
  });
});

describe('corrupt input never throws anything but InputError', () => {
  const sampleLines = readFileSync(SAMPLE, 'utf8').split('\n').filter((l) => l.includes('mm_page_'));
  const goodCsv = [TRACE_CSV_HEADER, '0,0,alloc,0,GFP_KERNEL,,task,1', '5,1,free,,,,task,1', '6,1,kvfree_rcu,,,,softirq,'];
  const goodJsonl = ['{"timestamp_ns": 0, "cpu": 0, "op": "alloc", "gfp": "GFP_KERNEL", "slot": 1}', '{"timestamp_ns": 5, "cpu": 1, "op": "free", "slot": 1}'];

  const mutate = (lineText: string, pos: number, cut: number, insert: string): string => {
    const p = Math.min(pos, lineText.length);
    return lineText.slice(0, p) + insert + lineText.slice(Math.min(lineText.length, p + cut));
  };
  const garbage = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom('=', ' ', '0x', '[', ']', ':', ',', '|', '"', '{', '}', '\u0000', '\ufffd', '-1', '99999999999999999999', 'NaN', 'order=', 'gfp_flags='),
    fc.string({ unit: 'binary', maxLength: 6 }),
  );
  const runOne = (format: TraceFormat, lines: string[], idx: number, pos: number, cut: number, insert: string): void => {
    const copy = [...lines];
    const i = idx % copy.length;
    copy[i] = mutate(copy[i]!, pos, cut, insert);
    try {
      parseTrace(copy.join('\n'), format, 'fuzz.txt');
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      expect(e.where).toMatch(/^line \d+$/);
      expect(e.file).toBe('fuzz.txt');
    }
  };

  it('kmem', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(200), fc.nat(20), garbage, (idx, pos, cut, insert) => {
        runOne('kmem', sampleLines.slice(0, 40), idx, pos, cut, insert);
      }),
      { numRuns: 2000 },
    );
  });

  it('csv', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(60), fc.nat(10), garbage, (idx, pos, cut, insert) => runOne('csv', goodCsv, idx, pos, cut, insert)),
      { numRuns: 1500 },
    );
  });

  it('jsonl', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(90), fc.nat(10), garbage, (idx, pos, cut, insert) => runOne('jsonl', goodJsonl, idx, pos, cut, insert)),
      { numRuns: 1500 },
    );
  });

  it('whole random files', () => {
    fc.assert(
      fc.property(fc.constantFrom<TraceFormat>('kmem', 'csv', 'jsonl'), fc.string({ maxLength: 300 }), (format, text) => {
        try {
          parseTrace(text, format, 'r.txt');
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
        }
      }),
      { numRuns: 1500 },
    );
  });
});

describe('the shipped sample commits no caller bug', () => {
  it('no allocation that may reclaim (__GFP_DIRECT_RECLAIM: GFP_KERNEL, GFP_HIGHUSER_MOVABLE) is marked IRQs-off', () => {
    // prepare_alloc_pages(): might_sleep_if(gfp & __GFP_DIRECT_RECLAIM): a
    // real kernel would report each of them, whatever the page design.
    const t = loadTrace(SAMPLE);
    let reclaimers = 0;
    let irqsOff = 0;
    for (let i = 0; i < t.length; i++) {
      if (t.op[i] !== OP_ALLOC || !(t.gfp[i]! & __GFP_DIRECT_RECLAIM)) continue;
      reclaimers++;
      if (t.flags[i]! & FLAG_IRQS_OFF) irqsOff++;
    }
    expect(reclaimers).toBeGreaterThan(1000);
    expect(irqsOff).toBe(0);
  });
});
