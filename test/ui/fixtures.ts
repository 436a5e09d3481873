/** Scripted answers in the shapes of spec §4.1 / the SMS collections, for the app's view tests. */
import type { Answers } from './fixture-page';

const now = Date.now();
const iso = (minutesAgo: number): string => new Date(now - minutesAgo * 60_000).toISOString();

export const campaigns = [
  {
    _id: 'c-active',
    campaign_name: 'Spring Hiring Blitz - Week 1',
    status: 'active',
    message_template: 'Hi {{firstName}}, this is {{recruiterName}} from {{carrierName}}. OTR paying $0.55+ CPM. Reply YES. {{optOutText}}',
    message_variants: [
      { variant_id: 'A', name: 'Variant A', message_template: 'Hi {{firstName}}, OTR paying $0.55+ CPM. Reply YES.', weight: 50 },
      { variant_id: 'B', name: 'Variant B', message_template: '{{firstName}}, quick question - are you looking?', weight: 50 },
    ],
    audience_filter: { cdl_classes: ['A'], statuses: ['job_seeking'], within: { miles: 200, place: 'Dallas, TX' }, no_sms_in_last_days: 30, has_consent_for: 'sms' },
    audience_count: 1247,
    schedule_type: 'immediate',
    send_window: { start_hour: 9, end_hour: 20, timezone: 'recipient', days: [1, 2, 3, 4, 5] },
    cost_estimate: 18.7,
    stats: { sent: 812, delivered: 794, failed: 6, replies: 61, opt_outs: 9, cost: 12.83 },
    started_at: iso(25),
    _createdDate: iso(60),
  },
  { _id: 'c-sched', campaign_name: 'Weekend Regional Push', status: 'scheduled', audience_count: 430, cost_estimate: 6.79, scheduled_time: iso(-1440), schedule_type: 'scheduled', _createdDate: iso(300) },
  { _id: 'c-done', campaign_name: 'Hazmat Tanker Drivers', status: 'completed', audience_count: 212, cost_estimate: 3.35, stats: { sent: 210, delivered: 204, failed: 2, replies: 19, opt_outs: 3, cost: 3.32 }, completed_at: iso(4000), _createdDate: iso(5000) },
  { _id: 'c-draft', campaign_name: 'Owner-operator lease', status: 'draft', audience_count: 0, cost_estimate: 0, message_template: 'Hi {{firstName}}', _createdDate: iso(90) },
];

export const analytics = {
  audience: 1247,
  sent: 812,
  delivered: 794,
  failed: 6,
  replies: 61,
  optOuts: 9,
  cost: 12.83,
  costEstimate: 18.7,
  pending: 429,
  status: 'active',
  variants: {
    metric: 'replies',
    significant: false,
    winner: null,
    leaderId: 'A',
    decision: 'Variant A leads (94% probability to be best) but needs 1,100 sends per variant before a winner can be declared.',
    variants: [
      { id: 'A', name: 'Variant A', control: true, successes: 36, total: 405, rate: 36 / 405, ci: { low: 0.064, high: 0.12 }, vsControl: null, probabilityToBeBest: 0.94 },
      { id: 'B', name: 'Variant B', control: false, successes: 25, total: 407, rate: 25 / 407, ci: { low: 0.041, high: 0.089 }, vsControl: { z: -1.5, pValue: 0.13, confidence: 0.87, lift: -0.31 }, probabilityToBeBest: 0.06 },
    ],
  },
};

export const replies = [
  { messageId: 'm-1', campaignId: 'c-active', campaignName: 'Spring Hiring Blitz - Week 1', driverId: 'd1', driverName: 'Marcus Reyes', phone: '+15125550143', body: 'YES - what are the home time options?', receivedAt: iso(3), state: 'new' },
  { messageId: 'm-2', campaignId: 'c-active', campaignName: 'Spring Hiring Blitz - Week 1', driverId: 'd2', driverName: 'Dana Whitfield', phone: '+12145550178', body: 'STOP', receivedAt: iso(9), state: 'new', optedOut: true },
  { messageId: 'm-3', campaignId: 'c-active', campaignName: 'Spring Hiring Blitz - Week 1', driverId: 'd3', driverName: 'Luis Ortega', phone: '+14695550111', body: 'Do you take drivers with 1 year?', receivedAt: iso(40), state: 'needs_follow_up' },
];

const summaries = campaigns.map((c) => ({ campaignId: c._id, name: c.campaign_name, status: c.status, campaign: c }));

export const answers: Answers = {
  getRecruiterContext: { success: true, carrier: { carrier_dot: '1234567', name: 'Lone Star Freight' }, recruiter: { first_name: 'Sarah', last_name: 'Johnson', role: 'recruiter' }, isAdmin: false },
  getSMSCampaigns: { success: true, campaigns: summaries },
  getSMSCampaignAnalytics: { success: true, analytics },
  getSMSReplies: { success: true, replies: replies.map(({ body, receivedAt, ...r }) => ({ ...r, reply: body, replyAt: receivedAt, sentBody: 'Hi' })), total: replies.length },
  estimateSMSAudience: { success: true, audienceCount: 1247, costEstimate: 19.7, pricePerSegment: 0.0079 },
  createSMSCampaign: { success: false, error: 'Invalid input — argument 1.name: Too big: expected string to have <=200 characters', code: 'INVALID_INPUT' },
  updateSMSCampaign: { success: true, campaign: summaries[3] },
  deleteSMSCampaign: { success: true },
  sendSMSCampaign: { success: true, messagesQueued: 1247, estimatedCost: 19.7 },
  scheduleSMSCampaign: { success: true, scheduledFor: iso(-1440) },
  pauseSMSCampaign: { success: true, messagesSent: 812, messagesPending: 429 },
  resumeSMSCampaign: { success: true },
  checkOptOutStatus: { success: true, optedOut: false, optedOutAt: null },
  optOutDriver: { success: true },
  replyToDriver: { success: true },
  setReplyState: { success: true },
  sendTestSMS: { success: true },
};
