import { describe, expect, it } from 'vitest';
import { InputError } from '../../harness/errors.ts';
import {
  COST_DERIVATIONS,
  COST_KEYS,
  COST_TABLE_SOURCES,
  DEFAULT_COST_TABLE,
  describeCostTable,
  resolveCostTable,
  type CostKey,
} from '../../harness/core/cost-table.ts';
import { closestName, levenshtein } from '../../harness/util/closest-name.ts';

/** The key names the simulator is written against. */
const EXPECTED_KEYS = [
  'irqSaveRestore',
  'irqDisableEnable',
  'preemptDisableEnable',
  'pcpListOp',
  'pcpSpinTrylock',
  'spinLockUncontended',
  'rawSpinLockUncontended',
  'lockHandoff',
  'watermarkCheck',
  'gfpFlagCheck',
  'buddyOpPerOrder',
  'buddyListOp',
  'rmqueueBulkPerPage',
  'freePcppagesBulkPerPage',
  'prepNewPage',
  'clearPage',
  'kmallocFastPath',
  'kernelMapPagesX86',
  'kernelMapPagesPowerpc',
  'kasanAllocPages',
  'setPageOwner',
  'kswapdWake',
  'directReclaimPerPage',
  'drainPagesPerCpu',
  'queueWork',
  'workerWakeLatency',
  'kvfreeRcuStore',
  'rcuHeadLink',
  'krcLock',
];

/** Authors and venues a 'published' source must name at least one of. */
const AUTHORS_AND_VENUES = [
  'Brouer',
  'Gorman',
  'Wrenger',
  'USENIX',
  'ATC',
  'LKML',
  'linux-mm',
  'mmtests',
  'Sites',
];

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError, nothing was thrown');
}

describe('cost table entries', () => {
  it('has exactly the agreed keys', () => {
    expect([...COST_KEYS].sort()).toEqual([...EXPECTED_KEYS].sort());
    expect(new Set(COST_KEYS).size).toBe(COST_KEYS.length);
    expect(Object.keys(COST_TABLE_SOURCES).sort()).toEqual([...EXPECTED_KEYS].sort());
  });

  it.each(COST_KEYS)('%s has a positive finite ns and a source starting with its kind', (key) => {
    const entry = COST_TABLE_SOURCES[key];
    expect(Number.isFinite(entry.ns)).toBe(true);
    expect(entry.ns).toBeGreaterThan(0);
    expect(['published', 'derived', 'estimate']).toContain(entry.kind);
    expect(entry.source.trim().length).toBeGreaterThan(40);
    expect(entry.source.startsWith(`${entry.kind}: `)).toBe(true);
  });

  it('published entries name an author or venue', () => {
    const published = COST_KEYS.filter((k) => COST_TABLE_SOURCES[k].kind === 'published');
    expect(published.length).toBeGreaterThan(0);
    for (const key of published) {
      const source = COST_TABLE_SOURCES[key].source;
      expect(
        AUTHORS_AND_VENUES.some((name) => source.includes(name)),
        `${key}: ${source}`,
      ).toBe(true);
    }
  });

  it('estimate entries give a reason, not just a number', () => {
    for (const key of COST_KEYS) {
      const { kind, source } = COST_TABLE_SOURCES[key];
      if (kind !== 'estimate') continue;
      // A reason names at least one kernel function or mechanism and a unit conversion or comparison.
      expect(source, key).toMatch(/\(\)|_|lock|TLB|cache/);
      expect(source, key).toMatch(/cycles|us|ns/);
    }
  });
});

describe('derived entries', () => {
  const derived = COST_KEYS.filter((k) => COST_TABLE_SOURCES[k].kind === 'derived');

  it('every derived entry has a derivation and only derived entries have one', () => {
    for (const key of COST_KEYS) {
      const isDerived = COST_TABLE_SOURCES[key].kind === 'derived';
      expect(COST_DERIVATIONS[key] !== undefined, key).toBe(isDerived);
    }
  });

  it.each(derived)('%s matches its formula on the defaults and names its inputs', (key) => {
    const derivation = COST_DERIVATIONS[key];
    expect(derivation).toBeDefined();
    if (!derivation) return;
    expect(derivation.inputs.length).toBeGreaterThan(0);
    // Stored values are rounded to 3 decimals.
    expect(Math.abs(COST_TABLE_SOURCES[key].ns - derivation.compute(DEFAULT_COST_TABLE))).toBeLessThan(0.0006);
    for (const input of derivation.inputs) {
      expect(COST_KEYS).toContain(input);
      expect(input).not.toBe(key);
      expect(COST_TABLE_SOURCES[key].source, `${key} should name ${input}`).toContain(input);
    }
  });

  it('spells out the krcLock, raw lock and pcp trylock sums', () => {
    const t = COST_TABLE_SOURCES;
    expect(t.krcLock.ns).toBeCloseTo(t.irqSaveRestore.ns + t.rawSpinLockUncontended.ns, 9);
    expect(t.rawSpinLockUncontended.ns).toBe(t.spinLockUncontended.ns);
    expect(t.pcpSpinTrylock.ns).toBeCloseTo(t.spinLockUncontended.ns + t.preemptDisableEnable.ns, 9);
    expect(t.drainPagesPerCpu.ns).toBeCloseTo(3 * (t.irqSaveRestore.ns + 5) + 5, 9);
  });

  it('the pcpListOp calibration reproduces 192 cycles for a 5.9 order-0 alloc+free', () => {
    const t = DEFAULT_COST_TABLE;
    const alloc = t.irqSaveRestore + t.watermarkCheck + t.pcpListOp + t.prepNewPage;
    const free = t.irqSaveRestore + t.pcpListOp;
    expect((alloc + free) * 4).toBeCloseTo(192, 6);
  });
});

describe('resolveCostTable', () => {
  it('returns the defaults without overrides, frozen', () => {
    const table = resolveCostTable();
    for (const key of COST_KEYS) expect(table[key]).toBe(COST_TABLE_SOURCES[key].ns);
    expect(Object.isFrozen(table)).toBe(true);
  });

  it('applies overrides given as numbers, numeric strings, with or without "cost."', () => {
    const table = resolveCostTable({ pcpListOp: 20, 'cost.lockHandoff': '45.5', gfpFlagCheck: 0 });
    expect(table.pcpListOp).toBe(20);
    expect(table.lockHandoff).toBe(45.5);
    expect(table.gfpFlagCheck).toBe(0);
    expect(table.irqSaveRestore).toBe(COST_TABLE_SOURCES.irqSaveRestore.ns);
  });

  it('re-derives sums from overridden inputs, but not calibrations', () => {
    const table = resolveCostTable({ irqSaveRestore: 20, rawSpinLockUncontended: 30 });
    expect(table.krcLock).toBe(50);
    expect(table.drainPagesPerCpu).toBeCloseTo(3 * 25 + 5, 9);
    // Calibrations and scalings stay at their defaults.
    expect(table.pcpListOp).toBe(COST_TABLE_SOURCES.pcpListOp.ns);
    expect(table.spinLockUncontended).toBe(COST_TABLE_SOURCES.spinLockUncontended.ns);
    expect(table.preemptDisableEnable).toBe(COST_TABLE_SOURCES.preemptDisableEnable.ns);
  });

  it('re-derives transitively and lets a direct override win', () => {
    const viaSpin = resolveCostTable({ spinLockUncontended: 40 });
    expect(viaSpin.pcpSpinTrylock).toBeCloseTo(40 + COST_TABLE_SOURCES.preemptDisableEnable.ns, 9);
    // The raw lock does not follow spinlock_t (PREEMPT_RT makes them differ).
    expect(viaSpin.rawSpinLockUncontended).toBe(COST_TABLE_SOURCES.rawSpinLockUncontended.ns);
    const direct = resolveCostTable({ irqSaveRestore: 20, krcLock: 7 });
    expect(direct.krcLock).toBe(7);
    const bulk = resolveCostTable({ buddyListOp: 100 });
    expect(bulk.rmqueueBulkPerPage).toBe(105);
    expect(bulk.freePcppagesBulkPerPage).toBe(108);
  });

  it('rejects an unknown key, suggesting the closest one', () => {
    const err = inputError(() => resolveCostTable({ pcpListOps: 20 }, 'scenario.json'));
    expect(err.file).toBe('scenario.json');
    expect(err.where).toContain('pcpListOps');
    expect(err.expected).toBe('one of the cost keys (did you mean pcpListOp?)');
    expect(err.message).toContain('did you mean pcpListOp?');

    expect(inputError(() => resolveCostTable({ 'cost.pcplistop': 1 })).expected).toContain('pcpListOp');
    expect(inputError(() => resolveCostTable({ krclock: 1 })).expected).toContain('did you mean krcLock?');
    expect(inputError(() => resolveCostTable({ irqsave: 1 })).expected).toContain('did you mean irqSaveRestore?');
  });

  it('lists the keys when nothing is close', () => {
    const err = inputError(() => resolveCostTable({ zzzzzzzzzzzz: 1 }));
    expect(err.file).toBe('--set');
    expect(err.expected).toContain('one of the cost keys (irqSaveRestore, ');
  });

  it.each([
    ['negative', -1],
    ['NaN', Number.NaN],
    ['infinite', Number.POSITIVE_INFINITY],
    ['non-numeric string', 'fast'],
    ['empty string', ''],
    ['null', null],
    ['object', { ns: 3 }],
    ['boolean', true],
  ])('rejects a %s value', (_label, value) => {
    const err = inputError(() => resolveCostTable({ watermarkCheck: value }, 'cli'));
    expect(err.file).toBe('cli');
    expect(err.where).toBe('cost.watermarkCheck');
    expect(err.expected).toContain('>= 0');
  });
});

describe('describeCostTable', () => {
  it('gives one row per key with default, kind, source and overridden', () => {
    const rows = describeCostTable(resolveCostTable({ lockHandoff: 60 }));
    expect(rows.map((r) => r.key)).toEqual([...COST_KEYS]);
    const byKey = new Map(rows.map((r) => [r.key, r] as const));
    const handoff = byKey.get('lockHandoff');
    expect(handoff).toMatchObject({ ns: 60, defaultNs: 20, kind: 'estimate', overridden: true });
    const irq = byKey.get('irqSaveRestore');
    expect(irq).toMatchObject({ ns: 9.443, defaultNs: 9.443, kind: 'published', overridden: false });
    expect(irq?.source).toContain('Brouer');
  });

  it('marks re-derived entries as not overridden and says why they moved', () => {
    const rows = describeCostTable(resolveCostTable({ irqSaveRestore: 20 }));
    const krc = rows.find((r) => r.key === ('krcLock' satisfies CostKey));
    expect(krc?.overridden).toBe(false);
    expect(krc?.ns).not.toBe(krc?.defaultNs);
    expect(krc?.source).toContain('[re-derived from overridden irqSaveRestore]');
    expect(rows.find((r) => r.key === 'irqSaveRestore')?.overridden).toBe(true);
  });
});

describe('closestName', () => {
  const names = ['pcpListOp', 'pcpSpinTrylock', 'krcLock', 'irqSaveRestore'];

  it('finds typos and case slips', () => {
    expect(closestName('pcpListOps', names)).toBe('pcpListOp');
    expect(closestName('PCPLISTOP', names)).toBe('pcpListOp');
    expect(closestName('krcLok', names)).toBe('krcLock');
    expect(closestName('irqsave', names)).toBe('irqSaveRestore');
  });

  it('returns undefined when nothing is close', () => {
    expect(closestName('zoneLockContention', names)).toBeUndefined();
    expect(closestName('', names)).toBeUndefined();
    expect(closestName('x', [])).toBeUndefined();
  });

  it('computes Levenshtein distances', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('abc', 'abc')).toBe(0);
  });
});
