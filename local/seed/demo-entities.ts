/**
 * The demo tenant: one carrier, its recruiters (and the site admin) as members and profiles, and a
 * few saved searches. Fictional names; phone numbers in the 555 exchange; mail under the reserved
 * `.example` TLD, so nothing here reaches a real person.
 */
import type { LocalMember } from '../runtime';
import type { Carrier, RecruiterProfile, SavedSearch } from '../../src/backend/collections/people';
import { DEFAULT_SMS_PRICE_PER_SEGMENT } from '../../src/backend/collections/people';

export const DEMO_CARRIER_DOT = '2233445';
export const DEMO_CARRIER_ID = `carrier-${DEMO_CARRIER_DOT}`;
export const DEMO_ADMIN_MEMBER_ID = 'member-admin';
export const DEMO_UNSUBSCRIBE_GROUP_ID = '4821';
const DOMAIN = 'lonestarfreight.example';

export function demoCarrier(carrierDot: string = DEMO_CARRIER_DOT): Carrier {
  return {
    _id: `carrier-${carrierDot}`,
    carrier_dot: carrierDot,
    name: 'Lone Star Freight Lines',
    physical_address: { street: '4100 Logistics Pkwy', street2: 'Suite 200', city: 'Dallas', state: 'TX', zip: '75241', country: 'US' },
    main_phone: '+12145550100',
    time_zone: 'America/Chicago',
    website_url: `https://www.${DOMAIN}`,
    sms_price_per_segment: DEFAULT_SMS_PRICE_PER_SEGMENT,
    sms_daily_cap_per_driver: 1,
    email_from_name: 'Lone Star Freight Recruiting',
    email_from_address: `recruiting@${DOMAIN}`,
    /** SendGrid unsubscribe group of the carrier's recruiting mail (any positive id works on the simulator). */
    email_unsubscribe_group_id: DEMO_UNSUBSCRIBE_GROUP_ID,
    monthly_budget_usd: 2500,
    active: true,
  };
}

interface Staff {
  readonly memberId: string;
  readonly first: string;
  readonly last: string;
  readonly phone: string;
  readonly role: RecruiterProfile['role'];
  readonly title: string;
}

const RECRUITERS: readonly Staff[] = [
  { memberId: 'member-recruiter-1', first: 'Sarah', last: 'Johnson', phone: '+12145550111', role: 'manager', title: 'Recruiting Manager' },
  { memberId: 'member-recruiter-2', first: 'Marcus', last: 'Reyes', phone: '+12145550112', role: 'recruiter', title: 'Driver Recruiter' },
  { memberId: 'member-recruiter-3', first: 'Tasha', last: 'Whitfield', phone: '+12145550113', role: 'recruiter', title: 'Driver Recruiter' },
];

const ADMIN: Staff = { memberId: DEMO_ADMIN_MEMBER_ID, first: 'Dana', last: 'Okafor', phone: '+12145550110', role: 'admin', title: 'Operations Admin' };

function emailOf(s: Staff): string {
  return `${s.first}.${s.last}@${DOMAIN}`.toLowerCase();
}

function profileOf(s: Staff, carrierDot: string): RecruiterProfile {
  return {
    _id: `recruiter-${carrierDot}-${s.memberId}`,
    member_id: s.memberId,
    carrier_dot: carrierDot,
    first_name: s.first,
    last_name: s.last,
    phone: s.phone,
    email: emailOf(s),
    role: s.role,
    title: s.title,
    active: true,
    email_signature: `${s.first} ${s.last}\n${s.title}, Lone Star Freight Lines`,
  };
}

/** The three recruiters (`member-recruiter-1` is the manager). */
export function demoRecruiters(carrierDot: string = DEMO_CARRIER_DOT): RecruiterProfile[] {
  return RECRUITERS.map((s) => profileOf(s, carrierDot));
}

/** Recruiters plus the admin's profile (role `admin`), as seeded into RecruiterProfiles. */
export function demoStaffProfiles(carrierDot: string = DEMO_CARRIER_DOT): RecruiterProfile[] {
  return [...demoRecruiters(carrierDot), profileOf(ADMIN, carrierDot)];
}

/** Members for the local sign-in page: the three recruiters and the site admin. */
export function demoMembers(): LocalMember[] {
  return [
    ...RECRUITERS.map((s) => ({ _id: s.memberId, loginEmail: emailOf(s), firstName: s.first, lastName: s.last, roles: ['SiteMember'] as const })),
    { _id: ADMIN.memberId, loginEmail: emailOf(ADMIN), firstName: ADMIN.first, lastName: ADMIN.last, roles: ['Admin', 'SiteMember'] as const },
  ];
}

export function demoSavedSearches(carrierDot: string = DEMO_CARRIER_DOT): SavedSearch[] {
  const base = { carrier_dot: carrierDot, last_count: null, last_used_at: null };
  return [
    {
      ...base,
      _id: `search-${carrierDot}-dallas-class-a`,
      owner_member_id: 'member-recruiter-1',
      name: 'Class A job seekers near Dallas',
      description: 'The spec mockup audience: within 200 miles of Dallas, no SMS in 30 days.',
      filter: { cdl_classes: ['A'], statuses: ['job_seeking'], within: { miles: 200, place: 'Dallas, TX', zip: '75201' }, no_sms_in_last_days: 30, has_consent_for: 'sms' },
      shared: true,
    },
    {
      ...base,
      _id: `search-${carrierDot}-hazmat-tanker`,
      owner_member_id: 'member-recruiter-2',
      name: 'Hazmat / tanker, 3+ years',
      filter: { cdl_classes: ['A'], endorsements: ['H', 'N', 'X'], endorsements_match: 'any', min_years_experience: 3, statuses: ['job_seeking', 'open_to_offers'] },
      shared: true,
    },
    {
      ...base,
      _id: `search-${carrierDot}-southeast-new-grads`,
      owner_member_id: 'member-recruiter-3',
      name: 'Southeast new grads (email)',
      filter: { states: ['GA', 'FL', 'AL', 'SC', 'TN'], tags: ['new_grad'], has_consent_for: 'email', no_email_in_last_days: 14 },
      shared: false,
    },
    {
      ...base,
      _id: `search-${carrierDot}-west-regional`,
      owner_member_id: 'member-recruiter-1',
      name: 'Regional drivers out West',
      filter: { states: ['AZ', 'NV', 'UT', 'NM', 'CO', 'CA'], tags: ['regional'], tags_match: 'any', statuses: ['open_to_offers', 'job_seeking'] },
      shared: true,
    },
  ];
}
