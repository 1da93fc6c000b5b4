/**
 * The cost table as a class with one field per key, so the simulator's hot
 * paths read costs from fixed-shape in-object properties (a record built key by
 * key may end up in V8's slower dictionary mode).
 */
import type { CostTable } from './cost-table.ts';

export class HotCosts implements CostTable {
  readonly irqSaveRestore: number;
  readonly irqDisableEnable: number;
  readonly preemptDisableEnable: number;
  readonly pcpListOp: number;
  readonly pcpSpinTrylock: number;
  readonly spinLockUncontended: number;
  readonly rawSpinLockUncontended: number;
  readonly lockHandoff: number;
  readonly watermarkCheck: number;
  readonly gfpFlagCheck: number;
  readonly buddyOpPerOrder: number;
  readonly buddyListOp: number;
  readonly rmqueueBulkPerPage: number;
  readonly freePcppagesBulkPerPage: number;
  readonly prepNewPage: number;
  readonly clearPage: number;
  readonly kmallocFastPath: number;
  readonly kernelMapPagesX86: number;
  readonly kernelMapPagesPowerpc: number;
  readonly kasanAllocPages: number;
  readonly setPageOwner: number;
  readonly kswapdWake: number;
  readonly directReclaimPerPage: number;
  readonly drainPagesPerCpu: number;
  readonly queueWork: number;
  readonly workerWakeLatency: number;
  readonly kvfreeRcuStore: number;
  readonly rcuHeadLink: number;
  readonly krcLock: number;

  constructor(t: CostTable) {
    this.irqSaveRestore = t.irqSaveRestore;
    this.irqDisableEnable = t.irqDisableEnable;
    this.preemptDisableEnable = t.preemptDisableEnable;
    this.pcpListOp = t.pcpListOp;
    this.pcpSpinTrylock = t.pcpSpinTrylock;
    this.spinLockUncontended = t.spinLockUncontended;
    this.rawSpinLockUncontended = t.rawSpinLockUncontended;
    this.lockHandoff = t.lockHandoff;
    this.watermarkCheck = t.watermarkCheck;
    this.gfpFlagCheck = t.gfpFlagCheck;
    this.buddyOpPerOrder = t.buddyOpPerOrder;
    this.buddyListOp = t.buddyListOp;
    this.rmqueueBulkPerPage = t.rmqueueBulkPerPage;
    this.freePcppagesBulkPerPage = t.freePcppagesBulkPerPage;
    this.prepNewPage = t.prepNewPage;
    this.clearPage = t.clearPage;
    this.kmallocFastPath = t.kmallocFastPath;
    this.kernelMapPagesX86 = t.kernelMapPagesX86;
    this.kernelMapPagesPowerpc = t.kernelMapPagesPowerpc;
    this.kasanAllocPages = t.kasanAllocPages;
    this.setPageOwner = t.setPageOwner;
    this.kswapdWake = t.kswapdWake;
    this.directReclaimPerPage = t.directReclaimPerPage;
    this.drainPagesPerCpu = t.drainPagesPerCpu;
    this.queueWork = t.queueWork;
    this.workerWakeLatency = t.workerWakeLatency;
    this.kvfreeRcuStore = t.kvfreeRcuStore;
    this.rcuHeadLink = t.rcuHeadLink;
    this.krcLock = t.krcLock;
  }
}
