/**
 * `getSequenceAnalytics`: totals and a per-step funnel in four aggregate requests — enrollments
 * grouped by (status, current_step) with the sum of `converted`, exited ones by `exit_reason`, the
 * sequence's emails grouped by (sequence_step, status, opened, clicked), its texts grouped by
 * (sequence_step, status, reply_received). Per step (the current version's steps, by position):
 * - reached: enrollments that got to the step's due time (moved past it, or exited there);
 * - sent: its messages SendGrid / Twilio accepted; opened / clicked (email); replied (SMS);
 * - exited: enrollments that left at that step (an exit condition, or a condition step's `exit`);
 * - waiting: active enrollments due to run it next.
 * A step's number is the key across versions; an edit that renumbers steps splits their history.
 */
import type { EmailSequence } from '../collections/email';
import type { SequenceStepType } from '../collections/vocabulary';
import { emailMessages, enrollments, smsMessages } from './records';
import { sortedSteps } from './versions';

export interface StepFunnel {
  readonly position: number;
  readonly stepNumber: number;
  readonly stepType: SequenceStepType;
  readonly reached: number;
  readonly sent: number;
  readonly opened: number;
  readonly clicked: number;
  readonly replied: number;
  readonly exited: number;
  readonly waiting: number;
}

export interface SequenceAnalytics {
  readonly enrolled: number;
  readonly active: number;
  readonly completed: number;
  readonly exited: number;
  readonly conversions: number;
  /** conversions / enrolled (0–1, 4 decimals). */
  readonly conversionRate: number;
  /** completed / enrolled: the spec §9 "sequence completion rate". */
  readonly completionRate: number;
  readonly exitReasons: Readonly<Record<string, number>>;
  readonly steps: readonly StepFunnel[];
}

type Row = Record<string, unknown>;

function field(row: Row, name: string): unknown {
  if (name in row) return row[name];
  const id = row['_id'];
  return typeof id === 'object' && id !== null ? (id as Row)[name] : undefined;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const rate = (part: number, whole: number): number => (whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000);

const SENT_EMAIL = new Set(['queued', 'sent', 'deferred', 'delivered', 'bounced', 'dropped']);
const SENT_SMS = new Set(['queued', 'sending', 'sent', 'delivered', 'undelivered']);

async function rows(run: () => Promise<{ items: unknown[] }>): Promise<Row[]> {
  return (await run()).items as Row[];
}

export async function sequenceAnalytics(sequence: EmailSequence): Promise<SequenceAnalytics> {
  const e = enrollments();
  const em = emailMessages();
  const sm = smsMessages();
  const [enrollmentRows, emailRows, smsRows, exitRows] = await Promise.all([
    rows(() => e.aggregate().filter(e.filter().eq('sequence_id', sequence._id)).group('status', 'current_step').count('n').sum('converted', 'converted').limit(1000).run()),
    rows(() => em.aggregate().filter(em.filter().eq('sequence_id', sequence._id)).group('sequence_step', 'status', 'opened', 'clicked').count('n').limit(1000).run()),
    rows(() => sm.aggregate().filter(sm.filter().eq('sequence_id', sequence._id)).group('sequence_step', 'status', 'reply_received').count('n').limit(1000).run()),
    rows(() => e.aggregate().filter(e.filter().eq('sequence_id', sequence._id).eq('status', 'exited')).group('exit_reason').count('n').limit(1000).run()),
  ]);
  const steps = sortedSteps(sequence.steps);
  let enrolled = 0;
  let active = 0;
  let completed = 0;
  let exited = 0;
  let conversions = 0;
  const reachedPast = new Map<number, number>();
  const exitedAt = new Map<number, number>();
  const waitingAt = new Map<number, number>();
  for (const row of enrollmentRows) {
    const n = num(row['n']);
    const status = field(row, 'status');
    const at = num(field(row, 'current_step'));
    enrolled += n;
    conversions += num(row['converted']);
    if (status === 'active' || status === 'paused') {
      active += n;
      waitingAt.set(at, (waitingAt.get(at) ?? 0) + n);
    }
    if (status === 'completed') completed += n;
    if (status === 'exited') {
      exited += n;
      exitedAt.set(at, (exitedAt.get(at) ?? 0) + n);
    }
    reachedPast.set(at, (reachedPast.get(at) ?? 0) + n);
  }
  const perStep = new Map<number, { sent: number; opened: number; clicked: number; replied: number }>();
  const bump = (step: number, key: 'sent' | 'opened' | 'clicked' | 'replied', n: number): void => {
    const c = perStep.get(step) ?? { sent: 0, opened: 0, clicked: 0, replied: 0 };
    c[key] += n;
    perStep.set(step, c);
  };
  for (const row of emailRows) {
    const step = num(field(row, 'sequence_step'));
    const n = num(row['n']);
    if (SENT_EMAIL.has(String(field(row, 'status')))) bump(step, 'sent', n);
    if (field(row, 'opened') === true) bump(step, 'opened', n);
    if (field(row, 'clicked') === true) bump(step, 'clicked', n);
  }
  for (const row of smsRows) {
    const step = num(field(row, 'sequence_step'));
    const n = num(row['n']);
    if (SENT_SMS.has(String(field(row, 'status')))) bump(step, 'sent', n);
    if (field(row, 'reply_received') === true) bump(step, 'replied', n);
  }
  const funnel: StepFunnel[] = steps.map((step, i) => {
    const position = i + 1;
    // Enrollments standing past this position, plus those that exited at it.
    let reached = exitedAt.get(position) ?? 0;
    for (const [at, n] of reachedPast) if (at > position) reached += n;
    const c = perStep.get(step.step_number) ?? { sent: 0, opened: 0, clicked: 0, replied: 0 };
    return { position, stepNumber: step.step_number, stepType: step.step_type, reached, ...c, exited: exitedAt.get(position) ?? 0, waiting: waitingAt.get(position) ?? 0 };
  });
  const exitReasons: Record<string, number> = {};
  for (const row of exitRows) {
    const reason = String(field(row, 'exit_reason') ?? 'unknown');
    const key = reason.startsWith('removed') ? 'removed' : reason;
    exitReasons[key] = (exitReasons[key] ?? 0) + num(row['n']);
  }
  return { enrolled, active, completed, exited, conversions, conversionRate: rate(conversions, enrolled), completionRate: rate(completed, enrolled), exitReasons, steps: funnel };
}
