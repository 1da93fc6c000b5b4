/**
 * The trace oracle: parsing the real tracefs text of the lab kernels
 * (harness/workload/kmem-text.ts), bad input, and checkTrace on short real
 * captures (test/fixtures/lab-trace/, see its README).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createCore } from '../../harness/core/core.ts';
import { DEFAULT_COST_TABLE } from '../../harness/core/cost-table.ts';
import {
  EV_ALLOC,
  EV_FREE,
  EV_FREE_BATCHED,
  EV_PCPU_DRAIN,
  EV_ZONE_LOCKED,
  IRQ_OFF,
  PFN_NONE,
  parseKmemText,
} from '../../harness/workload/kmem-text.ts';
import { parseTrace } from '../../harness/workload/trace.ts';
import { checkTrace, countWithin, percentDiff, type TraceCheckInput } from '../../harness/validate/trace.ts';
import { renderTraceCheck, validateCommand } from '../../harness/cli/validate.ts';
import { inputError } from '../helpers/input-error.ts';

const DIR = 'test/fixtures/lab-trace';
const read = (f: string): string => readFileSync(`${DIR}/${f}`, 'utf8');


function countKinds(text: string, file: string): number[] {
  const t = parseKmemText(text, file);
  const n = [0, 0, 0, 0, 0, 0];
  for (let i = 0; i < t.length; i++) n[t.kind[i]!]!++;
  return n;
}

describe('parseKmemText: the trace text of each lab kernel', () => {
  it('5.10: four flag columns, decimal pfn, percpu_refill = (order == 0)', () => {
    const text = read('excerpt-5.10.txt');
    const t = parseKmemText(text, 'excerpt-5.10.txt');
    expect(t.flagWidth).toBe(4);
    expect(t.pfnBase).toBe(10);
    expect(t.header).toEqual({ tracer: 'nop', entriesInBuffer: 91448, entriesWritten: 91448, cpus: 4 });
    // init-1 [001] .... 6.573526: mm_page_alloc: page=ffffdf168004f580 pfn=5078 order=0 migratetype=0 gfp_flags=GFP_KERNEL|__GFP_HIGHMEM|__GFP_NOWARN|__GFP_ZERO
    expect(t.kind[0]).toBe(EV_ALLOC);
    expect(t.cpu[0]).toBe(1);
    expect(t.pfn[0]).toBe(5078);
    expect(t.gfpTexts[t.gfp[0]!]).toBe('GFP_KERNEL|__GFP_HIGHMEM|__GFP_NOWARN|__GFP_ZERO');
    expect(t.startNs).toBe(6_573_526_000);
    expect(countKinds(text, 'x')).toEqual([4, 4, 4, 8, 4, 0]);
    for (let i = 0; i < t.length; i++) {
      if (t.kind[i] === EV_ZONE_LOCKED) expect(t.aux[i]).toBe(t.order[i] === 0 ? 1 : 0);
    }
  });

  it('5.10 -rt: seven flag columns (need-resched-lazy, preempt-lazy-depth) read from the legend', () => {
    const text = read('excerpt-5.10-rt.txt');
    const t = parseKmemText(text, 'excerpt-5.10-rt.txt');
    expect(t.flagWidth).toBe(7);
    expect(t.pfnBase).toBe(10);
    expect(countKinds(text, 'x')).toEqual([4, 4, 4, 8, 4, 0]);
  });

  it('6.1: five flag columns, hex pfn, irqs-off from the first column', () => {
    const text = read('excerpt-6.1.txt');
    const t = parseKmemText(text, 'excerpt-6.1.txt');
    expect(t.flagWidth).toBe(5);
    expect(t.pfnBase).toBe(16);
    expect(t.pfn[0]).toBe(0x2850);
    expect(t.order[0]).toBe(1);
    expect(countKinds(text, 'x')).toEqual([4, 4, 4, 4, 4, 0]);
    const refill = Array.from(t.kind).indexOf(EV_ZONE_LOCKED);
    expect(t.irq[refill]! & IRQ_OFF).toBe(IRQ_OFF); // `d..3.`
  });

  it('mm_page_alloc_zone_locked with fields a newer kernel adds, extfrag, a failed allocation', () => {
    const head = '# tracer: nop\n';
    const t = parseKmemText(
      `${head}` +
        '  dd-171  [003] d..1.  7.997260: mm_page_alloc_zone_locked: page=000000008047c0a5 pfn=0x14ac order=0 migratetype=1 percpu_refill=1 extra=7\n' +
        '  dd-171  [003] d..1.  7.997261: mm_page_alloc_extfrag: page=000000008047c0a5 pfn=0x14ac alloc_order=0 fallback_order=3 pageblock_order=9 alloc_migratetype=0 fallback_migratetype=1 fragmenting=1 change_ownership=1\n' +
        '  dd-171  [003] .....  7.997262: mm_page_alloc: page=(null) pfn=0x0 order=0 migratetype=1 gfp_flags=GFP_NOWAIT\n',
      'new.txt',
    );
    expect(t.length).toBe(3);
    expect(t.aux[0]).toBe(1);
    expect(t.order[1]).toBe(3);
    expect(t.aux[1]).toBe(1);
    expect(t.pfn[2]).toBe(PFN_NONE);
  });

  it('records lost-event markers and skips other events', () => {
    const t = parseKmemText(
      '  a-1 [000] ....  1.000001: kmalloc: call_site=x ptr=y bytes_req=8 bytes_alloc=8 gfp_flags=GFP_KERNEL\nCPU:2 [LOST 123 EVENTS]\n  a-1 [000] ....  1.000002: mm_page_free: page=0 pfn=77 order=0\n',
      'lost.txt',
    );
    expect(t.lost).toEqual([{ cpu: 2, events: 123, line: 2 }]);
    expect(t.otherEvents).toBe(1);
    expect(t.length).toBe(1);
    expect(t.kind[0]).toBe(EV_FREE);
  });

  it('bad input: one InputError naming the file and the line', () => {
    const good = '  a-1 [000] ....  1.000001: mm_page_free: page=0 pfn=77 order=0\n';
    // truncated last line (no newline, fields cut)
    let e = inputError(() => parseKmemText(`${good}  a-1 [000] ....  1.000002: mm_page_alloc: page=ffff pfn=78 ord`, 't.txt'));
    expect(e.message).toMatch(/^t\.txt: line 2: /);
    expect(e.message).toMatch(/was the copy cut\?/);
    // a line cut before its fields
    e = inputError(() => parseKmemText(`${good}  a-1 [000] ....  1.00`, 't.txt'));
    expect(e.where).toBe('line 2');
    // unknown format
    e = inputError(() => parseKmemText('Node 0, zone DMA 1 2 3\n', 'zi.txt'));
    expect(e.message).toMatch(/^zi\.txt: line 1: expected a tracefs trace line/);
    // a missing field
    e = inputError(() => parseKmemText('  a-1 [000] ....  1.000001: mm_page_pcpu_drain: page=0 pfn=77 order=0\n', 'd.txt'));
    expect(e.message).toMatch(/line 1: expected a migratetype= field in mm_page_pcpu_drain/);
    // pfn switching between decimal and hex: two kernels' traces pasted together
    e = inputError(() => parseKmemText(`${good}  a-1 [000] .....  1.000002: mm_page_free: page=0 pfn=0x4d order=0\n`, 'mix.txt'));
    expect(e.where).toBe('line 2');
    // nothing but other events
    e = inputError(() => parseKmemText('# tracer: nop\n', 'empty.txt'));
    expect(e.message).toMatch(/expected kmem page events/);
  });

  it('the replay format `kmem` reads every lab kernel too (5.10 -rt flags included)', () => {
    for (const f of ['excerpt-5.10.txt', 'excerpt-5.10-rt.txt', 'excerpt-6.1.txt']) {
      const t = parseTrace(read(f), 'kmem', f);
      expect(t.length).toBeGreaterThan(0);
    }
  });
});

function fixtureInput(v: string, over: Partial<TraceCheckInput> = {}): TraceCheckInput {
  return {
    traceText: read(`${v}/trace.txt`),
    traceFile: `${v}/trace.txt`,
    zoneinfoText: read(`${v}/zoneinfo.txt`),
    zoneinfoFile: `${v}/zoneinfo.txt`,
    buddyinfoText: read(`${v}/buddyinfo.txt`),
    buddyinfoFile: `${v}/buddyinfo.txt`,
    sysctlText: read(`${v}/sysctl.txt`),
    sysctlFile: `${v}/sysctl.txt`,
    kernel: read(`${v}/uname.txt`).trim(),
    ...over,
  };
}

/** Counted straight from the fixture text, independently of the parser. */
function kernelRefillPages(text: string): number {
  let n = 0;
  for (const m of text.matchAll(/mm_page_alloc_zone_locked: .* order=(\d+) .*percpu_refill=1/g)) n += 1 << Number(m[1]);
  return n;
}

describe('checkTrace on real captures (first lines of the lab traces)', () => {
  it('5.10: kernel side counted exactly, model within the tolerance', () => {
    const input = fixtureInput('5.10');
    const c = checkTrace(input);
    expect(c.kernel.profile).toBe('5.10');
    expect(c.events).toBe(277);
    expect(c.counts.pcpRefill.kernel).toBe(kernelRefillPages(input.traceText));
    expect(c.counts).toEqual({ pcpRefill: { kernel: 63, model: 63 }, pcpDrain: { kernel: 0, model: 0 }, extfrag: { kernel: 0, model: 0 } });
    expect(c.withinTolerance).toBe(true);
    expect(c.tolerance).toBe(10);
    expect(c.perCpu.map((p) => p.pcpRefill.kernel)).toEqual([0, 63, 0, 0]);
    expect(c.perCpu.map((p) => p.pcpRefill.model)).toEqual([0, 63, 0, 0]);
  });

  it('6.1: the same, on the 6.1 profile; same inputs give the same numbers', () => {
    const input = fixtureInput('6.1');
    const a = checkTrace(input);
    const b = checkTrace(input);
    expect(a).toEqual(b);
    expect(a.kernel.profile).toBe('6.1');
    expect(a.counts.pcpRefill.kernel).toBe(kernelRefillPages(input.traceText));
    expect(a.counts).toEqual({ pcpRefill: { kernel: 63, model: 63 }, pcpDrain: { kernel: 0, model: 0 }, extfrag: { kernel: 0, model: 0 } });
    expect(a.withinTolerance).toBe(true);
  });

  it('drains: counted per page of mm_page_pcpu_drain, and the model drains when a free reaches high', () => {
    // The 5.10 capture, with the pcplist of CPU 1 brought to pcp->high (378) by frees of pages allocated before the trace.
    const base = fixtureInput('5.10');
    const lines: string[] = ['# tracer: nop'];
    for (let k = 0; k < 400; k++) lines.push(`  rm-9 [001] ....  7.${String(100000 + k).padStart(6, '0')}: mm_page_free: page=ffff pfn=${300000 + k} order=0`);
    lines.push('  rm-9 [001] d...  7.200000: mm_page_pcpu_drain: page=ffff pfn=300000 order=0 migratetype=1');
    const c = checkTrace({ ...base, traceText: `${lines.join('\n')}\n`, traceFile: 'drain.txt' });
    expect(c.counts.pcpDrain.kernel).toBe(1);
    // 5.10 free_unref_page_commit(): count >= high (6 * 63) -> free_pcppages_bulk(batch = 63)
    expect(c.counts.pcpDrain.model % 63).toBe(0);
    expect(c.counts.pcpDrain.model).toBeGreaterThan(0);
    expect(c.withinTolerance).toBe(false);
  });

  it('refuses traces it cannot compare, in one line: lost events, overwritten entries, unknown CPUs, unknown gfp flags', () => {
    const base = fixtureInput('5.10');
    let e = inputError(() => checkTrace({ ...base, traceText: `${base.traceText}CPU:1 [LOST 12 EVENTS]\n` }));
    expect(e.message).toMatch(/5\.10\/trace\.txt: line 289: expected a trace without lost events/);
    e = inputError(() => checkTrace({ ...base, traceText: base.traceText.replace('91448/91448', '91448/99999') }));
    expect(e.where).toBe('header "entries-in-buffer/entries-written"');
    e = inputError(() => checkTrace({ ...base, traceText: base.traceText.replace('[001]', '[009]') }));
    expect(e.message).toMatch(/expected CPUs 0\.\.3/);
    e = inputError(() => checkTrace({ ...base, traceText: base.traceText.replace('gfp_flags=GFP_KERNEL|', 'gfp_flags=__GFP_BOGUS|') }));
    expect(e.message).toMatch(/line \d+: gfp_flags: expected GFP flags/);
    e = inputError(() => checkTrace({ ...base, kernel: 'windows-11' }));
    expect(e.message).toMatch(/--kernel/);
  });

  it('tolerance: percent of the kernel count; 0 and 0 agree', () => {
    expect(countWithin({ kernel: 100, model: 110 }, 10)).toBe(true);
    expect(countWithin({ kernel: 100, model: 111 }, 10)).toBe(false);
    expect(countWithin({ kernel: 0, model: 0 }, 10)).toBe(true);
    expect(countWithin({ kernel: 0, model: 1 }, 10)).toBe(false);
    expect(percentDiff({ kernel: 200, model: 150 })).toBe(-25);
    expect(percentDiff({ kernel: 0, model: 3 })).toBeNull();
  });
});

describe('validate trace (command)', () => {
  it('prints the table and exits 0 within tolerance; --json prints counts', () => {
    const o = { what: 'trace', file: `${DIR}/5.10/trace.txt`, zoneinfo: `${DIR}/5.10/zoneinfo.txt`, buddyinfo: `${DIR}/5.10/buddyinfo.txt`, sysctl: `${DIR}/5.10/sysctl.txt`, kernel: '5.10.0-32-amd64' };
    const text = validateCommand({ ...o, json: false });
    expect(text.exitCode).toBe(0);
    expect(text.text).toMatch(/pcp refills \(pages\)/);
    expect(text.text).toMatch(/^all\s+63\s+63\s+\+0\.0%/m);
    const json = validateCommand({ ...o, json: true });
    const parsed = JSON.parse(json.text) as { counts: { pcpRefill: { kernel: number; model: number } }; perCpu: unknown[] };
    expect(parsed.counts.pcpRefill).toEqual({ kernel: 63, model: 63 });
    expect(parsed.perCpu).toHaveLength(4);
    const strict = validateCommand({ ...o, json: false, tolerance: 0 });
    expect(strict.exitCode).toBe(0);
  });

  it('marks the totals outside the tolerance', () => {
    const c = checkTrace(fixtureInput('5.10'));
    const bad = { ...c, counts: { ...c.counts, pcpRefill: { kernel: 100, model: 50 } }, withinTolerance: false };
    expect(renderTraceCheck(bad)).toMatch(/-50\.0%\*/);
  });
});

describe('core start state (MachineZoneSpec.initialPcpLists, initialFreeByMigratetype)', () => {
  it('puts the given pages on the given lists, from allocated frames, in pageblocks of the list type', () => {
    const core = createCore({
      profile: '6.1',
      machine: {
        cpus: 2,
        minFreeKbytes: 8192,
        watermarkScaleFactor: 10,
        lowmemReserveRatio: [256, 256],
        zones: [
          { kind: 'DMA', managedPages: 3976 },
          // 1000 order-0 free pages and 100 order-3 blocks: the rest allocated
          { kind: 'DMA32', managedPages: 200000, initialFreeBlocks: [1000, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0], initialPcpLists: [[5, 10, 0, 0, 0, 0, 0, 0, 0, 16], [0, 3]], initialFreeByMigratetype: [600, 0, 0] },
        ],
      },
      costs: DEFAULT_COST_TABLE,
      lockdep: false,
      preemptRt: false,
      debug: { debugPagealloc: false, kasan: false, pageOwner: false, arch: 'x86_64', pageOwnerNewStackPeriod: 64 },
    });
    const pcp = core.alloc.pcp;
    const f = core.alloc.frames;
    const z = core.alloc.zones[1]!;
    expect(pcp.count[0 * 2 + 1]).toBe(5 + 10 + 16);
    expect(pcp.count[1 * 2 + 1]).toBe(3);
    expect(f.listLen[pcp.list(0 * 2 + 1, 9)]).toBe(2); // two order-3 blocks of MIGRATE_UNMOVABLE
    const first = f.listFirst[pcp.list(0 * 2 + 1, 0)]!;
    expect(core.alloc.buddy.migratetypeOf(first)).toBe(0);
    expect(z.nrFree).toBe(1000 + 800); // pcp pages came from allocated frames
    // unmovable free lists hold at least the 600 pages asked for
    let unmovable = 0;
    for (let o = 0; o <= 10; o++) unmovable += f.listLen[core.alloc.buddy.freeList(z, o, 0)]! << o;
    expect(unmovable).toBeGreaterThanOrEqual(600);
    core.release();
  });
});
