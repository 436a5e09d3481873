/**
 * A bulk patch done inside SQLite (`jsonb_set` / `jsonb_remove` on the stored JSONB) instead of
 * reading every item out, merging it in JS and writing it back: for patches nobody else sees the
 * items of (no update hooks run, no condition, a privileged call or an unrestricted collection) and
 * whose modifications are plain sets and removals of top-level fields with scalar or Date values.
 * The stored result equals the JS merge's (`applyTo` + `replaceExisting`): values encoded as the
 * store encodes them, modifications applied in order, `_updatedDate` bumped, keys in the same order
 * (a new field last). Anything else takes the JS path.
 */
import { encode } from './values';

export type Modification = { readonly kind: 'set'; readonly field: string; readonly value: unknown } | { readonly kind: 'remove'; readonly field: string } | { readonly kind: 'increment'; readonly field: string; readonly by: number };

/** One step of the SQL expression, in modification order; `json` is the encoded value of a set. */
export type InPlaceStep = { readonly kind: 'set'; readonly path: string; readonly json: string } | { readonly kind: 'remove'; readonly path: string };

export interface InPlacePatch {
  readonly steps: readonly InPlaceStep[];
  /**
   * The largest stored item (JSONB bytes) patched in place: its JSON text (at most 5× its JSONB,
   * e.g. an array of `null`s: 1 byte each against `null,`), plus the text the patch adds, stays
   * under the item cap (with room to spare: 8×). Larger items take the JS path, which checks the cap exactly.
   */
  readonly maxStoredBytes: number;
}

/** Top-level user fields only: no dotted paths, no system fields, nothing that needs quoting. */
const PLAIN_FIELD = /^[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*$/;

/** The encoded value when the in-place path can set it exactly; `null` when the JS path must. */
function encodedScalar(value: unknown): string | null {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return encode(value);
  if (value instanceof Date) return encode(value);
  return null;
}

/** The in-place plan for these modifications under an item cap of `maxItemBytes`, or `null` when they need the JS merge. */
export function inPlacePatchOf(mods: readonly Modification[], maxItemBytes: number): InPlacePatch | null {
  if (mods.length === 0) return null;
  const steps: InPlaceStep[] = [];
  let added = 0;
  for (const m of mods) {
    if (!PLAIN_FIELD.test(m.field)) return null;
    const path = `$.${m.field}`;
    switch (m.kind) {
      case 'set': {
        const json = encodedScalar(m.value);
        if (json === null) return null;
        steps.push({ kind: 'set', path, json });
        added += m.field.length + json.length + 4;
        break;
      }
      case 'remove':
        steps.push({ kind: 'remove', path });
        break;
      case 'increment':
        return null;
    }
  }
  // `"_updatedDate":{"$date":"…"}` is replaced, never grown; 64 bytes of slack all the same.
  return { steps, maxStoredBytes: Math.floor((maxItemBytes - added - 64) / 8) };
}

/** `column` (`data`, or `keys`: see keys.ts) with the steps applied in order, and the parameters in the order they appear. */
export function inPlaceExpression(column: string, steps: readonly InPlaceStep[]): { sql: string; params: string[] } {
  let sql = column;
  const params: string[] = [];
  for (const step of steps) {
    switch (step.kind) {
      case 'set':
        sql = `jsonb_set(${sql}, ?, jsonb(?))`;
        params.push(step.path, step.json);
        break;
      case 'remove':
        sql = `jsonb_remove(${sql}, ?)`;
        params.push(step.path);
        break;
    }
  }
  return { sql, params };
}

/** The steps of `plan` then the `_updatedDate` bump, each top-level field named (for the keys' share). */
export function stepsWithUpdatedDate(plan: InPlacePatch, updatedDateJson: string): { readonly step: InPlaceStep; readonly field: string }[] {
  const all: InPlaceStep[] = [...plan.steps, { kind: 'set', path: '$._updatedDate', json: updatedDateJson }];
  return all.map((step) => ({ step, field: step.path.slice(2) }));
}
