/**
 * The `hired` exit is immediate: when a driver becomes hired — the profile's status set to `hired`,
 * or an application of the driver marked `hired` — the data hooks end the driver's running
 * enrollments at once (no job run needed), with exit reason `hired`, as a conversion, and the
 * sequences' counters equal a recount. Sequences that do not enable the exit keep the driver.
 */
import { collections } from '../../src/backend/collections';
import { EmailSequenceEnrollments, EmailSequences, type EmailSequenceEnrollment } from '../../src/backend/collections/email';
import type { SequenceStep } from '../../src/backend/collections/sequence-steps';
import { SMSMessages } from '../../src/backend/collections/sms';
import { elevatedCollection } from '../../src/backend/platform';
import { countEnrollments } from '../../src/backend/sequences/counters';
import * as service from '../../src/backend/sequences/service';
import { createSequenceWorld, DAY, DEMO_CARRIER_DOT, HOUR, NOON, type SequenceWorld } from './support';

const TWO_SMS: SequenceStep[] = [
  { step_number: 1, step_type: 'sms', delay_days: 0, delay_hours: 0, message_template: 'Hi {{firstName}}, we are hiring. {{optOutText}}' },
  { step_number: 2, step_type: 'sms', delay_days: 1, delay_hours: 0, message_template: 'Hi {{firstName}}, still interested? {{optOutText}}' },
];

describe('the hired exit, at once', () => {
  let world: SequenceWorld;
  jest.setTimeout(180_000);

  beforeAll(async () => {
    world = await createSequenceWorld({ drivers: 200, seed: 91 });
  });
  afterAll(() => world.close());

  const asRecruiter = <T>(fn: () => Promise<T>): Promise<T> => world.rt.as(world.recruiter, fn);
  const byDriver = async (sequenceId: string): Promise<Map<string, EmailSequenceEnrollment>> =>
    new Map((await world.rt.asJob(() => elevatedCollection(EmailSequenceEnrollments).find((q) => q.eq('sequence_id', sequenceId), { limit: 1000 }))).map((e) => [e.driver_id, e]));
  const create = async (name: string, hiredExit: boolean): Promise<string> => {
    const created = await asRecruiter(() => service.createEmailSequence(DEMO_CARRIER_DOT, { name, steps: TWO_SMS, status: 'active', exitConditions: hiredExit ? [{ type: 'hired', enabled: true }] : [] }));
    if (!created.success) throw new Error(created.error);
    return created.sequenceId;
  };
  /** The stored counters equal a recount of the enrollments. */
  const expectExactCounters = async (sequenceId: string, expected: Record<string, number>): Promise<void> => {
    const recount = (await world.rt.asJob(() => countEnrollments([sequenceId]))).get(sequenceId);
    expect(recount).toEqual(expected);
    expect(await world.rt.asJob(() => elevatedCollection(EmailSequences).get(sequenceId))).toMatchObject(expected);
  };

  it('a profile set to hired ends its enrollments right away (exit reason hired, a conversion, counters exact)', async () => {
    world.rt.clock.set(NOON);
    const [hired, other] = await world.reachableDrivers(2);
    if (!hired || !other) throw new Error('drivers');
    const withExit = await create('hired exit', true);
    const withoutExit = await create('no exits', false);
    await asRecruiter(() => service.enrollDriversInSequence(withExit, [hired._id, other._id]));
    await asRecruiter(() => service.enrollDriversInSequence(withoutExit, [hired._id]));
    await world.runJob();
    const at = NOON + 2 * HOUR;
    world.rt.clock.set(at);
    // A recruiter marks the driver hired (a plain profile update: the data hook does the rest).
    await world.rt.asJob(() => elevatedCollection(collections.DriverProfiles).patch(hired._id, { status: 'hired' }));
    const now = await byDriver(withExit);
    expect(now.get(hired._id)).toMatchObject({ status: 'exited', exit_reason: 'hired', converted: 1, next_step_at: null });
    expect(now.get(hired._id)?.finished_at?.getTime()).toBe(at);
    expect(now.get(other._id)).toMatchObject({ status: 'active', converted: 0 });
    // A sequence that does not enable the exit keeps the driver.
    expect((await byDriver(withoutExit)).get(hired._id)).toMatchObject({ status: 'active' });
    await expectExactCounters(withExit, { enrollment_count: 2, active_count: 1, completed_count: 0, conversion_count: 1 });
    // Updating the hired profile again changes nothing.
    await world.rt.asJob(() => elevatedCollection(collections.DriverProfiles).patch(hired._id, { notes: 'started Monday' }));
    expect((await byDriver(withExit)).get(hired._id)).toMatchObject({ status: 'exited', exit_reason: 'hired' });
    // The next day's step goes to the others only.
    world.rt.clock.set(NOON + DAY + HOUR);
    await world.runJob();
    const texts = await world.rt.asJob(() => elevatedCollection(SMSMessages).find((q) => q.eq('sequence_id', withExit).eq('sequence_step', 2), { limit: 100 }));
    expect(texts.map((m) => m.driver_id)).toEqual([other._id]);
    await expectExactCounters(withExit, { enrollment_count: 2, active_count: 0, completed_count: 1, conversion_count: 1 });
  });

  it('an application marked hired marks its driver hired and ends the enrollments at once', async () => {
    const start = NOON + 10 * DAY;
    world.rt.clock.set(start);
    const [applicant, bystander] = (await world.reachableDrivers(4)).slice(2);
    if (!applicant || !bystander) throw new Error('drivers');
    const sequenceId = await create('applicants hired', true);
    await asRecruiter(() => service.enrollDriversInSequence(sequenceId, [applicant._id, bystander._id]));
    const application = await world.rt.asJob(() =>
      elevatedCollection(collections.JobApplications).insert({ job_posting_id: 'job-h', carrier_dot: DEMO_CARRIER_DOT, source_board: 'direct', external_application_id: 'app-hired-1', applicant_name: 'Applicant', answers: {}, matched_driver_id: applicant._id, status: 'new' }),
    );
    // Reviewed: nothing happens yet.
    await world.rt.asJob(() => elevatedCollection(collections.JobApplications).patch(application._id, { status: 'reviewed' }));
    expect((await byDriver(sequenceId)).get(applicant._id)).toMatchObject({ status: 'active' });
    world.rt.clock.set(start + HOUR);
    await world.rt.asJob(() => elevatedCollection(collections.JobApplications).patch(application._id, { status: 'hired' }));
    expect(await world.rt.asJob(() => elevatedCollection(collections.DriverProfiles).get(applicant._id))).toMatchObject({ status: 'hired' });
    const after = await byDriver(sequenceId);
    expect(after.get(applicant._id)).toMatchObject({ status: 'exited', exit_reason: 'hired', converted: 1 });
    expect(after.get(bystander._id)).toMatchObject({ status: 'active' });
    await expectExactCounters(sequenceId, { enrollment_count: 2, active_count: 1, completed_count: 0, conversion_count: 1 });
  });
});
