/**
 * Pins the outcome of a fixed, seeded mix of operations (test/support/golden-workload.ts):
 * every counter, which pages were handed out, and the virtual ns charged, to the
 * last bit. Changes made for speed must leave all of it alone. A change meant
 * to alter the model updates these values (regenerate them with
 * `npx tsx test/support/golden-workload.ts`) and says why in its commit.
 */
import { describe, expect, it } from 'vitest';
import { goldenRun, type GoldenResult } from './support/golden-workload.ts';

const GOLDEN: Record<'5.9' | '6.x', GoldenResult> = {
  "5.9": {
    ns: 69069859.75198597,
    maxOpNs: 8328581.776000001,
    stats: {
      allocs: 11244,
      allocFailures: 0,
      pcpHits: 2499,
      pcpMisses: 5234,
      pcpTrylockFailures: 0,
      slowpathEntries: 20,
      kswapdWakes: 2,
      kswapdRuns: 9,
      kswapdReclaimed: 418,
      directReclaims: 9,
      directReclaimed: 27940,
      drainAllPages: 299,
      watermarkFailures: 29,
      frees: 10671,
      badFrees: 109,
      pcpMissHookFailures: 0,
      fastPathRejects: 0,
      zoneLockTaken: 15336
    },
    pcp: {
      refills: 5234,
      refillPages: 5234,
      drains: 3908,
      drainPages: 4843,
      count: [
        0,
        0,
        0,
        3,
        0,
        1
      ],
      high: [
        0,
        6,
        0,
        6,
        0,
        6
      ]
    },
    buddy: {
      fallbackAllocs: 9,
      pageblocksStolen: 18
    },
    locks: {
      invalidWaitContext: 3342,
      sleepInAtomic: 3946,
      nmiLock: 0,
      contendedNs: 2781.83400000073,
      contendedAcquisitions: 5,
      trylockFailures: 0
    },
    hookLocksTaken: 1606,
    nrFree: [
      446,
      6539
    ],
    pfnDigest: 133862109
  },
  "6.x": {
    ns: 64344481.20500364,
    maxOpNs: 8361481.823,
    stats: {
      allocs: 11186,
      allocFailures: 0,
      pcpHits: 4831,
      pcpMisses: 5279,
      pcpTrylockFailures: 0,
      slowpathEntries: 10,
      kswapdWakes: 2,
      kswapdRuns: 2,
      kswapdReclaimed: 132,
      directReclaims: 8,
      directReclaimed: 25748,
      drainAllPages: 292,
      watermarkFailures: 18,
      frees: 10547,
      badFrees: 128,
      pcpMissHookFailures: 0,
      fastPathRejects: 0,
      zoneLockTaken: 7416
    },
    pcp: {
      refills: 5279,
      refillPages: 16290,
      drains: 1307,
      drainPages: 15087,
      count: [
        11,
        2,
        11,
        2,
        1,
        3
      ],
      high: [
        42,
        500,
        42,
        500,
        42,
        500
      ]
    },
    buddy: {
      fallbackAllocs: 7,
      pageblocksStolen: 14
    },
    locks: {
      invalidWaitContext: 2075,
      sleepInAtomic: 4000,
      nmiLock: 0,
      contendedNs: 4729.038000003717,
      contendedAcquisitions: 14,
      trylockFailures: 0
    },
    hookLocksTaken: 3196,
    nrFree: [
      174,
      7807
    ],
    pfnDigest: 819416412
  }
};

describe('golden workload: the model is unchanged', () => {
  for (const profile of ['5.9', '6.x'] as const) {
    it(`${profile}: same pages, counts and virtual ns as pinned`, () => {
      const got = goldenRun(profile);
      expect(got).toEqual(GOLDEN[profile]);
      // toEqual compares numbers with Object.is: the ns sums are bit-identical.
      expect(got.ns).toBe(GOLDEN[profile].ns);
    });
  }
});
