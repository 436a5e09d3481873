/**
 * A/B statistics on conversion counts (replies, clicks, applications per send).
 *
 * - Pooled two-proportion z-test, two-sided: z = (p̂B − p̂A) / √(p̄(1−p̄)(1/nA + 1/nB)),
 *   p = erfc(|z|/√2); confidence = 1 − p.
 * - Bayesian probability to be best with Beta(1 + successes, 1 + failures) posteriors: exact
 *   closed form for two arms (Evan Miller), numerical integration for more.
 * - Per-arm sample size for a fixed-horizon test (α two-sided, power 1 − β).
 *
 * Special functions (erfc, erfcinv, regularized incomplete beta, ln B) come from stdlib, which
 * ports them from well-tested numerical libraries; they are accurate to a few ulps.
 */
import erfc from '@stdlib/math-base-special-erfc';
import erfcinv from '@stdlib/math-base-special-erfcinv';
import betainc from '@stdlib/math-base-special-betainc';
import betaln from '@stdlib/math-base-special-betaln';

export interface ConversionCounts {
  readonly successes: number;
  readonly total: number;
}

export function assertCounts(c: ConversionCounts, label = 'variant'): void {
  if (!Number.isInteger(c.total) || c.total < 0) throw new RangeError(`${label}: total must be a whole number ≥ 0, got ${c.total}`);
  if (!Number.isInteger(c.successes) || c.successes < 0 || c.successes > c.total) {
    throw new RangeError(`${label}: successes must be a whole number between 0 and total (${c.total}), got ${c.successes}`);
  }
}

export function rate(c: ConversionCounts): number {
  return c.total === 0 ? 0 : c.successes / c.total;
}

/** Standard normal CDF Φ(x), accurate in both tails (via erfc). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** Two-sided p-value of a standard normal statistic: 2(1 − Φ(|z|)) = erfc(|z|/√2). */
export function twoSidedPValue(z: number): number {
  return erfc(Math.abs(z) / Math.SQRT2);
}

/** Φ⁻¹(p) for 0 < p < 1. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  return -Math.SQRT2 * erfcinv(2 * p);
}

/**
 * Pooled two-proportion z-test of B against A; z > 0 means B converts better. When a total is 0
 * or the pooled rate is 0 or 1 (no variance: nothing to tell apart), the result is z = 0, p = 1.
 */
export function twoProportionZTest(a: ConversionCounts, b: ConversionCounts): { z: number; pValue: number } {
  assertCounts(a, 'a');
  assertCounts(b, 'b');
  if (a.total === 0 || b.total === 0) return { z: 0, pValue: 1 };
  const pooled = (a.successes + b.successes) / (a.total + b.total);
  const variance = pooled * (1 - pooled) * (1 / a.total + 1 / b.total);
  if (!(variance > 0)) return { z: 0, pValue: 1 };
  const z = (rate(b) - rate(a)) / Math.sqrt(variance);
  return { z, pValue: twoSidedPValue(z) };
}

/** Wilson score interval for one rate (good near 0, unlike the Wald interval). `[0, 1]` with no data. */
export function wilsonInterval(c: ConversionCounts, confidence = 0.95): { low: number; high: number } {
  assertCounts(c);
  if (c.total === 0) return { low: 0, high: 1 };
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const n = c.total;
  const p = c.successes / n;
  const z2n = (z * z) / n;
  const center = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n));
  return { low: Math.max(0, center - half), high: Math.min(1, center + half) };
}

// ── Probability to be best ───────────────────────────────────────────────────────────────────────

interface BetaPosterior {
  readonly alpha: number;
  readonly beta: number;
}

function posterior(c: ConversionCounts): BetaPosterior {
  return { alpha: 1 + c.successes, beta: 1 + c.total - c.successes };
}

/**
 * P(rate_B > rate_A) for Beta posteriors, exactly (Evan Miller's closed form):
 * Σ_{i=0}^{αB−1} B(αA+i, βA+βB) / ((βB+i) B(1+i, βB) B(αA, βA)), summed over the arm with fewer
 * successes (the other way round through 1 − P(A > B)); O(min successes).
 */
export function probabilityBBeatsA(a: ConversionCounts, b: ConversionCounts): number {
  assertCounts(a, 'a');
  assertCounts(b, 'b');
  const pa = posterior(a);
  const pb = posterior(b);
  const p = pb.alpha <= pa.alpha ? closedForm(pa, pb) : 1 - closedForm(pb, pa);
  return Math.min(1, Math.max(0, p));
}

function closedForm(a: BetaPosterior, b: BetaPosterior): number {
  const constant = betaln(a.alpha, a.beta);
  let sum = 0;
  for (let i = 0; i < b.alpha; i++) {
    sum += Math.exp(betaln(a.alpha + i, a.beta + b.beta) - Math.log(b.beta + i) - betaln(1 + i, b.beta) - constant);
  }
  return sum;
}

/** Simpson intervals per arm and the half-width of the integration range in posterior SDs. */
const SIMPSON_INTERVALS = 2048;
const RANGE_SDS = 24;

/**
 * P(arm i has the highest rate) for every arm, summing to 1. Two arms: the exact closed form.
 * More arms: P_i = ∫ f_i(x) Π_{j≠i} F_j(x) dx by composite Simpson over mean ± 24 SD of arm i
 * (2048 intervals, ≈ 0.02 SD apart). The truncated tails hold < 1e-10 of the mass and the Simpson
 * error is far below that; the tests check it against the exact two-arm form to 1e-9.
 */
export function probabilityToBeBest(variants: readonly ConversionCounts[]): number[] {
  variants.forEach((v, i) => assertCounts(v, `variant ${i}`));
  if (variants.length === 0) return [];
  if (variants.length === 1) return [1];
  if (variants.length === 2) {
    const [a, b] = variants as readonly [ConversionCounts, ConversionCounts];
    const pB = probabilityBBeatsA(a, b);
    return [1 - pB, pB];
  }
  return probabilityToBeBestByIntegration(variants);
}

/** The numerical method for any number of arms (exported so tests can compare it with the closed form). */
export function probabilityToBeBestByIntegration(variants: readonly ConversionCounts[]): number[] {
  const posteriors = variants.map(posterior);
  const raw = posteriors.map((own, i) => {
    const mean = own.alpha / (own.alpha + own.beta);
    const sd = Math.sqrt((own.alpha * own.beta) / ((own.alpha + own.beta) ** 2 * (own.alpha + own.beta + 1)));
    const lo = Math.max(0, mean - RANGE_SDS * sd);
    const hi = Math.min(1, mean + RANGE_SDS * sd);
    const h = (hi - lo) / SIMPSON_INTERVALS;
    const lnB = betaln(own.alpha, own.beta);
    let sum = 0;
    for (let k = 0; k <= SIMPSON_INTERVALS; k++) {
      const x = lo + k * h;
      let value = betaDensity(x, own, lnB);
      for (let j = 0; j < posteriors.length && value > 0; j++) {
        const other = posteriors[j];
        if (j !== i && other) value *= betainc(x, other.alpha, other.beta);
      }
      sum += value * (k === 0 || k === SIMPSON_INTERVALS ? 1 : k % 2 === 1 ? 4 : 2);
    }
    return (sum * h) / 3;
  });
  const total = raw.reduce((s, p) => s + p, 0);
  return total > 0 ? raw.map((p) => p / total) : raw.map(() => 1 / raw.length);
}

function betaDensity(x: number, p: BetaPosterior, lnB: number): number {
  if (x < 0 || x > 1) return 0;
  const left = p.alpha === 1 ? 0 : (p.alpha - 1) * Math.log(x);
  const right = p.beta === 1 ? 0 : (p.beta - 1) * Math.log1p(-x);
  return Math.exp(left + right - lnB);
}

// ── Sample size ──────────────────────────────────────────────────────────────────────────────────

export interface SampleSizeInput {
  /** Control conversion rate, 0 < rate < 1 (e.g. 0.05 for a 5% reply rate). */
  readonly baselineRate: number;
  /** Smallest change worth detecting: relative by default (0.2 = +20%, 5% → 6%). */
  readonly minDetectableLift: number;
  readonly liftType?: 'relative' | 'absolute';
  /** Two-sided significance level. */
  readonly alpha?: number;
  readonly power?: number;
}

/**
 * Sends needed per arm: n = (z₁₋α/₂ √(2p̄(1−p̄)) + z₁₋β √(p₁(1−p₁) + p₂(1−p₂)))² / (p₂ − p₁)²,
 * p̄ = (p₁ + p₂)/2, rounded up.
 */
export function minimumSampleSize(input: SampleSizeInput): number {
  const { baselineRate: p1, minDetectableLift: lift, liftType = 'relative', alpha = 0.05, power = 0.8 } = input;
  if (!(p1 > 0 && p1 < 1)) throw new RangeError(`baselineRate must be in (0, 1), got ${p1}`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  if (!(power > 0 && power < 1)) throw new RangeError(`power must be in (0, 1), got ${power}`);
  const p2 = liftType === 'relative' ? p1 * (1 + lift) : p1 + lift;
  if (!(p2 > 0 && p2 < 1) || p2 === p1) throw new RangeError(`the target rate ${p2} must differ from the baseline and be in (0, 1)`);
  const zAlpha = normalQuantile(1 - alpha / 2);
  const zBeta = normalQuantile(power);
  const pBar = (p1 + p2) / 2;
  const numerator = zAlpha * Math.sqrt(2 * pBar * (1 - pBar)) + zBeta * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return Math.ceil((numerator * numerator) / ((p2 - p1) * (p2 - p1)));
}
