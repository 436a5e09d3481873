/** Spec §3.4: social posts and connected social accounts. */
import * as z from 'zod';
import { defineCollection, index, type ItemOf } from './define';
import { carrierDot, laterDate, optionalRef, secretText } from './common';
import {
  PLATFORM_POST_STATUSES,
  SOCIAL_ACCOUNT_TYPES,
  SOCIAL_PLATFORMS,
  SOCIAL_POST_STATUSES,
  SOCIAL_POST_TARGETS,
  SOCIAL_POST_TYPES,
} from './vocabulary';

/** Status and engagement of the post on one platform (spec "Platform Posts Object"). */
export const platformPost = z.object({
  enabled: z.boolean(),
  target: z.enum(SOCIAL_POST_TARGETS).optional(),
  target_id: z.string().optional(),
  target_name: z.string().optional(),
  status: z.enum(PLATFORM_POST_STATUSES).optional(),
  external_id: z.string().nullable().optional(),
  url: z.string().nullable().optional(),
  error: z.string().nullable().optional(),
  likes: z.number().int().min(0).optional(),
  reactions: z.number().int().min(0).optional(),
  comments: z.number().int().min(0).optional(),
  shares: z.number().int().min(0).optional(),
  clicks: z.number().int().min(0).optional(),
  impressions: z.number().int().min(0).optional(),
});
export type PlatformPost = z.infer<typeof platformPost>;

export const platformPosts = z.partialRecord(z.enum(SOCIAL_PLATFORMS), platformPost);

export const SocialPosts = defineCollection({
  id: 'SocialPosts',
  description: 'A social post scheduled or published to one or more platforms (spec §3.4).',
  fields: {
    carrier_dot: carrierDot,
    post_type: z.enum(SOCIAL_POST_TYPES),
    content: z.string().min(1),
    media_urls: z.array(z.string()),
    link_url: z.string().nullable().optional(),
    link_preview: z
      .object({ title: z.string().optional(), description: z.string().optional(), image: z.string().optional() })
      .nullable()
      .optional(),
    platforms: z.array(z.enum(SOCIAL_PLATFORMS)).min(1),
    platform_posts: platformPosts,
    job_posting_id: optionalRef('JobPostings'),
    status: z.enum(SOCIAL_POST_STATUSES),
    scheduled_time: laterDate(),
    published_time: laterDate(),
    engagement: z
      .object({
        reach: z.number().int().min(0),
        reactions: z.number().int().min(0),
        comments: z.number().int().min(0),
        shares: z.number().int().min(0),
        clicks: z.number().int().min(0),
      })
      .optional(),
    lease_until: laterDate(),
  },
  indexes: [index('carrier_dot', 'status', 'scheduled_time'), index('status', 'scheduled_time'), index('job_posting_id')],
});
export type SocialPost = ItemOf<typeof SocialPosts>;

export const SocialAccounts = defineCollection({
  id: 'SocialAccounts',
  description: 'A connected social account or page; tokens stored encrypted, never sent to the browser.',
  fields: {
    carrier_dot: carrierDot,
    platform: z.enum(SOCIAL_PLATFORMS),
    account_type: z.enum(SOCIAL_ACCOUNT_TYPES),
    account_id: z.string().min(1),
    account_name: z.string().min(1),
    access_token: secretText(),
    refresh_token: secretText().nullable().optional(),
    token_expires: laterDate(),
    permissions: z.array(z.string()),
    is_active: z.boolean(),
    last_used: laterDate(),
  },
  indexes: [index('carrier_dot', 'platform'), index('is_active', 'token_expires')],
});
export type SocialAccount = ItemOf<typeof SocialAccounts>;
