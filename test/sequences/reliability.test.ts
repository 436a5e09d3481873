/**
 * Exactly once under kills: the step job killed at random points — between any two data writes,
 * in the middle of SMS sends (with ambiguous Twilio timeouts), before or after SendGrid accepted an
 * email — and rerun, on a fast-forwarded clock. Afterwards every step ran once: no step skipped, no
 * message sent twice, nothing left in flight, and the counters equal a recount. Then counters under
 * concurrent enrollments, removals and job runs.
 */
import { EmailMessages, EmailSequenceEnrollments, EmailSequences, type EmailMessage } from '../../src/backend/collections/email';
import type { SequenceStep } from '../../src/backend/collections/sequence-steps';
import { SMSMessages, type SMSMessage } from '../../src/backend/collections/sms';
import { EmailProviderError, type EmailProvider } from '../../src/backend/email/provider';
import { EMAIL_CUSTOM_ARG_KEYS } from '../../src/backend/email/compose';
import { elevatedCollection } from '../../src/backend/platform';
import { countEnrollments } from '../../src/backend/sequences/counters';
import { createSequenceEmailSender } from '../../src/backend/sequences/emailChannel';
import * as service from '../../src/backend/sequences/service';
import { faultyProvider, KilledError, rngOf } from '../sms/support';
import { createSequenceWorld, DAY, DEMO_CARRIER_DOT, HOUR, NOON, PUBLIC_BASE_URL, UNSUBSCRIBE_SECRET, type SequenceWorld } from './support';

const STEPS: SequenceStep[] = [
  { step_number: 1, step_type: 'sms', delay_days: 0, delay_hours: 0, message_template: 'Hi {{firstName}}, CDL-A lanes open near {{homeCity|you}}. {{optOutText}}' },
  { step_number: 2, step_type: 'email', delay_days: 0, delay_hours: 2, subject: 'Lanes for {{firstName}}', html_content: '<p>Hi {{firstName}}, here are the lanes.</p>' },
  { step_number: 3, step_type: 'condition', delay_days: 0, delay_hours: 1, conditions: { if_not_opened: true }, on_false: 'skip_next' },
  { step_number: 4, step_type: 'sms', delay_days: 1, delay_hours: 0, message_template: 'Hi {{firstName}}, did you see our email? {{optOutText}}' },
  { step_number: 5, step_type: 'wait', delay_days: 1, delay_hours: 0 },
  { step_number: 6, step_type: 'email', delay_days: 0, delay_hours: 0, subject: 'Last call, {{firstName}}', html_content: '<p>Last call.</p>' },
];
const EXPECTED_PATH = [[1, 'sent'], [2, 'sent'], [3, 'condition_true'], [4, 'sent'], [5, 'waited'], [6, 'sent']];

type Items = Record<string, unknown>;
const WRITES = ['insert', 'update', 'save', 'remove', 'bulkInsert', 'bulkUpdate', 'bulkSave', 'bulkRemove'] as const;

/**
 * Kills "the process" at its Nth data write: before the write (it never lands) or after it (it landed,
 * the answer is lost). Patches are builders: their `run()` is the write.
 */
function installKillSwitch(items: Items): { arm(n: number, after: boolean): void; disarm(): void; fired(): boolean } {
  let left = Number.POSITIVE_INFINITY;
  let landed = false;
  let fired = false;
  const gate = async <T>(write: () => Promise<T>): Promise<T> => {
    left -= 1;
    if (left === 0 && !landed) {
      fired = true;
      throw new KilledError();
    }
    const result = await write();
    if (left === 0 && landed) {
      fired = true;
      throw new KilledError();
    }
    if (left < 0 && fired) throw new KilledError();
    return result;
  };
  for (const name of WRITES) {
    const original = items[name] as (...args: unknown[]) => Promise<unknown>;
    items[name] = (...args: unknown[]) => gate(() => original(...args));
  }
  for (const name of ['patch', 'bulkPatch'] as const) {
    const original = items[name] as (...args: unknown[]) => { run: (...a: unknown[]) => Promise<unknown> };
    items[name] = (...args: unknown[]) => {
      const builder = original(...args);
      const run = builder.run.bind(builder);
      builder.run = (...a: unknown[]) => gate(() => run(...a));
      return builder;
    };
  }
  return {
    arm: (n, after) => {
      left = n;
      landed = after;
      fired = false;
    },
    disarm: () => {
      left = Number.POSITIVE_INFINITY;
      fired = false;
    },
    fired: () => fired,
  };
}

/**
 * Kills the process around its Nth Mail Send of `sequenceId`: before the request leaves, or after
 * SendGrid accepted it. Other mail (the carrier's newsletter) goes out untouched.
 */
function killingEmailProvider(inner: EmailProvider, sequenceId: string, state: { killAt: number; accepted: boolean; calls: number }): EmailProvider {
  return {
    async send(request) {
      if (!(request.personalizations[0]?.customArgs[EMAIL_CUSTOM_ARG_KEYS.messageId] ?? '').startsWith(`${sequenceId}.`)) return inner.send(request);
      state.calls += 1;
      if (state.calls === state.killAt && !state.accepted) throw new KilledError();
      const result = await inner.send(request);
      if (state.calls === state.killAt) throw new KilledError();
      return result;
    },
  };
}

async function allOf<T>(world: SequenceWorld, collection: 'sms' | 'email', sequenceId: string): Promise<T[]> {
  return world.rt.asJob(async () => {
    const out: T[] = [];
    const db = collection === 'sms' ? elevatedCollection(SMSMessages) : elevatedCollection(EmailMessages);
    for await (const page of db.pages((q) => q.eq('sequence_id', sequenceId))) out.push(...(page as T[]));
    return out;
  });
}

describe('sequence steps under kills and concurrency', () => {
  let world: SequenceWorld;
  jest.setTimeout(600_000);

  beforeAll(async () => {
    world = await createSequenceWorld({ drivers: 1500, seed: 71 });
  });
  afterAll(() => world.close());

  const asRecruiter = <T>(fn: () => Promise<T>): Promise<T> => world.rt.as(world.recruiter, fn);

  it('killed at random points and rerun: every step runs exactly once, counters exact', async () => {
    world.rt.clock.set(NOON);
    const drivers = (await world.reachableDrivers(60)).slice(0, 60);
    const created = await asRecruiter(() => service.createEmailSequence(DEMO_CARRIER_DOT, { name: 'chaos', steps: STEPS, status: 'active', exitConditions: [] }));
    if (!created.success) throw new Error(created.error);
    const sequenceId = created.sequenceId;
    // Six groups of ten, enrolled two hours apart: their steps come due at different ticks.
    const enrollGroup = async (k: number): Promise<void> => {
      const result = await asRecruiter(() => service.enrollDriversInSequence(sequenceId, drivers.slice(k * 10, k * 10 + 10).map((d) => d._id)));
      expect(result).toMatchObject({ success: true, enrolled: 10 });
    };
    // Other mail of the carrier keeps flowing all along (a recruiter's newsletter every four hours):
    // its delivery events are what settle an email whose Mail Send got no answer.
    const newsletter: SequenceStep[] = Array.from({ length: 45 }, (_, i) => ({ step_number: i + 1, step_type: 'email' as const, delay_days: 0, delay_hours: i === 0 ? 0 : 4, subject: `News ${i + 1}`, html_content: '<p>News</p>' }));
    const canary = await asRecruiter(() => service.createEmailSequence(DEMO_CARRIER_DOT, { name: 'canary', steps: newsletter, status: 'active', exitConditions: [] }));
    if (!canary.success) throw new Error(canary.error);
    const [canaryDriver] = (await world.reachableDrivers(61)).slice(60);
    await asRecruiter(() => service.enrollInSequence(canary.sequenceId, canaryDriver?._id ?? ''));
    const kill = installKillSwitch(world.rt.emulator.items as Items);
    const rng = rngOf(Number(process.env['SEQUENCE_CHAOS_SEED'] ?? 4242));
    const kills = { data: 0, sms: 0, email: 0 };
    let runs = 0;
    // Chaos: an hourly tick for four days; at each tick with due steps the run is killed at a random
    // point and rerun (after its lease expired) up to seven times, then runs clean.
    let t = NOON;
    for (let tick = 0; tick <= 4 * 24; tick += 1) {
      world.rt.clock.set(t);
      if (tick % 2 === 0 && tick / 2 < 6) await enrollGroup(tick / 2);
      const at = new Date(t);
      const due = await world.rt.asJob(() => elevatedCollection(EmailSequenceEnrollments).count((q) => q.eq('sequence_id', sequenceId).eq('status', 'active').le('next_step_at', at)));
      for (let attempt = 0; attempt < 8; attempt += 1) {
        world.rt.clock.set(t);
        // Kills where there is work to interrupt; idle ticks run clean.
        const roll = attempt === 7 || due === 0 ? 1 : rng();
        const emailState = { killAt: roll < 0.3 ? 1 : -1, accepted: rng() < 0.5, calls: 0 };
        const smsKill = roll >= 0.3 && roll < 0.6;
        const sms = faultyProvider(world.sms, { ...(smsKill ? { killAfter: Math.floor(rng() * 5) } : {}), timeoutRate: 0.1, rng });
        if (roll >= 0.6 && roll < 0.95) kill.arm(1 + Math.floor(rng() * 15), rng() < 0.5);
        const email = createSequenceEmailSender({ provider: killingEmailProvider(world.emailProvider, sequenceId, emailState), publicBaseUrl: PUBLIC_BASE_URL, unsubscribeSecret: UNSUBSCRIBE_SECRET, sleep: async () => undefined });
        let killed = false;
        try {
          const report = await world.runJob({ channels: { sms, email }, batchSize: 1 + Math.floor(rng() * 40) });
          killed = report.outcome === 'failed';
        } catch (error) {
          if (!(error instanceof KilledError)) throw error;
          killed = true;
        }
        runs += 1;
        if (killed) {
          if (kill.fired()) kills.data += 1;
          else if (emailState.calls >= emailState.killAt && emailState.killAt > 0) kills.email += 1;
          else kills.sms += 1;
        }
        kill.disarm();
        await world.applyEmailEvents();
        if (!killed) break;
        // The killed run's lease expires before the rerun takes over.
        t += 13 * 60_000;
      }
      t += HOUR;
    }
    const totalKills = kills.data + kills.sms + kills.email;
    expect(kills.data).toBeGreaterThanOrEqual(8);
    expect(kills.sms).toBeGreaterThanOrEqual(2);
    expect(kills.email).toBeGreaterThanOrEqual(2);
    // Calm: hourly runs for three more days, nothing killed.
    for (const end = t + 3 * DAY; t <= end; t += HOUR) {
      world.rt.clock.set(t);
      const report = await world.runJob();
      expect(report.errors).toEqual([]);
      await world.applyEmailEvents();
    }

    const enrollments = await world.rt.asJob(() => elevatedCollection(EmailSequenceEnrollments).find((q) => q.eq('sequence_id', sequenceId), { limit: 1000 }));
    expect(enrollments).toHaveLength(60);
    for (const e of enrollments) {
      expect({ id: e._id, status: e.status, path: e.step_history.map((h) => [h.step_number, h.outcome]), reasons: e.step_history.filter((h) => h.reason && h.outcome !== 'condition_true').map((h) => h.reason) }).toEqual({ id: e._id, status: 'completed', path: EXPECTED_PATH, reasons: [] });
    }
    const sms = await allOf<SMSMessage>(world, 'sms', sequenceId);
    const emails = await allOf<EmailMessage>(world, 'email', sequenceId);
    // One record per (enrollment, step), each sent once at the provider.
    expect(sms).toHaveLength(120);
    expect(emails).toHaveLength(120);
    expect(sms.filter((m) => !m.twilio_sid || m.status === 'sending' || m.status === 'pending')).toEqual([]);
    expect(emails.filter((m) => !m.sent_at || m.status === 'pending' || m.status === 'failed')).toEqual([]);
    const perPair = new Map<string, number>();
    for (const m of world.standIn.messages) perPair.set(`${m.to}|${m.body}`, (perPair.get(`${m.to}|${m.body}`) ?? 0) + 1);
    for (const m of sms) expect({ id: m._id, sent: perPair.get(`${m.phone_number}|${m.message_body}`) }).toEqual({ id: m._id, sent: 1 });
    const perMessage = new Map<string, number>();
    for (const m of world.sendgrid.messages()) {
      const id = m.customArgs[EMAIL_CUSTOM_ARG_KEYS.messageId];
      if (id) perMessage.set(id, (perMessage.get(id) ?? 0) + 1);
    }
    for (const m of emails) expect({ id: m._id, sent: perMessage.get(m._id) }).toEqual({ id: m._id, sent: 1 });
    const stored = await world.rt.asJob(() => elevatedCollection(EmailSequences).get(sequenceId));
    const recount = (await world.rt.asJob(() => countEnrollments([sequenceId]))).get(sequenceId);
    expect(recount).toEqual({ enrollment_count: 60, active_count: 0, completed_count: 60, conversion_count: 0 });
    expect(stored).toMatchObject(recount ?? {});
    console.info(`[sequence chaos] runs=${runs} kills=${totalKills} ${JSON.stringify(kills)} sms=${sms.length} emails=${emails.length}`);
  });

  it('counters stay exact under concurrent enrollments, removals and job runs', async () => {
    const start = NOON + 30 * DAY;
    world.rt.clock.set(start);
    const drivers = (await world.reachableDrivers(200)).slice(100, 200);
    const created = await asRecruiter(() => service.createEmailSequence(DEMO_CARRIER_DOT, { name: 'concurrent', steps: STEPS.slice(0, 2), status: 'active', exitConditions: [] }));
    if (!created.success) throw new Error(created.error);
    const id = created.sequenceId;
    const first = drivers.slice(0, 50).map((d) => d._id);
    await asRecruiter(() => service.enrollDriversInSequence(id, first));
    const calls: Promise<unknown>[] = [];
    // Overlapping: single and bulk enrollments (with repeats), removals, and two job runs at once.
    for (let i = 0; i < 50; i += 1) calls.push(asRecruiter(() => service.enrollInSequence(id, drivers[50 + (i % 40)]?._id ?? '')));
    calls.push(asRecruiter(() => service.enrollDriversInSequence(id, drivers.slice(80, 100).map((d) => d._id))));
    for (let i = 0; i < 15; i += 1) calls.push(asRecruiter(() => service.removeFromSequence(`${id}.${first[i] ?? ''}`, 'changed plans')));
    calls.push(world.runJob(), world.runJob());
    await Promise.all(calls);
    world.rt.clock.set(start + 3 * HOUR);
    await world.runJob();
    const stored = await world.rt.asJob(() => elevatedCollection(EmailSequences).get(id));
    const recount = (await world.rt.asJob(() => countEnrollments([id]))).get(id);
    expect(recount?.enrollment_count).toBe(100);
    expect(recount?.completed_count).toBe(85);
    expect(stored).toMatchObject(recount ?? {});
    const exited = await world.rt.asJob(() => elevatedCollection(EmailSequenceEnrollments).count((q) => q.eq('sequence_id', id).eq('status', 'exited')));
    expect(exited).toBe(15);
  });

  it('a Mail Send that got no answer is never resent blindly: confirmed by SendGrid\'s events, resent only when events show it was not accepted', async () => {
    const start = NOON + 40 * DAY;
    world.rt.clock.set(start);
    const [accepted, lost] = (await world.reachableDrivers(203)).slice(201, 203);
    if (!accepted || !lost) throw new Error('drivers');
    const make = async (name: string, driverId: string): Promise<string> => {
      const c = await asRecruiter(() => service.createEmailSequence(DEMO_CARRIER_DOT, { name, steps: [STEPS[1] ?? STEPS[0]].map((s) => ({ ...s, step_number: 1, delay_hours: 0 })) as SequenceStep[], status: 'active', exitConditions: [] }));
      if (!c.success) throw new Error(c.error);
      await asRecruiter(() => service.enrollInSequence(c.sequenceId, driverId));
      return c.sequenceId;
    };
    const a = await make('accepted-no-answer', accepted._id);
    // SendGrid accepts, the answer is lost (a 500 to us): the record stays `queued` without `sent_at`.
    const answerLost: EmailProvider = { send: async (r) => (await world.emailProvider.send(r), Promise.reject(new EmailProviderError('unavailable', 500, 'Internal Server Error'))) };
    await world.runJob({ channels: world.channels({ email: createSequenceEmailSender({ provider: answerLost, publicBaseUrl: PUBLIC_BASE_URL, unsubscribeSecret: UNSUBSCRIBE_SECRET, sleep: async () => undefined }) }) });
    const b = await make('never-reached', lost._id);
    const neverReached: EmailProvider = { send: async () => Promise.reject(new EmailProviderError('unavailable', null, 'network: ETIMEDOUT')) };
    await world.runJob({ channels: world.channels({ email: createSequenceEmailSender({ provider: neverReached, publicBaseUrl: PUBLIC_BASE_URL, unsubscribeSecret: UNSUBSCRIBE_SECRET, sleep: async () => undefined }) }) });
    const record = async (sequenceId: string) => (await allOf<EmailMessage>(world, 'email', sequenceId))[0];
    expect(await record(a)).toMatchObject({ status: 'queued', sent_at: null });
    expect(await record(b)).toMatchObject({ status: 'queued', sent_at: null });
    // Within the confirmation window nothing is resent.
    world.rt.clock.set(start + 10 * 60_000);
    await world.runJob();
    const idA = (await record(a))?._id;
    expect(world.sendgrid.messages().filter((m) => m.customArgs[EMAIL_CUSTOM_ARG_KEYS.messageId] === idA)).toHaveLength(1);
    // Events arrive: the accepted one is confirmed (not resent); the other is resent once events flow without it.
    world.rt.clock.set(start + 45 * 60_000);
    await world.applyEmailEvents();
    await world.runJob();
    await world.applyEmailEvents();
    const ra = await record(a);
    const rb = await record(b);
    expect(world.sendgrid.messages().filter((m) => m.customArgs[EMAIL_CUSTOM_ARG_KEYS.messageId] === ra?._id)).toHaveLength(1);
    expect(world.sendgrid.messages().filter((m) => m.customArgs[EMAIL_CUSTOM_ARG_KEYS.messageId] === rb?._id)).toHaveLength(1);
    expect(ra?.sent_at).toBeInstanceOf(Date);
    expect(rb?.sent_at).toBeInstanceOf(Date);
    const enrollments = await world.rt.asJob(() => elevatedCollection(EmailSequenceEnrollments).find((q) => q.hasSome('sequence_id', [a, b]), { limit: 10 }));
    expect(enrollments.map((e) => e.status)).toEqual(['completed', 'completed']);
  });
});
