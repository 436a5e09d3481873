/**
 * `enrollment_count`, `active_count`, `completed_count`, `conversion_count` on EmailSequences,
 * kept EXACT without blind increments: they are always the result of an aggregate over the
 * enrollments, written only when they differ from what is stored.
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
 * sequence whose counters changed; one round when nothing changed, two when something did.
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

/** Recomputes and stores the counters of these sequences until stored = aggregate (see the header). */
export async function syncSequenceCounters(sequenceIds: readonly string[]): Promise<CounterSyncReport> {
  const ids = [...new Set(sequenceIds.filter((id) => id !== ''))];
  if (ids.length === 0) return { rounds: 0, patched: 0, requests: 0, settled: true };
  let patched = 0;
  let requests = 0;
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
