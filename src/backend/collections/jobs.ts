/** Spec §3.3: job postings, job-board credentials and applications. */
import * as z from 'zod';
import { defineCollection, index, uniqueIndex, type ItemOf } from './define';
import { carrierDot, emailAddress, laterDate, optionalRef, ref, secretText, usJurisdiction, usZip } from './common';
import {
  APPLICATION_SOURCES,
  APPLICATION_STATUSES,
  CDL_CLASSES,
  ENDORSEMENTS,
  JOB_BOARDS,
  JOB_POSTING_STATUSES,
  JOB_TYPES,
  PAY_TYPES,
  ROUTE_TYPES,
  SYNDICATION_STATUSES,
} from './vocabulary';

export const jobRequirements = z.object({
  cdl_class: z.enum(CDL_CLASSES),
  endorsements: z.array(z.enum(ENDORSEMENTS)),
  min_years_experience: z.number().min(0),
  min_age: z.number().int().min(18).optional(),
  clean_mvr: z.boolean().optional(),
  other: z.array(z.string()).optional(),
});

export const compensation = z.object({
  pay_type: z.enum(PAY_TYPES),
  pay_min: z.number().min(0),
  pay_max: z.number().min(0),
  /** Estimated weekly gross, shown on boards that want a salary figure. */
  weekly_estimate: z.number().min(0).optional(),
  sign_on_bonus: z.number().min(0).optional(),
  bonuses: z.array(z.string()).optional(),
  benefits: z.array(z.string()),
});

export const jobLocation = z.object({
  city: z.string().min(1),
  state: usJurisdiction,
  zip: usZip,
  /** Hiring radius around the location. */
  radius_miles: z.number().positive().optional(),
});

export const equipment = z.object({
  truck_type: z.string().optional(),
  make: z.string().optional(),
  year: z.number().int().min(1980).max(2100).optional(),
  transmission: z.enum(['automatic', 'manual']).optional(),
  trailer_type: z.string().optional(),
  amenities: z.array(z.string()).optional(),
});

/** Status of the posting on one board (spec "Syndication Status Object"). */
export const boardSyndication = z.object({
  enabled: z.boolean(),
  status: z.enum(SYNDICATION_STATUSES).optional(),
  external_id: z.string().nullable().optional(),
  posted_at: laterDate(),
  refreshed_at: laterDate(),
  url: z.string().nullable().optional(),
  applications: z.number().int().min(0).optional(),
  views: z.number().int().min(0).optional(),
  error: z.string().nullable().optional(),
});
export type BoardSyndication = z.infer<typeof boardSyndication>;

export const syndicationStatus = z.partialRecord(z.enum(JOB_BOARDS), boardSyndication);
export type SyndicationStatusObject = z.infer<typeof syndicationStatus>;

export const JobPostings = defineCollection({
  id: 'JobPostings',
  description: 'A job posting, syndicated to external boards (spec §3.3).',
  fields: {
    carrier_dot: carrierDot,
    carrier_id: ref('Carriers'),
    job_title: z.string().min(1).max(200),
    job_type: z.enum(JOB_TYPES),
    route_type: z.enum(ROUTE_TYPES),
    description: z.string().meta({ wixType: 'Rich Text' }),
    requirements: jobRequirements,
    compensation,
    location: jobLocation,
    equipment,
    home_time: z.string(),
    status: z.enum(JOB_POSTING_STATUSES),
    internal_only: z.boolean(),
    syndication_status: syndicationStatus,
    applications_count: z.number().int().min(0),
    views_count: z.number().int().min(0),
    posted_date: laterDate(),
    expiration_date: laterDate(),
  },
  indexes: [index('carrier_dot', 'status', 'posted_date'), index('status', 'expiration_date')],
});
export type JobPosting = ItemOf<typeof JobPostings>;

export const JobBoardCredentials = defineCollection({
  id: 'JobBoardCredentials',
  description: 'API credentials per carrier and board; the key is stored encrypted and never leaves the backend.',
  fields: {
    carrier_dot: carrierDot,
    board_name: z.enum(JOB_BOARDS),
    api_key: secretText(),
    employer_id: z.string().nullable().optional(),
    is_active: z.boolean(),
    last_verified: laterDate(),
    monthly_budget: z.number().min(0).nullable().optional(),
  },
  indexes: [uniqueIndex('carrier_dot', 'board_name')],
});
export type JobBoardCredential = ItemOf<typeof JobBoardCredentials>;

export const JobApplications = defineCollection({
  id: 'JobApplications',
  description: 'An application received from a board or the site; matched to a DriverProfile when possible.',
  fields: {
    job_posting_id: ref('JobPostings'),
    carrier_dot: carrierDot,
    source_board: z.enum(APPLICATION_SOURCES),
    external_application_id: z.string().nullable().optional(),
    applicant_name: z.string().min(1),
    applicant_email: emailAddress.nullable().optional(),
    /** As received (boards send free-form numbers); normalise with the outreach core's `toE164`. */
    applicant_phone: z.string().nullable().optional(),
    resume_url: z.string().nullable().optional(),
    cover_letter: z.string().nullable().optional(),
    answers: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.null()])),
    matched_driver_id: optionalRef('DriverProfiles'),
    status: z.enum(APPLICATION_STATUSES),
    reviewed_by: z.string().nullable().optional(),
    reviewed_at: laterDate(),
    notes: z.string().optional(),
  },
  indexes: [
    index('carrier_dot', 'status', '_createdDate'),
    index('job_posting_id', 'status'),
    // De-duplicate webhook deliveries and imports.
    index('source_board', 'external_application_id'),
  ],
});
export type JobApplication = ItemOf<typeof JobApplications>;
