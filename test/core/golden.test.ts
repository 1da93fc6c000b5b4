/**
 * Pins the outcome of a fixed, seeded mix of operations (test/helpers/golden-workload.ts):
 * every counter, which pages were handed out, and the virtual ns charged, to the
 * last bit. Changes made for speed must leave all of it alone. A change meant
 * to alter the model updates these values (regenerate them with
 * `npx tsx test/helpers/golden-workload.ts`) and says why in its commit.
 */
import { describe, expect, it } from 'vitest';
import { goldenRun, type GoldenResult } from '../helpers/golden-workload.ts';

const GOLDEN: Record<'5.9' | '7.2', GoldenResult> = {
  "5.9": {
    "ns": 64587155.52899206,
    "maxOpNs": 2953723.411000003,
    "stats": {
      "allocs": 11247,
      "allocFailures": 12,
      "pcpHits": 2509,
      "pcpMisses": 5232,
      "pcpTrylockFailures": 0,
      "slowpathEntries": 33,
      "kswapdWakes": 33,
      "kswapdRuns": 34,
      "kswapdReclaimed": 130,
      "directReclaims": 337,
      "directReclaimed": 26008,
      "drainAllPages": 325,
      "watermarkFailures": 413,
      "frees": 10439,
      "badFrees": 117,
      "pcpMissHookFailures": 0,
      "fastPathRejects": 0,
      "zoneLockTaken": 14956
    },
    "pcp": {
      "refills": 5232,
      "refillPages": 5232,
      "drains": 3678,
      "drainPages": 4682,
      "count": [
        0,
        1,
        0,
        1,
        0,
        3
      ],
      "high": [
        0,
        6,
        0,
        6,
        0,
        6
      ]
    },
    "buddy": {
      "fallbackAllocs": 10,
      "pageblocksStolen": 20
    },
    "locks": {
      "invalidWaitContext": 3495,
      "sleepInAtomic": 3952,
      "nmiLock": 0,
      "contendedNs": 2192169.724999951,
      "contendedAcquisitions": 7,
      "trylockFailures": 0
    },
    "hookLocksTaken": 1605,
    "nrFree": [
      317,
      5557
    ],
    "pfnDigest": 556857094
  },
  "7.2": {
    "ns": 66935471.888004035,
    "maxOpNs": 3048509.602000005,
    "stats": {
      "allocs": 11145,
      "allocFailures": 11,
      "pcpHits": 4799,
      "pcpMisses": 5256,
      "pcpTrylockFailures": 0,
      "slowpathEntries": 44,
      "kswapdWakes": 38,
      "kswapdRuns": 40,
      "kswapdReclaimed": 153,
      "directReclaims": 346,
      "directReclaimed": 27064,
      "drainAllPages": 317,
      "watermarkFailures": 438,
      "frees": 10669,
      "badFrees": 128,
      "pcpMissHookFailures": 0,
      "fastPathRejects": 0,
      "zoneLockTaken": 7371
    },
    "pcp": {
      "refills": 5256,
      "refillPages": 15842,
      "drains": 1378,
      "drainPages": 14987,
      "count": [
        1,
        2,
        0,
        2,
        1,
        26
      ],
      "high": [
        42,
        500,
        42,
        500,
        42,
        500
      ]
    },
    "buddy": {
      "fallbackAllocs": 8,
      "pageblocksStolen": 16
    },
    "locks": {
      "invalidWaitContext": 2154,
      "sleepInAtomic": 3977,
      "nmiLock": 0,
      "contendedNs": 1885378.2910000037,
      "contendedAcquisitions": 8,
      "trylockFailures": 0
    },
    "hookLocksTaken": 3180,
    "nrFree": [
      351,
      8138
    ],
    "pfnDigest": 399094529
  }
};

describe('golden workload: the model is unchanged', () => {
  for (const profile of ['5.9', '7.2'] as const) {
    it(`${profile}: same pages, counts and virtual ns as pinned`, () => {
      const got = goldenRun(profile);
      expect(got).toEqual(GOLDEN[profile]);
      // toEqual compares numbers with Object.is: the ns sums are bit-identical.
      expect(got.ns).toBe(GOLDEN[profile].ns);
    });
  }
});
