/**
 * The step job end to end on a fast-forwarded clock: SMS through the real `twilio` SDK to the
 * stand-in, email through the real `@sendgrid/mail` to the SendGrid simulator, SendGrid events
 * applied by the Event Webhook processing, replies and STOP through the Twilio inbound handler.
 */
import { collections } from '../../src/backend/collections';
import { EmailMessages, EmailSequenceEnrollments, EmailSequences, type EmailSequenceEnrollment } from '../../src/backend/collections/email';
import type { SequenceStep } from '../../src/backend/collections/sequence-steps';
import { SMSMessages } from '../../src/backend/collections/sms';
import { EMAIL_CUSTOM_ARG_KEYS } from '../../src/backend/email/compose';
import { suppressEmailAddresses } from '../../src/backend/email/suppress';
import { elevatedCollection } from '../../src/backend/platform';
import * as service from '../../src/backend/sequences/service';
import { handleIncomingSms } from '../../src/backend/sms/webhooks';
import { DEFAULT_CREDENTIALS } from '../../local/simulators/harness';
import { createSequenceWorld, DAY, DEMO_CARRIER_DOT, HOUR, NOON, type SequenceWorld } from './support';

const enrollmentsOf = (world: SequenceWorld, sequenceId: string) => world.rt.asJob(() => elevatedCollection(EmailSequenceEnrollments).find((q) => q.eq('sequence_id', sequenceId), { limit: 1000 }));
const smsOf = (world: SequenceWorld, sequenceId: string) => world.rt.asJob(() => elevatedCollection(SMSMessages).find((q) => q.eq('sequence_id', sequenceId).ascending('sent_at'), { limit: 1000 }));
const emailsOf = (world: SequenceWorld, sequenceId: string) => world.rt.asJob(() => elevatedCollection(EmailMessages).find((q) => q.eq('sequence_id', sequenceId).ascending('sent_at'), { limit: 1000 }));

function localHour(at: Date, zone: string): number {
  return Number(new Intl.DateTimeFormat('en-US', { timeZone: zone, hour: 'numeric', hourCycle: 'h23' }).format(at));
}

/** Runs the job every `stepMs` from now until `until`, applying SendGrid's events after each run; `at` hooks run first at their time. */
async function fastForward(world: SequenceWorld, until: number, stepMs: number, at: Record<number, () => Promise<void>> = {}): Promise<void> {
  const hooks = Object.entries(at).map(([t, fn]) => [Number(t), fn] as const).sort((a, b) => a[0] - b[0]);
  for (let t = world.rt.clock.now(); t <= until; t += stepMs) {
    world.rt.clock.set(t);
    for (const [when, fn] of hooks) if (when > t - stepMs && when <= t) await fn();
    const report = await world.runJob();
    expect(report.errors).toEqual([]);
    await world.applyEmailEvents();
  }
}

describe('processEmailSequenceSteps end to end', () => {
  let world: SequenceWorld;
  jest.setTimeout(300_000);

  beforeAll(async () => {
    world = await createSequenceWorld({ drivers: 400, seed: 61 });
  });
  afterAll(() => world.close());

  const asRecruiter = <T>(fn: () => Promise<T>): Promise<T> => world.rt.as(world.recruiter, fn);

  it('the §2.3 template: SMS → email → follow-up SMS → email at the right times; a reply, STOP or unsubscribe ends it; the rest complete as "cold"', async () => {
    world.rt.clock.set(NOON);
    const [silent, replier, stopper, unsubscriber] = await world.reachableDrivers(4);
    if (!silent || !replier || !stopper || !unsubscriber) throw new Error('drivers');
    const created = await asRecruiter(() => service.createEmailSequence(DEMO_CARRIER_DOT, { name: '§2.3 flow', templateId: 'sms-email-4-step', status: 'active' }));
    if (!created.success) throw new Error(created.error);
    const sequenceId = created.sequenceId;
    const enrolled = await asRecruiter(() => service.enrollDriversInSequence(sequenceId, [silent._id, replier._id, stopper._id, unsubscriber._id]));
    expect(enrolled).toMatchObject({ success: true, enrolled: 4 });
    const { fromNumber } = DEFAULT_CREDENTIALS.twilio;
    await fastForward(world, NOON + 7 * DAY, HOUR, {
      // Six hours after the intro text the replier answers.
      [NOON + 6 * HOUR]: async () => void (await world.rt.asJob(() => handleIncomingSms({ MessageSid: 'SMreply', From: replier.phone ?? '', To: fromNumber, Body: 'Yes, tell me more' }))),
      // After the Day 1 email: STOP from one driver, an unsubscribe from another.
      [NOON + DAY + 3 * HOUR]: async () => {
        await world.rt.asJob(() => handleIncomingSms({ MessageSid: 'SMstop', From: stopper.phone ?? '', To: fromNumber, Body: 'STOP' }));
        await world.rt.asJob(() => suppressEmailAddresses([{ carrierDot: DEMO_CARRIER_DOT, emailAddress: unsubscriber.email ?? '', reason: 'unsubscribed', source: 'one_click', at: new Date(world.rt.clock.now()), driverId: unsubscriber._id }]));
      },
    });

    const enrollments = new Map((await enrollmentsOf(world, sequenceId)).map((e) => [e.driver_id, e]));
    const sms = await smsOf(world, sequenceId);
    const emails = await emailsOf(world, sequenceId);
    const timeline = (driverId: string) => [
      ...sms.filter((m) => m.driver_id === driverId).map((m) => ({ channel: 'sms', at: m.sent_at ?? new Date(0), step: m.sequence_step })),
      ...emails.filter((m) => m.driver_id === driverId).map((m) => ({ channel: 'email', at: m.sent_at ?? new Date(0), step: m.sequence_step })),
    ].sort((a, b) => a.at.getTime() - b.at.getTime());

    // The silent driver gets all four, in order, each at least its delay after the one before.
    const flow = timeline(silent._id);
    expect(flow.map((f) => [f.channel, f.step])).toEqual([['sms', 1], ['email', 2], ['sms', 3], ['email', 4]]);
    const [s1, e1, s2, e2] = flow.map((f) => f.at.getTime());
    expect((e1 ?? 0) - (s1 ?? 0)).toBeGreaterThanOrEqual(DAY);
    expect((e1 ?? 0) - (s1 ?? 0)).toBeLessThan(DAY + HOUR);
    expect((s2 ?? 0) - (e1 ?? 0)).toBeGreaterThanOrEqual(2 * DAY);
    expect((e2 ?? 0) - (s2 ?? 0)).toBeGreaterThanOrEqual(2 * DAY);
    for (const f of flow.filter((x) => x.channel === 'sms')) {
      if (silent.home_time_zone) expect(localHour(f.at, silent.home_time_zone)).toBeGreaterThanOrEqual(9);
      if (silent.home_time_zone) expect(localHour(f.at, silent.home_time_zone)).toBeLessThan(20);
    }
    expect(enrollments.get(silent._id)).toMatchObject({ status: 'completed', current_step: 5, next_step_at: null });
    expect(enrollments.get(silent._id)?.step_history.map((h) => [h.step_number, h.outcome])).toEqual([[1, 'sent'], [2, 'sent'], [3, 'sent'], [4, 'sent']]);
    const tagged = await world.rt.asJob(() => elevatedCollection(collections.DriverProfiles).get(silent._id));
    expect(tagged?.tags).toContain('cold');

    // The replier got only the intro text, exited as replied, counted as a conversion.
    expect(timeline(replier._id).map((f) => f.channel)).toEqual(['sms']);
    expect(enrollments.get(replier._id)).toMatchObject({ status: 'exited', exit_reason: 'replied', converted: 1 });
    // STOP after the Day 1 email: no follow-up text or final email.
    expect(timeline(stopper._id).map((f) => f.step)).toEqual([1, 2]);
    expect(enrollments.get(stopper._id)).toMatchObject({ status: 'exited', exit_reason: 'opted_out' });
    // The unsubscriber: out before the follow-up text.
    expect(timeline(unsubscriber._id).map((f) => f.step)).toEqual([1, 2]);
    expect(enrollments.get(unsubscriber._id)).toMatchObject({ status: 'exited', exit_reason: 'unsubscribed' });

    // What the providers saw matches the records exactly (one message per step, no duplicates).
    const phones = new Set([silent, replier, stopper, unsubscriber].map((d) => d.phone));
    expect(world.standIn.messages.filter((m) => phones.has(m.to))).toHaveLength(sms.length);
    expect(sms.every((m) => m.twilio_sid)).toBe(true);
    const addresses = new Set([silent, replier, stopper, unsubscriber].map((d) => (d.email ?? '').toLowerCase()));
    expect(world.sendgrid.messages().filter((m) => addresses.has(m.to.email.toLowerCase()))).toHaveLength(emails.length);

    const stored = await world.rt.asJob(() => elevatedCollection(EmailSequences).get(sequenceId));
    expect(stored).toMatchObject({ enrollment_count: 4, active_count: 0, completed_count: 1, conversion_count: 1 });
    const analytics = await asRecruiter(() => service.getSequenceAnalytics(sequenceId));
    if (!analytics.success) throw new Error(analytics.error);
    expect(analytics.analytics).toMatchObject({ enrolled: 4, completed: 1, exited: 3, conversions: 1, conversionRate: 0.25, completionRate: 0.25 });
    expect(analytics.analytics.steps.map((s) => s.sent)).toEqual([4, 3, 1, 1]);
    expect(analytics.analytics.steps.map((s) => s.replied)).toEqual([1, 0, 0, 0]);
    expect(analytics.analytics.exitReasons).toEqual({ replied: 1, opted_out: 1, unsubscribed: 1 });
  });

  it('conditions read the enrollment\'s own emails: an open skips the gated step; voicemail is skipped; wait waits', async () => {
    const start = NOON + 10 * DAY;
    world.rt.clock.set(start);
    const [opener, ignorer] = (await world.reachableDrivers(6)).slice(4);
    if (!opener || !ignorer) throw new Error('drivers');
    const steps: SequenceStep[] = [
      { step_number: 1, step_type: 'email', delay_days: 0, delay_hours: 0, subject: 'Lanes for {{firstName}}', html_content: '<p>Hi {{firstName}}, <a href="https://jobs.example.com/a">apply</a></p>' },
      { step_number: 2, step_type: 'condition', delay_days: 0, delay_hours: 4, conditions: { if_not_opened: true }, on_false: 'skip_next' },
      { step_number: 3, step_type: 'sms', delay_days: 0, delay_hours: 0, message_template: 'Hi {{firstName}}, did you see our email? {{optOutText}}' },
      { step_number: 4, step_type: 'voicemail', delay_days: 0, delay_hours: 1, script: 'Hi, this is Lone Star Freight' },
      { step_number: 5, step_type: 'wait', delay_days: 1, delay_hours: 0 },
      { step_number: 6, step_type: 'email', delay_days: 0, delay_hours: 0, subject: 'Still hiring', html_content: '<p>Still hiring, {{firstName}}</p>', conditions: { if_not_clicked: true } },
    ];
    const created = await asRecruiter(() => service.createEmailSequence(DEMO_CARRIER_DOT, { name: 'conditions', steps, status: 'active', exitConditions: [] }));
    if (!created.success) throw new Error(created.error);
    await asRecruiter(() => service.enrollDriversInSequence(created.sequenceId, [opener._id, ignorer._id]));
    await fastForward(world, start + HOUR, HOUR);
    // The opener opens and clicks the first email.
    const first = (await emailsOf(world, created.sequenceId)).find((m) => m.driver_id === opener._id);
    const sg = world.sendgrid.messages().find((m) => m.to.email.toLowerCase() === (opener.email ?? '').toLowerCase() && m.customArgs[EMAIL_CUSTOM_ARG_KEYS.messageId] === first?._id);
    if (!sg) throw new Error('no SendGrid message for the opener');
    world.sendgrid.open(sg.sgMessageId);
    world.sendgrid.click(sg.sgMessageId, 0);
    await world.applyEmailEvents();
    await fastForward(world, start + 3 * DAY, HOUR);
    const byDriver = new Map((await enrollmentsOf(world, created.sequenceId)).map((e) => [e.driver_id, e]));
    const outcomes = (e: EmailSequenceEnrollment | undefined) => e?.step_history.map((h) => [h.step_number, h.outcome]);
    expect(outcomes(byDriver.get(opener._id))).toEqual([[1, 'sent'], [2, 'condition_false'], [4, 'skipped'], [5, 'waited'], [6, 'skipped']]);
    expect(outcomes(byDriver.get(ignorer._id))).toEqual([[1, 'sent'], [2, 'condition_true'], [3, 'sent'], [4, 'skipped'], [5, 'waited'], [6, 'sent']]);
    expect(byDriver.get(opener._id)?.step_history.find((h) => h.step_number === 4)?.reason).toMatch(/voicemail/i);
    expect(byDriver.get(opener._id)?.step_history.find((h) => h.step_number === 6)?.reason).toMatch(/clicked/);
    const waited = byDriver.get(ignorer._id)?.step_history;
    const waitAt = waited?.find((h) => h.step_number === 5)?.executed_at.getTime() ?? 0;
    const lastAt = waited?.find((h) => h.step_number === 6)?.executed_at.getTime() ?? 0;
    expect(lastAt - waitAt).toBeGreaterThanOrEqual(0);
    expect(waitAt - (waited?.find((h) => h.step_number === 4)?.executed_at.getTime() ?? 0)).toBeGreaterThanOrEqual(DAY);
    expect((await smsOf(world, created.sequenceId)).map((m) => m.driver_id)).toEqual([ignorer._id]);
  });

  it('editing an active sequence: running enrollments finish on their version, new ones take the new steps', async () => {
    const start = NOON + 20 * DAY;
    world.rt.clock.set(start);
    const [early, late] = (await world.reachableDrivers(8)).slice(6);
    if (!early || !late) throw new Error('drivers');
    const v1: SequenceStep[] = [
      { step_number: 1, step_type: 'sms', delay_days: 0, delay_hours: 0, message_template: 'v1 first, {{firstName}}. {{optOutText}}' },
      { step_number: 2, step_type: 'sms', delay_days: 1, delay_hours: 0, message_template: 'v1 second, {{firstName}}. {{optOutText}}' },
    ];
    const created = await asRecruiter(() => service.createEmailSequence(DEMO_CARRIER_DOT, { name: 'versioned', steps: v1, status: 'active', exitConditions: [] }));
    if (!created.success) throw new Error(created.error);
    await asRecruiter(() => service.enrollInSequence(created.sequenceId, early._id));
    await fastForward(world, start, HOUR);
    const v2: SequenceStep[] = [{ step_number: 1, step_type: 'email', delay_days: 0, delay_hours: 0, subject: 'v2 only', html_content: '<p>v2 for {{firstName}}</p>' }];
    expect(await asRecruiter(() => service.updateEmailSequence(created.sequenceId, { steps: v2 }))).toMatchObject({ success: true, sequence: { version: 2 } });
    await asRecruiter(() => service.enrollInSequence(created.sequenceId, late._id));
    await fastForward(world, start + 2 * DAY, HOUR);
    const texts = await smsOf(world, created.sequenceId);
    expect(texts.filter((m) => m.driver_id === early._id).map((m) => m.message_body.slice(0, 9))).toEqual(['v1 first,', 'v1 second']);
    expect(texts.filter((m) => m.driver_id === late._id)).toEqual([]);
    expect((await emailsOf(world, created.sequenceId)).map((m) => [m.driver_id, m.subject])).toEqual([[late._id, 'v2 only']]);
    const byDriver = new Map((await enrollmentsOf(world, created.sequenceId)).map((e) => [e.driver_id, e]));
    expect(byDriver.get(early._id)).toMatchObject({ status: 'completed', sequence_version: 1, current_step: 3 });
    expect(byDriver.get(late._id)).toMatchObject({ status: 'completed', sequence_version: 2, current_step: 2 });
  });

  it('a paused sequence sends nothing until it is resumed; then the overdue step runs once', async () => {
    const start = NOON + 30 * DAY;
    world.rt.clock.set(start);
    const [driver] = (await world.reachableDrivers(9)).slice(8);
    if (!driver) throw new Error('drivers');
    const created = await asRecruiter(() => service.createEmailSequence(DEMO_CARRIER_DOT, { name: 'paused', steps: [{ step_number: 1, step_type: 'sms', delay_days: 0, delay_hours: 0, message_template: 'Paused test {{firstName}} {{optOutText}}' }], status: 'active', exitConditions: [] }));
    if (!created.success) throw new Error(created.error);
    await asRecruiter(() => service.enrollInSequence(created.sequenceId, driver._id));
    await asRecruiter(() => service.pauseEmailSequence(created.sequenceId));
    await fastForward(world, start + 3 * HOUR, HOUR);
    expect(await smsOf(world, created.sequenceId)).toEqual([]);
    await asRecruiter(() => service.resumeEmailSequence(created.sequenceId));
    await fastForward(world, start + 5 * HOUR, HOUR);
    expect(await smsOf(world, created.sequenceId)).toHaveLength(1);
    expect((await enrollmentsOf(world, created.sequenceId))[0]).toMatchObject({ status: 'completed' });
  });
});
