/**
 * The registry of every collection: the local host creates them from it, the web methods read and
 * write through the typed access built on it, and `docs/collections.md` is generated from it.
 */
import type { CollectionDef } from './define';
import { OutreachAnalytics } from './analytics';
import { ContactEvents } from './contacts';
import { EmailCampaigns, EmailMessages, EmailSequenceEnrollments, EmailSequences, EmailSuppressions } from './email';
import { JobApplications, JobBoardCredentials, JobPostings } from './jobs';
import { EmailSequenceVersions } from './sequences';
import { JobLeases, SendGridEventReceipts } from './operations';
import { Carriers, ComplianceAuditLog, DriverProfiles, RecruiterProfiles, SavedSearches } from './people';
import { SMSCampaigns, SMSMessages, SMSOptOuts } from './sms';
import { SocialAccounts, SocialPosts } from './social';

/** Every collection, keyed by id (the Wix CMS collection name). */
export const collections = {
  Carriers,
  RecruiterProfiles,
  DriverProfiles,
  SavedSearches,
  ComplianceAuditLog,
  ContactEvents,
  SMSCampaigns,
  SMSMessages,
  SMSOptOuts,
  EmailCampaigns,
  EmailSequences,
  EmailSequenceEnrollments,
  EmailSequenceVersions,
  EmailMessages,
  EmailSuppressions,
  JobPostings,
  JobBoardCredentials,
  JobApplications,
  SocialPosts,
  SocialAccounts,
  OutreachAnalytics,
  JobLeases,
  SendGridEventReceipts,
} as const;

export type CollectionId = keyof typeof collections;

/** The same collections as a list, in documentation order. */
export const registry: readonly CollectionDef[] = Object.freeze(Object.values(collections));

/** The collections named in the spec's data model (§3.1–3.5). */
export const SPEC_COLLECTION_IDS = [
  'SMSCampaigns',
  'SMSMessages',
  'SMSOptOuts',
  'EmailCampaigns',
  'EmailSequences',
  'EmailSequenceEnrollments',
  'EmailMessages',
  'JobPostings',
  'JobBoardCredentials',
  'JobApplications',
  'SocialPosts',
  'SocialAccounts',
  'OutreachAnalytics',
] as const satisfies readonly CollectionId[];

/** Wix CMS index limits per collection that the registry stays within. */
export const WIX_INDEX_LIMITS = Object.freeze({ regular: 3, unique: 1, fieldsPerIndex: 3 });

export function collectionById(id: string): CollectionDef | undefined {
  return registry.find((def) => def.id === id);
}

/**
 * The emulator's per-collection config (`EmulatedCollectionConfig` in local/data/types.ts),
 * derived from a definition: index field lists, unique indexes and permissions.
 */
export function emulatedConfigOf(def: CollectionDef): {
  id: string;
  indexes: string[][];
  uniqueIndexes: string[][];
  permissions: CollectionDef['permissions'];
} {
  return {
    id: def.id,
    indexes: def.indexes.filter((ix) => ix.unique !== true).map((ix) => ix.fields.map((f) => f.name)),
    uniqueIndexes: def.indexes.filter((ix) => ix.unique === true).map((ix) => ix.fields.map((f) => f.name)),
    permissions: def.permissions,
  };
}

/** Configs for every collection, ready for `createDataEmulator({ collections })`. */
export function emulatedCollectionConfigs(): ReturnType<typeof emulatedConfigOf>[] {
  return registry.map(emulatedConfigOf);
}
