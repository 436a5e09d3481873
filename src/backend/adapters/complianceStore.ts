/**
 * The compliance engine's store on Wix Data (elevated: called from jobs, webhooks and checked web
 * methods). Each method reports the data requests it made: one per query page, one per bulk call.
 */
import { ContactEvents } from '../collections/contacts';
import { ComplianceAuditLog, DriverProfiles } from '../collections/people';
import { SMSOptOuts } from '../collections/sms';
import { elevatedCollection, type DataCollection, type NewItem } from '../platform/data';
import type { CollectionDef, ItemOf } from '../collections/define';
import type { ComplianceStore, ContactEventQuery, InboundChanges, NewContactEvent } from '../outreach/compliance/ports';
import type { AuditEntry, ContactEvent, OptOutRecord } from '../outreach/compliance/types';

/** `_id` of a ContactEvents item: recording the same contact twice is skipped by bulkInsert. */
export function contactEventId(event: Pick<NewContactEvent, 'channel' | 'message_id'>): string {
  return `${event.channel}:${event.message_id}`;
}

async function readAll<D extends CollectionDef>(
  collection: DataCollection<D>,
  build: Parameters<DataCollection<D>['pages']>[0],
): Promise<{ items: ItemOf<D>[]; reads: number }> {
  const items: ItemOf<D>[] = [];
  let reads = 0;
  for await (const page of collection.pages(build)) {
    reads += 1;
    items.push(...page);
  }
  return { items, reads: Math.max(reads, 1) };
}

function bulkCalls(count: number): number {
  return Math.ceil(count / 1000);
}

export function createComplianceStore(): ComplianceStore {
  const optOuts = elevatedCollection(SMSOptOuts);
  const events = elevatedCollection(ContactEvents);
  const audit = elevatedCollection(ComplianceAuditLog);
  const drivers = elevatedCollection(DriverProfiles);

  return {
    async findOptOuts({ carrierDot, phones }) {
      if (phones.length === 0) return { records: [], reads: 0 };
      const { items, reads } = await readAll(optOuts, (q) => q.hasSome('phone_number', [...phones]).hasSome('carrier_dot', [carrierDot, 'all']));
      const records: OptOutRecord[] = items;
      return { records, reads };
    },

    async findContactEvents(query: ContactEventQuery) {
      if (query.driverIds.length === 0 || (query.recent === null && query.campaign === null)) return { events: [], reads: 0 };
      const branches = [];
      if (query.recent && query.recent.channels.length > 0) {
        branches.push(events.filter().hasSome('channel', [...query.recent.channels]).ge('at', query.recent.since));
      }
      if (query.campaign) branches.push(events.filter().eq('campaign_id', query.campaign.id).ge('at', query.campaign.since));
      const [first, ...rest] = branches;
      if (!first) return { events: [], reads: 0 };
      const when = rest.reduce((acc, f) => acc.or(f), first);
      const { items, reads } = await readAll(events, (q) => q.eq('carrier_dot', query.carrierDot).hasSome('driver_id', [...query.driverIds]).and(when));
      const found: ContactEvent[] = items;
      return { events: found, reads };
    },

    async writeAuditEntries(entries: readonly AuditEntry[]) {
      if (entries.length === 0) return { writes: 0 };
      await audit.bulkInsert(entries);
      return { writes: bulkCalls(entries.length) };
    },

    async recordContacts(list: readonly NewContactEvent[]) {
      if (list.length === 0) return { writes: 0 };
      const toInsert: NewItem<typeof ContactEvents>[] = list.map((e) => ({
        _id: contactEventId(e),
        carrier_dot: e.carrier_dot,
        driver_id: e.driver_id,
        channel: e.channel,
        at: e.at,
        campaign_id: e.campaign_id ?? null,
        sequence_id: e.sequence_id ?? null,
        message_id: e.message_id,
      }));
      await events.bulkInsert(toInsert);
      return { writes: bulkCalls(list.length) };
    },

    async findOptOutsForPhone(phone: string) {
      const { items, reads } = await readAll(optOuts, (q) => q.eq('phone_number', phone));
      return { records: items, reads };
    },

    async findDriversByPhone({ phone, carrierDot }) {
      const { items, reads } = await readAll(drivers, (q) => (carrierDot === 'all' ? q.eq('phone', phone) : q.eq('carrier_dot', carrierDot).eq('phone', phone)));
      return { drivers: items, reads };
    },

    async applyInboundChanges(changes: InboundChanges) {
      let writes = 0;
      if (changes.optOuts.length > 0) {
        await optOuts.bulkSave(changes.optOuts);
        writes += bulkCalls(changes.optOuts.length);
      }
      if (changes.drivers.length > 0) {
        await drivers.bulkUpdate(changes.drivers);
        writes += bulkCalls(changes.drivers.length);
      }
      if (changes.audit.length > 0) {
        await audit.bulkInsert(changes.audit);
        writes += bulkCalls(changes.audit.length);
      }
      return { writes };
    },
  };
}
