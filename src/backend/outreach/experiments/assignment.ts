/**
 * Deterministic weighted variant assignment (backend only: uses node:crypto).
 *
 * Weighted rendezvous hashing: for each variant, u = SHA-256(campaign, driver, variant) mapped to
 * (0, 1) and score = −ln(u) / weight; the lowest score wins. −ln(u)/w is exponential with rate w,
 * so variant v wins with probability w_v / Σw exactly. The same driver always gets the same
 * variant in a campaign, and changing one variant's weight (or adding/removing one) moves only the
 * drivers that must move: into a variant whose weight grew, or out of one whose weight shrank.
 */
import { createHash } from 'node:crypto';

export interface WeightedVariant {
  readonly id: string;
  /** Relative weight ≥ 0 (need not sum to 100); 0 = never assigned. */
  readonly weight: number;
}

export interface AssignVariantInput {
  readonly campaignId: string;
  readonly driverId: string;
  readonly variants: readonly WeightedVariant[];
}

const TWO_POW_52 = 2 ** 52;

/** A uniform number in (0, 1) from the first 52 bits of SHA-256 of the three ids. */
export function uniformHash(campaignId: string, driverId: string, variantId: string): number {
  const digest = createHash('sha256').update(`${campaignId}\u0000${driverId}\u0000${variantId}`).digest();
  const high = digest.readUInt32BE(0) >>> 12; // 20 bits
  const low = digest.readUInt32BE(4); // 32 bits
  return (high * 2 ** 32 + low + 0.5) / TWO_POW_52;
}

export function assertVariants(variants: readonly WeightedVariant[]): void {
  if (variants.length === 0) throw new RangeError('an experiment needs at least one variant');
  const seen = new Set<string>();
  for (const v of variants) {
    if (v.id === '') throw new RangeError('variant ids must not be empty');
    if (seen.has(v.id)) throw new RangeError(`duplicate variant id "${v.id}"`);
    seen.add(v.id);
    if (!Number.isFinite(v.weight) || v.weight < 0) throw new RangeError(`variant "${v.id}": weight must be a finite number ≥ 0, got ${v.weight}`);
  }
  if (!variants.some((v) => v.weight > 0)) throw new RangeError('at least one variant needs a weight > 0');
}

/** The variant id this driver gets in this campaign: stable, weighted, independent of list order. */
export function assignVariant(input: AssignVariantInput): string {
  const { campaignId, driverId, variants } = input;
  assertVariants(variants);
  let bestId = '';
  let bestScore = Number.POSITIVE_INFINITY;
  for (const v of variants) {
    if (v.weight <= 0) continue;
    const score = -Math.log(uniformHash(campaignId, driverId, v.id)) / v.weight;
    if (score < bestScore || (score === bestScore && v.id < bestId)) {
      bestScore = score;
      bestId = v.id;
    }
  }
  return bestId;
}
