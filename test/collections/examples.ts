/** One realistic item per collection, and a way to break it, for the schema tests. */
import type { CollectionId } from '../../src/backend/collections/registry';

const at = (iso: string): Date => new Date(iso);
const DOT = '2233445';

export interface Example {
  readonly valid: Record<string, unknown>;
  /** A copy of `valid` with one field wrong (the field name is the key). */
  readonly invalid: readonly (readonly [field: string, value: unknown])[];
}

export const examples: Readonly<Record<CollectionId, Example>> = {
  Carriers: {
    valid: {
      _id: 'carrier-2233445', carrier_dot: DOT, name: 'Lone Star Freight Lines',
      physical_address: { street: '4100 Logistics Pkwy', city: 'Dallas', state: 'TX', zip: '75241', country: 'US' },
      main_phone: '+12145550100', time_zone: 'America/Chicago', sms_price_per_segment: 0.0079, sms_daily_cap_per_driver: 1, active: true,
    },
    invalid: [['time_zone', 'Central'], ['carrier_dot', 'DOT-12'], ['physical_address', { street: 'x', city: 'Dallas', state: 'TX', zip: '752', country: 'US' }]],
  },
  RecruiterProfiles: {
    valid: { _id: 'r1', member_id: 'member-recruiter-1', carrier_dot: DOT, first_name: 'Sarah', last_name: 'Johnson', phone: '+12145550111', email: 'sarah@lonestarfreight.example', role: 'manager', active: true },
    invalid: [['role', 'owner'], ['phone', '214-555-0111']],
  },
  DriverProfiles: {
    valid: {
      _id: 'drv-1', carrier_dot: DOT, first_name: 'John', last_name: 'Smith', phone: '+15125550123', phone_valid: true, phone_line_type: 'mobile',
      email: 'john.smith@example.com', email_valid: true, home_city: 'Austin', home_state: 'TX', home_zip: '78701', home_lat: 30.27, home_lng: -97.74,
      home_time_zone: 'America/Chicago', cdl_class: 'A', endorsements: ['H', 'T'], years_experience: 6, status: 'job_seeking',
      sms_consent: { granted: true, source: 'job_application_form', captured_at: at('2025-06-01T14:00:00Z'), text_version: 'sms-2025-04' },
      email_consent: null, last_sms_at: null, last_email_at: at('2025-12-01T15:00:00Z'), tags: ['otr'], source: 'job_board',
    },
    invalid: [['cdl_class', 'D'], ['endorsements', ['Z']], ['status', 'looking'], ['home_state', 'PR'], ['sms_consent', { granted: true }], ['last_sms_at', '2025-01-01']],
  },
  SavedSearches: {
    valid: { _id: 's1', carrier_dot: DOT, owner_member_id: 'member-recruiter-1', name: 'Class A near Dallas', filter: { cdl_classes: ['A'], within: { miles: 200, zip: '75201' } }, shared: true },
    invalid: [['filter', { cdl_classes: ['Q'] }], ['name', '']],
  },
  ComplianceAuditLog: {
    valid: {
      _id: 'a1', carrier_dot: DOT, driver_id: 'drv-1', channel: 'sms', decision: 'hold', rule: 'state_window.FL', reason: 'Florida allows 8am-8pm; it is 8:30pm',
      at: at('2026-01-15T01:30:00Z'), hold_until: at('2026-01-15T13:00:00Z'), campaign_id: 'c1', time_zones: ['America/New_York', 'America/Chicago'],
    },
    invalid: [['decision', 'maybe'], ['channel', 'fax'], ['at', 'now']],
  },
  ContactEvents: {
    valid: { _id: 'sms:c1-drv-1', carrier_dot: DOT, driver_id: 'drv-1', channel: 'sms', at: at('2026-01-22T15:00:01Z'), campaign_id: 'c1', message_id: 'c1-drv-1' },
    invalid: [['channel', 'fax'], ['at', '2026-01-22'], ['message_id', ''], ['driver_id', '']],
  },
  SMSCampaigns: {
    valid: {
      _id: 'c1', _owner: 'member-recruiter-1', carrier_dot: DOT, campaign_name: 'Spring Hiring Blitz', campaign_type: 'blast', status: 'draft',
      message_template: 'Hi {{firstName}}, {{recruiterName}} from {{carrierName}} here.', message_variants: [{ variant_id: 'A', message_template: 'Hi {{firstName}}', weight: 50 }],
      audience_filter: { cdl_classes: ['A'], statuses: ['job_seeking'] }, audience_count: 1247, schedule_type: 'scheduled', scheduled_time: at('2026-01-22T15:00:00Z'),
      send_window: { start_hour: 9, end_hour: 20, timezone: 'recipient', days: [1, 2, 3, 4, 5] }, rate_limit: 60, opt_out_handling: 'Reply STOP to opt out',
      tracking_enabled: true, cost_estimate: 18.7,
    },
    invalid: [['status', 'sending'], ['send_window', { start_hour: 9, end_hour: 25, timezone: 'recipient', days: [] }], ['rate_limit', 0]],
  },
  SMSMessages: {
    valid: {
      _id: 'c1-drv-1', campaign_id: 'c1', carrier_dot: DOT, driver_id: 'drv-1', phone_number: '+15125550123', message_body: 'Hi John', status: 'delivered',
      twilio_sid: 'SM0123456789abcdef0123456789abcdef', sent_at: at('2026-01-22T15:00:01Z'), delivered_at: at('2026-01-22T15:00:04Z'), cost: 0.0079,
      reply_received: false, opted_out: false,
    },
    invalid: [['status', 'read'], ['phone_number', '5125550123'], ['campaign_id', '']],
  },
  SMSOptOuts: {
    valid: { _id: 'o1', phone_number: '+15125550123', driver_id: 'drv-1', carrier_dot: 'all', opted_out_at: at('2026-01-22T16:00:00Z'), opt_out_source: 'STOP_keyword', resubscribed: false },
    invalid: [['opt_out_source', 'email'], ['carrier_dot', 'everyone']],
  },
  EmailCampaigns: {
    valid: {
      _id: 'e1', carrier_dot: DOT, campaign_name: 'OTR Opportunity', campaign_type: 'one_time', status: 'draft', from_name: 'Sarah Johnson',
      from_email: 'sarah@lonestarfreight.example', subject_line: 'Opportunity at {{carrierName}}', subject_variants: ['Still looking, {{firstName}}?'],
      audience_filter: {}, audience_count: 0, schedule_type: 'immediate', tracking: { opens: true, clicks: true },
    },
    invalid: [['schedule_type', 'recurring'], ['from_email', 'not-an-email'], ['tracking', { opens: true }]],
  },
  EmailSequences: {
    valid: {
      _id: 'q1', carrier_dot: DOT, sequence_name: 'New Driver Welcome', status: 'active', trigger_type: 'application_submitted', trigger_conditions: {},
      steps: [
        { step_number: 1, step_type: 'email', delay_days: 0, delay_hours: 0, subject: 'Welcome to {{carrierName}}', template_id: 'd-abc123' },
        { step_number: 2, step_type: 'wait', delay_days: 2, delay_hours: 0 },
        { step_number: 3, step_type: 'condition', delay_days: 0, delay_hours: 0, conditions: { if_not_opened: true }, on_false: 'skip_next' },
        { step_number: 4, step_type: 'sms', delay_days: 1, delay_hours: 0, message_template: 'Hi {{firstName}}, following up' },
        { step_number: 5, step_type: 'voicemail', delay_days: 1, delay_hours: 0, script: 'Hi, this is Sarah…' },
      ],
      exit_conditions: [{ type: 'replied', enabled: true }, { type: 'hired', enabled: true }],
      enrollment_count: 456, active_count: 234, completed_count: 100, conversion_count: 89,
      version: 2, send_window: { start_hour: 8, end_hour: 18, timezone: 'recipient', days: [1, 2, 3, 4, 5] }, owner_member_id: 'member-recruiter-1', completion_tag: 'cold',
    },
    invalid: [['steps', [{ step_number: 1, step_type: 'fax', delay_days: 0, delay_hours: 0 }]], ['steps', [{ step_number: 1, step_type: 'sms', delay_days: 0, delay_hours: 0 }]], ['trigger_type', 'whenever']],
  },
  EmailSequenceEnrollments: {
    valid: {
      _id: 'q1-drv-1', sequence_id: 'q1', driver_id: 'drv-1', carrier_dot: DOT, current_step: 2, status: 'active', enrolled_at: at('2026-01-10T10:00:00Z'),
      last_step_at: at('2026-01-10T10:00:00Z'), next_step_at: at('2026-01-12T10:00:00Z'),
      step_history: [{ step_number: 1, step_type: 'email', executed_at: at('2026-01-10T10:00:00Z'), outcome: 'sent', message_id: 'm1' }],
      sequence_version: 1, enrolled_via: 'application_submitted',
    },
    invalid: [['status', 'done'], ['sequence_version', 0], ['enrolled_via', 'magic'], ['step_history', [{ step_number: 1, step_type: 'email', executed_at: at('2026-01-10T10:00:00Z'), outcome: 'great' }]]],
  },
  EmailSequenceVersions: {
    valid: {
      _id: 'q1.v1', sequence_id: 'q1', carrier_dot: DOT, version: 1, replaced_at: at('2026-01-12T10:00:00Z'), exit_conditions: [{ type: 'replied', enabled: true }],
      steps: [{ step_number: 1, step_type: 'sms', delay_days: 0, delay_hours: 0, message_template: 'Hi {{firstName}}' }],
    },
    invalid: [['version', 0], ['steps', [{ step_number: 1, step_type: 'sms', delay_days: 0, delay_hours: 0 }]], ['sequence_id', '']],
  },
  EmailMessages: {
    valid: {
      _id: 'm1', campaign_id: 'e1', carrier_dot: DOT, driver_id: 'drv-1', email_address: 'john.smith@example.com', subject: 'Opportunity at Lone Star',
      sendgrid_id: 'sg-1', status: 'delivered', opened: true, opened_at: at('2026-01-22T16:00:00Z'), open_count: 2, clicked: false, click_count: 0,
      clicked_links: [], unsubscribed: false, spam_reported: false,
    },
    invalid: [['status', 'opened'], ['bounce_type', 'medium'], ['open_count', -1]],
  },
  EmailSuppressions: {
    valid: { _id: '2233445:driver@example.com', carrier_dot: DOT, email_address: 'driver@example.com', reason: 'group_unsubscribed', source: 'sendgrid_event', asm_group_id: 4821, suppressed_at: at('2026-01-22T16:00:00Z') },
    invalid: [['reason', 'bored'], ['source', 'carrier pigeon'], ['email_address', 'nope']],
  },
  JobPostings: {
    valid: {
      _id: 'j1', carrier_dot: DOT, carrier_id: 'carrier-2233445', job_title: 'CDL Class A Driver - OTR', job_type: 'company_driver', route_type: 'otr',
      description: '<p>Great pay</p>', requirements: { cdl_class: 'A', endorsements: [], min_years_experience: 1 },
      compensation: { pay_type: 'cpm', pay_min: 0.55, pay_max: 0.65, sign_on_bonus: 2500, benefits: ['health', '401k'] },
      location: { city: 'Dallas', state: 'TX', zip: '75201', radius_miles: 200 }, equipment: { truck_type: 'Freightliner Cascadia', year: 2024 },
      home_time: 'Weekly', status: 'active', internal_only: false,
      syndication_status: { indeed: { enabled: true, status: 'active', external_id: 'ind_123', posted_at: at('2026-01-10T10:00:00Z'), applications: 15, views: 234 }, cdljobs: { enabled: false } },
      applications_count: 15, views_count: 234, posted_date: at('2026-01-10T10:00:00Z'), expiration_date: at('2026-02-10T10:00:00Z'),
    },
    invalid: [['syndication_status', { monster: { enabled: true } }], ['route_type', 'space'], ['requirements', { cdl_class: 'A' }]],
  },
  JobBoardCredentials: {
    valid: { _id: 'k1', carrier_dot: DOT, board_name: 'indeed', api_key: 'enc:v1:abc', employer_id: 'emp-1', is_active: true, last_verified: at('2026-01-01T00:00:00Z') },
    invalid: [['board_name', 'monster'], ['api_key', '']],
  },
  JobApplications: {
    valid: {
      _id: 'ap1', job_posting_id: 'j1', carrier_dot: DOT, source_board: 'indeed', external_application_id: 'ind-app-9', applicant_name: 'John Smith',
      applicant_email: 'john.smith@example.com', applicant_phone: '555-123-4567', answers: { years_experience: 5, has_cdl_a: true }, status: 'new',
    },
    invalid: [['source_board', 'craigslist'], ['status', 'maybe'], ['applicant_name', '']],
  },
  SocialPosts: {
    valid: {
      _id: 'p1', carrier_dot: DOT, post_type: 'job', content: 'Now hiring CDL-A drivers!', media_urls: [], platforms: ['facebook', 'linkedin'],
      platform_posts: { facebook: { enabled: true, target: 'page', target_id: 'fb_page_123', status: 'published', likes: 45 }, linkedin: { enabled: true, target: 'company', status: 'pending' } },
      job_posting_id: 'j1', status: 'scheduled', scheduled_time: at('2026-01-22T15:00:00Z'),
    },
    invalid: [['platforms', []], ['platform_posts', { tiktok: { enabled: true } }], ['status', 'live']],
  },
  SocialAccounts: {
    valid: {
      _id: 'sa1', carrier_dot: DOT, platform: 'facebook', account_type: 'page', account_id: 'fb_page_123', account_name: 'Lone Star Careers',
      access_token: 'enc:v1:token', token_expires: at('2026-03-01T00:00:00Z'), permissions: ['pages_manage_posts'], is_active: true,
    },
    invalid: [['platform', 'myspace'], ['account_type', 'channel']],
  },
  OutreachAnalytics: {
    valid: { _id: `${DOT}|2026-01-15|sms|`, carrier_dot: DOT, date: at('2026-01-15T00:00:00Z'), channel: 'sms', campaign_id: null, metrics: { sent: 2341, delivered: 2294 }, cost: 175, conversions: 12, conversion_value: 0 },
    invalid: [['channel', 'fax'], ['metrics', { sent: 'many' }], ['date', '2026-01-15']],
  },
  JobLeases: {
    valid: {
      _id: 'processScheduledSMSCampaigns:3', job_name: 'processScheduledSMSCampaigns', generation: 3, holder: 'run-abc', lease_until: at('2026-01-15T15:05:00Z'),
      cursor: { campaign_id: 'c1', after_driver_id: 'drv-2233445-0000999' }, started_at: at('2026-01-15T15:00:00Z'), finished_at: null, outcome: 'running', note: null,
    },
    invalid: [['generation', -1], ['outcome', 'done'], ['lease_until', '2026-01-15T15:05:00Z']],
  },
  SendGridEventReceipts: {
    valid: { _id: 'ZGVsaXZlcmVkLTAtMjQ5NDQ2ODM', received_at: at('2026-01-22T16:00:05Z'), event: 'delivered', event_at: at('2026-01-22T15:59:40Z'), message_id: 'e1.d12', group_key: null },
    invalid: [['received_at', '2026-01-22T16:00:05Z'], ['event', ''], ['message_id', 7]],
  },
};
