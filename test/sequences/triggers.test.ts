/**
 * Triggers and exits outside the step job: `application_submitted` through the JobApplications data
 * hook, `audience_match` (new drivers of a saved search) enrolled by the job with a cursor, and the
 * applied / hired / inactive exits the job derives before a step.
 */
import { collections } from '../../src/backend/collections';
import { EmailSequenceEnrollments, EmailSequences } from '../../src/backend/collections/email';
import type { DriverProfile } from '../../src/backend/collections/people';
import type { SequenceStep } from '../../src/backend/collections/sequence-steps';
import { SMSMessages } from '../../src/backend/collections/sms';
import { elevatedCollection } from '../../src/backend/platform';
import { countEnrollments } from '../../src/backend/sequences/counters';
import * as service from '../../src/backend/sequences/service';
import { createSequenceWorld, DAY, DEMO_CARRIER_DOT, HOUR, NOON, type SequenceWorld } from './support';

const TWO_SMS: SequenceStep[] = [
  { step_number: 1, step_type: 'sms', delay_days: 0, delay_hours: 0, message_template: 'Hi {{firstName}}, thanks for your interest. {{optOutText}}' },
  { step_number: 2, step_type: 'sms', delay_days: 1, delay_hours: 0, message_template: 'Hi {{firstName}}, any questions? {{optOutText}}' },
];

describe('sequence triggers and exits', () => {
  let world: SequenceWorld;
  jest.setTimeout(180_000);

  beforeAll(async () => {
    world = await createSequenceWorld({ drivers: 300, seed: 81 });
  });
  afterAll(() => world.close());

  const asRecruiter = <T>(fn: () => Promise<T>): Promise<T> => world.rt.as(world.recruiter, fn);
  const enrollmentsOf = (id: string) => world.rt.asJob(() => elevatedCollection(EmailSequenceEnrollments).find((q) => q.eq('sequence_id', id), { limit: 1000 }));
  const apply = (driverId: string | null, jobPostingId: string, n: number) =>
    world.rt.asJob(() =>
      elevatedCollection(collections.JobApplications).insert({
        job_posting_id: jobPostingId,
        carrier_dot: DEMO_CARRIER_DOT,
        source_board: 'direct',
        external_application_id: `app-${n}`,
        applicant_name: 'Applicant',
        answers: {},
        matched_driver_id: driverId,
        status: 'new',
      }),
    );

  it('application_submitted: the data hook enrolls the applicant once, only for the postings the trigger names', async () => {
    world.rt.clock.set(NOON);
    const [a, b] = await world.reachableDrivers(2);
    if (!a || !b) throw new Error('drivers');
    const created = await asRecruiter(() => service.createEmailSequence(DEMO_CARRIER_DOT, { name: 'applicants', steps: TWO_SMS, status: 'active', triggerType: 'application_submitted', triggerConditions: { job_posting_ids: ['job-a'] } }));
    if (!created.success) throw new Error(created.error);
    await apply(a._id, 'job-a', 1);
    await apply(a._id, 'job-a', 2);
    await apply(b._id, 'job-b', 3);
    await apply(null, 'job-a', 4);
    const list = await enrollmentsOf(created.sequenceId);
    expect(list.map((e) => [e.driver_id, e.enrolled_via, e.status])).toEqual([[a._id, 'application_submitted', 'active']]);
    expect(await world.rt.asJob(() => elevatedCollection(EmailSequences).get(created.sequenceId))).toMatchObject({ enrollment_count: 1, active_count: 1 });
    // The job then runs its first step (in the driver's window); the application before enrollment is not an `applied` exit.
    world.rt.clock.set(NOON + 3 * HOUR);
    await world.runJob();
    expect((await enrollmentsOf(created.sequenceId))[0]).toMatchObject({ status: 'active', current_step: 2 });
  });

  it('audience_match: new drivers matching the saved search are enrolled by the job, once, resuming from the cursor', async () => {
    const start = NOON + 5 * DAY;
    world.rt.clock.set(start);
    const search = await world.rt.asJob(() =>
      elevatedCollection(collections.SavedSearches).insert({ carrier_dot: DEMO_CARRIER_DOT, owner_member_id: world.recruiter._id, name: 'Class A', filter: { cdl_classes: ['A'] }, shared: true }),
    );
    const created = await asRecruiter(() => service.createEmailSequence(DEMO_CARRIER_DOT, { name: 'new class A', steps: TWO_SMS, status: 'active', triggerType: 'audience_match', triggerConditions: { saved_search_id: search._id } }));
    if (!created.success) throw new Error(created.error);
    const [template] = await world.reachableDrivers(1);
    if (!template) throw new Error('driver');
    let n = 0;
    const newDriver = async (cdl: DriverProfile['cdl_class']): Promise<string> => {
      n += 1;
      const { _id, _createdDate, _updatedDate, _owner, ...rest } = template;
      void _id; void _createdDate; void _updatedDate; void _owner;
      const inserted = await world.rt.asJob(() => elevatedCollection(collections.DriverProfiles).insert({ ...rest, _id: `new-driver-${n}`, cdl_class: cdl, phone: `+1214555${String(7000 + n).padStart(4, '0')}`, email: `new.driver.${n}@example.com`, tags: [] }));
      return inserted._id;
    };
    world.rt.clock.set(start + HOUR);
    const a1 = await newDriver('A');
    await newDriver('B');
    const a2 = await newDriver('A');
    world.rt.clock.set(start + 2 * HOUR);
    await world.runJob();
    let list = await enrollmentsOf(created.sequenceId);
    expect(list.map((e) => e.driver_id).sort()).toEqual([a1, a2].sort());
    expect(list.every((e) => e.enrolled_via === 'audience_match' && e.current_step === 2)).toBe(true);
    const texts = await world.rt.asJob(() => elevatedCollection(SMSMessages).count((q) => q.eq('sequence_id', created.sequenceId)));
    expect(texts).toBe(2);
    world.rt.clock.set(start + 3 * HOUR);
    const a3 = await newDriver('A');
    world.rt.clock.set(start + 4 * HOUR);
    await world.runJob();
    await world.runJob();
    list = await enrollmentsOf(created.sequenceId);
    expect(list.map((e) => e.driver_id).sort()).toEqual([a1, a2, a3].sort());
    const stored = await world.rt.asJob(() => elevatedCollection(EmailSequences).get(created.sequenceId));
    expect(stored?.trigger_cursor?.driver_id).toBe(a3);
    expect(stored).toMatchObject((await world.rt.asJob(() => countEnrollments([created.sequenceId]))).get(created.sequenceId) ?? {});
  });

  it('applied, hired and inactive exits are derived before the next step', async () => {
    const start = NOON + 10 * DAY;
    world.rt.clock.set(start);
    const [applicant, hired, inactive, control] = (await world.reachableDrivers(8)).slice(4);
    if (!applicant || !hired || !inactive || !control) throw new Error('drivers');
    const created = await asRecruiter(() =>
      service.createEmailSequence(DEMO_CARRIER_DOT, {
        name: 'exits',
        steps: TWO_SMS,
        status: 'active',
        exitConditions: [{ type: 'applied', enabled: true }, { type: 'hired', enabled: true }, { type: 'inactive', enabled: true }],
      }),
    );
    if (!created.success) throw new Error(created.error);
    await asRecruiter(() => service.enrollDriversInSequence(created.sequenceId, [applicant._id, hired._id, inactive._id, control._id]));
    await world.runJob();
    world.rt.clock.set(start + 2 * HOUR);
    await apply(applicant._id, 'job-z', 99);
    await world.rt.asJob(async () => {
      await elevatedCollection(collections.DriverProfiles).patch(hired._id, { status: 'hired' });
      await elevatedCollection(collections.DriverProfiles).patch(inactive._id, { status: 'inactive' });
    });
    world.rt.clock.set(start + DAY + HOUR);
    await world.runJob();
    const byDriver = new Map((await enrollmentsOf(created.sequenceId)).map((e) => [e.driver_id, e]));
    expect(byDriver.get(applicant._id)).toMatchObject({ status: 'exited', exit_reason: 'applied', converted: 1 });
    expect(byDriver.get(hired._id)).toMatchObject({ status: 'exited', exit_reason: 'hired', converted: 1 });
    expect(byDriver.get(inactive._id)).toMatchObject({ status: 'exited', exit_reason: 'inactive' });
    expect(byDriver.get(control._id)).toMatchObject({ status: 'completed' });
    const texts = await world.rt.asJob(() => elevatedCollection(SMSMessages).find((q) => q.eq('sequence_id', created.sequenceId), { limit: 100 }));
    expect(texts.filter((m) => m.sequence_step === 2).map((m) => m.driver_id)).toEqual([control._id]);
    expect(await world.rt.asJob(() => elevatedCollection(EmailSequences).get(created.sequenceId))).toMatchObject({ enrollment_count: 4, active_count: 0, completed_count: 1, conversion_count: 2 });
  });
});
