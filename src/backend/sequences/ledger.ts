/**
 * The contacts a step run has decided to make but not recorded yet, seen by its compliance reads.
 *
 * The step job pipelines its batches (job.ts): batch N+1 is decided while batch N's texts are still
 * being sent, before N's ContactEvents are written and before N's drivers get their `last_sms_at`.
 * A driver enrolled in two sequences can have a text due in both batches; the caps (one SMS per
 * driver per day, three contacts per 24 h in FL/OK/MD) must count the first text when the second is
 * decided. So every text a batch writes as `sending` is entered here the moment it is decided, and
 * the contact-event reads of later decisions (later groups of the same batch, later batches) return
 * the stored events plus these — a planned text counts as made until the provider refuses it (then
 * it is forgotten). Entries already stored as ContactEvents (same message id) are not counted twice.
 */
import type { ComplianceStore, ContactEventQuery, NewContactEvent } from '../outreach/compliance';

export interface ContactLedger {
  /** The compliance store whose contact-event reads also return the planned contacts. */
  readonly store: ComplianceStore;
  /** Contacts decided and written (texts `sending`): counted from now on. */
  plan(events: readonly NewContactEvent[]): void;
  /** Planned contacts that did not happen (the provider refused, nothing was sent): no longer counted. */
  forget(messageIds: readonly string[]): void;
}

function matches(event: NewContactEvent, query: ContactEventQuery, drivers: ReadonlySet<string>): boolean {
  if (event.carrier_dot !== query.carrierDot || !drivers.has(event.driver_id)) return false;
  const at = event.at.getTime();
  const recent = query.recent !== null && query.recent.channels.includes(event.channel) && at >= query.recent.since.getTime();
  const campaign = query.campaign !== null && event.campaign_id === query.campaign.id && at >= query.campaign.since.getTime();
  return recent || campaign;
}

function messageIdOf(event: object): string | null {
  return 'message_id' in event && typeof event.message_id === 'string' ? event.message_id : null;
}

export function createContactLedger(base: ComplianceStore): ContactLedger {
  const planned = new Map<string, NewContactEvent>();
  const store: ComplianceStore = {
    ...base,
    async findContactEvents(query) {
      const found = await base.findContactEvents(query);
      if (planned.size === 0) return found;
      const drivers = new Set(query.driverIds);
      const stored = new Set(found.events.map(messageIdOf).filter((id): id is string => id !== null));
      const extra = [...planned.values()].filter((e) => !stored.has(e.message_id) && matches(e, query, drivers));
      return extra.length === 0 ? found : { events: [...found.events, ...extra], reads: found.reads };
    },
  };
  return {
    store,
    plan(events) {
      for (const e of events) planned.set(e.message_id, e);
    },
    forget(messageIds) {
      for (const id of messageIds) planned.delete(id);
    },
  };
}
