import {
  assignVariant,
  minimumSampleSize,
  normalCdf,
  probabilityBBeatsA,
  probabilityToBeBest,
  summarizeExperiment,
  twoProportionZTest,
  wilsonInterval,
} from '../../src/backend/outreach/experiments';
import { probabilityToBeBestByIntegration } from '../../src/backend/outreach/experiments/statistics';

describe('assignVariant', () => {
  const variants = [
    { id: 'A', weight: 50 },
    { id: 'B', weight: 30 },
    { id: 'C', weight: 20 },
  ];
  const ids = Array.from({ length: 100_000 }, (_, i) => `drv-${i}`);

  it('is deterministic and independent of list order', () => {
    const first = assignVariant({ campaignId: 'c1', driverId: 'drv-42', variants });
    expect(assignVariant({ campaignId: 'c1', driverId: 'drv-42', variants })).toBe(first);
    expect(assignVariant({ campaignId: 'c1', driverId: 'drv-42', variants: [...variants].reverse() })).toBe(first);
  });

  it('100K synthetic ids get shares within ±1% of the weights', () => {
    const counts = new Map<string, number>();
    const byDriver = ids.map((driverId) => assignVariant({ campaignId: 'spring-blitz', driverId, variants }));
    for (const v of byDriver) counts.set(v, (counts.get(v) ?? 0) + 1);
    expect(Math.abs((counts.get('A') ?? 0) / ids.length - 0.5)).toBeLessThan(0.01);
    expect(Math.abs((counts.get('B') ?? 0) / ids.length - 0.3)).toBeLessThan(0.01);
    expect(Math.abs((counts.get('C') ?? 0) / ids.length - 0.2)).toBeLessThan(0.01);
  });

  it('differs between campaigns (no driver is always in A)', () => {
    const sample = ids.slice(0, 2000);
    const same = sample.filter((d) => assignVariant({ campaignId: 'c1', driverId: d, variants }) === assignVariant({ campaignId: 'c2', driverId: d, variants })).length;
    // Independent draws agree with probability .5² + .3² + .2² = 0.38.
    expect(same / sample.length).toBeGreaterThan(0.34);
    expect(same / sample.length).toBeLessThan(0.42);
  });

  it('raising one weight moves only drivers into that variant, about as few as possible', () => {
    const sample = ids.slice(0, 20_000);
    const raised = [{ id: 'A', weight: 50 }, { id: 'B', weight: 30 }, { id: 'C', weight: 30 }];
    let moved = 0;
    for (const driverId of sample) {
      const before = assignVariant({ campaignId: 'c1', driverId, variants });
      const after = assignVariant({ campaignId: 'c1', driverId, variants: raised });
      if (before !== after) {
        moved++;
        expect(after).toBe('C');
      }
    }
    // C's share goes from 20% to 27.27%: the minimum that must move.
    expect(Math.abs(moved / sample.length - (30 / 110 - 0.2))).toBeLessThan(0.01);
  });

  it('a weight of 0 is never assigned; bad input is rejected', () => {
    for (const driverId of ids.slice(0, 500)) {
      expect(assignVariant({ campaignId: 'c', driverId, variants: [{ id: 'A', weight: 1 }, { id: 'B', weight: 0 }] })).toBe('A');
    }
    expect(() => assignVariant({ campaignId: 'c', driverId: 'd', variants: [] })).toThrow(RangeError);
    expect(() => assignVariant({ campaignId: 'c', driverId: 'd', variants: [{ id: 'A', weight: 1 }, { id: 'A', weight: 1 }] })).toThrow(/duplicate/);
    expect(() => assignVariant({ campaignId: 'c', driverId: 'd', variants: [{ id: 'A', weight: -1 }] })).toThrow(RangeError);
    expect(() => assignVariant({ campaignId: 'c', driverId: 'd', variants: [{ id: 'A', weight: 0 }] })).toThrow(RangeError);
  });
});

describe('twoProportionZTest', () => {
  it('the reference example: A 40/1000 vs B 55/1000 → z = 1.58, p ≈ 0.11', () => {
    const { z, pValue } = twoProportionZTest({ successes: 40, total: 1000 }, { successes: 55, total: 1000 });
    // p̄ = 0.0475, SE = √(p̄(1−p̄)·2/1000) = 0.0095125, z = 0.015 / SE = 1.5769; Φ(1.5769) = 0.94259.
    expect(z).toBeCloseTo(1.5769, 4);
    expect(z.toFixed(2)).toBe('1.58');
    expect(pValue).toBeCloseTo(0.1148, 4);
  });

  it('textbook vector: 50/100 vs 60/100 → z = 1.4213, p = 0.1552 (R prop.test, correct = FALSE: X² = 2.0202)', () => {
    const { z, pValue } = twoProportionZTest({ successes: 50, total: 100 }, { successes: 60, total: 100 });
    expect(z).toBeCloseTo(1.42134, 4);
    expect(z * z).toBeCloseTo(2.0202, 4);
    expect(pValue).toBeCloseTo(0.1552, 4);
  });

  it('z² equals Pearson χ² of the 2×2 table', () => {
    const a = { successes: 123, total: 2000 };
    const b = { successes: 161, total: 2100 };
    const cells = [
      [a.successes, a.total - a.successes],
      [b.successes, b.total - b.successes],
    ];
    const n = a.total + b.total;
    const colTotals = [a.successes + b.successes, n - a.successes - b.successes];
    let chi2 = 0;
    cells.forEach((row, i) => row.forEach((o, j) => {
      const e = ((i === 0 ? a.total : b.total) * (colTotals[j] ?? 0)) / n;
      chi2 += (o - e) ** 2 / e;
    }));
    expect(twoProportionZTest(a, b).z ** 2).toBeCloseTo(chi2, 9);
  });

  it('p from an accurate normal CDF (1.959964 → 0.05, 2.575829 → 0.01, far tail not 0)', () => {
    expect(2 * (1 - normalCdf(1.959963984540054))).toBeCloseTo(0.05, 12);
    expect(2 * normalCdf(-2.5758293035489)).toBeCloseTo(0.01, 12);
    expect(normalCdf(-10)).toBeGreaterThan(7.6e-24);
    expect(normalCdf(-10)).toBeLessThan(7.7e-24);
  });

  it('zero totals and zero variance give z = 0, p = 1 (never NaN); sign follows B − A', () => {
    expect(twoProportionZTest({ successes: 0, total: 0 }, { successes: 5, total: 10 })).toEqual({ z: 0, pValue: 1 });
    expect(twoProportionZTest({ successes: 0, total: 50 }, { successes: 0, total: 60 })).toEqual({ z: 0, pValue: 1 });
    expect(twoProportionZTest({ successes: 50, total: 50 }, { successes: 60, total: 60 })).toEqual({ z: 0, pValue: 1 });
    expect(twoProportionZTest({ successes: 55, total: 1000 }, { successes: 40, total: 1000 }).z).toBeLessThan(0);
    expect(() => twoProportionZTest({ successes: 5, total: 4 }, { successes: 0, total: 1 })).toThrow(RangeError);
  });
});

describe('probabilityToBeBest', () => {
  it('the reference example: P(B > A) ≈ 0.94', () => {
    const [pA, pB] = probabilityToBeBest([{ successes: 40, total: 1000 }, { successes: 55, total: 1000 }]);
    expect(pB).toBeCloseTo(0.941, 2);
    expect((pA ?? 0) + (pB ?? 0)).toBeCloseTo(1, 12);
  });

  it('exact closed form: Beta(2,1) vs Beta(1,1) → P = 2/3; symmetric data → 1/2', () => {
    // P(X > Y), X ~ Beta(2,1) (1 success of 1), Y ~ U(0,1): ∫ 2x·x dx = 2/3.
    expect(probabilityBBeatsA({ successes: 0, total: 0 }, { successes: 1, total: 1 })).toBeCloseTo(2 / 3, 12);
    expect(probabilityBBeatsA({ successes: 30, total: 500 }, { successes: 30, total: 500 })).toBeCloseTo(0.5, 10);
  });

  it('numerical integration agrees with the closed form to 1e-9', () => {
    for (const [a, b] of [
      [{ successes: 40, total: 1000 }, { successes: 55, total: 1000 }],
      [{ successes: 0, total: 20 }, { successes: 3, total: 25 }],
      [{ successes: 900, total: 10000 }, { successes: 960, total: 10000 }],
    ] as const) {
      const exact = probabilityBBeatsA(a, b);
      const numeric = probabilityToBeBestByIntegration([a, b])[1] ?? 0;
      expect(Math.abs(exact - numeric)).toBeLessThan(1e-9);
    }
  });

  it('k arms: sums to 1, equal arms split evenly, order follows the data', () => {
    const equal = probabilityToBeBest([{ successes: 10, total: 200 }, { successes: 10, total: 200 }, { successes: 10, total: 200 }]);
    equal.forEach((p) => expect(p).toBeCloseTo(1 / 3, 6));
    const p = probabilityToBeBest([{ successes: 40, total: 1000 }, { successes: 55, total: 1000 }, { successes: 47, total: 1000 }, { successes: 0, total: 0 }]);
    expect(p.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
    expect(p[1]).toBeGreaterThan(p[2] ?? 1);
    expect(p[2]).toBeGreaterThan(p[0] ?? 1);
    // The arm with no data has a uniform posterior: it beats ~5% rates most of the time.
    expect(p[3]).toBeGreaterThan(0.5);
    expect(probabilityToBeBest([])).toEqual([]);
    expect(probabilityToBeBest([{ successes: 1, total: 2 }])).toEqual([1]);
  });
});

describe('minimumSampleSize matches the reference table within ±2%', () => {
  it.each([
    [0.01, 0.015, 7750],
    [0.02, 0.03, 3825],
    [0.05, 0.06, 8158],
    [0.05, 0.075, 1470],
    [0.1, 0.12, 3841],
    [0.1, 0.15, 686],
    [0.2, 0.25, 1094],
  ])('%d → %d: %d per arm', (baseline, target, expected) => {
    const n = minimumSampleSize({ baselineRate: baseline, minDetectableLift: target / baseline - 1 });
    expect(Math.abs(n - expected) / expected).toBeLessThan(0.02);
    expect(minimumSampleSize({ baselineRate: baseline, minDetectableLift: target - baseline, liftType: 'absolute' })).toBe(n);
  });

  it('stricter alpha or more power need more; bad input throws', () => {
    const base = minimumSampleSize({ baselineRate: 0.05, minDetectableLift: 0.5 });
    expect(minimumSampleSize({ baselineRate: 0.05, minDetectableLift: 0.5, alpha: 0.01 })).toBeGreaterThan(base);
    expect(minimumSampleSize({ baselineRate: 0.05, minDetectableLift: 0.5, power: 0.9 })).toBeGreaterThan(base);
    expect(() => minimumSampleSize({ baselineRate: 0, minDetectableLift: 0.2 })).toThrow(RangeError);
    expect(() => minimumSampleSize({ baselineRate: 0.8, minDetectableLift: 0.5 })).toThrow(RangeError);
  });
});

describe('summarizeExperiment', () => {
  it('reports rate, Wilson CI, z vs control, confidence and P(best)', () => {
    const s = summarizeExperiment({ metric: 'replies', variants: [{ id: 'A', successes: 40, total: 1000 }, { id: 'B', successes: 55, total: 1000 }] });
    expect(s.controlId).toBe('A');
    const b = s.variants[1];
    expect(b?.rate).toBe(0.055);
    expect(b?.vsControl?.z).toBeCloseTo(1.58, 2);
    expect(b?.vsControl?.confidence).toBeCloseTo(1 - 0.1148, 4);
    expect(b?.vsControl?.lift).toBeCloseTo(0.375, 10);
    expect(b?.probabilityToBeBest).toBeCloseTo(0.94, 2);
    expect(s.variants[0]?.vsControl).toBeNull();
    expect(s.leaderId).toBe('B');
    expect(s.winner).toBeNull();
    expect(s.significant).toBe(false);
    expect(s.warnings.map((w) => w.code)).toContain('below_minimum_sample');
  });

  it('Wilson interval: 40/1000 → [0.0295, 0.0541]', () => {
    const ci = wilsonInterval({ successes: 40, total: 1000 });
    expect(ci.low).toBeCloseTo(0.02953, 4);
    expect(ci.high).toBeCloseTo(0.05405, 4);
  });

  it('declares a winner only when significant and adequately sampled', () => {
    const big = summarizeExperiment({ metric: 'clicks', variants: [{ id: 'A', successes: 100, total: 2000 }, { id: 'B', successes: 160, total: 2000 }] });
    expect(big.significant).toBe(true);
    expect(big.adequatelySampled).toBe(true);
    expect(big.winner).toBe('B');
    expect(big.decision).toMatch(/^B wins on clicks/);

    // Same rates, a tenth of the data: significant at p < .05 but below the planned sample.
    const small = summarizeExperiment({ metric: 'clicks', variants: [{ id: 'A', successes: 20, total: 400 }, { id: 'B', successes: 38, total: 400 }] });
    expect(small.significant).toBe(true);
    expect(small.adequatelySampled).toBe(false);
    expect(small.winner).toBeNull();
  });

  it('opens never decide a winner and carry the machine-opens warning', () => {
    const s = summarizeExperiment({ metric: 'opens', variants: [{ id: 'A', successes: 400, total: 2000 }, { id: 'B', successes: 700, total: 2000 }] });
    expect(s.significant).toBe(true);
    expect(s.winner).toBeNull();
    expect(s.warnings.find((w) => w.code === 'opens_not_a_winner_metric')?.message).toMatch(/inflated by machine opens/);
  });

  it('with 3 variants the leader must beat each other one at α/2', () => {
    const s = summarizeExperiment({
      metric: 'applications',
      minDetectableLift: 1,
      variants: [
        { id: 'A', successes: 60, total: 1500 },
        { id: 'B', successes: 100, total: 1500, control: true },
        { id: 'C', successes: 118, total: 1500 },
      ],
    });
    expect(s.controlId).toBe('B');
    expect(s.leaderId).toBe('C');
    // C vs B: p ≈ 0.19 → not significant, so no winner even though C crushes A.
    expect(s.significant).toBe(false);
    expect(s.winner).toBeNull();
  });

  it('no conversions yet: no winner, no sample size, a warning', () => {
    const s = summarizeExperiment({ metric: 'replies', variants: [{ id: 'A', successes: 0, total: 300 }, { id: 'B', successes: 0, total: 300 }] });
    expect(s.requiredSamplePerVariant).toBeNull();
    expect(s.winner).toBeNull();
    expect(s.warnings.map((w) => w.code)).toEqual(['no_conversions']);
  });
});
