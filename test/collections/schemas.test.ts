import { describeStep, sequenceStep, type SequenceStep } from '../../src/backend/collections/sequence-steps';
import { collections, type CollectionId } from '../../src/backend/collections/registry';
import { DEFAULT_SEND_WINDOW, sendWindow } from '../../src/backend/collections/common';
import { examples } from './examples';

const ids = Object.keys(collections) as CollectionId[];

describe('collection schemas', () => {
  it.each(ids)('%s parses a realistic item', (id) => {
    const result = collections[id].schema.safeParse(examples[id].valid);
    expect(result.error?.issues ?? []).toEqual([]);
    expect(result.success).toBe(true);
  });

  it.each(ids)('%s rejects items with a wrong field', (id) => {
    for (const [field, value] of examples[id].invalid) {
      const broken = { ...examples[id].valid, [field]: value };
      const result = collections[id].schema.safeParse(broken);
      expect({ field, success: result.success }).toEqual({ field, success: false });
    }
  });

  it.each(ids)('%s requires _id', (id) => {
    const { _id: _ignored, ...withoutId } = examples[id].valid;
    expect(collections[id].schema.safeParse(withoutId).success).toBe(false);
  });

  it('fills the carrier SMS price default (0.0079 per segment)', () => {
    const { sms_price_per_segment: _p, ...rest } = examples.Carriers.valid;
    const parsed = collections.Carriers.schema.parse(rest);
    expect(parsed.sms_price_per_segment).toBe(0.0079);
  });

  it('keeps consent provenance on drivers', () => {
    const parsed = collections.DriverProfiles.schema.parse(examples.DriverProfiles.valid);
    expect(parsed.sms_consent).toMatchObject({ granted: true, source: 'job_application_form', text_version: 'sms-2025-04' });
    expect(parsed.sms_consent?.captured_at).toBeInstanceOf(Date);
  });

  it('accepts a driver without phone or email (null)', () => {
    const item = { ...examples.DriverProfiles.valid, phone: null, phone_valid: false, phone_line_type: 'unknown', email: null, email_valid: false };
    expect(collections.DriverProfiles.schema.safeParse(item).success).toBe(true);
  });

  it('the default send window is the spec 09:00-20:00 recipient-local window', () => {
    expect(sendWindow.parse(DEFAULT_SEND_WINDOW)).toEqual({ start_hour: 9, end_hour: 20, timezone: 'recipient', days: [0, 1, 2, 3, 4, 5, 6] });
  });
});

describe('sequence steps', () => {
  it('discriminates on step_type and describes every kind', () => {
    const steps = (examples.EmailSequences.valid['steps'] as unknown[]).map((s) => sequenceStep.parse(s));
    const described = steps.map((s: SequenceStep) => describeStep(s));
    expect(described).toEqual([
      'Step 1 (immediately): email "Welcome to {{carrierName}}"',
      'Step 2: wait 2d 0h',
      'Step 3 (immediately): condition, else skip_next',
      'Step 4 (after 1d 0h): SMS',
      'Step 5 (after 1d 0h): voicemail drop',
    ]);
  });

  it('rejects an email step without a subject and a condition step without conditions', () => {
    expect(sequenceStep.safeParse({ step_number: 1, step_type: 'email', delay_days: 0, delay_hours: 0 }).success).toBe(false);
    expect(sequenceStep.safeParse({ step_number: 1, step_type: 'condition', delay_days: 0, delay_hours: 0, on_false: 'exit' }).success).toBe(false);
  });
});
