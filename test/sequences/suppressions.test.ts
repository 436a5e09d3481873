/**
 * Email suppressions and sequences. Right after the Event Webhook wrote a suppression — before the
 * follow-up job mirrored it onto the driver — the step job already sees it (facts.ts reads
 * EmailSuppressions with the batch): an email step to that address is blocked (`email.suppressed`),
 * and a sequence with the `unsubscribed` exit ends the enrollment before sending; enrolling the driver
 * is refused. An unsubscribe in the middle of a sequence ends the enrollment by the follow-up, without
 * waiting for its next step to come due.
 */
import { EmailSequenceEnrollments, type EmailSequenceEnrollment } from '../../src/backend/collections/email';
import type { DriverProfile } from '../../src/backend/collections/people';
import { collections } from '../../src/backend/collections';
import type { SequenceStep } from '../../src/backend/collections/sequence-steps';
import { EMAIL_CUSTOM_ARG_KEYS } from '../../src/backend/email/compose';
import { parseSendGridEventBatch, processSendGridWebhook } from '../../src/backend/email/events';
import { processEmailSuppressions } from '../../src/backend/email/suppressionEffects';
import { elevatedCollection } from '../../src/backend/platform';
import * as service from '../../src/backend/sequences/service';
import { createSequenceWorld, DAY, DEMO_CARRIER_DOT, HOUR, NOON, type SequenceWorld } from './support';

const EMAIL_FIRST: SequenceStep[] = [
  { step_number: 1, step_type: 'email', delay_days: 0, delay_hours: 0, subject: 'Lanes for {{firstName}}', html_content: '<p>Hi {{firstName}}, regional lanes are open.</p>' },
  { step_number: 2, step_type: 'sms', delay_days: 3, delay_hours: 0, message_template: 'Hi {{firstName}}, did you see our email? {{optOutText}}' },
];
const UNSUBSCRIBED_EXIT = [{ type: 'unsubscribed' as const, enabled: true }];

describe('email suppressions in sequences', () => {
  let world: SequenceWorld;
  let drivers: DriverProfile[] = [];
  let seq = 0;
  jest.setTimeout(120_000);

  beforeAll(async () => {
    world = await createSequenceWorld({ drivers: 200, seed: 29 });
    drivers = await world.reachableDrivers(6);
  });
  afterAll(() => world.close());

  const asRecruiter = <T>(fn: () => Promise<T>): Promise<T> => world.rt.as(world.recruiter, fn);
  const enrollmentOf = (sequenceId: string, driverId: string) => world.rt.asJob(() => elevatedCollection(EmailSequenceEnrollments).get(`${sequenceId}.${driverId}`));
  const mirrorOf = async (d: DriverProfile) => (await world.rt.asJob(() => elevatedCollection(collections.DriverProfiles).get(d._id)))?.email_suppressed_reason ?? null;
  const mailTo = (d: DriverProfile, sequenceId: string) => world.sendgrid.messages({ to: d.email ?? '' }).filter((m) => m.customArgs[EMAIL_CUSTOM_ARG_KEYS.messageId]?.startsWith(`${sequenceId}.`));

  async function sequence(name: string, exitConditions: typeof UNSUBSCRIBED_EXIT | []): Promise<string> {
    const created = await asRecruiter(() => service.createEmailSequence(DEMO_CARRIER_DOT, { name, steps: EMAIL_FIRST, status: 'active', exitConditions }));
    if (!created.success) throw new Error(created.error);
    return created.sequenceId;
  }

  /** Posts one event through the Event Webhook's processing, with the custom args our mail carries (`messageId`: a message of ours, or one we no longer have). */
  async function postEvent(d: DriverProfile, event: string, messageId: string, extra: Record<string, unknown> = {}): Promise<void> {
    seq += 1;
    const wire = { [EMAIL_CUSTOM_ARG_KEYS.messageId]: messageId, [EMAIL_CUSTOM_ARG_KEYS.carrierDot]: DEMO_CARRIER_DOT, email: d.email, timestamp: Math.floor(world.rt.clock.now() / 1000), event, sg_event_id: `seq-sup-${seq}`, sg_message_id: `Xnone${seq}.filter-1.0`, ...extra };
    const parsed = parseSendGridEventBatch([wire]);
    if (!parsed) throw new Error('unparseable');
    const report = await world.rt.asJob(() => processSendGridWebhook(parsed.events));
    expect(report.suppressed + report.lifted).toBe(1);
  }

  it('the next email step skips an address suppressed a moment ago; with the unsubscribed exit the enrollment ends instead; enrolling is refused', async () => {
    world.rt.clock.set(NOON);
    const [blockedDriver, exitingDriver, control, late] = drivers;
    if (!blockedDriver || !exitingDriver || !control || !late) throw new Error('drivers');
    const plain = await sequence('no exits', []);
    const exiting = await sequence('unsubscribed exit', UNSUBSCRIBED_EXIT);
    expect(await asRecruiter(() => service.enrollDriversInSequence(plain, [blockedDriver._id, control._id]))).toMatchObject({ success: true, enrolled: 2 });
    expect(await asRecruiter(() => service.enrollDriversInSequence(exiting, [exitingDriver._id]))).toMatchObject({ success: true, enrolled: 1 });
    // Complaints about mail of another campaign (a message we no longer have: the carrier comes from the custom args).
    await postEvent(blockedDriver, 'spamreport', 'old-campaign.r0.egone1');
    await postEvent(exitingDriver, 'unsubscribe', 'old-campaign.r0.egone2');
    await postEvent(late, 'bounce', 'old-campaign.r0.egone3', { type: 'bounce', status: '5.1.1', bounce_classification: 'Invalid Address' });
    expect([await mirrorOf(blockedDriver), await mirrorOf(exitingDriver)]).toEqual([null, null]);

    const report = await world.runJob();
    expect(report.errors).toEqual([]);
    const blocked = await enrollmentOf(plain, blockedDriver._id);
    expect(blocked?.step_history.map((h) => [h.step_number, h.outcome])).toEqual([[1, 'blocked']]);
    expect(blocked?.step_history[0]?.reason).toMatch(/spam_report/);
    expect(mailTo(blockedDriver, plain)).toEqual([]);
    expect(await enrollmentOf(exiting, exitingDriver._id)).toMatchObject({ status: 'exited', exit_reason: 'unsubscribed', step_history: [] });
    expect(mailTo(exitingDriver, exiting)).toEqual([]);
    expect((await enrollmentOf(plain, control._id))?.step_history.map((h) => h.outcome)).toEqual(['sent']);
    expect(mailTo(control, plain)).toHaveLength(1);
    // Still no mirror (the follow-up has not run), yet enrolling the bounced address is refused.
    expect(await mirrorOf(late)).toBeNull();
    expect(await asRecruiter(() => service.enrollDriversInSequence(exiting, [late._id]))).toMatchObject({ success: true, enrolled: 0 });
    expect(await enrollmentOf(exiting, late._id)).toBeNull();
    // The follow-up mirrors the three (on every profile with the address); the sequence without the exit keeps its enrollment running.
    const followUp = await world.rt.asJob(() => processEmailSuppressions());
    expect(followUp).toMatchObject({ items: 3, enrollmentsExited: 0 });
    expect(followUp.driversUpdated).toBeGreaterThanOrEqual(3);
    expect([await mirrorOf(blockedDriver), await mirrorOf(exitingDriver), await mirrorOf(late)]).toEqual(['spam_report', 'unsubscribed', 'hard_bounce']);
    expect(await enrollmentOf(plain, blockedDriver._id)).toMatchObject({ status: 'active', current_step: 2 });
  });

  it('an unsubscribe in the middle of a sequence ends the enrollment by the follow-up, before its next step is due', async () => {
    const start = NOON + 10 * DAY;
    world.rt.clock.set(start);
    const [, , , , driver, other] = drivers;
    if (!driver || !other) throw new Error('drivers');
    const sequenceId = await sequence('mid-sequence unsubscribe', UNSUBSCRIBED_EXIT);
    await asRecruiter(() => service.enrollDriversInSequence(sequenceId, [driver._id, other._id]));
    await world.runJob();
    await world.applyEmailEvents();
    const running = await enrollmentOf(sequenceId, driver._id);
    expect(running).toMatchObject({ status: 'active', current_step: 2 });
    expect(running?.next_step_at?.getTime()).toBeGreaterThan(start + 2 * DAY);
    // The driver unsubscribes from the step-1 email an hour later.
    world.rt.clock.set(start + HOUR);
    const [mail] = mailTo(driver, sequenceId);
    if (!mail) throw new Error('no step-1 email');
    await postEvent(driver, 'unsubscribe', mail.customArgs[EMAIL_CUSTOM_ARG_KEYS.messageId] ?? '', { sg_message_id: mail.sgMessageId });
    expect(await enrollmentOf(sequenceId, driver._id)).toMatchObject({ status: 'active' });

    // The follow-up, at the same moment: the enrollment ends now, not when step 2 comes due in three days.
    const followUp = await world.rt.asJob(() => processEmailSuppressions());
    expect(followUp).toMatchObject({ items: 1, enrollmentsExited: 1, failed: 0 });
    const ended = (await enrollmentOf(sequenceId, driver._id)) as EmailSequenceEnrollment;
    expect(ended).toMatchObject({ status: 'exited', exit_reason: 'unsubscribed', next_step_at: null, current_step: 2, finished_at: new Date(start + HOUR) });
    expect(await mirrorOf(driver)).toBe('unsubscribed');
    expect(await enrollmentOf(sequenceId, other._id)).toMatchObject({ status: 'active', current_step: 2 });
    const stored = await world.rt.asJob(() => elevatedCollection(collections.EmailSequences).get(sequenceId));
    expect(stored).toMatchObject({ enrollment_count: 2, active_count: 1 });
    // Idempotent: again changes nothing.
    expect(await world.rt.asJob(() => processEmailSuppressions())).toMatchObject({ items: 0, enrollmentsExited: 0 });

    // Step 2 comes due: only the other driver is texted.
    world.rt.clock.set(start + 4 * DAY);
    await world.runJob();
    expect(world.standIn.messages.filter((m) => m.to === driver.phone)).toEqual([]);
    expect(world.standIn.messages.filter((m) => m.to === other.phone)).toHaveLength(1);
  });
});
