/**
 * Importers for /proc/zoneinfo and /proc/buddyinfo, so a user can model a real
 * machine, and a checker that replays the kernel's sizing rules against what
 * the kernel printed.
 *
 * Formats read (mm/vmstat.c, zoneinfo_show_print and frag_show_print):
 * - 5.x: "pages free", min, low, high, spanned, present, managed, protection;
 *   pagesets with count/high/batch. (boost, cma and promo are later additions.)
 * - 6.x: adds boost, promo (v6.1), cma, and per pageset high_min/high_max (v6.7).
 * Every zone of a node is printed, populated or not; an unpopulated zone stops
 * after its protection line (no stats, no pagesets, no start_pfn).
 * Per-node and per-zone counters ("nr_free_pages 3840") are checked to be
 * integers and otherwise ignored.
 */
import { InputError, describeFound } from '../errors.ts';
import type { ProfileName } from '../core/profile.ts';
import { MAX_PAGE_ORDER, NR_PAGE_ORDERS, PROFILES } from '../core/profile.ts';
import {
  LOWMEM_RESERVE_RATIO_DEFAULT,
  ZONE_KINDS,
  setupPerZoneLowmemReserve,
  setupPerZoneWmarks,
  type ZoneKind,
} from '../core/watermarks.ts';
import { pcpHighAndBatch } from '../core/pcp-sizing.ts';
import type { MachineSpec } from '../core/machine-spec.ts';

export interface ZoneinfoPageset {
  cpu: number;
  count: number;
  /** pcp->high as printed; in 6.x auto-tuned at run time (0 until the pcp is first used). */
  high: number;
  batch: number;
  /** v6.7+ only. */
  highMin?: number;
  /** v6.7+ only. */
  highMax?: number;
}

export interface ZoneinfoZone {
  node: number;
  kind: ZoneKind;
  /** Line of the "Node N, zone X" header, 1-based. */
  line: number;
  pagesFree: number;
  /** watermark_boost; not printed by 5.x kernels. */
  boost?: number;
  min: number;
  low: number;
  high: number;
  /** WMARK_PROMO; v6.1+ only. */
  promo?: number;
  spanned: number;
  present: number;
  managed: number;
  /** Not printed by 5.x kernels. */
  cma?: number;
  /** lowmem_reserve[], one entry per zone of the node. */
  protection: number[];
  /** Printed for populated zones only. */
  startPfn?: number;
  /** One per online CPU for populated zones; empty for unpopulated zones. */
  pagesets: ZoneinfoPageset[];
}

export interface ParsedZoneinfo {
  /** The file name given to parseZoneinfo, for messages. */
  file: string;
  /** In the order printed: node by node, zone_idx order within a node. */
  zones: ZoneinfoZone[];
}

export interface BuddyinfoEntry {
  node: number;
  kind: ZoneKind;
  /** nr_free per order 0..MAX_PAGE_ORDER: free blocks of 2^order pages. */
  freeBlocks: number[];
  /** Where this row came from, for messages. */
  file: string;
  line: number;
}

// ---------------------------------------------------------------------------
// shared text checks

/** Splits a text into lines after rejecting empty and binary input. */
function textLines(text: string, file: string, expected: string): string[] {
  if (text.trim() === '') {
    throw new InputError({ file, where: 'line 1', expected, found: text.length === 0 ? 'an empty file' : 'only blank lines' });
  }
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    // NUL and other C0 controls (tab and CR aside), DEL, and U+FFFD (bytes that
    // did not decode as UTF-8): a /proc text never has them.
    const m = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/.exec(line);
    if (m) {
      const code = m[0].codePointAt(0) ?? 0;
      const what = code === 0xfffd ? 'an undecodable byte' : `byte 0x${code.toString(16).padStart(2, '0')}`;
      throw new InputError({
        file,
        where: `line ${i + 1}`,
        expected: `${expected}, as plain text`,
        found: `binary data (${what} at column ${m.index + 1})`,
      });
    }
  }
  return lines;
}

function parseCount(file: string, line: number, field: string, value: string | undefined): number {
  const v = value?.trim();
  if (v === undefined || v === '') {
    throw new InputError({ file, where: `line ${line}: field "${field}"`, expected: 'a non-negative integer', found: 'nothing' });
  }
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) {
    throw new InputError({ file, where: `line ${line}: field "${field}"`, expected: 'a non-negative integer', found: describeFound(v) });
  }
  return Number(v);
}

function parseZoneKind(file: string, line: number, name: string): ZoneKind {
  const kind = ZONE_KINDS.find((k) => k === name);
  if (!kind) {
    throw new InputError({
      file,
      where: `line ${line}: field "zone"`,
      expected: `a zone name (${ZONE_KINDS.join(', ')})`,
      found: describeFound(name),
    });
  }
  return kind;
}

// ---------------------------------------------------------------------------
// /proc/zoneinfo

const HEAD_FIELDS = ['boost', 'min', 'low', 'high', 'promo', 'spanned', 'present', 'managed', 'cma'] as const;
type HeadField = (typeof HEAD_FIELDS)[number] | 'pages free';
const REQUIRED_HEAD: readonly HeadField[] = ['pages free', 'min', 'low', 'high', 'spanned', 'present', 'managed'];

const PCP_FIELDS = ['count', 'high', 'batch', 'high_min', 'high_max'] as const;
type PcpField = (typeof PCP_FIELDS)[number];

interface PagesetDraft {
  cpu: number;
  line: number;
  lastLine: number;
  fields: Map<PcpField, number>;
}

interface ZoneDraft {
  node: number;
  kind: ZoneKind;
  header: string;
  line: number;
  lastLine: number;
  section: 'head' | 'stats' | 'pagesets' | 'tail';
  /** Line of the zone's "pagesets" line, once seen. */
  pagesetsLine?: number;
  fields: Map<HeadField, { value: number; line: number }>;
  protection?: { value: number[]; line: number };
  startPfn?: number;
  pagesets: PagesetDraft[];
  pageset: PagesetDraft | undefined;
}

const ZONEINFO_EXPECTED = 'a /proc/zoneinfo text ("Node N, zone NAME" blocks)';

/**
 * Parses a /proc/zoneinfo text, 5.x or 6.x format.
 *
 * Callers may rely on: zones in file order with every field the kernel printed
 * for them; pagesets in file order; no zone without min/low/high/spanned/
 * present/managed/protection; protection arrays as long as the node has zones.
 * Anything else (empty or binary text, a line before the first "Node N, zone X"
 * header, a value that is not a non-negative integer, a field missing or given
 * twice, a truncated block, an unknown zone name) throws InputError naming
 * `file`, the 1-based line and the field, e.g.
 *   zoneinfo.txt: line 57: field "min": expected a non-negative integer, found "abc"
 */
export function parseZoneinfo(text: string, file: string): ParsedZoneinfo {
  const lines = textLines(text, file, ZONEINFO_EXPECTED);
  const zones: ZoneinfoZone[] = [];
  let draft: ZoneDraft | undefined;

  const fail = (line: number, field: string | undefined, expected: string, found: string): never => {
    throw new InputError({ file, where: field === undefined ? `line ${line}` : `line ${line}: field "${field}"`, expected, found });
  };

  const closePageset = (d: ZoneDraft, endLine: number, endWhat: string): void => {
    const ps = d.pageset;
    if (!ps) return;
    d.pageset = undefined;
    for (const f of ['count', 'high', 'batch'] as const) {
      if (!ps.fields.has(f)) {
        fail(endLine, f, `a "${f}:" line for cpu ${ps.cpu} (pageset from line ${ps.line}) of "${d.header}"`, endWhat);
      }
    }
    if (ps.fields.has('high_min') !== ps.fields.has('high_max')) {
      const missing = ps.fields.has('high_min') ? 'high_max' : 'high_min';
      fail(endLine, missing, `"high_min:" and "high_max:" together for cpu ${ps.cpu} of "${d.header}"`, endWhat);
    }
    d.pagesets.push(ps);
  };

  const closeZone = (d: ZoneDraft, endLine: number, endWhat: string): void => {
    closePageset(d, endLine, endWhat);
    for (const f of REQUIRED_HEAD) {
      if (!d.fields.has(f)) fail(endLine, f, `a "${f}" line in "${d.header}" (from line ${d.line})`, endWhat);
    }
    if (!d.protection) fail(endLine, 'protection', `a "protection: (...)" line in "${d.header}" (from line ${d.line})`, endWhat);
    const get = (f: HeadField): number => d.fields.get(f)?.value ?? 0;
    const opt = (f: HeadField): number | undefined => d.fields.get(f)?.value;
    const zone: ZoneinfoZone = {
      node: d.node,
      kind: d.kind,
      line: d.line,
      pagesFree: get('pages free'),
      min: get('min'),
      low: get('low'),
      high: get('high'),
      spanned: get('spanned'),
      present: get('present'),
      managed: get('managed'),
      protection: d.protection?.value ?? [],
      pagesets: d.pagesets.map((p) => {
        const ps: ZoneinfoPageset = {
          cpu: p.cpu,
          count: p.fields.get('count') ?? 0,
          high: p.fields.get('high') ?? 0,
          batch: p.fields.get('batch') ?? 0,
        };
        const hmin = p.fields.get('high_min');
        const hmax = p.fields.get('high_max');
        if (hmin !== undefined) ps.highMin = hmin;
        if (hmax !== undefined) ps.highMax = hmax;
        return ps;
      }),
    };
    const boost = opt('boost');
    const promo = opt('promo');
    const cma = opt('cma');
    if (boost !== undefined) zone.boost = boost;
    if (promo !== undefined) zone.promo = promo;
    if (cma !== undefined) zone.cma = cma;
    if (d.startPfn !== undefined) zone.startPfn = d.startPfn;
    zones.push(zone);
  };

  const protectionLines = new Map<ZoneinfoZone, number>();

  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const raw = lines[i] ?? '';
    const line = raw.trim();
    if (line === '') continue;

    const header = /^Node\s+(\S+),\s*zone\s+(\S+)$/.exec(line);
    if (header) {
      if (draft) {
        const d = draft;
        closeZone(d, n, `the next zone header ${describeFound(line)}`);
        if (d.protection) protectionLines.set(zones[zones.length - 1] as ZoneinfoZone, d.protection.line);
      }
      const node = parseCount(file, n, 'node', header[1]);
      const kind = parseZoneKind(file, n, header[2] ?? '');
      const prev = zones[zones.length - 1];
      if (prev && prev.node === node && ZONE_KINDS.indexOf(kind) <= ZONE_KINDS.indexOf(prev.kind)) {
        fail(n, 'zone', `zones of node ${node} in zone_idx order, each once (${ZONE_KINDS.join(', ')})`, `${kind} after ${prev.kind}`);
      }
      if (prev && node < prev.node) fail(n, 'node', `nodes in increasing order`, `node ${node} after node ${prev.node}`);
      draft = {
        node,
        kind,
        header: `Node ${node}, zone ${kind}`,
        line: n,
        lastLine: n,
        section: 'head',
        fields: new Map(),
        pagesets: [],
        pageset: undefined,
      };
      continue;
    }
    if (/^Node\b/.test(line)) fail(n, undefined, 'a "Node N, zone NAME" header', describeFound(line));

    if (!draft) fail(n, undefined, `a "Node N, zone NAME" header (${ZONEINFO_EXPECTED})`, describeFound(line));
    const d = draft as ZoneDraft;
    d.lastLine = n;
    if (d.pageset) d.pageset.lastLine = n;

    if (line === 'per-node stats') {
      d.section = 'stats';
      continue;
    }
    if (line === 'pagesets') {
      if (d.pagesetsLine !== undefined) fail(n, 'pagesets', `one "pagesets" line in "${d.header}"`, `a second one (first at line ${d.pagesetsLine})`);
      d.pagesetsLine = n;
      d.section = 'pagesets';
      continue;
    }

    // Watermark block: "pages free     3840", then "min      68" and friends.
    const free = /^pages free(?:\s+(.*))?$/.exec(line);
    const head = free ? undefined : /^(boost|min|low|high|promo|spanned|present|managed|cma)(?:\s+(.*))?$/.exec(line);
    if (free || head) {
      const field: HeadField = free ? 'pages free' : ((head?.[1] ?? 'min') as HeadField);
      const prior = d.fields.get(field);
      if (prior) fail(n, field, `one "${field}" line in "${d.header}"`, `a second one (first at line ${prior.line})`);
      d.fields.set(field, { value: parseCount(file, n, field, free ? free[1] : head?.[2]), line: n });
      d.section = 'head';
      continue;
    }

    const colon = /^([A-Za-z_][A-Za-z0-9_ ]*?):(?:\s*(.*))?$/.exec(line);
    if (colon) {
      const key = colon[1] ?? '';
      const value = colon[2];
      if (key === 'protection') {
        if (d.protection) fail(n, 'protection', `one "protection" line in "${d.header}"`, `a second one (first at line ${d.protection.line})`);
        const list = /^\(([^()]*)\)$/.exec(value?.trim() ?? '');
        const parts = list ? (list[1] ?? '').split(',').map((s) => s.trim()) : [];
        if (!list || parts.some((p) => !/^\d+$/.test(p) || !Number.isSafeInteger(Number(p)))) {
          fail(n, 'protection', 'a list of non-negative integers like "(0, 3019, 3659)"', value ? describeFound(value.trim()) : 'nothing');
        }
        d.protection = { value: parts.map(Number), line: n };
        d.section = 'stats';
        continue;
      }
      if (key === 'cpu') {
        if (d.section !== 'pagesets') fail(n, 'cpu', `a "pagesets" line before the first "cpu:" of "${d.header}"`, describeFound(line));
        closePageset(d, n, `the next "cpu:" line`);
        const cpu = parseCount(file, n, 'cpu', value);
        if (d.pagesets.some((p) => p.cpu === cpu)) fail(n, 'cpu', `each cpu once in the pagesets of "${d.header}"`, `cpu ${cpu} again`);
        d.pageset = { cpu, line: n, lastLine: n, fields: new Map() };
        continue;
      }
      const pcpField = PCP_FIELDS.find((f) => f === key);
      if (pcpField) {
        const ps = d.pageset;
        if (!ps) fail(n, pcpField, `a "cpu: N" line of a "pagesets" section before it`, describeFound(line));
        const p = ps as PagesetDraft;
        if (p.fields.has(pcpField)) fail(n, pcpField, `one "${pcpField}:" line for cpu ${p.cpu}`, 'a second one');
        p.fields.set(pcpField, parseCount(file, n, pcpField, value));
        continue;
      }
      if (key === 'start_pfn' || key === 'node_unreclaimable') {
        closePageset(d, n, describeFound(line));
        d.section = 'tail';
        const v = parseCount(file, n, key, value);
        if (key === 'start_pfn') d.startPfn = v;
        continue;
      }
      // "vm stats threshold: 24" and any other "name: number" line.
      parseCount(file, n, key, value);
      continue;
    }

    // Counters: "nr_free_pages 3840", "numa_hit 739446".
    const counter = /^([A-Za-z_][A-Za-z0-9_]*)\s+(\S.*)$/.exec(line);
    if (counter) {
      const v = counter[2] ?? '';
      if (!/^-?\d+$/.test(v)) fail(n, counter[1], 'an integer', describeFound(v));
      continue;
    }

    fail(n, undefined, 'a zoneinfo line ("name value", "name: value", "pagesets", "protection: (...)")', describeFound(raw));
  }

  if (draft) {
    const d = draft;
    closeZone(d, d.lastLine, 'the end of the text');
    if (d.protection) protectionLines.set(zones[zones.length - 1] as ZoneinfoZone, d.protection.line);
  }

  // lowmem_reserve[] has MAX_NR_ZONES entries: one per zone the node prints.
  for (const zone of zones) {
    const nodeZones = zones.filter((z) => z.node === zone.node).length;
    if (zone.protection.length !== nodeZones) {
      fail(
        protectionLines.get(zone) ?? zone.line,
        'protection',
        `${nodeZones} values, one per zone of node ${zone.node}`,
        `${zone.protection.length} values`,
      );
    }
  }
  return { file, zones };
}

// ---------------------------------------------------------------------------
// /proc/buddyinfo

/**
 * Parses /proc/buddyinfo: "Node 0, zone   Normal   2858   1836 ... 8", one row
 * per populated zone, free block counts for orders 0..MAX_PAGE_ORDER.
 *
 * Callers may rely on: rows in file order, each with exactly NR_PAGE_ORDERS (11)
 * counts (the model's orders; a kernel with another MAX_PAGE_ORDER is rejected),
 * each (node, zone) once. Malformed input throws InputError naming `file`, the
 * line and the field, like parseZoneinfo.
 */
export function parseBuddyinfo(text: string, file: string): BuddyinfoEntry[] {
  const expected = `a /proc/buddyinfo text ("Node N, zone NAME" and ${NR_PAGE_ORDERS} counts per line)`;
  const lines = textLines(text, file, expected);
  const rows: BuddyinfoEntry[] = [];
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    const m = /^Node\s+(\S+),\s*zone\s+(\S+)(.*)$/.exec(line);
    if (!m) throw new InputError({ file, where: `line ${n}`, expected, found: describeFound(line) });
    const node = parseCount(file, n, 'node', m[1]);
    const kind = parseZoneKind(file, n, m[2] ?? '');
    const counts = (m[3] ?? '').trim().split(/\s+/).filter((s) => s !== '');
    if (counts.length !== NR_PAGE_ORDERS) {
      throw new InputError({
        file,
        where: `line ${n}`,
        expected: `${NR_PAGE_ORDERS} free-block counts (orders 0..${MAX_PAGE_ORDER})`,
        found: `${counts.length}`,
      });
    }
    const freeBlocks = counts.map((c, order) => parseCount(file, n, `order ${order}`, c));
    if (rows.some((r) => r.node === node && r.kind === kind)) {
      throw new InputError({ file, where: `line ${n}: field "zone"`, expected: `node ${node} zone ${kind} once`, found: 'it again' });
    }
    rows.push({ node, kind, freeBlocks, file, line: n });
  }
  return rows;
}

// ---------------------------------------------------------------------------
// MachineSpec from a capture

export interface MachineFromZoneinfoOptions {
  /** vm.min_free_kbytes of the captured machine. */
  minFreeKbytes: number;
  /** vm.watermark_scale_factor of the captured machine. */
  watermarkScaleFactor: number;
  /** CPUs; default: the number of pagesets ("cpu:" entries) of the first populated zone. */
  cpus?: number;
  /** vm.lowmem_reserve_ratio, one per zone; default: the kernel's table per zone kind (256 256 32 0 0 on x86-64). */
  lowmemReserveRatio?: number[];
  /** A parsed /proc/buddyinfo of the same machine: initial free lists per zone. */
  buddyinfo?: readonly BuddyinfoEntry[];
  /** Where the sysctl values came from, named in error messages (default "machine options"). */
  sysctlSource?: string;
}

/**
 * Builds a MachineSpec from a parsed single-node zoneinfo.
 *
 * Callers may rely on: one MachineSpec zone per zoneinfo zone, same order,
 * managedPages = "managed"; empty zones are kept (they shape the watermarks of
 * the others and own a protection column) but never get initialFreeBlocks;
 * initialFreeBlocks only from buddyinfo rows, checked to fit in the zone.
 * Throws InputError for a multi-node capture, sysctl values out of range, a
 * lowmem_reserve_ratio of the wrong length, or a buddyinfo that does not match.
 */
export function machineFromZoneinfo(z: ParsedZoneinfo, opts: MachineFromZoneinfoOptions): MachineSpec {
  const src = opts.sysctlSource ?? 'machine options';
  const first = z.zones[0];
  if (!first) throw new InputError({ file: z.file, where: 'line 1', expected: 'at least one zone', found: 'none' });
  const other = z.zones.find((zone) => zone.node !== first.node);
  if (other) {
    throw new InputError({
      file: z.file,
      where: `line ${other.line}: field "node"`,
      expected: `a single-node zoneinfo (the model has one NUMA node; node ${first.node} is first)`,
      found: `node ${other.node} as well`,
    });
  }

  const checkInt = (name: string, v: number, min: number): void => {
    if (!Number.isSafeInteger(v) || v < min) {
      throw new InputError({ file: src, where: name, expected: `an integer >= ${min}`, found: describeFound(v) });
    }
  };
  checkInt('min_free_kbytes', opts.minFreeKbytes, 0);
  checkInt('watermark_scale_factor', opts.watermarkScaleFactor, 1);

  let cpus = opts.cpus;
  if (cpus === undefined) {
    const populated = z.zones.find((zone) => zone.pagesets.length > 0);
    if (!populated) {
      throw new InputError({
        file: z.file,
        where: `line ${first.line}`,
        expected: 'a populated zone with a "pagesets" section to count CPUs from (or give cpus)',
        found: 'no pagesets in any zone',
      });
    }
    cpus = populated.pagesets.length;
  }
  checkInt('cpus', cpus, 1);

  const kinds = z.zones.map((zone) => zone.kind);
  const ratios = opts.lowmemReserveRatio ?? kinds.map((k) => LOWMEM_RESERVE_RATIO_DEFAULT[k]);
  if (ratios.length !== kinds.length) {
    throw new InputError({
      file: src,
      where: 'lowmem_reserve_ratio',
      expected: `${kinds.length} values, one per zone of ${z.file} (${kinds.join(', ')})`,
      found: `${ratios.length} values`,
    });
  }
  ratios.forEach((r, i) => checkInt(`lowmem_reserve_ratio[${i}]`, r, 0));

  const free = new Map<ZoneKind, number[]>();
  for (const row of opts.buddyinfo ?? []) {
    const zone = z.zones.find((zz) => zz.kind === row.kind);
    if (row.node !== first.node || !zone) {
      throw new InputError({
        file: row.file,
        where: `line ${row.line}`,
        expected: `a zone of ${z.file} (node ${first.node}: ${kinds.join(', ')})`,
        found: `node ${row.node}, zone ${row.kind}`,
      });
    }
    const pages = row.freeBlocks.reduce((sum, blocks, order) => sum + blocks * 2 ** order, 0);
    if (pages > zone.managed) {
      throw new InputError({
        file: row.file,
        where: `line ${row.line}`,
        expected: `at most ${zone.managed} free pages (zone ${zone.kind} manages that many in ${z.file})`,
        found: `${pages}`,
      });
    }
    free.set(row.kind, [...row.freeBlocks]);
  }

  return {
    cpus,
    minFreeKbytes: opts.minFreeKbytes,
    watermarkScaleFactor: opts.watermarkScaleFactor,
    lowmemReserveRatio: [...ratios],
    zones: z.zones.map((zone) => {
      const blocks = free.get(zone.kind);
      return blocks ? { kind: zone.kind, managedPages: zone.managed, initialFreeBlocks: blocks } : { kind: zone.kind, managedPages: zone.managed };
    }),
  };
}

// ---------------------------------------------------------------------------
// model vs. kernel

export interface ZoneinfoMismatch {
  /** "Node 0, zone DMA32" */
  zone: string;
  /** "min", "protection[2]", "cpu 1: high_min", ... */
  field: string;
  kernel: number;
  model: number;
}

export interface ZoneinfoComparison extends ZoneinfoMismatch {
  match: boolean;
}

export interface ZoneinfoCompareOptions {
  /**
   * vm.percpu_pagelist_high_fraction (6.x) or vm.percpu_pagelist_fraction
   * (5.9/5.10) of the captured machine; 0 (the default) sizes pcp->high from
   * the low watermark (6.x) or as 6 * batch (5.x).
   */
  percpuPagelistHighFraction?: number;
}

/**
 * Replays the kernel's sizing for `machine` under `profile` (setupPerZoneWmarks,
 * setupPerZoneLowmemReserve, pcpHighAndBatch with the model's low watermark,
 * machine.cpus and the pcp fraction) and returns every number it compares with
 * what the zoneinfo shows, matching or not: managed (the machine's input, read
 * back), min, low, high, promo (when printed), each protection entry, and per
 * pageset batch plus high where pcp->high is fixed (5.9/5.10 6 * batch, 6.1
 * zone_highsize) or high_min and high_max where it is auto-tuned (6.7+; pcp->high
 * itself then moves at run time and is not compared).
 *
 * Callers may rely on: rows in zoneinfo order; a zone's rows before the next
 * zone's. A real capture can legitimately differ when managed pages changed
 * after the kernel last computed its watermarks (e.g. an initrd freed after
 * boot): write the sysctls back first (README). Throws RangeError if machine
 * lacks a zone the zoneinfo has.
 */
export function compareZoneinfoWithModel(
  z: ParsedZoneinfo,
  machine: MachineSpec,
  profile: ProfileName,
  opts: ZoneinfoCompareOptions = {},
): ZoneinfoComparison[] {
  const wmarks = setupPerZoneWmarks(machine.zones, machine.minFreeKbytes, machine.watermarkScaleFactor, profile);
  const reserve = setupPerZoneLowmemReserve(machine.zones, machine.lowmemReserveRatio, profile);
  const sizing = PROFILES[profile].pcpSizing;
  const out: ZoneinfoComparison[] = [];

  for (const zi of z.zones) {
    const k = machine.zones.findIndex((mz) => mz.kind === zi.kind);
    const mz = machine.zones[k];
    const wm = wmarks[k];
    const prot = reserve[k];
    if (!mz || !wm || !prot) throw new RangeError(`machine has no ${zi.kind} zone`);
    const zone = `Node ${zi.node}, zone ${zi.kind}`;
    const cmp = (field: string, kernel: number, model: number): void => {
      out.push({ zone, field, kernel, model, match: kernel === model });
    };

    cmp('managed', zi.managed, mz.managedPages);
    cmp('min', zi.min, wm.min);
    cmp('low', zi.low, wm.low);
    cmp('high', zi.high, wm.high);
    if (zi.promo !== undefined) cmp('promo', zi.promo, wm.promo);
    if (zi.protection.length !== prot.length) cmp('protection.length', zi.protection.length, prot.length);
    for (let j = 0; j < Math.min(zi.protection.length, prot.length); j++) {
      cmp(`protection[${j}]`, zi.protection[j] ?? 0, prot[j] ?? 0);
    }

    if (zi.pagesets.length === 0) continue;
    const pcp = pcpHighAndBatch(profile, { managedPages: mz.managedPages, lowWmark: wm.low }, machine.cpus, opts.percpuPagelistHighFraction ?? 0);
    for (const ps of zi.pagesets) {
      cmp(`cpu ${ps.cpu}: batch`, ps.batch, pcp.batch);
      if (sizing !== 'high-min-max') {
        cmp(`cpu ${ps.cpu}: high`, ps.high, pcp.high);
      } else {
        if (ps.highMin !== undefined) cmp(`cpu ${ps.cpu}: high_min`, ps.highMin, pcp.highMin);
        if (ps.highMax !== undefined) cmp(`cpu ${ps.cpu}: high_max`, ps.highMax, pcp.highMax);
      }
    }
  }
  return out;
}

/**
 * The rows of compareZoneinfoWithModel that differ.
 * Callers may rely on: [] means the model reproduces every compared number;
 * mismatches come in zoneinfo order.
 */
export function checkZoneinfoAgainstModel(
  z: ParsedZoneinfo,
  machine: MachineSpec,
  profile: ProfileName,
  opts: ZoneinfoCompareOptions = {},
): ZoneinfoMismatch[] {
  return compareZoneinfoWithModel(z, machine, profile, opts)
    .filter((r) => !r.match)
    .map(({ zone, field, kernel, model }) => ({ zone, field, kernel, model }));
}
