/**
 * `enrollment_count`, `active_count`, `completed_count`, `conversion_count` on EmailSequences,
 * kept EXACT without blind increments: every value that stays stored was confirmed by an aggregate
 * over the enrollments (a patch is always followed by its writer's confirming round).
 *
 * `syncSequenceCounters(ids)` — called by every writer of enrollments after its writes (enroll,
 * remove, the step job, exits from webhooks and triggers) — repeats { read the stored counters and
 * aggregate the enrollments; if they differ, patch } until a round finds them equal. Argument: take
 * the last counter patch P that ever lands; its writer then ran another round after it, whose
 * aggregate started after P landed and found stored (= P) equal to it — otherwise it would have
 * patched again, later than P. Every enrollment write completed before that aggregate started is
 * counted in it. A write W completed after it is followed by its own writer's sync, whose rounds
 * start after W: each finds the stored counters equal to its aggregate (W changed no counter), or
 * patches — later than P, a contradiction. So the final stored counters count every write.
 * The rounds are bounded (5; heavier contention leaves the next sync to settle it). A writer killed
 * before its sync leaves counters stale until the next sync of that sequence: the step job keeps the
 * sequences a batch may touch in its lease cursor (its next run syncs them) and re-syncs the active
 * sequences synced longest ago every run.
 *
 * Cost per call: one aggregate (≤ 200 sequences per request) and one read per round, one patch per
 * sequence whose counters changed; one round when nothing changed, two when something did — or,
 * when the writer tells what its own writes changed (`changes`), one read and the patch of stored +
 * changes first, then usually a single confirming round.
 */
import type { EmailSequence } from '../collections/email';
import { now as clockNow } from '../platform';
import { enrollments, sequences, sequencesByIds } from './records';

export interface SequenceCounters {
  readonly enrollment_count: number;
  readonly active_count: number;
  readonly completed_count: number;
  readonly conversion_count: number;
}

const ZERO: SequenceCounters = Object.freeze({ enrollment_count: 0, active_count: 0, completed_count: 0, conversion_count: 0 });
const AGGREGATE_SEQUENCES = 200;
const MAX_ROUNDS = 5;

function field(row: Record<string, unknown>, name: string): unknown {
  if (name in row) return row[name];
  const id = row['_id'];
  return typeof id === 'object' && id !== null ? (id as Record<string, unknown>)[name] : undefined;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Counters per sequence from the enrollments: one aggregate request per 200 sequences. */
export async function countEnrollments(sequenceIds: readonly string[]): Promise<Map<string, SequenceCounters>> {
  const ids = [...new Set(sequenceIds)];
  const out = new Map<string, SequenceCounters>(ids.map((id) => [id, ZERO]));
  for (let i = 0; i < ids.length; i += AGGREGATE_SEQUENCES) {
    const part = ids.slice(i, i + AGGREGATE_SEQUENCES);
    const db = enrollments();
    const result = await db.aggregate().filter(db.filter().hasSome('sequence_id', part)).group('sequence_id', 'status').count('n').sum('converted', 'converted').limit(1000).run();
    for (const raw of result.items as Record<string, unknown>[]) {
      const id = field(raw, 'sequence_id');
      const status = field(raw, 'status');
      if (typeof id !== 'string') continue;
      const n = num(raw['n']);
      const c = out.get(id) ?? ZERO;
      out.set(id, {
        enrollment_count: c.enrollment_count + n,
        active_count: c.active_count + (status === 'active' || status === 'paused' ? n : 0),
        completed_count: c.completed_count + (status === 'completed' ? n : 0),
        conversion_count: c.conversion_count + num(raw['converted']),
      });
    }
  }
  return out;
}

function same(stored: Pick<EmailSequence, keyof SequenceCounters>, counted: SequenceCounters): boolean {
  return (
    stored.enrollment_count === counted.enrollment_count &&
    stored.active_count === counted.active_count &&
    stored.completed_count === counted.completed_count &&
    stored.conversion_count === counted.conversion_count
  );
}

export interface CounterSyncReport {
  readonly rounds: number;
  readonly patched: number;
  readonly requests: number;
  /** False when contention outlasted the rounds (the next sync of these sequences settles them). */
  readonly settled: boolean;
}

/** How a writer changed the counters of one sequence (added to the stored ones by a sync that is told). */
export type CounterChange = SequenceCounters;

export function addCounterChange(into: Map<string, CounterChange>, sequenceId: string, change: Partial<CounterChange>): void {
  const c = into.get(sequenceId) ?? ZERO;
  into.set(sequenceId, {
    enrollment_count: c.enrollment_count + (change.enrollment_count ?? 0),
    active_count: c.active_count + (change.active_count ?? 0),
    completed_count: c.completed_count + (change.completed_count ?? 0),
    conversion_count: c.conversion_count + (change.conversion_count ?? 0),
  });
}

function plus(stored: Pick<EmailSequence, keyof SequenceCounters>, change: CounterChange): SequenceCounters {
  return {
    enrollment_count: stored.enrollment_count + change.enrollment_count,
    active_count: stored.active_count + change.active_count,
    completed_count: stored.completed_count + change.completed_count,
    conversion_count: stored.conversion_count + change.conversion_count,
  };
}

const isZero = (c: CounterChange): boolean => same(c, ZERO);

/**
 * Recomputes and stores the counters of these sequences until stored = aggregate (see the header).
 * `changes`: what the caller's own writes changed since the counters were last in sync (the step job
 * knows every transition it wrote). The stored counters plus those changes are patched first (one
 * read), so a round that only confirms — one aggregate instead of two — usually ends the sync. The
 * patched value is a guess; what makes the counters exact is, as always, the confirming round that
 * follows every patch (a wrong guess is corrected by the rounds after it).
 */
export async function syncSequenceCounters(sequenceIds: readonly string[], options: { changes?: ReadonlyMap<string, CounterChange> } = {}): Promise<CounterSyncReport> {
  const ids = [...new Set(sequenceIds.filter((id) => id !== ''))];
  if (ids.length === 0) return { rounds: 0, patched: 0, requests: 0, settled: true };
  let patched = 0;
  let requests = 0;
  const changed = ids.filter((id) => { const c = options.changes?.get(id); return c !== undefined && !isZero(c); });
  if (changed.length > 0) {
    const stored = await sequencesByIds(changed);
    requests += Math.ceil(changed.length / 1000);
    const at = clockNow();
    await Promise.all(stored.map((s) => sequences().patch(s._id, { ...plus(s, options.changes?.get(s._id) ?? ZERO), counters_at: at })));
    patched += stored.length;
    requests += stored.length;
  }
  for (let round = 1; round <= MAX_ROUNDS; round += 1) {
    const [stored, counted] = await Promise.all([sequencesByIds(ids), countEnrollments(ids)]);
    requests += Math.ceil(ids.length / 1000) + Math.ceil(ids.length / AGGREGATE_SEQUENCES);
    const stale = stored.filter((s) => !same(s, counted.get(s._id) ?? ZERO));
    if (stale.length === 0) return { rounds: round, patched, requests, settled: true };
    const at = clockNow();
    await Promise.all(stale.map((s) => sequences().patch(s._id, { ...(counted.get(s._id) ?? ZERO), counters_at: at })));
    patched += stale.length;
    requests += stale.length;
  }
  return { rounds: MAX_ROUNDS, patched, requests, settled: false };
}
