/**
 * The real tracefs `trace` text of the kmem page events, every field kept, for
 * the trace oracle (harness/validate/trace.ts). The replay format `kmem` of
 * trace.ts reads the same lines but keeps only allocations and frees.
 *
 * What a kernel prints (include/trace/events/kmem.h TP_printk, and
 * kernel/trace/trace_output.c for the columns):
 * - header lines starting with `#`: `# tracer: nop`,
 *   `# entries-in-buffer/entries-written: 40123/40123   #P:2`, the column legend;
 * - event lines `<comm>-<pid> [CPU] <irq flags> <secs>.<usecs>: <event>: <fields>`,
 *   the irq-flags column 4 characters in 5.10 (`d..1`), 5 from 5.16 (`d..3.`,
 *   the migrate-disable column), 7 in the 5.10 -rt kernels (`.....13`:
 *   need-resched-lazy and preempt-lazy-depth added), as the header's legend says;
 * - `CPU:N [LOST M EVENTS]` where the ring buffer dropped events.
 * Event fields per version:
 * - mm_page_alloc `page=%p pfn=%lu order=%d migratetype=%d gfp_flags=%s`: pfn in
 *   decimal up to 5.11 (`pfn=%lu`), `pfn=0x%lx` from v5.12 ("mm: tracing: print
 *   pfn in hex"); a failed allocation prints page=(null)/0000000000000000 and pfn 0;
 * - mm_page_free `page pfn order`, mm_page_free_batched `page pfn order=0` (5.10
 *   adds nothing more; `cold=` in older kernels is accepted and ignored);
 * - mm_page_alloc_zone_locked `page pfn order migratetype percpu_refill` (5.10:
 *   percpu_refill is `order == 0`; from v5.19 an argument, `pcp_allowed_order(order)
 *   && migratetype < MIGRATE_PCPTYPES` in __rmqueue_smallest); any further
 *   key=value fields a newer kernel adds are accepted and ignored;
 * - mm_page_pcpu_drain `page pfn order migratetype`;
 * - mm_page_alloc_extfrag `page pfn alloc_order fallback_order pageblock_order
 *   alloc_migratetype fallback_migratetype fragmenting change_ownership`.
 * Other events (kmalloc, ...) are counted and skipped. A line that matches no
 * known layout, or a page event with a field missing or malformed, is one
 * InputError naming the file and the line.
 */
import { InputError, describeFound } from '../errors.ts';
import { MAX_PAGE_ORDER } from '../core/profile.ts';

export const KMEM_PAGE_EVENTS = [
  'mm_page_alloc',
  'mm_page_free',
  'mm_page_free_batched',
  'mm_page_alloc_zone_locked',
  'mm_page_pcpu_drain',
  'mm_page_alloc_extfrag',
] as const;
export type KmemPageEvent = (typeof KMEM_PAGE_EVENTS)[number];
export const EV_ALLOC = 0;
export const EV_FREE = 1;
export const EV_FREE_BATCHED = 2;
export const EV_ZONE_LOCKED = 3;
export const EV_PCPU_DRAIN = 4;
export const EV_EXTFRAG = 5;

/** Per event: pfn of a failed allocation (page NULL). */
export const PFN_NONE = -1;

export interface KmemTraceHeader {
  tracer: string | null;
  entriesInBuffer: number | null;
  entriesWritten: number | null;
  /** `#P:N`: CPUs the ring buffer has. */
  cpus: number | null;
}

export interface KmemLost {
  cpu: number;
  events: number;
  line: number;
}

/** A parsed trace: events in file order (the tracefs `trace` file is merged by timestamp). */
export interface KmemText {
  readonly file: string;
  readonly length: number;
  readonly kind: Uint8Array;
  readonly cpu: Uint16Array;
  /** ns since the first event. */
  readonly time: Float64Array;
  /** Timestamp of the first event, in ns since boot (the trace clock's zero). */
  readonly startNs: number;
  /** PFN_NONE for a failed allocation. */
  readonly pfn: Float64Array;
  /** order; for mm_page_alloc_extfrag the fallback_order (the block taken from the other list). */
  readonly order: Uint8Array;
  /** migratetype; for extfrag alloc_migratetype; -1 when the event has none. */
  readonly migratetype: Int8Array;
  /** mm_page_alloc_zone_locked: percpu_refill (0/1); extfrag: fallback_migratetype; else -1. */
  readonly aux: Int8Array;
  /** mm_page_alloc: index into gfpTexts; else -1. */
  readonly gfp: Int32Array;
  /** Irq-flags column: bit 0 IRQs off, bit 1 hardirq, bit 2 softirq, bit 3 NMI. */
  readonly irq: Uint8Array;
  readonly line: Int32Array;
  /** The distinct gfp_flags texts, parsed by the caller against its kernel's GFP layout. */
  readonly gfpTexts: readonly string[];
  readonly header: KmemTraceHeader;
  /** Width of the irq-flags column (4 in 5.10, 5 from 5.16, 7 in 5.10 -rt), 0 without one (perf script). */
  readonly flagWidth: number;
  /** 10 (pfn=%lu, up to 5.11) or 16 (pfn=0x%lx); 0 before the first pfn. */
  readonly pfnBase: number;
  readonly lost: readonly KmemLost[];
  /** Lines of other events. */
  readonly otherEvents: number;
  readonly maxCpu: number;
}

export const IRQ_OFF = 1;
export const IRQ_HARDIRQ = 2;
export const IRQ_SOFTIRQ = 4;
export const IRQ_NMI = 8;

// `<comm>-<pid> [CPU] <flags> <secs>.<usecs>: <event>: <rest>`; an optional `(tgid)` column before [CPU].
const LINE_RE = /^\s*(.+?)-(\d+)\s+(?:\(\s*[\d-]+\)\s+)?\[(\d{1,5})\]\s+(?:([.\w]{4,7})\s+)?(\d+)\.(\d{6,9}):\s+(\w+):(?:\s(.*))?$/;
// The column legend: `#                              || / _--=> preempt-depth`, one line per flag column, in column order.
const LEGEND_RE = /^#[\s|/_]*-*=>\s*(\S[^]*?)\s*$/;
const LOST_RE = /^\s*CPU:\s*(\d+)\s+\[LOST\s+(\d+)\s+EVENTS\]\s*$/;
const ENTRIES_RE = /^#\s*entries-in-buffer\/entries-written:\s*(\d+)\/(\d+)\s+#P:(\d+)/;
const TRACER_RE = /^#\s*tracer:\s*(\S+)/;
const NULL_PAGE_RE = /^(\(null\)|\(nil\)|0+|0x0+)$/i;

const REQUIRED: Record<KmemPageEvent, readonly string[]> = {
  mm_page_alloc: ['page', 'pfn', 'order', 'migratetype', 'gfp_flags'],
  mm_page_free: ['page', 'pfn', 'order'],
  mm_page_free_batched: ['page', 'pfn'],
  mm_page_alloc_zone_locked: ['page', 'pfn', 'order', 'migratetype', 'percpu_refill'],
  mm_page_pcpu_drain: ['page', 'pfn', 'order', 'migratetype'],
  mm_page_alloc_extfrag: ['page', 'pfn', 'alloc_order', 'fallback_order', 'alloc_migratetype', 'fallback_migratetype'],
};

class Cols {
  n = 0;
  cap = 4096;
  kind = new Uint8Array(this.cap);
  cpu = new Uint16Array(this.cap);
  time = new Float64Array(this.cap);
  pfn = new Float64Array(this.cap);
  order = new Uint8Array(this.cap);
  mt = new Int8Array(this.cap);
  aux = new Int8Array(this.cap);
  gfp = new Int32Array(this.cap);
  irq = new Uint8Array(this.cap);
  line = new Int32Array(this.cap);

  push(kind: number, cpu: number, time: number, pfn: number, order: number, mt: number, aux: number, gfp: number, irq: number, line: number): void {
    if (this.n === this.cap) this.grow();
    const i = this.n++;
    this.kind[i] = kind;
    this.cpu[i] = cpu;
    this.time[i] = time;
    this.pfn[i] = pfn;
    this.order[i] = order;
    this.mt[i] = mt;
    this.aux[i] = aux;
    this.gfp[i] = gfp;
    this.irq[i] = irq;
    this.line[i] = line;
  }

  private grow(): void {
    this.cap *= 2;
    const g = <T extends { length: number; set(a: ArrayLike<number>): void }>(old: T, make: (n: number) => T): T => {
      const b = make(this.cap);
      b.set(old as unknown as ArrayLike<number>);
      return b;
    };
    this.kind = g(this.kind, (k) => new Uint8Array(k));
    this.cpu = g(this.cpu, (k) => new Uint16Array(k));
    this.time = g(this.time, (k) => new Float64Array(k));
    this.pfn = g(this.pfn, (k) => new Float64Array(k));
    this.order = g(this.order, (k) => new Uint8Array(k));
    this.mt = g(this.mt, (k) => new Int8Array(k));
    this.aux = g(this.aux, (k) => new Int8Array(k));
    this.gfp = g(this.gfp, (k) => new Int32Array(k));
    this.irq = g(this.irq, (k) => new Uint8Array(k));
    this.line = g(this.line, (k) => new Int32Array(k));
  }
}

/**
 * Parse the text of a tracefs `trace` (or `trace_pipe`) file. Callers may rely
 * on: every event of KMEM_PAGE_EVENTS kept in file order with its fields
 * checked; times in ns from the first event (exact to the printed digits);
 * lost-event markers and the header recorded, not judged (the caller decides
 * whether a lossy trace is usable). Throws one InputError (file, `line N`) for
 * the first line it cannot read, saying when the last line looks cut off.
 */
export function parseKmemText(text: string, file: string): KmemText {
  const lines = text.split('\n');
  const n = lines.length > 0 && lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
  const unterminatedLast = n === lines.length && n > 0;
  const cols = new Cols();
  const gfpIndex = new Map<string, number>();
  const gfpTexts: string[] = [];
  const header: KmemTraceHeader = { tracer: null, entriesInBuffer: null, entriesWritten: null, cpus: null };
  const lost: KmemLost[] = [];
  let flagWidth = -1;
  /** Names of the irq-flags columns from the header legend, in column order. */
  const legend: string[] = [];
  let hardirqCol = -1;
  let pfnBase = 0;
  let other = 0;
  let maxCpu = 0;
  let baseSec = -1;
  let baseFrac = 0;
  let events = 0;

  for (let i = 0; i < n; i++) {
    const ln = i + 1;
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const cut = i === n - 1 && unterminatedLast ? ' (the last line has no newline: was the copy cut?)' : '';
    const fail = (expected: string, found: string): InputError => new InputError({ file, where: `line ${ln}`, expected, found: `${found}${cut}` });
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000b-\u001f\u007f\ufffd]/.test(line)) throw fail('a text line of a tracefs trace', 'binary data');
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (trimmed.startsWith('#')) {
      const lg = LEGEND_RE.exec(trimmed);
      if (lg) legend.push(lg[1]!);
      const t = TRACER_RE.exec(trimmed);
      if (t) header.tracer = t[1]!;
      const e = ENTRIES_RE.exec(trimmed);
      if (e) {
        header.entriesInBuffer = Number(e[1]);
        header.entriesWritten = Number(e[2]);
        header.cpus = Number(e[3]);
      }
      continue;
    }
    const l = LOST_RE.exec(line);
    if (l) {
      lost.push({ cpu: Number(l[1]), events: Number(l[2]), line: ln });
      continue;
    }
    const m = LINE_RE.exec(line);
    if (!m) {
      throw fail('a tracefs trace line ("<task>-<pid> [cpu] <irq flags> <secs>.<usecs>: <event>: <fields>")', describeFound(trimmed));
    }
    const cpu = Number(m[3]);
    const flags = m[4];
    const event = m[7]!;
    const kind = (KMEM_PAGE_EVENTS as readonly string[]).indexOf(event);
    const width = flags === undefined ? 0 : flags.length;
    if (flagWidth < 0) flagWidth = width;
    else if (width !== flagWidth) throw fail(`an irq-flags column of ${flagWidth} characters like the lines before`, describeFound(flags ?? 'none'));
    if (kind < 0) {
      other++;
      continue;
    }
    const sec = Number(m[5]);
    const frac = Number(m[6]!.padEnd(9, '0'));
    if (baseSec < 0) {
      baseSec = sec;
      baseFrac = frac;
    }
    const time = (sec - baseSec) * 1e9 + (frac - baseFrac);

    const fields = new Map<string, string>();
    for (const tok of (m[8] ?? '').trim().split(/\s+/)) {
      if (tok === '') continue;
      const eq = tok.indexOf('=');
      if (eq <= 0) throw fail(`key=value fields after "${event}:"`, describeFound(tok));
      fields.set(tok.slice(0, eq), tok.slice(eq + 1));
    }
    for (const key of REQUIRED[event as KmemPageEvent]) {
      if (!fields.has(key)) throw fail(`a ${key}= field in ${event} (include/trace/events/kmem.h)`, `none in ${describeFound((m[8] ?? '').trim())}`);
    }
    const int = (key: string, min: number, max: number): number => {
      const v = fields.get(key)!;
      if (!/^-?\d+$/.test(v) || Number(v) < min || Number(v) > max) throw fail(`${key}= an integer in [${min}, ${max}]`, describeFound(v));
      return Number(v);
    };

    // pfn: decimal (5.10) or 0x hex (5.12+); a NULL page prints pfn 0 (-1 is accepted too).
    const pfnText = fields.get('pfn')!;
    const page = fields.get('page')!;
    let pfn: number;
    if (/^0x[0-9a-f]+$/i.test(pfnText)) {
      if (pfnBase === 10) throw fail('pfn= in decimal like the lines before', describeFound(pfnText));
      pfnBase = 16;
      pfn = /^0xf{16}$/i.test(pfnText) ? PFN_NONE : parseInt(pfnText.slice(2), 16);
    } else if (/^\d+$/.test(pfnText)) {
      // A decimal pfn after hex ones is a different kernel: only 0 is the same in both.
      if (pfnBase === 16 && pfnText !== '0') throw fail('pfn= in 0x hex like the lines before', describeFound(pfnText));
      if (pfnText !== '0') pfnBase = 10;
      pfn = pfnText === '18446744073709551615' ? PFN_NONE : Number(pfnText);
    } else if (pfnText === '-1') {
      pfn = PFN_NONE;
    } else {
      throw fail('pfn= a decimal or 0x hex page frame number', describeFound(pfnText));
    }
    if (pfn !== PFN_NONE && !Number.isSafeInteger(pfn)) throw fail('pfn= a page frame number', describeFound(pfnText));
    if (pfn === 0 && NULL_PAGE_RE.test(page)) pfn = PFN_NONE;
    if (pfn === PFN_NONE && kind !== EV_ALLOC) throw fail(`a page in ${event}`, `page=${page} pfn=${pfnText}`);

    let order = 0;
    let mt = -1;
    let aux = -1;
    let gfp = -1;
    switch (kind) {
      case EV_ALLOC: {
        order = int('order', 0, MAX_PAGE_ORDER);
        mt = int('migratetype', -1, 7);
        const g = fields.get('gfp_flags')!;
        let gi = gfpIndex.get(g);
        if (gi === undefined) {
          gi = gfpTexts.length;
          gfpTexts.push(g);
          gfpIndex.set(g, gi);
        }
        gfp = gi;
        break;
      }
      case EV_FREE:
        order = int('order', 0, MAX_PAGE_ORDER);
        break;
      case EV_FREE_BATCHED:
        order = fields.has('order') ? int('order', 0, 0) : 0;
        break;
      case EV_ZONE_LOCKED:
        order = int('order', 0, MAX_PAGE_ORDER);
        mt = int('migratetype', 0, 7);
        aux = int('percpu_refill', 0, 1);
        break;
      case EV_PCPU_DRAIN:
        order = int('order', 0, MAX_PAGE_ORDER);
        mt = int('migratetype', 0, 7);
        break;
      case EV_EXTFRAG:
        int('alloc_order', 0, MAX_PAGE_ORDER);
        order = int('fallback_order', 0, MAX_PAGE_ORDER);
        mt = int('alloc_migratetype', 0, 7);
        aux = int('fallback_migratetype', 0, 7);
        break;
    }
    let irq = 0;
    if (flags !== undefined) {
      if (hardirqCol < 0) {
        // Which column says hardirq/softirq: the legend's, else the third (the
        // fourth in -rt 5.10, whose 7 columns add need-resched-lazy after need-resched).
        const li = legend.findIndex((name) => name.startsWith('hardirq/softirq'));
        hardirqCol = li >= 0 && legend.length === flags.length ? li : flags.length === 7 ? 3 : 2;
      }
      const c0 = flags[0];
      const c2 = flags[hardirqCol];
      if (c0 === 'd' || c0 === 'D') irq |= IRQ_OFF;
      if (c2 === 'z' || c2 === 'Z') irq |= IRQ_NMI | IRQ_OFF;
      else if (c2 === 'h' || c2 === 'H') irq |= IRQ_HARDIRQ | IRQ_OFF;
      else if (c2 === 's') irq |= IRQ_SOFTIRQ;
    }
    if (cpu > maxCpu) maxCpu = cpu;
    cols.push(kind, cpu, time, pfn, order, mt, aux, gfp, irq, ln);
    events++;
  }
  if (events === 0) {
    throw new InputError({
      file,
      where: n === 0 ? 'line 1' : `lines 1-${n}`,
      expected: `kmem page events (${KMEM_PAGE_EVENTS.join(', ')}) from a tracefs trace`,
      found: n === 0 ? 'an empty file' : other > 0 ? `only other events (${other} lines)` : 'no event lines',
    });
  }
  const len = cols.n;
  return {
    file,
    length: len,
    kind: cols.kind.subarray(0, len),
    cpu: cols.cpu.subarray(0, len),
    time: cols.time.subarray(0, len),
    startNs: baseSec * 1e9 + baseFrac,
    pfn: cols.pfn.subarray(0, len),
    order: cols.order.subarray(0, len),
    migratetype: cols.mt.subarray(0, len),
    aux: cols.aux.subarray(0, len),
    gfp: cols.gfp.subarray(0, len),
    irq: cols.irq.subarray(0, len),
    line: cols.line.subarray(0, len),
    gfpTexts,
    header,
    flagWidth: Math.max(flagWidth, 0),
    pfnBase,
    lost,
    otherEvents: other,
    maxCpu,
  };
}
