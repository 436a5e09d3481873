/**
 * One experiment's read-out for the analytics page, and the decision rule for a winner:
 *
 * a winner is declared only when
 *  1. the metric is replies, clicks or applications (never opens: machine opens inflate them);
 *  2. the leader (highest probability to be best) beats every other variant with a pooled
 *     two-proportion z-test at p < α / (k − 1) (Bonferroni for the k − 1 comparisons);
 *  3. every variant reached the planned sample size for the minimum detectable lift.
 */
import {
  assertCounts,
  minimumSampleSize,
  probabilityToBeBest,
  rate,
  twoProportionZTest,
  wilsonInterval,
  type ConversionCounts,
} from './statistics';

export const EXPERIMENT_METRICS = ['replies', 'clicks', 'applications', 'opens'] as const;
export type ExperimentMetric = (typeof EXPERIMENT_METRICS)[number];

export interface VariantCounts extends ConversionCounts {
  readonly id: string;
  readonly name?: string;
  /** The variant others are compared with; default: the first. */
  readonly control?: boolean;
}

export interface SummarizeExperimentInput {
  readonly metric: ExperimentMetric;
  readonly variants: readonly VariantCounts[];
  /** Two-sided family-wise significance level. */
  readonly alpha?: number;
  readonly power?: number;
  /** Relative lift the test is sized for (0.5 = +50%: small carriers can only detect big effects). */
  readonly minDetectableLift?: number;
  /** Floor on sends per variant whatever the sample-size formula says. */
  readonly minimumPerVariant?: number;
}

export interface VariantSummary {
  readonly id: string;
  readonly name?: string;
  readonly control: boolean;
  readonly successes: number;
  readonly total: number;
  readonly rate: number;
  /** 95% Wilson interval of the rate. */
  readonly ci: { readonly low: number; readonly high: number };
  /** Against the control (`null` for the control itself). */
  readonly vsControl: {
    readonly z: number;
    readonly pValue: number;
    /** 1 − p. */
    readonly confidence: number;
    /** Relative change of the rate vs the control; `null` when the control rate is 0. */
    readonly lift: number | null;
  } | null;
  readonly probabilityToBeBest: number;
}

export type ExperimentWarningCode = 'opens_not_a_winner_metric' | 'below_minimum_sample' | 'no_conversions' | 'single_variant';

export interface ExperimentWarning {
  readonly code: ExperimentWarningCode;
  readonly message: string;
}

export interface ExperimentSummary {
  readonly metric: ExperimentMetric;
  readonly controlId: string;
  readonly alpha: number;
  readonly variants: readonly VariantSummary[];
  /** Highest probability to be best (may be the control). */
  readonly leaderId: string;
  /** Sends each variant needs before a winner may be declared; `null` when it can't be computed yet (no conversions). */
  readonly requiredSamplePerVariant: number | null;
  readonly adequatelySampled: boolean;
  /** The leader beats every other variant at the corrected level. */
  readonly significant: boolean;
  readonly winner: string | null;
  /** One sentence for the recruiter: why there is or isn't a winner. */
  readonly decision: string;
  readonly warnings: readonly ExperimentWarning[];
}

export const OPENS_WARNING = 'Opens are inflated by machine opens (Apple Mail Privacy Protection and security scanners load the tracking pixel), so they cannot pick a winner; judge on replies, clicks or applications.';

export function summarizeExperiment(input: SummarizeExperimentInput): ExperimentSummary {
  const { metric, variants, alpha = 0.05, power = 0.8, minDetectableLift = 0.5, minimumPerVariant = 100 } = input;
  if (variants.length === 0) throw new RangeError('summarizeExperiment: no variants');
  variants.forEach((v) => assertCounts(v, `variant "${v.id}"`));
  if (new Set(variants.map((v) => v.id)).size !== variants.length) throw new RangeError('summarizeExperiment: duplicate variant ids');

  const control = variants.find((v) => v.control === true) ?? (variants[0] as VariantCounts);
  const pBest = probabilityToBeBest(variants);
  const controlRate = rate(control);
  const summaries: VariantSummary[] = variants.map((v, i) => {
    const isControl = v.id === control.id;
    const test = isControl ? null : twoProportionZTest(control, v);
    return {
      id: v.id,
      ...(v.name !== undefined ? { name: v.name } : {}),
      control: isControl,
      successes: v.successes,
      total: v.total,
      rate: rate(v),
      ci: wilsonInterval(v),
      vsControl: test && { z: test.z, pValue: test.pValue, confidence: 1 - test.pValue, lift: controlRate > 0 ? rate(v) / controlRate - 1 : null },
      probabilityToBeBest: pBest[i] ?? 0,
    };
  });

  let leaderIndex = 0;
  pBest.forEach((p, i) => {
    if (p > (pBest[leaderIndex] ?? 0)) leaderIndex = i;
  });
  const leader = variants[leaderIndex] as VariantCounts;
  const comparisons = variants.length - 1;
  const significant =
    comparisons > 0 &&
    variants.every((other) => other.id === leader.id || (rate(leader) > rate(other) && twoProportionZTest(other, leader).pValue < alpha / comparisons));

  const required = requiredSample({ variants, control, minDetectableLift, alpha: alpha / Math.max(1, comparisons), power, minimumPerVariant });
  const smallest = Math.min(...variants.map((v) => v.total));
  const adequatelySampled = required !== null && smallest >= required;

  const warnings: ExperimentWarning[] = [];
  if (metric === 'opens') warnings.push({ code: 'opens_not_a_winner_metric', message: OPENS_WARNING });
  if (variants.length === 1) warnings.push({ code: 'single_variant', message: 'Only one variant: there is nothing to compare.' });
  if (variants.every((v) => v.successes === 0)) {
    warnings.push({ code: 'no_conversions', message: `No ${metric} yet in any variant.` });
  }
  if (required !== null && !adequatelySampled) {
    warnings.push({
      code: 'below_minimum_sample',
      message: `Each variant needs at least ${required.toLocaleString('en-US')} sends to detect a ${Math.round(minDetectableLift * 100)}% change from a ${(baselineOf(variants, control) * 100).toFixed(1)}% ${metric} rate; the smallest has ${smallest.toLocaleString('en-US')}.`,
    });
  }

  const winner = metric !== 'opens' && significant && adequatelySampled ? leader.id : null;
  return {
    metric,
    controlId: control.id,
    alpha,
    variants: summaries,
    leaderId: leader.id,
    requiredSamplePerVariant: required,
    adequatelySampled,
    significant,
    winner,
    decision: decisionText({ metric, winner, leader, significant, adequatelySampled, pBest: pBest[leaderIndex] ?? 0, variants }),
    warnings,
  };
}

/** Baseline for sizing: the control's rate, else the pooled rate when the control has none yet. */
function baselineOf(variants: readonly ConversionCounts[], control: ConversionCounts): number {
  if (control.successes > 0) return rate(control);
  const successes = variants.reduce((s, v) => s + v.successes, 0);
  const total = variants.reduce((s, v) => s + v.total, 0);
  return total === 0 ? 0 : successes / total;
}

function requiredSample(args: {
  variants: readonly ConversionCounts[];
  control: ConversionCounts;
  minDetectableLift: number;
  alpha: number;
  power: number;
  minimumPerVariant: number;
}): number | null {
  const baseline = baselineOf(args.variants, args.control);
  if (!(baseline > 0 && baseline < 1)) return null;
  const target = baseline * (1 + args.minDetectableLift);
  const formula =
    target < 1
      ? minimumSampleSize({ baselineRate: baseline, minDetectableLift: args.minDetectableLift, alpha: args.alpha, power: args.power })
      : 0;
  return Math.max(args.minimumPerVariant, formula);
}

function decisionText(args: {
  metric: ExperimentMetric;
  winner: string | null;
  leader: VariantCounts;
  significant: boolean;
  adequatelySampled: boolean;
  pBest: number;
  variants: readonly VariantCounts[];
}): string {
  const name = args.leader.name ?? args.leader.id;
  const pct = `${Math.round(args.pBest * 100)}%`;
  if (args.variants.length < 2) return 'No winner: only one variant.';
  if (args.metric === 'opens') return `No winner: opens can't decide a test (${name} leads on opens with ${pct} probability to be best).`;
  if (args.winner !== null) return `${name} wins on ${args.metric}: significantly better than every other variant, with ${pct} probability to be best.`;
  if (!args.adequatelySampled && args.significant) return `No winner yet: ${name} leads significantly, but the planned sample size isn't reached.`;
  if (!args.adequatelySampled) return `No winner yet: keep sending until every variant reaches the planned sample size (${name} leads, ${pct} probability to be best).`;
  return `No winner: the difference isn't significant (${name} leads with ${pct} probability to be best).`;
}
