/**
 * Small cores for the unit and property tests of harness/core: a machine spec
 * builder, createCore() with the default cost table and debug hooks off, and a
 * few helpers that put a zone into an exact state through the buddy allocator
 * itself (never by writing counters by hand).
 */
import { createCore, type Core } from '../../harness/core/core.ts';
import { DEFAULT_COST_TABLE } from '../../harness/core/cost-table.ts';
import { NIL } from '../../harness/core/frames.ts';
import type { Reclaimer } from '../../harness/core/page-alloc.ts';
import type { DebugConfig } from '../../harness/core/post-alloc-hook.ts';
import type { ProfileName } from '../../harness/core/profile.ts';
import type { ZoneKind } from '../../harness/core/watermarks.ts';
import { MIGRATE_MOVABLE, type Zone } from '../../harness/core/zone.ts';
import type { MachineSpec } from '../../harness/core/machine-spec.ts';

export const NO_DEBUG: DebugConfig = { debugPagealloc: false, kasan: false, pageOwner: false, arch: 'x86_64', pageOwnerNewStackPeriod: 64 };

const RATIO: Record<ZoneKind, number> = { DMA: 256, DMA32: 256, Normal: 32, HighMem: 0, Movable: 0, Device: 0 };

export interface SmallCoreOptions {
  profile?: ProfileName;
  cpus?: number;
  /** Zones in zone_idx order: [kind, managed pages]. Default: one Normal zone of 16384 pages. */
  zones?: [ZoneKind, number][];
  minFreeKbytes?: number;
  watermarkScaleFactor?: number;
  lockdep?: boolean;
  preemptRt?: boolean;
  debug?: Partial<DebugConfig>;
}

export function machine(o: SmallCoreOptions = {}): MachineSpec {
  const zones = o.zones ?? [['Normal', 16384]];
  return {
    cpus: o.cpus ?? 1,
    minFreeKbytes: o.minFreeKbytes ?? 4004,
    watermarkScaleFactor: o.watermarkScaleFactor ?? 10,
    lowmemReserveRatio: zones.map(([k]) => RATIO[k]),
    zones: zones.map(([kind, managedPages]) => ({ kind, managedPages })),
  };
}

export function smallCore(o: SmallCoreOptions = {}): Core {
  return createCore({
    profile: o.profile ?? '5.9',
    machine: machine(o),
    costs: DEFAULT_COST_TABLE,
    lockdep: o.lockdep ?? false,
    preemptRt: o.preemptRt ?? false,
    debug: { ...NO_DEBUG, ...o.debug },
  });
}

/**
 * Takes order-0 pages straight off `zone`'s buddy lists (as other users of the
 * zone would hold them) until zone->nrFree is `target`. Returns the pfns taken.
 */
export function consumeBuddyTo(core: Core, zone: Zone, target: number): number[] {
  const taken: number[] = [];
  const buddy = core.alloc.buddy;
  while (zone.nrFree > target) {
    const pfn = buddy.rmqueue(zone, 0, MIGRATE_MOVABLE);
    if (pfn === NIL) throw new Error(`zone ${zone.name} ran dry at ${zone.nrFree}`);
    core.alloc.frames.allocMigratetype[pfn] = MIGRATE_MOVABLE;
    taken.push(pfn);
  }
  return taken;
}

/** A Reclaimer that frees order-0 pages the test allocated earlier (its "LRU"), through freePages(). */
export class FakeReclaimer implements Reclaimer {
  readonly calls: number[] = [];
  constructor(
    private readonly core: Core,
    readonly lru: number[],
  ) {}
  reclaim(nrPages: number): number {
    this.calls.push(nrPages);
    let n = 0;
    while (n < nrPages && this.lru.length > 0) {
      this.core.alloc.freePages(this.lru.pop()!, 0);
      n++;
    }
    return n;
  }
}

/** Pages on every pcplist of every CPU and zone. */
export function pcpPages(core: Core): number {
  let n = 0;
  for (const c of core.alloc.pcp.count) n += c;
  return n;
}
