/**
 * Trace replay: read a recorded page-allocation trace into columns the
 * generator merges into its event stream.
 *
 * Three formats (SCENARIOS.md, "Trace formats"):
 * - `csv`:   header `timestamp_ns,cpu,op,order,gfp,migratetype,context,slot`
 *            (optionally `,flags`), one event per line;
 * - `jsonl`: one JSON object per line with the same keys;
 * - `kmem`:  the text of the kernel's kmem:mm_page_alloc / kmem:mm_page_free /
 *            kmem:mm_page_free_batched tracepoints, as trace_pipe or `perf script`
 *            prints it (TP_printk in include/trace/events/kmem.h). Frees are paired
 *            with allocations by pfn.
 *
 * Slots are made dense here (0..maxSlots-1, reused after their free) so the
 * generator can map them to its own slot ids with a flat array. Any malformed
 * line is one InputError naming the file and `line N`; nothing else is thrown
 * for bad input.
 */
import { readFileSync } from 'node:fs';
import { InputError, describeFound } from '../errors.ts';
import { closestName } from '../util/closest-name.ts';
import { gfpFlagsToMigratetype, parseGfp } from '../core/gfp.ts';
import { MAX_PAGE_ORDER } from '../core/profile.ts';
import {
  CONTEXT_NAMES,
  CTX_HARDIRQ,
  CTX_NMI,
  CTX_SOFTIRQ,
  CTX_TASK,
  FLAG_HEADLESS,
  FLAG_HARDIRQ_NO_THREAD,
  FLAG_IRQS_OFF,
  FLAG_LEGACY_GFP0,
  FLAG_RAW_LOCK_HELD,
  OP_ALLOC,
  OP_FREE,
  OP_KVFREE_RCU,
  type EventBatch,
  type WorkloadSource,
} from './events.ts';

export type TraceFormat = 'jsonl' | 'csv' | 'kmem';
export const TRACE_FORMATS: readonly TraceFormat[] = ['jsonl', 'csv', 'kmem'];

/** The CSV header of the own format (an optional 9th column `flags` may follow). */
export const TRACE_CSV_HEADER = 'timestamp_ns,cpu,op,order,gfp,migratetype,context,slot';
const CSV_COLUMNS = TRACE_CSV_HEADER.split(',');
const JSONL_KEYS = [...CSV_COLUMNS, 'flags'];

/** Own-format op names. */
export const TRACE_OPS = ['alloc', 'free', 'kvfree_rcu', 'kvfree_rcu_headless'] as const;
/** Own-format flag names (the `flags` column, `|`-separated). */
export const TRACE_FLAG_NAMES = ['irqs_off', 'raw_lock_held', 'legacy_gfp0', 'hardirq_no_thread'] as const;
const TRACE_FLAG_BITS = [FLAG_IRQS_OFF, FLAG_RAW_LOCK_HELD, FLAG_LEGACY_GFP0, FLAG_HARDIRQ_NO_THREAD];

/** enum migratetype (include/linux/mmzone.h, CONFIG_CMA and CONFIG_MEMORY_ISOLATION on). */
export const MIGRATETYPE_NAMES = ['unmovable', 'movable', 'reclaimable', 'highatomic', 'cma', 'isolate'] as const;

/** A parsed trace: one entry per replayed event, in non-decreasing time order. */
export interface TraceData {
  readonly file: string;
  readonly format: TraceFormat;
  readonly length: number;
  /** Virtual ns. kmem traces are rebased so the first event is at 0; own formats keep their timestamps. */
  readonly time: Float64Array;
  readonly cpu: Uint16Array;
  readonly op: Uint8Array;
  readonly ctx: Uint8Array;
  readonly flags: Uint8Array;
  readonly order: Uint8Array;
  readonly migratetype: Uint8Array;
  readonly gfp: Uint32Array;
  /** Dense trace-local slot (0..maxSlots-1) for alloc/free; -1 for kvfree_rcu. */
  readonly slot: Int32Array;
  /** 1-based source line of each event. */
  readonly line: Int32Array;
  readonly maxSlots: number;
  readonly maxCpu: number;
  readonly maxCpuLine: number;
  readonly stats: {
    lines: number;
    /** Lines of other tracepoints (mm_page_pcpu_drain, kmalloc, ...) and `[LOST n EVENTS]` markers. */
    skippedLines: number;
    lostEvents: number;
    /** kmem: frees of pages allocated before the trace started (not replayed). */
    unpairedFrees: number;
    /** kmem: allocations that failed in the recording (page=NULL); replayed as requests that are never freed. */
    failedAllocs: number;
  };
}

/** The format a path's extension implies: .jsonl, .csv, anything else kmem. */
export function traceFormatFromPath(path: string): TraceFormat {
  if (/\.jsonl$/i.test(path)) return 'jsonl';
  if (/\.csv$/i.test(path)) return 'csv';
  return 'kmem';
}

/** Read and parse a trace file; see parseTrace. An unreadable file is an InputError. */
export function loadTrace(path: string, format: TraceFormat = traceFormatFromPath(path)): TraceData {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new InputError({ file: path, where: 'file', expected: 'a readable trace file', found: code === 'ENOENT' ? 'no such file' : String(err) });
  }
  return parseTrace(text, format, path);
}

// ---------------------------------------------------------------------------

class Columns {
  length = 0;
  time = new Float64Array(1024);
  cpu = new Uint16Array(1024);
  op = new Uint8Array(1024);
  ctx = new Uint8Array(1024);
  flags = new Uint8Array(1024);
  order = new Uint8Array(1024);
  migratetype = new Uint8Array(1024);
  gfp = new Uint32Array(1024);
  slot = new Int32Array(1024);
  line = new Int32Array(1024);

  push(time: number, cpu: number, op: number, ctx: number, flags: number, order: number, mt: number, gfp: number, slot: number, line: number): void {
    if (this.length === this.time.length) this.grow();
    const i = this.length++;
    this.time[i] = time;
    this.cpu[i] = cpu;
    this.op[i] = op;
    this.ctx[i] = ctx;
    this.flags[i] = flags;
    this.order[i] = order;
    this.migratetype[i] = mt;
    this.gfp[i] = gfp;
    this.slot[i] = slot;
    this.line[i] = line;
  }

  private grow(): void {
    const n = this.time.length * 2;
    const g = <T extends Float64Array | Uint16Array | Uint8Array | Uint32Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a as never);
      return b;
    };
    this.time = g(this.time, (k) => new Float64Array(k));
    this.cpu = g(this.cpu, (k) => new Uint16Array(k));
    this.op = g(this.op, (k) => new Uint8Array(k));
    this.ctx = g(this.ctx, (k) => new Uint8Array(k));
    this.flags = g(this.flags, (k) => new Uint8Array(k));
    this.order = g(this.order, (k) => new Uint8Array(k));
    this.migratetype = g(this.migratetype, (k) => new Uint8Array(k));
    this.gfp = g(this.gfp, (k) => new Uint32Array(k));
    this.slot = g(this.slot, (k) => new Int32Array(k));
    this.line = g(this.line, (k) => new Int32Array(k));
  }
}

/** Dense slot ids, reused LIFO after their free (like the generator's own slots). */
class DenseSlots {
  private readonly free: number[] = [];
  next = 0;
  take(): number {
    return this.free.length > 0 ? this.free.pop()! : this.next++;
  }
  release(id: number): void {
    this.free.push(id);
  }
}

const MAX_TRACE_CPU = 65535;

/**
 * Parse trace text of the given format. A caller may rely on: events in
 * non-decreasing time; every free's slot allocated earlier and not freed since;
 * slots dense in [0, maxSlots); gfp == 0 allocations carry FLAG_LEGACY_GFP0;
 * hardirq/NMI events carry FLAG_IRQS_OFF. Throws one InputError (file, `line N`)
 * for the first malformed line.
 */
export function parseTrace(text: string, format: TraceFormat, file: string): TraceData {
  const p = new TraceParser(file, format);
  const lines = text.split('\n');
  // A final newline leaves one empty string behind; a file without one keeps its last line.
  const n = lines.length > 0 && lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
  const lastHasNewline = n < lines.length;
  for (let i = 0; i < n; i++) {
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    p.parseLine(line, i + 1, i === n - 1 && !lastHasNewline);
  }
  if (format === 'csv' && !p.sawHeader) {
    throw new InputError({ file, where: 'line 1', expected: `the CSV header "${TRACE_CSV_HEADER}"`, found: n === 0 ? 'an empty file' : 'only comments' });
  }
  return p.finish(n);
}

// Binary data: control characters other than tab, DEL, or U+FFFD (an invalid UTF-8 byte).
// eslint-disable-next-line no-control-regex
const BINARY_RE = /[\u0000-\u0008\u000b-\u001f\u007f\ufffd]/;

// trace_pipe:   `  <comm>-<pid>  [003] d..1. 12345.678901: mm_page_alloc: page=... pfn=0x... ...`
//               (optionally a `(tgid)` column before the CPU; 4 flag characters in 5.10, 7 in 5.10 -rt)
// perf script:  `  <comm> <pid> [003] 12345.678901: kmem:mm_page_alloc: page=0x... pfn=0x... ...`
const KMEM_LINE_RE = /\s\[(\d{1,5})\]\s+(?:([.\w]{4,7})\s+)?(\d+)\.(\d{1,9}):\s+(?:[\w-]+:)?(\w+):(?:\s(.*))?$/;
const LOST_RE = /^\s*CPU:\s*\d+\s+\[LOST\s+(\d+)\s+EVENTS\]\s*$/;

class TraceParser {
  readonly cols = new Columns();
  private readonly slots = new DenseSlots();
  /** own formats: trace slot -> dense slot of a live allocation */
  private readonly ownSlots = new Map<number, number>();
  /** kmem: pfn -> dense slot of a live allocation */
  private readonly pfnSlots = new Map<number, number>();
  sawHeader = false;
  private hasFlagsColumn = false;
  private prevTime = -Infinity;
  private prevLine = 0;
  private baseSec = -1;
  private baseFrac = 0;
  private maxCpu = 0;
  private maxCpuLine = 0;
  private skipped = 0;
  private lost = 0;
  private unpaired = 0;
  private failed = 0;

  constructor(
    private readonly file: string,
    private readonly format: TraceFormat,
  ) {}

  private err(line: number, expected: string, found: string): InputError {
    return new InputError({ file: this.file, where: `line ${line}`, expected, found });
  }

  parseLine(line: string, n: number, isLastUnterminated: boolean): void {
    if (BINARY_RE.test(line)) {
      throw this.err(n, 'a text line', `binary data (byte 0x${(line.match(BINARY_RE)![0].charCodeAt(0) & 0xff).toString(16).padStart(2, '0')} or an invalid UTF-8 sequence)`);
    }
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    try {
      if (this.format === 'kmem') this.kmemLine(line, n);
      else if (this.format === 'csv') this.csvLine(trimmed, n);
      else this.jsonlLine(trimmed, n);
    } catch (e) {
      if (e instanceof InputError && isLastUnterminated && !e.expected.startsWith('timestamps')) {
        // The last line has no newline and does not parse: most likely the copy was cut.
        throw new InputError({ file: e.file, where: e.where, expected: e.expected, found: `${e.found} (a truncated last line?)` });
      }
      throw e;
    }
  }

  private checkTime(t: number, n: number, shown: string): void {
    if (t < this.prevTime) {
      throw this.err(n, `timestamps in non-decreasing order (line ${this.prevLine} has a later one)`, shown);
    }
    this.prevTime = t;
    this.prevLine = n;
  }

  private noteCpu(cpu: number, n: number): void {
    if (cpu > this.maxCpu || this.maxCpuLine === 0) {
      this.maxCpu = cpu;
      this.maxCpuLine = n;
    }
  }

  /** Order and migratetype of the live allocation in each dense slot (frees repeat them). */
  private readonly slotOrder: number[] = [];
  private readonly slotMt: number[] = [];

  private remember(slot: number, order: number, mt: number): void {
    this.slotOrder[slot] = order;
    this.slotMt[slot] = mt;
  }

  // -- kmem ------------------------------------------------------------------

  private kmemLine(line: string, n: number): void {
    const lost = LOST_RE.exec(line);
    if (lost) {
      this.lost += Number(lost[1]);
      this.skipped++;
      return;
    }
    const m = KMEM_LINE_RE.exec(line);
    if (!m) {
      throw this.err(n, 'a trace_pipe or perf script line ("<task>-<pid> [cpu] <flags> <secs>.<usecs>: mm_page_alloc: ...")', describeFound(line.trim()));
    }
    const cpu = Number(m[1]);
    if (cpu > MAX_TRACE_CPU) throw this.err(n, `a CPU number <= ${MAX_TRACE_CPU}`, m[1]!);
    const irqFlags = m[2];
    const secText = m[3]!;
    const fracText = m[4]!;
    const event = m[5]!;
    const rest = m[6] ?? '';
    if (event !== 'mm_page_alloc' && event !== 'mm_page_free' && event !== 'mm_page_free_batched') {
      this.skipped++;
      return;
    }
    // Exact ns: seconds and fraction apart, rebased on the first event.
    const sec = Number(secText);
    const frac = Number(fracText.padEnd(9, '0'));
    if (this.baseSec < 0) {
      this.baseSec = sec;
      this.baseFrac = frac;
    }
    const t = (sec - this.baseSec) * 1e9 + (frac - this.baseFrac);
    this.checkTime(t, n, `${secText}.${fracText}`);

    // Context from the irq-flags column (trace_pipe only; perf script has none):
    // char 0 'd'/'D' = IRQs off; char 2 (3 in 5.10 -rt) 'z'/'Z' NMI, 'h'/'H' hardirq, 's' softirq.
    let ctx = CTX_TASK;
    let flags = 0;
    if (irqFlags !== undefined) {
      const c0 = irqFlags[0];
      // 5.10 -rt prints 7 columns, need-resched-lazy before hardirq/softirq.
      const c2 = irqFlags[irqFlags.length === 7 ? 3 : 2];
      if (c0 === 'd' || c0 === 'D') flags |= FLAG_IRQS_OFF;
      if (c2 === 'z' || c2 === 'Z') ctx = CTX_NMI;
      else if (c2 === 'h' || c2 === 'H') ctx = CTX_HARDIRQ;
      else if (c2 === 's') ctx = CTX_SOFTIRQ;
      if (ctx === CTX_HARDIRQ || ctx === CTX_NMI) flags |= FLAG_IRQS_OFF;
    }

    const fields = this.kmemFields(rest, n, event);
    const pfnText = fields.get('pfn');
    if (pfnText === undefined) throw this.err(n, `a pfn= field in ${event}`, `${describeFound(rest)} (truncated?)`);
    const pfn = /^0x[0-9a-f]+$/i.test(pfnText) ? parseInt(pfnText.slice(2), 16) : /^\d+$/.test(pfnText) ? Number(pfnText) : NaN;
    if (!Number.isSafeInteger(pfn)) throw this.err(n, 'pfn= a decimal or 0x hex page frame number', describeFound(pfnText));
    const order = event === 'mm_page_free_batched' ? 0 : this.kmemInt(fields, 'order', n, event, 0, MAX_PAGE_ORDER);
    this.noteCpu(cpu, n);

    if (event === 'mm_page_alloc') {
      const mt = this.kmemInt(fields, 'migratetype', n, event, -1, MIGRATETYPE_NAMES.length - 1);
      const gfpText = fields.get('gfp_flags');
      if (gfpText === undefined) throw this.err(n, 'a gfp_flags= field in mm_page_alloc', `${describeFound(rest)} (truncated?)`);
      const gfp = this.gfp(gfpText, n, 'gfp_flags');
      if (gfp === 0) flags |= FLAG_LEGACY_GFP0;
      const page = fields.get('page');
      const failed = pfn === 0 && (page === undefined || /^(\(null\)|0x0+|0+|\(nil\))$/i.test(page));
      const slot = this.slots.take();
      if (failed) {
        this.failed++; // never freed: the slot is simply never released
      } else {
        if (this.pfnSlots.has(pfn)) {
          // The free of the earlier page went unrecorded (lost events): keep it held.
          this.unpaired++;
        }
        this.pfnSlots.set(pfn, slot);
      }
      const migratetype = mt < 0 ? gfpFlagsToMigratetype(gfp) : mt;
      this.remember(slot, order, migratetype);
      this.cols.push(t, cpu, OP_ALLOC, ctx, flags, order, migratetype, gfp, slot, n);
    } else {
      const slot = this.pfnSlots.get(pfn);
      if (slot === undefined) {
        this.unpaired++; // allocated before the trace started
        return;
      }
      this.pfnSlots.delete(pfn);
      this.slots.release(slot);
      // The free repeats its allocation's order and migratetype (the page's, as the simulator sees it).
      this.cols.push(t, cpu, OP_FREE, ctx, flags, this.slotOrder[slot]!, this.slotMt[slot]!, 0, slot, n);
    }
  }

  private kmemFields(rest: string, n: number, event: string): Map<string, string> {
    const out = new Map<string, string>();
    for (const tok of rest.trim().split(/\s+/)) {
      if (tok === '') continue;
      const eq = tok.indexOf('=');
      if (eq <= 0) throw this.err(n, `key=value fields after "${event}:"`, describeFound(tok));
      out.set(tok.slice(0, eq), tok.slice(eq + 1));
    }
    return out;
  }

  private kmemInt(fields: Map<string, string>, key: string, n: number, event: string, min: number, max: number): number {
    const text = fields.get(key);
    if (text === undefined) throw this.err(n, `a ${key}= field in ${event}`, 'none (truncated?)');
    if (!/^-?\d+$/.test(text)) throw this.err(n, `${key}= an integer`, describeFound(text));
    const v = Number(text);
    if (v < min || v > max) throw this.err(n, `${key}= an integer in [${min}, ${max}]`, text);
    return v;
  }

  private gfp(text: string, n: number, what: string): number {
    try {
      const v = parseGfp(text);
      if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new Error(`not a 32-bit gfp_t: ${v}`);
      return v >>> 0;
    } catch (e) {
      throw this.err(n, `${what} as GFP flags (e.g. GFP_KERNEL|__GFP_ZERO, 0xcc0, none)`, `${describeFound(text)}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  // -- own formats -----------------------------------------------------------

  private csvLine(line: string, n: number): void {
    const cells = line.split(',').map((c) => c.trim());
    if (!this.sawHeader) {
      const header = cells.join(',');
      if (header === TRACE_CSV_HEADER) this.hasFlagsColumn = false;
      else if (header === `${TRACE_CSV_HEADER},flags`) this.hasFlagsColumn = true;
      else throw this.err(n, `the CSV header "${TRACE_CSV_HEADER}" (optionally ",flags")`, describeFound(line));
      this.sawHeader = true;
      return;
    }
    const want = this.hasFlagsColumn ? 9 : 8;
    if (cells.length !== want) throw this.err(n, `${want} comma-separated columns`, `${cells.length}: ${describeFound(line)}`);
    this.ownEvent(
      {
        timestamp_ns: cells[0]!,
        cpu: cells[1]!,
        op: cells[2]!,
        order: cells[3]!,
        gfp: cells[4]!,
        migratetype: cells[5]!,
        context: cells[6]!,
        slot: cells[7]!,
        flags: this.hasFlagsColumn ? cells[8]! : '',
      },
      n,
    );
  }

  private jsonlLine(line: string, n: number): void {
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      throw this.err(n, 'one JSON object per line', `${describeFound(line)} (${e instanceof Error ? e.message : String(e)})`);
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw this.err(n, 'a JSON object', describeFound(obj));
    const rec = obj as Record<string, unknown>;
    for (const k of Object.keys(rec)) {
      if (!JSONL_KEYS.includes(k)) {
        const guess = closestName(k, JSONL_KEYS);
        throw this.err(n, `only the keys ${JSONL_KEYS.join(', ')}`, `unknown field "${k}"${guess ? ` (did you mean "${guess}"?)` : ''}`);
      }
    }
    const cell = (k: string): string => {
      const v = rec[k];
      if (v === undefined || v === null) return '';
      if (k === 'flags' && Array.isArray(v)) return v.map(String).join('|');
      if (typeof v === 'number' || typeof v === 'string') return String(v);
      throw this.err(n, `${k}: a number or a string`, describeFound(v));
    };
    this.ownEvent(
      {
        timestamp_ns: cell('timestamp_ns'),
        cpu: cell('cpu'),
        op: cell('op'),
        order: cell('order'),
        gfp: cell('gfp'),
        migratetype: cell('migratetype'),
        context: cell('context'),
        slot: cell('slot'),
        flags: cell('flags'),
      },
      n,
    );
  }

  private ownInt(text: string, key: string, n: number, min: number, max: number, def?: number): number {
    if (text === '') {
      if (def !== undefined) return def;
      throw this.err(n, `a value in ${key}`, 'an empty field');
    }
    if (!/^\d+$/.test(text)) throw this.err(n, `${key}: an integer >= ${min}`, describeFound(text));
    const v = Number(text);
    if (!Number.isSafeInteger(v) || v < min || v > max) throw this.err(n, `${key}: an integer in [${min}, ${max}]`, text);
    return v;
  }

  private ownEvent(c: Record<(typeof JSONL_KEYS)[number], string>, n: number): void {
    const t = this.ownInt(c['timestamp_ns']!, 'timestamp_ns', n, 0, Number.MAX_SAFE_INTEGER);
    const cpu = this.ownInt(c['cpu']!, 'cpu', n, 0, MAX_TRACE_CPU);
    const opName = c['op']!;
    const opIndex = (TRACE_OPS as readonly string[]).indexOf(opName);
    if (opIndex < 0) {
      const guess = closestName(opName, TRACE_OPS);
      throw this.err(n, `op one of ${TRACE_OPS.join(', ')}`, `${describeFound(opName)}${guess ? ` (did you mean "${guess}"?)` : ''}`);
    }
    let ctx = CTX_TASK;
    const ctxName = c['context']!;
    if (ctxName !== '') {
      ctx = (CONTEXT_NAMES as readonly string[]).indexOf(ctxName);
      if (ctx < 0) throw this.err(n, `context one of ${CONTEXT_NAMES.join(', ')} (or empty: task)`, describeFound(ctxName));
    }
    let flags = 0;
    if (c['flags'] !== '') {
      for (const f of c['flags']!.split('|')) {
        const i = (TRACE_FLAG_NAMES as readonly string[]).indexOf(f.trim());
        if (i < 0) throw this.err(n, `flags from ${TRACE_FLAG_NAMES.join(', ')} separated by |`, describeFound(f));
        flags |= TRACE_FLAG_BITS[i]!;
      }
    }
    if (ctx === CTX_HARDIRQ || ctx === CTX_NMI) flags |= FLAG_IRQS_OFF;
    this.checkTime(t, n, String(t));
    this.noteCpu(cpu, n);
    const order = this.ownInt(c['order']!, 'order', n, 0, MAX_PAGE_ORDER, 0);

    if (opIndex === 2 || opIndex === 3) {
      if (opIndex === 3) flags |= FLAG_HEADLESS;
      this.cols.push(t, cpu, OP_KVFREE_RCU, ctx, flags & ~FLAG_LEGACY_GFP0, 0, 0, 0, -1, n);
      return;
    }
    const traceSlot = this.ownInt(c['slot']!, 'slot', n, 0, Number.MAX_SAFE_INTEGER);
    if (opIndex === 0) {
      if (c['gfp'] === '') throw this.err(n, 'gfp for an alloc (e.g. GFP_KERNEL, 0x400, none)', 'an empty field');
      const gfp = this.gfp(c['gfp']!, n, 'gfp');
      if (gfp === 0) flags |= FLAG_LEGACY_GFP0;
      const mt = this.migratetype(c['migratetype']!, n, gfp);
      if (this.ownSlots.has(traceSlot)) throw this.err(n, `an alloc into a free slot (slot ${traceSlot} is still allocated)`, `alloc slot ${traceSlot}`);
      const slot = this.slots.take();
      this.ownSlots.set(traceSlot, slot);
      this.remember(slot, order, mt);
      this.cols.push(t, cpu, OP_ALLOC, ctx, flags, order, mt, gfp, slot, n);
    } else {
      const slot = this.ownSlots.get(traceSlot);
      if (slot === undefined) throw this.err(n, 'a free of an allocated slot', `free of slot ${traceSlot}, which no earlier alloc holds`);
      this.ownSlots.delete(traceSlot);
      this.slots.release(slot);
      // order/migratetype of a free are its allocation's (the free's own columns are informative only)
      this.cols.push(t, cpu, OP_FREE, ctx, flags & ~FLAG_LEGACY_GFP0, this.slotOrder[slot]!, this.slotMt[slot]!, 0, slot, n);
    }
  }

  private migratetype(text: string, n: number, gfp: number): number {
    if (text === '') return gfpFlagsToMigratetype(gfp);
    if (/^\d+$/.test(text)) {
      const v = Number(text);
      if (v < MIGRATETYPE_NAMES.length) return v;
    }
    const i = (MIGRATETYPE_NAMES as readonly string[]).indexOf(text.toLowerCase());
    if (i >= 0) return i;
    throw this.err(n, `migratetype 0..${MIGRATETYPE_NAMES.length - 1} or one of ${MIGRATETYPE_NAMES.join(', ')} (or empty: from gfp)`, describeFound(text));
  }

  finish(lines: number): TraceData {
    const c = this.cols;
    const len = c.length;
    return {
      file: this.file,
      format: this.format,
      length: len,
      time: c.time.subarray(0, len),
      cpu: c.cpu.subarray(0, len),
      op: c.op.subarray(0, len),
      ctx: c.ctx.subarray(0, len),
      flags: c.flags.subarray(0, len),
      order: c.order.subarray(0, len),
      migratetype: c.migratetype.subarray(0, len),
      gfp: c.gfp.subarray(0, len),
      slot: c.slot.subarray(0, len),
      line: c.line.subarray(0, len),
      maxSlots: this.slots.next,
      maxCpu: this.maxCpu,
      maxCpuLine: this.maxCpuLine,
      stats: { lines, skippedLines: this.skipped, lostEvents: this.lost, unpairedFrees: this.unpaired, failedAllocs: this.failed },
    };
  }
}

// ---------------------------------------------------------------------------
// Writing the own formats (export a generated workload to edit or replay it)
// ---------------------------------------------------------------------------

function flagNames(flags: number): string {
  const out: string[] = [];
  for (let i = 0; i < TRACE_FLAG_NAMES.length; i++) if (flags & TRACE_FLAG_BITS[i]!) out.push(TRACE_FLAG_NAMES[i]!);
  return out.join('|');
}

/**
 * Drain `source` into the CSV own format (with the `flags` column), at most
 * `maxEvents` events. Parsing the result gives the same events (slots renumbered
 * densely, which they already are for a generated workload).
 */
export function workloadToCsv(source: WorkloadSource, batch: EventBatch, maxEvents = Infinity): string {
  const out: string[] = [`${TRACE_CSV_HEADER},flags`];
  let total = 0;
  for (let k = source.next(batch); k > 0 && total < maxEvents; k = source.next(batch)) {
    for (let i = 0; i < k && total < maxEvents; i++, total++) {
      const op = batch.op[i]!;
      const flags = batch.flags[i]!;
      const opName = op === OP_ALLOC ? 'alloc' : op === OP_FREE ? 'free' : flags & FLAG_HEADLESS ? 'kvfree_rcu_headless' : 'kvfree_rcu';
      const isAlloc = op === OP_ALLOC;
      out.push(
        [
          Math.round(batch.time[i]!),
          batch.cpu[i],
          opName,
          batch.order[i],
          isAlloc ? `0x${batch.gfp[i]!.toString(16)}` : '',
          isAlloc ? batch.migratetype[i] : '',
          CONTEXT_NAMES[batch.ctx[i]!],
          op === OP_KVFREE_RCU ? '' : batch.slot[i],
          flagNames(flags),
        ].join(','),
      );
    }
  }
  return `${out.join('\n')}\n`;
}
