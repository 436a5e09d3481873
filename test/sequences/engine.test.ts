/**
 * The pure sequence engine: every step type, every step condition, every exit condition, branch
 * outcomes, completion, and when the next step is due (delays, then the channel's window).
 */
import type { ExitCondition, SequenceStep } from '../../src/backend/collections/sequence-steps';
import { SEQUENCE_EXIT_TYPES } from '../../src/backend/collections/vocabulary';
import { recipientLocation } from '../../src/backend/outreach';
import { advanceAfter, branchOutcome, convertedAt, DAY_MS, exitFor, firstDueAt, NO_ENGAGEMENT, planStep, stepsAtOnce, type EngagementFacts, type SequencePlan } from '../../src/backend/sequences/engine';
import { dueAfter, intoChannelWindow } from '../../src/backend/sequences/timing';

const HOUR = 60 * 60_000;
const ENROLLED = new Date('2026-11-02T18:00:00Z'); // Monday, 12:00 in Chicago
const NOW = new Date('2026-11-03T18:00:00Z');
const chicago = recipientLocation({ phone: '+13125550100', home_state: 'IL', home_time_zone: 'America/Chicago' });

const steps: SequenceStep[] = [
  { step_number: 1, step_type: 'sms', delay_days: 0, delay_hours: 0, message_template: 'Hi {{firstName}}' },
  { step_number: 2, step_type: 'email', delay_days: 1, delay_hours: 0, subject: 'Hello', html_content: '<p>Hi</p>', conditions: { if_not_opened: true } },
  { step_number: 3, step_type: 'condition', delay_days: 0, delay_hours: 2, conditions: { if_not_clicked: true }, on_false: 'skip_next' },
  { step_number: 4, step_type: 'voicemail', delay_days: 1, delay_hours: 0, script: 'Hi, this is Sarah' },
  { step_number: 5, step_type: 'wait', delay_days: 2, delay_hours: 0 },
  { step_number: 6, step_type: 'condition', delay_days: 0, delay_hours: 0, conditions: { if_no_reply: true }, on_false: 'exit' },
  { step_number: 7, step_type: 'email', delay_days: 0, delay_hours: 3, subject: 'Last', html_content: '<p>Last</p>' },
];

function plan(overrides: Partial<SequencePlan> = {}): SequencePlan {
  return { sequenceId: 'seq', version: 1, steps, exitConditions: SEQUENCE_EXIT_TYPES.map((type) => ({ type, enabled: true })), sendWindow: null, inactiveAfterDays: 30, ...overrides };
}

const facts = (overrides: Partial<EngagementFacts> = {}): EngagementFacts => ({ ...NO_ENGAGEMENT, ...overrides });
const at = (position: number, f: EngagementFacts = facts(), p: SequencePlan = plan(), now = NOW) => planStep({ plan: p, position, enrolledAt: ENROLLED, facts: f, now });

describe('planStep: step types', () => {
  it('sends SMS and email steps, skips voicemail with a reason, waits on wait steps', () => {
    expect(at(1)).toMatchObject({ kind: 'send', position: 1, step: { step_type: 'sms' } });
    expect(at(2)).toMatchObject({ kind: 'send', position: 2, step: { step_type: 'email' } });
    const voicemail = at(4);
    expect(voicemail).toMatchObject({ kind: 'skip', position: 4 });
    expect(voicemail.kind === 'skip' && voicemail.reason).toMatch(/voicemail/i);
    expect(at(5)).toMatchObject({ kind: 'wait', position: 5 });
  });

  it('completes when no step is left', () => {
    expect(at(8)).toEqual({ kind: 'complete' });
  });

  it('evaluates condition steps: true, and false with skip_next or exit', () => {
    expect(at(3)).toMatchObject({ kind: 'branch', holds: true });
    const clicked = at(3, facts({ emailClicked: true }));
    expect(clicked).toMatchObject({ kind: 'branch', holds: false });
    if (clicked.kind !== 'branch') throw new Error('expected a branch');
    expect(branchOutcome(clicked)).toEqual({ outcome: 'condition_false', skip: 1, exit: false });
    // A reply before the exit check is disabled: the condition step decides.
    const noReplyExit = plan({ exitConditions: [{ type: 'replied', enabled: false }] });
    const replied = at(6, facts({ repliedAt: new Date(NOW.getTime() - HOUR) }), noReplyExit);
    if (replied.kind !== 'branch') throw new Error('expected a branch');
    expect(branchOutcome(replied)).toEqual({ outcome: 'condition_false', skip: 0, exit: true });
    const ok = at(6, facts(), noReplyExit);
    if (ok.kind !== 'branch') throw new Error('expected a branch');
    expect(branchOutcome(ok)).toEqual({ outcome: 'condition_true', skip: 0, exit: false });
  });
});

describe('planStep: step conditions gate send steps', () => {
  it('if_not_opened skips when an earlier email was opened', () => {
    expect(at(2, facts({ emailOpened: true }))).toMatchObject({ kind: 'skip', reason: expect.stringMatching(/opened/) });
    expect(at(2, facts({ emailClicked: true }))).toMatchObject({ kind: 'send' });
  });

  it('if_not_clicked and if_no_reply gate too', () => {
    const gated = plan({
      steps: [{ step_number: 1, step_type: 'sms', delay_days: 0, delay_hours: 0, message_template: 'x', conditions: { if_not_clicked: true, if_no_reply: true } }],
      exitConditions: [],
    });
    expect(at(1, facts(), gated)).toMatchObject({ kind: 'send' });
    expect(at(1, facts({ emailClicked: true }), gated)).toMatchObject({ kind: 'skip', reason: expect.stringMatching(/clicked/) });
    expect(at(1, facts({ repliedAt: new Date(ENROLLED.getTime() + HOUR) }), gated)).toMatchObject({ kind: 'skip', reason: expect.stringMatching(/replied/) });
    // A reply from before the enrollment does not count.
    expect(at(1, facts({ repliedAt: new Date(ENROLLED.getTime() - HOUR) }), gated)).toMatchObject({ kind: 'send' });
  });
});

describe('exit conditions', () => {
  const only = (type: ExitCondition['type']): SequencePlan => plan({ exitConditions: [{ type, enabled: true }] });
  const cases: [ExitCondition['type'], Partial<EngagementFacts>][] = [
    ['hired', { hired: true }],
    ['applied', { appliedAt: new Date(ENROLLED.getTime() + HOUR) }],
    ['replied', { repliedAt: new Date(ENROLLED.getTime() + HOUR) }],
    ['unsubscribed', { unsubscribed: true }],
    ['opted_out', { optedOut: true }],
    ['inactive', { profileInactive: true }],
  ];
  it.each(cases)('%s ends the enrollment before the step, only when enabled', (type, f) => {
    expect(at(1, facts(f), only(type))).toMatchObject({ kind: 'exit', reason: type });
    expect(at(1, facts(f), plan({ exitConditions: [{ type, enabled: false }] }))).not.toMatchObject({ kind: 'exit' });
  });

  it('applied and replied count only after enrollment', () => {
    const before = new Date(ENROLLED.getTime() - HOUR);
    expect(at(1, facts({ appliedAt: before }), only('applied'))).toMatchObject({ kind: 'send' });
    expect(at(1, facts({ repliedAt: before }), only('replied'))).toMatchObject({ kind: 'send' });
  });

  it('inactive: no activity for more than inactive_after_days since the later of enrollment and the last activity', () => {
    const p = plan({ exitConditions: [{ type: 'inactive', enabled: true }], inactiveAfterDays: 10 });
    const day11 = new Date(ENROLLED.getTime() + 11 * DAY_MS);
    expect(exitFor({ plan: p, enrolledAt: ENROLLED, facts: facts(), now: new Date(ENROLLED.getTime() + 9 * DAY_MS) })).toBeNull();
    expect(exitFor({ plan: p, enrolledAt: ENROLLED, facts: facts(), now: day11 })).toMatchObject({ reason: 'inactive' });
    expect(exitFor({ plan: p, enrolledAt: ENROLLED, facts: facts({ lastActivityAt: new Date(ENROLLED.getTime() + 5 * DAY_MS) }), now: day11 })).toBeNull();
  });

  it('checks exits in a fixed order (hired first)', () => {
    expect(at(1, facts({ hired: true, optedOut: true, unsubscribed: true }))).toMatchObject({ kind: 'exit', reason: 'hired' });
  });
});

describe('advance and timing', () => {
  it('moves to the next step, due its delay after the step that ran', () => {
    const ran = new Date('2026-11-03T15:00:00Z');
    const next = advanceAfter({ plan: plan(), position: 2, outcome: 'sent', at: ran, location: chicago, messageId: 'm' });
    expect(next).toMatchObject({ status: 'active', currentStep: 3, entry: { step_number: 2, step_type: 'email', outcome: 'sent', message_id: 'm' } });
    expect(next.nextStepAt?.toISOString()).toBe('2026-11-03T17:00:00.000Z');
  });

  it('skip_next jumps over the following step; past the last step it completes', () => {
    const ran = new Date('2026-11-03T15:00:00Z');
    expect(advanceAfter({ plan: plan(), position: 3, outcome: 'condition_false', at: ran, location: chicago, skip: 1 })).toMatchObject({ currentStep: 5 });
    const done = advanceAfter({ plan: plan(), position: 7, outcome: 'sent', at: ran, location: chicago });
    expect(done).toMatchObject({ status: 'completed', currentStep: 8, nextStepAt: null });
  });

  it('moves an SMS step into 9–20 recipient-local time (and the legal hours)', () => {
    const sms: SequenceStep = { step_number: 9, step_type: 'sms', delay_days: 0, delay_hours: 0, message_template: 'x' };
    // 03:00 Chicago → 09:00 Chicago the same day.
    expect(intoChannelWindow({ step: sms, at: new Date('2026-11-03T09:00:00Z'), location: chicago, sendWindow: null }).toISOString()).toBe('2026-11-03T15:00:00.000Z');
    // 21:30 Chicago → 09:00 the next day.
    expect(intoChannelWindow({ step: sms, at: new Date('2026-11-04T03:30:00Z'), location: chicago, sendWindow: null }).toISOString()).toBe('2026-11-04T15:00:00.000Z');
    // Inside the window: unchanged.
    const noon = new Date('2026-11-03T18:00:00Z');
    expect(intoChannelWindow({ step: sms, at: noon, location: chicago, sendWindow: null })).toEqual(noon);
  });

  it('moves an email step into the sequence send window only when there is one', () => {
    const email: SequenceStep = { step_number: 9, step_type: 'email', delay_days: 0, delay_hours: 0, subject: 's', html_content: 'x' };
    const night = new Date('2026-11-04T05:00:00Z'); // 23:00 Chicago
    expect(intoChannelWindow({ step: email, at: night, location: chicago, sendWindow: null })).toEqual(night);
    const weekdays = { start_hour: 8, end_hour: 17, timezone: 'recipient' as const, days: [1, 2, 3, 4, 5] };
    expect(intoChannelWindow({ step: email, at: night, location: chicago, sendWindow: weekdays }).toISOString()).toBe('2026-11-04T14:00:00.000Z');
    // Friday evening → Monday 08:00.
    expect(intoChannelWindow({ step: email, at: new Date('2026-11-07T00:00:00Z'), location: chicago, sendWindow: weekdays }).toISOString()).toBe('2026-11-09T14:00:00.000Z');
  });

  it('wait and condition steps are never shifted; delays add days and hours', () => {
    const wait: SequenceStep = { step_number: 9, step_type: 'wait', delay_days: 1, delay_hours: 5, conditions: undefined };
    const night = new Date('2026-11-04T05:00:00Z');
    expect(dueAfter({ step: wait, after: night, location: chicago, sendWindow: null }).getTime()).toBe(night.getTime() + 29 * HOUR);
  });

  it('the first step of a new enrollment is due its delay after enrollment, in its window', () => {
    const night = new Date('2026-11-03T04:00:00Z'); // 22:00 Chicago
    expect(firstDueAt({ plan: plan(), enrolledAt: night, location: chicago })?.toISOString()).toBe('2026-11-03T15:00:00.000Z');
    expect(firstDueAt({ plan: plan({ steps: [] }), enrolledAt: night, location: chicago })).toBeNull();
  });
});

describe('conversions', () => {
  it('a reply, application or hire after enrollment converts; the earliest counts', () => {
    expect(convertedAt(facts(), ENROLLED, NOW)).toBeNull();
    const reply = new Date(ENROLLED.getTime() + 2 * HOUR);
    const applied = new Date(ENROLLED.getTime() + HOUR);
    expect(convertedAt(facts({ repliedAt: reply, appliedAt: applied }), ENROLLED, NOW)).toEqual(applied);
    expect(convertedAt(facts({ repliedAt: new Date(ENROLLED.getTime() - HOUR) }), ENROLLED, NOW)).toBeNull();
    expect(convertedAt(facts({ hired: true }), ENROLLED, NOW)).toEqual(NOW);
  });
});

describe('stepsAtOnce: what one batch may run after the due step', () => {
  const numbers = (p: SequencePlan, position: number): number[] => stepsAtOnce(p, position).map((s) => s.step_number);
  it('stops after a message step without conditions, and at a step with a delay', () => {
    expect(numbers(plan(), 1)).toEqual([1]);
    // Step 2 (email, conditions: may be skipped) is followed by step 3, which has a delay.
    expect(numbers(plan(), 2)).toEqual([2]);
    expect(numbers(plan(), 7)).toEqual([7]);
  });
  it('follows waits, conditions (both branches of skip_next), voicemail and skippable message steps while the next one has no delay', () => {
    const chain: SequenceStep[] = [
      { step_number: 1, step_type: 'wait', delay_days: 1, delay_hours: 0 },
      { step_number: 2, step_type: 'condition', delay_days: 0, delay_hours: 0, conditions: { if_not_opened: true }, on_false: 'skip_next' },
      { step_number: 3, step_type: 'sms', delay_days: 0, delay_hours: 0, message_template: 'Hi' },
      { step_number: 4, step_type: 'voicemail', delay_days: 0, delay_hours: 0, script: 'Hi' },
      { step_number: 5, step_type: 'email', delay_days: 0, delay_hours: 0, subject: 'S', html_content: '<p>x</p>', conditions: { if_not_clicked: true } },
      { step_number: 6, step_type: 'email', delay_days: 0, delay_hours: 0, subject: 'T', html_content: '<p>y</p>' },
      { step_number: 7, step_type: 'wait', delay_days: 0, delay_hours: 0 },
    ];
    expect(numbers(plan({ steps: chain }), 1)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(numbers(plan({ steps: chain }), 4)).toEqual([4, 5, 6]);
    expect(numbers(plan({ steps: chain }), 8)).toEqual([]);
  });
});
