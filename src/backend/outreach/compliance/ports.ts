/**
 * The data the compliance engine needs, as a port: the engine stays pure and the adapter
 * (src/backend/adapters/complianceStore.ts) implements it on Wix Data. Every method reports how many
 * data requests it cost so batches can prove they are O(1).
 */
import type { DriverProfile } from '../../collections/people';
import type { SMSOptOut } from '../../collections/sms';
import type { ContactChannel } from '../../collections/vocabulary';
import type { AuditEntry, ContactEvent, OptOutRecord } from './types';

export interface DataRequests {
  readonly reads: number;
  readonly writes: number;
}

export interface ContactEventQuery {
  readonly carrierDot: string;
  readonly driverIds: readonly string[];
  /** Events on these channels at or after `since` (the rolling 24 h caps). Empty: none. */
  readonly recent: { readonly channels: readonly ContactChannel[]; readonly since: Date } | null;
  /** Events of this campaign (any channel) at or after `since` (the campaign cap). */
  readonly campaign: { readonly id: string; readonly since: Date } | null;
}

/** A contact actually made, as the channels record it (one ContactEvents item). */
export interface NewContactEvent extends ContactEvent {
  readonly carrier_dot: string;
  /** The message, voicemail drop or call-log id; with the channel it makes the item's `_id` (idempotent). */
  readonly message_id: string;
  readonly sequence_id?: string | null;
}

/** What an inbound keyword changes, written together. */
export interface InboundChanges {
  /** SMSOptOuts items to upsert (deterministic `_id`: one per phone and scope). */
  readonly optOuts: readonly SMSOptOut[];
  /** Full DriverProfiles items to write back (Wix `update` replaces the item). */
  readonly drivers: readonly DriverProfile[];
  readonly audit: readonly AuditEntry[];
}

export interface ComplianceStore {
  /** SMSOptOuts of these phones scoped to this carrier or `all` (resubscribed ones too): one query, ≤2 pages. */
  findOptOuts(query: { readonly carrierDot: string; readonly phones: readonly string[] }): Promise<{ readonly records: OptOutRecord[]; readonly reads: number }>;
  /** Contact events of these drivers that the caps count: one query (a few pages at most). */
  findContactEvents(query: ContactEventQuery): Promise<{ readonly events: ContactEvent[]; readonly reads: number }>;
  /** One bulk insert (per 1000 entries). */
  writeAuditEntries(entries: readonly AuditEntry[]): Promise<{ readonly writes: number }>;
  /** Channels call this once per sent batch: one bulk insert; re-recorded events are skipped. */
  recordContacts(events: readonly NewContactEvent[]): Promise<{ readonly writes: number }>;
  /** Every SMSOptOuts item of a phone (any scope, resubscribed or not). */
  findOptOutsForPhone(phone: string): Promise<{ readonly records: SMSOptOut[]; readonly reads: number }>;
  /** Drivers with this phone: of one carrier, or of every carrier (`all`). */
  findDriversByPhone(query: { readonly phone: string; readonly carrierDot: string | 'all' }): Promise<{ readonly drivers: DriverProfile[]; readonly reads: number }>;
  applyInboundChanges(changes: InboundChanges): Promise<{ readonly writes: number }>;
}
