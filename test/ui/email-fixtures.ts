/**
 * Scripted answers in the shapes of the email campaign and sequence web methods (spec §4.2,
 * src/backend/emailCampaignService.web.ts, src/backend/sequences/service.ts) for the email app's
 * view tests. The sequence template is the backend's own §2.3 template.
 */
import { SEQUENCE_TEMPLATES } from '../../src/backend/sequences/templates';
import type { Answers } from './fixture-page';

const now = Date.now();
const iso = (minutesAgo: number): string => new Date(now - minutesAgo * 60_000).toISOString();

const campaign = (over: Record<string, unknown>): Record<string, unknown> => ({
  campaign_type: 'one_time',
  from_name: 'Lone Star Freight Recruiting',
  from_email: 'jobs@lonestarfreight.example',
  reply_to: null,
  subject_line: 'Opportunity at {{carrierName}}',
  subject_variants: [],
  preheader: '',
  template_id: null,
  html_content: '<p>Hi {{firstName}}</p>',
  audience_filter: { cdl_classes: ['A'], has_consent_for: 'email' },
  schedule_type: 'immediate',
  tracking: { opens: true, clicks: true },
  ...over,
});

export const emailCampaigns = [
  campaign({ _id: 'e-active', campaign_name: 'Dallas OTR - March', status: 'active', audience_count: 1200, started_at: iso(30), _createdDate: iso(60), subject_variants: ['{{firstName}}, home weekly at {{carrierName}}'] }),
  campaign({ _id: 'e-sched', campaign_name: 'Flatbed weekend', status: 'scheduled', audience_count: 300, schedule_type: 'scheduled', scheduled_time: iso(-1440), _createdDate: iso(200) }),
  campaign({ _id: 'e-done', campaign_name: 'Hazmat tanker', status: 'completed', audience_count: 212, completed_at: iso(4000), _createdDate: iso(5000) }),
  campaign({ _id: 'e-draft', campaign_name: 'Owner-operators', status: 'draft', audience_count: 0, _createdDate: iso(90) }),
];

const stats: Record<string, { sent: number; opened: number; clicked: number }> = {
  'e-active': { sent: 800, opened: 240, clicked: 60 },
  'e-done': { sent: 210, opened: 70, clicked: 12 },
};

export const emailAnalytics = {
  sent: 800,
  delivered: 780,
  deferred: 4,
  bounces: 12,
  dropped: 2,
  failed: 1,
  opens: 240,
  totalOpens: 310,
  machineOpens: 35,
  clicks: 60,
  totalClicks: 75,
  unsubscribes: 5,
  spamReports: 0,
  pending: 400,
  held: 0,
  blocked: 0,
  canceled: 0,
  unconfirmed: 0,
  deliveryRate: 0.975,
  openRate: 0.3077,
  clickRate: 0.0769,
  clickToOpenRate: 0.25,
  bounceRate: 0.015,
  unsubscribeRate: 0.0064,
  audienceCount: 1200,
  costEstimate: 1.2,
  variants: {
    metric: 'opens',
    significant: false,
    winner: null,
    decision: 'No significant winner yet.',
    variants: [
      { id: 'A', name: 'Opportunity at {{carrierName}}', control: true, successes: 130, total: 390, rate: 130 / 390, vsControl: null, probabilityToBeBest: 0.7 },
      { id: 'B', name: '{{firstName}}, home weekly at {{carrierName}}', control: false, successes: 110, total: 390, rate: 110 / 390, vsControl: { pValue: 0.12, confidence: 0.88, lift: -0.15 }, probabilityToBeBest: 0.3 },
    ],
  },
};

export const timeline = [
  { at: '2026-01-21T19:00:00.000Z', opens: 120, clicks: 30 },
  { at: '2026-01-21T20:00:00.000Z', opens: 80, clicks: 20 },
  { at: '2026-01-21T21:00:00.000Z', opens: 40, clicks: 10 },
];

export const recipients = Array.from({ length: 25 }, (_, i) => ({
  messageId: `m-${i}`,
  driverId: `d-${i}`,
  driverName: `Driver ${i}`,
  email: `d***${i}@example.com`,
  status: i === 3 ? 'bounced' : 'delivered',
  variantId: i % 2 === 0 ? 'A' : 'B',
  sentAt: iso(30),
  deliveredAt: iso(29),
  openedAt: i % 3 === 0 ? iso(20) : null,
  clickedAt: i === 0 ? iso(10) : null,
  openCount: i % 3 === 0 ? 2 : 0,
  clickCount: i === 0 ? 1 : 0,
  bounceReason: i === 3 ? '550 5.1.1 mailbox does not exist' : null,
  unsubscribed: false,
}));

const template = SEQUENCE_TEMPLATES[0];
if (!template) throw new Error('the backend has no sequence template');
export const sequenceTemplate = template;

export const sequences = [
  {
    _id: 'seq-1',
    sequence_name: 'Dallas applicants follow-up',
    status: 'active',
    trigger_type: 'manual',
    trigger_conditions: {},
    steps: template.steps,
    exit_conditions: template.exitConditions,
    enrollment_count: 40,
    active_count: 22,
    completed_count: 10,
    conversion_count: 8,
    completion_tag: 'cold',
    template_id: template.templateId,
    activated_at: iso(3000),
    _createdDate: iso(3100),
  },
  { _id: 'seq-2', sequence_name: 'Welcome draft', status: 'draft', trigger_type: 'application_submitted', trigger_conditions: {}, steps: [template.steps[1]], exit_conditions: [], enrollment_count: 0, active_count: 0, completed_count: 0, conversion_count: 0, _createdDate: iso(100) },
];

export const sequenceAnalytics = {
  enrolled: 40,
  active: 22,
  completed: 10,
  exited: 8,
  conversions: 8,
  conversionRate: 0.2,
  completionRate: 0.25,
  exitReasons: { replied: 6, opted_out: 2 },
  steps: [
    { position: 1, stepNumber: 1, stepType: 'sms', reached: 40, sent: 40, opened: 0, clicked: 0, replied: 5, exited: 0, waiting: 4 },
    { position: 2, stepNumber: 2, stepType: 'email', reached: 30, sent: 29, opened: 12, clicked: 4, replied: 0, exited: 5, waiting: 6 },
    { position: 3, stepNumber: 3, stepType: 'sms', reached: 20, sent: 19, opened: 0, clicked: 0, replied: 1, exited: 2, waiting: 8 },
    { position: 4, stepNumber: 4, stepType: 'email', reached: 12, sent: 12, opened: 3, clicked: 1, replied: 0, exited: 1, waiting: 4 },
  ],
};

export const enrollments = [
  {
    _id: 'seq-1.d-1',
    driver_id: 'd-1',
    driverName: 'Marcus Reyes',
    status: 'exited',
    current_step: 3,
    exit_reason: 'replied',
    enrolled_at: iso(3000),
    step_history: [
      { step_number: 1, step_type: 'sms', executed_at: iso(3000), outcome: 'sent' },
      { step_number: 2, step_type: 'email', executed_at: iso(1560), outcome: 'sent' },
    ],
  },
  { _id: 'seq-1.d-2', driver_id: 'd-2', driverName: 'Dana Whitfield', status: 'active', current_step: 2, enrolled_at: iso(100), next_step_at: iso(-1340), step_history: [{ step_number: 1, step_type: 'sms', executed_at: iso(100), outcome: 'sent' }] },
];

export const emailAnswers: Answers = {
  getRecruiterContext: { success: true, carrier: { carrier_dot: '1234567', name: 'Lone Star Freight' }, recruiter: { first_name: 'Sarah', last_name: 'Johnson', role: 'recruiter' }, isAdmin: false },
  getEmailCampaigns: { success: true, campaigns: emailCampaigns.map((c) => ({ campaignId: c['_id'], name: c['campaign_name'], status: c['status'], stats: stats[String(c['_id'])] ?? { sent: 0, opened: 0, clicked: 0 }, campaign: c })) },
  createEmailCampaign: { success: false, error: 'Invalid input — argument 1.subjectLine: Unknown template variable in the subject: firstname', code: 'INVALID_INPUT' },
  updateEmailCampaign: { success: true, campaign: { campaign: emailCampaigns[3], stats: { sent: 0, opened: 0, clicked: 0 } } },
  deleteEmailCampaign: { success: true, archived: false },
  sendEmailCampaign: { success: true, emailsQueued: 1200 },
  pauseEmailCampaign: { success: true, emailsSent: 800, emailsPending: 400 },
  resumeEmailCampaign: { success: true },
  getEmailCampaignAnalytics: { success: true, analytics: emailAnalytics, timeline },
  getEmailCampaignRecipients: { success: true, recipients, total: 780 },
  estimateEmailAudience: { success: true, audienceCount: 1187, costEstimate: 1.19 },
  estimateSMSAudience: { success: true, audienceCount: 964, costEstimate: 7.6, segments: 1, pricePerSegment: 0.0079 },
  sendTestEmail: { success: true, sendgridId: 'sg-1', to: 'sarah@lonestarfreight.example', subject: '[TEST] hi' },
  getSequenceTemplates: { success: true, templates: SEQUENCE_TEMPLATES },
  createEmailSequence: { success: true, sequenceId: 'seq-new' },
  getEmailSequences: { success: true, sequences: sequences.map((s) => ({ sequenceId: s._id, name: s.sequence_name, status: s.status, sequence: s })) },
  updateEmailSequence: { success: true, sequence: { sequenceId: 'seq-2', sequence: sequences[1] } },
  pauseEmailSequence: { success: true, status: 'paused' },
  resumeEmailSequence: { success: true, status: 'active' },
  enrollDriversInSequence: { success: true, enrolled: 2, enrollmentIds: ['seq-1.d-7', 'seq-1.d-8'], skipped: [{ driverId: 'd-9', reason: 'already_enrolled' }], nextCursor: null },
  removeFromSequence: { success: true },
  getSequenceAnalytics: { success: true, analytics: sequenceAnalytics },
  getSequenceEnrollments: { success: true, enrollments, total: 2 },
};
