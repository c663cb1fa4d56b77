import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../core/errors.ts';
import type { Interval } from './intervals.ts';
import type { Label } from './labels.ts';
import { evaluateDetectors, type DetectorScores, type EvaluationInput, type ScoredAdWindow, type ScoredHype } from './scores.ts';

const KEYS = ['hypes', 'labels', 'precision', 'recall', 'f1', 'hypesPerHour', 'timeInHype', 'alerts', 'alertsPerHour', 'alertPrecision', 'precisionAtK', 'adWindows', 'adWindowsPerHour', 'adOnHighlight', 'adOnHighlightChance', 'hours'];

function close(actual: number | null, expected: number, what: string, tolerance = 1e-12): void {
  assert.ok(actual !== null && Math.abs(actual - expected) <= tolerance, `${what}: ${actual}, expected ${expected} ± ${tolerance}`);
}

const hype = (channel: string, beginMs: number, endMs: number, intensity: number, alert = false): ScoredHype => ({ channel, beginMs, endMs, intensity, alert });
const ad = (channel: string, startMs: number, endMs: number, cancelledAtMs: number | null = null): ScoredAdWindow => ({ channel, startMs, endMs, cancelledAtMs });
const label = (channel: string, startMs: number, endMs: number): Label => ({ channel, startMs, endMs });

// Channel a: one hour of chat, [0, 3,600,000] ms; lag 30 s. Its highlights, as labelled and as
// matched ([start, end + 30 s]):
//   L0 [110,000, 130,000]      -> [110,000, 160,000]
//   L1 [600,000, 660,000]      -> [600,000, 690,000]
//   L2 [1,800,000, 1,830,000]  -> [1,800,000, 1,860,000]
//   L3 [3,000,000, 3,010,000]  -> [3,000,000, 3,040,000]
// Its hypes (in this input order) and whether they match:
//   H1 [590,000, 620,000]      intensity 9, alert   overlaps L1                        match
//   H2 [1,855,000, 1,900,000]  intensity 5          overlaps L2 only through the lag   match
//   H3 [2,400,000, 2,460,000]  intensity 7, alert   nothing                            no
//   H4 [3,041,000, 3,050,000]  intensity 5          1 ms after L3's extended end       no
//   H5 [100,000, 110,000]      intensity 5          its end touches L0's start         match
// Its ad windows:
//   A1 [700,000, 820,000]                              nothing                        no
//   A2 [1,750,000, 1,870,000], then again cancelled at 1,790,000: [1,750,000, 1,790,000]
//      ends before L2 begins (the first version would have overlapped: last one wins)     no
//   A3 [3,030,000, 3,150,000]                          L3 only through the lag        yes
const A_HYPES = [hype('a', 590_000, 620_000, 9, true), hype('a', 1_855_000, 1_900_000, 5), hype('a', 2_400_000, 2_460_000, 7, true), hype('a', 3_041_000, 3_050_000, 5), hype('a', 100_000, 110_000, 5)];
const A_ADS = [ad('a', 700_000, 820_000), ad('a', 1_750_000, 1_870_000), ad('a', 3_030_000, 3_150_000), ad('a', 1_750_000, 1_870_000, 1_790_000)];
// Labels may name the channel in any case.
const A_LABELS = [label('A', 110_000, 130_000), label('a', 600_000, 660_000), label('a', 1_800_000, 1_830_000), label('A', 3_000_000, 3_010_000)];
// Channel b: labels, no chat. Channel c: half an hour of chat, one unlabelled hype and ad window.
const B_LABELS = [label('b', 0, 1_000)];
const C_HYPES = [hype('c', 60_000, 70_000, 4)];
const C_ADS = [ad('c', 100_000, 220_000)];

function scenario(over: Partial<EvaluationInput> = {}): EvaluationInput {
  return {
    hypes: [...A_HYPES, ...C_HYPES],
    adWindows: [...A_ADS, ...C_ADS],
    spans: new Map<string, Interval>([['a', [0, 3_600_000]], ['c', [0, 1_800_000]]]),
    labels: [...A_LABELS, ...B_LABELS],
    lagMs: 30_000,
    seed: 1,
    draws: 20_000,
    ...over,
  };
}

// The chance baseline of channel a, worked out exactly: a window of duration d starting at s
// overlaps [x, y] when s is in [x − d, y]; s is uniform in [0, 3,600,000].
//   d = 120,000 (A1, A3): [0 (clipped from −10,000), 160,000] 160,000 + [480,000, 690,000] 210,000
//     + [1,680,000, 1,860,000] 180,000 + [2,880,000, 3,040,000] 160,000 = 710,000 ms of starts.
//   d = 40,000 (A2 as cancelled): [70,000, 160,000] 90,000 + [560,000, 690,000] 130,000
//     + [1,760,000, 1,860,000] 100,000 + [2,960,000, 3,040,000] 80,000 = 400,000 ms.
// Expected overlapping windows per draw: (2 × 710,000 + 400,000) / 3,600,000 = 1,820,000 / 3,600,000.
// Its share of a's 3 windows: 1,820,000 / 10,800,000 ≈ 0.16852. One draw's share has variance
// (2 × p(1−p) at p = 0.19722 + p(1−p) at p = 0.11111) / 9 ≈ 0.0462; over 20,000 draws σ ≈ 0.0015,
// so a tolerance of 0.008 is over 5 σ. c's window never overlaps (c has no labels): chance 0.
const A_CHANCE = 1_820_000 / 10_800_000;

describe('evaluateDetectors', () => {
  it('scores a channel with chat, hypes, ads and labels', () => {
    const a = evaluateDetectors(scenario()).channels.a!;
    assert.deepEqual(Object.keys(a), KEYS);
    assert.equal(a.hypes, 5);
    assert.equal(a.labels, 4);
    assert.equal(a.precision, 3 / 5); // H1, H2, H5 of 5 hypes
    assert.equal(a.recall, 3 / 4); // L0, L1, L2 of 4 labels
    close(a.f1, 2 / 3, 'f1'); // 2 × 3/5 × 3/4 / (3/5 + 3/4) = (18/20) / (27/20) = 2/3
    assert.equal(a.hours, 1);
    assert.equal(a.hypesPerHour, 5);
    // 30,000 + 45,000 + 60,000 + 9,000 + 10,000 = 154,000 ms of 3,600,000
    close(a.timeInHype, 154_000 / 3_600_000, 'timeInHype');
    assert.equal(a.alerts, 2);
    assert.equal(a.alertsPerHour, 2);
    assert.equal(a.alertPrecision, 1 / 2); // H1 matches, H3 does not
    // By intensity, ties to the earlier begin: H1 (9), H3 (7), H5 (5, 100,000), H2 (5,
    // 1,855,000), H4 (5, 3,041,000). Begins in [start − 10 s, end] of a label: H1 (590,000 is
    // L1's 600,000 − 10,000 exactly) and H5 (100,000 is L0's 110,000 − 10,000); H2 begins after
    // L2's end (no lag here), H3 and H4 near none. In input order instead, top 3 would be H1, H3,
    // H2: 1/3, not 2/3.
    assert.deepEqual(a.precisionAtK, { '1': 1, '3': 2 / 3, '5': 2 / 5, '10': 2 / 5 });
    assert.equal(a.adWindows, 3); // A2's two records are one window
    assert.equal(a.adWindowsPerHour, 3);
    assert.equal(a.adOnHighlight, 1 / 3); // A3 only
    close(a.adOnHighlightChance, A_CHANCE, 'adOnHighlightChance', 0.008);
  });

  it('reports labels of a channel without chat and counts them against recall', () => {
    const b = evaluateDetectors(scenario()).channels.b!;
    assert.deepEqual(b, {
      hypes: 0, labels: 1, precision: null, recall: 0, f1: null, hypesPerHour: null, timeInHype: null,
      alerts: 0, alertsPerHour: null, alertPrecision: null, precisionAtK: { '1': null, '3': null, '5': null, '10': null },
      adWindows: 0, adWindowsPerHour: null, adOnHighlight: null, adOnHighlightChance: null, hours: 0,
    } satisfies DetectorScores);
  });

  it('scores a channel with chat and no labels', () => {
    const c = evaluateDetectors(scenario()).channels.c!;
    assert.deepEqual(c, {
      // 1 hype in half an hour: 2 per hour; 10,000 ms of 1,800,000 in hype.
      hypes: 1, labels: 0, precision: 0, recall: null, f1: null, hypesPerHour: 2, timeInHype: 10_000 / 1_800_000,
      alerts: 0, alertsPerHour: 0, alertPrecision: null, precisionAtK: { '1': 0, '3': 0, '5': 0, '10': 0 },
      adWindows: 1, adWindowsPerHour: 2, adOnHighlight: 0, adOnHighlightChance: 0, hours: 0.5,
    } satisfies DetectorScores);
  });

  it('pools counts and spans over channels for the total', () => {
    const total = evaluateDetectors(scenario());
    assert.deepEqual(Object.keys(total), [...KEYS, 'channels']);
    assert.deepEqual(Object.keys(total.channels), ['a', 'b', 'c']);
    assert.equal(total.hypes, 6); // 5 + 0 + 1
    assert.equal(total.labels, 5); // 4 + 1 + 0
    assert.equal(total.precision, 3 / 6); // a's 3 matches; c's hype matches nothing
    assert.equal(total.recall, 3 / 5); // b's label is missed
    close(total.f1, 6 / 11, 'f1'); // 2 × 1/2 × 3/5 / (1/2 + 3/5) = (3/5) / (11/10) = 6/11
    assert.equal(total.hours, 1.5); // 1 + 0 + 0.5
    assert.equal(total.hypesPerHour, 4); // 6 / 1.5
    close(total.timeInHype, 164_000 / 5_400_000, 'timeInHype'); // (154,000 + 10,000) / (3,600,000 + 1,800,000)
    assert.equal(total.alerts, 2);
    close(total.alertsPerHour, 4 / 3, 'alertsPerHour'); // 2 / 1.5
    assert.equal(total.alertPrecision, 1 / 2);
    // a's top K plus c's one hype (a miss): K=1 (1+0)/(1+1), K=3 (2+0)/(3+1), K=5 and 10 (2+0)/(5+1).
    assert.deepEqual(total.precisionAtK, { '1': 1 / 2, '3': 2 / 4, '5': 2 / 6, '10': 2 / 6 });
    assert.equal(total.adWindows, 4);
    close(total.adWindowsPerHour, 8 / 3, 'adWindowsPerHour'); // 4 / 1.5
    assert.equal(total.adOnHighlight, 1 / 4);
    // a's expected 1,820,000 / 3,600,000 overlapping windows plus c's 0, over 4 windows.
    close(total.adOnHighlightChance, 1_820_000 / 14_400_000, 'adOnHighlightChance', 0.006);
  });

  it('repeats the chance baseline exactly for a seed, per channel whatever else is in the input', () => {
    const one = evaluateDetectors(scenario({ draws: 200 }));
    assert.deepEqual(evaluateDetectors(scenario({ draws: 200 })), one);
    assert.notEqual(evaluateDetectors(scenario({ draws: 200, seed: 2 })).channels.a!.adOnHighlightChance, one.channels.a!.adOnHighlightChance);
    const aAlone = evaluateDetectors(scenario({ draws: 200, hypes: A_HYPES, adWindows: A_ADS, labels: A_LABELS, spans: new Map([['a', [0, 3_600_000]]]) }));
    assert.equal(aAlone.channels.a!.adOnHighlightChance, one.channels.a!.adOnHighlightChance);
    // 200 draws are noisier, σ ≈ √(0.0462 / 200) ≈ 0.0152: 0.08 is over 5 σ.
    close(one.channels.a!.adOnHighlightChance, A_CHANCE, 'adOnHighlightChance at 200 draws', 0.08);
  });

  it('takes spans as a plain object too, and matches channels case-insensitively', () => {
    const viaObject = evaluateDetectors(scenario({ draws: 200, spans: { A: [0, 3_600_000], c: [0, 1_800_000] } }));
    assert.deepEqual(viaObject, evaluateDetectors(scenario({ draws: 200 })));
  });

  it('without a lag, matches only what overlaps the labels themselves', () => {
    const a = evaluateDetectors(scenario({ lagMs: 0, draws: 1 })).channels.a!;
    // H2 (begins 25 s after L2's end) and A3 (30 s after L3's end) no longer match.
    assert.equal(a.precision, 2 / 5);
    assert.equal(a.recall, 2 / 4);
    assert.equal(a.adOnHighlight, 0);
    // precision at K has no lag either way
    assert.deepEqual(a.precisionAtK, { '1': 1, '3': 2 / 3, '5': 2 / 5, '10': 2 / 5 });
  });

  it('gives zero counts and null ratios for empty input', () => {
    const empty = evaluateDetectors({ hypes: [], adWindows: [], spans: new Map(), labels: [], lagMs: 30_000 });
    assert.deepEqual(empty, {
      hypes: 0, labels: 0, precision: null, recall: null, f1: null, hypesPerHour: null, timeInHype: null,
      alerts: 0, alertsPerHour: null, alertPrecision: null, precisionAtK: { '1': null, '3': null, '5': null, '10': null },
      adWindows: 0, adWindowsPerHour: null, adOnHighlight: null, adOnHighlightChance: null, hours: 0, channels: {},
    });
  });

  it('gives f1 0 when precision and recall are both 0', () => {
    const s = evaluateDetectors({ hypes: [hype('x', 0, 10, 3)], adWindows: [], spans: { x: [0, 3_600_000] }, labels: [label('x', 1_000_000, 1_000_001)], lagMs: 0 });
    assert.equal(s.precision, 0);
    assert.equal(s.recall, 0);
    assert.equal(s.f1, 0);
  });

  it('refuses a negative lag and a draw count that is not a positive integer', () => {
    assert.throws(() => evaluateDetectors(scenario({ lagMs: -1 })), (e: unknown) => e instanceof ConfigError && /lag must be >= 0 ms, got -1/.test(e.message));
    assert.throws(() => evaluateDetectors(scenario({ draws: 0 })), (e: unknown) => e instanceof ConfigError && /draws must be an integer >= 1, got 0/.test(e.message));
  });
});
