/**
 * The step job's pipeline (job.ts): batch N+1 is decided and written while batch N is still being
 * sent, and N is finished while N+1 sends. What that must not break:
 * - the caps: a driver with a text due in two sequences, the two enrollments in consecutive batches,
 *   gets one text that day (the second decision counts the first, not yet recorded: the contact ledger);
 * - exactly once: a run killed while two batches overlap (batch 1's Mail Send answered but not recorded,
 *   batch 2's accepted or lost) is rerun: every email and text reaches its provider once, every
 *   enrollment runs each step once, the counters equal a recount;
 * - steps due at once after a wait or a condition run in the same batch as it (one claim, one write).
 */
import { EmailMessages, EmailSequenceEnrollments, EmailSequences, type EmailMessage } from '../../src/backend/collections/email';
import type { SequenceStep } from '../../src/backend/collections/sequence-steps';
import { SMSMessages, type SMSMessage } from '../../src/backend/collections/sms';
import { EMAIL_CUSTOM_ARG_KEYS } from '../../src/backend/email/compose';
import type { EmailProvider } from '../../src/backend/email/provider';
import { elevatedCollection } from '../../src/backend/platform';
import { countEnrollments } from '../../src/backend/sequences/counters';
import { createSequenceEmailSender } from '../../src/backend/sequences/emailChannel';
import * as service from '../../src/backend/sequences/service';
import { KilledError } from '../sms/support';
import { createSequenceWorld, DAY, DEMO_CARRIER_DOT, HOUR, NOON, PUBLIC_BASE_URL, UNSUBSCRIBE_SECRET, type SequenceWorld } from './support';

type Items = Record<string, unknown>;
const WRITES = ['insert', 'update', 'save', 'remove', 'bulkInsert', 'bulkUpdate', 'bulkSave', 'bulkRemove'] as const;

/** Every data write fails once `dead` is set ("the process died"); calls already at a provider still finish. */
function installDeathSwitch(items: Items): { kill(): void; revive(): void } {
  let dead = false;
  const gate = async <T>(write: () => Promise<T>): Promise<T> => {
    if (dead) throw new KilledError();
    return write();
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
  return { kill: () => void (dead = true), revive: () => void (dead = false) };
}

const messageIdOf = (r: { personalizations: readonly { customArgs: Record<string, string> }[] }): string => r.personalizations[0]?.customArgs[EMAIL_CUSTOM_ARG_KEYS.messageId] ?? '';

describe('the pipelined step job', () => {
  let world: SequenceWorld;
  let death: ReturnType<typeof installDeathSwitch>;
  jest.setTimeout(300_000);

  beforeAll(async () => {
    world = await createSequenceWorld({ drivers: 400, seed: 93 });
    death = installDeathSwitch(world.rt.emulator.items as Items);
  });
  afterAll(() => world.close());

  const asRecruiter = <T>(fn: () => Promise<T>): Promise<T> => world.rt.as(world.recruiter, fn);
  const create = async (name: string, steps: SequenceStep[]): Promise<string> => {
    const created = await asRecruiter(() => service.createEmailSequence(DEMO_CARRIER_DOT, { name, steps, status: 'active', exitConditions: [] }));
    if (!created.success) throw new Error(created.error);
    return created.sequenceId;
  };
  const enrollmentsOf = (sequenceId: string) => world.rt.asJob(() => elevatedCollection(EmailSequenceEnrollments).find((q) => q.eq('sequence_id', sequenceId), { limit: 1000 }));

  it('a driver with a text due in two sequences, in consecutive batches, is texted once that day', async () => {
    world.rt.clock.set(NOON + HOUR);
    const [twice, ...others] = await world.reachableDrivers(6);
    if (!twice || others.length < 5) throw new Error('drivers');
    const text = (n: string): SequenceStep[] => [{ step_number: 1, step_type: 'sms', delay_days: 0, delay_hours: 0, message_template: `Hi {{firstName}}, ${n}. {{optOutText}}` }];
    const a = await create('cap A', text('lane A'));
    const b = await create('cap B', text('lane B'));
    // Claimed in this order, two per batch: [A.twice, A.o1], [B.o2, B.twice], [B.o3, B.o4].
    await asRecruiter(() => service.enrollDriversInSequence(a, [twice._id, others[0]?._id ?? '']));
    await asRecruiter(() => service.enrollDriversInSequence(b, [others[1]?._id ?? '', twice._id, others[2]?._id ?? '', others[3]?._id ?? '']));
    const report = await world.runJob({ batchSize: 2 });
    expect(report.errors).toEqual([]);
    expect(report.batches).toBeGreaterThanOrEqual(3);
    const texts = await world.rt.asJob(() => elevatedCollection(SMSMessages).find((q) => q.hasSome('sequence_id', [a, b]).eq('driver_id', twice._id), { limit: 10 }));
    expect(texts.map((m) => [m.sequence_id, m.status])).toEqual([[a, expect.stringMatching(/^(queued|sent|delivered)$/)]]);
    expect(world.standIn.messages.filter((m) => m.to === twice.phone)).toHaveLength(1);
    // The second enrollment waits for the cap to release (a day after the first text), not sent, not blocked.
    const held = (await enrollmentsOf(b)).find((e) => e.driver_id === twice._id);
    expect(held).toMatchObject({ status: 'active', current_step: 1 });
    expect(held?.next_step_at?.getTime()).toBeGreaterThanOrEqual(NOON + HOUR + DAY - 60_000);
  });

  it('wait → email due at once: both run in one batch (one claim, one enrollment write)', async () => {
    const start = NOON + 3 * DAY;
    world.rt.clock.set(start);
    const [driver] = (await world.reachableDrivers(8)).slice(7);
    if (!driver) throw new Error('drivers');
    const id = await create('wait then email', [
      { step_number: 1, step_type: 'wait', delay_days: 0, delay_hours: 1 },
      { step_number: 2, step_type: 'condition', delay_days: 0, delay_hours: 0, conditions: { if_not_opened: true }, on_false: 'skip_next' },
      { step_number: 3, step_type: 'email', delay_days: 0, delay_hours: 0, subject: 'Hi {{firstName}}', html_content: '<p>Hi {{firstName}}</p>', conditions: { if_not_clicked: true } },
      { step_number: 4, step_type: 'wait', delay_days: 2, delay_hours: 0 },
    ]);
    // Whatever else is due now runs first, so the run below holds only this enrollment.
    await world.runJob();
    await asRecruiter(() => service.enrollInSequence(id, driver._id));
    world.rt.clock.set(start + HOUR);
    world.rt.emulator.resetStats();
    const report = await world.runJob();
    expect(report).toMatchObject({ batches: 1, stepsProcessed: 3, steps: { waited: 1, condition_true: 1, sent: 1 } });
    expect(world.rt.emulator.stats().byCollection['EmailSequenceEnrollments']?.writes).toBe(1);
    const [e] = await enrollmentsOf(id);
    expect(e?.step_history.map((h) => [h.step_number, h.outcome])).toEqual([[1, 'waited'], [2, 'condition_true'], [3, 'sent']]);
    expect(e).toMatchObject({ status: 'active', current_step: 4 });
    expect(world.sendgrid.messages().filter((m) => m.customArgs[EMAIL_CUSTOM_ARG_KEYS.messageId] === `${id}.${driver._id}.s3`)).toHaveLength(1);
  });

  it.each([
    ['accepted', true],
    ['lost before SendGrid', false],
  ])('killed while two batches overlap (batch 2\'s Mail Send %s): rerun, every email and text reaches its provider once', async (_label, accepted) => {
    const start = NOON + (accepted ? 10 : 20) * DAY;
    world.rt.clock.set(start);
    const drivers = (await world.reachableDrivers(60)).slice(accepted ? 20 : 40, accepted ? 35 : 55);
    const sequenceId = await create(`overlap ${String(accepted)}`, [
      { step_number: 1, step_type: 'email', delay_days: 0, delay_hours: 0, subject: 'Lanes for {{firstName}}', html_content: '<p>Hi {{firstName}}</p>' },
      { step_number: 2, step_type: 'sms', delay_days: 0, delay_hours: 3, message_template: 'Hi {{firstName}}, did you see our email? {{optOutText}}' },
    ]);
    await asRecruiter(() => service.enrollDriversInSequence(sequenceId, drivers.map((d) => d._id)));
    // Batch 1's Mail Send is answered only once batch 2's arrives (both batches in flight at once);
    // then "the process dies": batch 1 is not recorded, batch 2 is accepted (or never leaves).
    const requests: string[] = [];
    let releaseFirst: () => void = () => undefined;
    const secondArrived = new Promise<void>((resolve) => (releaseFirst = resolve));
    let overlapped = false;
    const dying: EmailProvider = {
      async send(request) {
        if (!messageIdOf(request).startsWith(`${sequenceId}.`)) return world.emailProvider.send(request);
        requests.push(messageIdOf(request));
        if (requests.length === 1) {
          const result = await world.emailProvider.send(request);
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([secondArrived, new Promise((r) => (timer = setTimeout(r, 3_000)))]);
          clearTimeout(timer);
          return result;
        }
        overlapped = true;
        releaseFirst();
        death.kill();
        if (!accepted) throw new KilledError();
        await world.emailProvider.send(request);
        throw new KilledError();
      },
    };
    const email = createSequenceEmailSender({ provider: dying, publicBaseUrl: PUBLIC_BASE_URL, unsubscribeSecret: UNSUBSCRIBE_SECRET, sleep: async () => undefined });
    const killed = await world.runJob({ channels: world.channels({ email }), batchSize: 5 });
    death.revive();
    expect(overlapped).toBe(true);
    expect(killed.outcome).toBe('failed');
    await world.applyEmailEvents();
    // Reruns every quarter hour (after the killed run's lease expired), events applied in between.
    for (let t = start + 13 * 60_000; t <= start + DAY; t += 15 * 60_000) {
      world.rt.clock.set(t);
      const report = await world.runJob();
      expect(report.errors).toEqual([]);
      await world.applyEmailEvents();
    }
    const enrollments = await enrollmentsOf(sequenceId);
    expect(enrollments).toHaveLength(15);
    for (const e of enrollments) expect({ id: e._id, status: e.status, path: e.step_history.map((h) => [h.step_number, h.outcome]) }).toEqual({ id: e._id, status: 'completed', path: [[1, 'sent'], [2, 'sent']] });
    const emails = await world.rt.asJob(() => elevatedCollection(EmailMessages).find((q) => q.eq('sequence_id', sequenceId), { limit: 100 }));
    const texts = await world.rt.asJob(() => elevatedCollection(SMSMessages).find((q) => q.eq('sequence_id', sequenceId), { limit: 100 }));
    expect(emails).toHaveLength(15);
    expect(texts).toHaveLength(15);
    expect(emails.filter((m: EmailMessage) => !m.sent_at)).toEqual([]);
    expect(texts.filter((m: SMSMessage) => !m.twilio_sid || m.status === 'sending')).toEqual([]);
    for (const m of emails) expect({ id: m._id, sent: world.sendgrid.messages().filter((s) => s.customArgs[EMAIL_CUSTOM_ARG_KEYS.messageId] === m._id).length }).toEqual({ id: m._id, sent: 1 });
    for (const m of texts) expect({ id: m._id, sent: world.standIn.messages.filter((s) => s.to === m.phone_number && s.body === m.message_body).length }).toEqual({ id: m._id, sent: 1 });
    const recount = (await world.rt.asJob(() => countEnrollments([sequenceId]))).get(sequenceId);
    expect(recount).toEqual({ enrollment_count: 15, active_count: 0, completed_count: 15, conversion_count: 0 });
    expect(await world.rt.asJob(() => elevatedCollection(EmailSequences).get(sequenceId))).toMatchObject(recount ?? {});
  });
});
