/**
 * `processSendGridWebhook(events)` (spec §4.2): applies a batch of already verified and parsed
 * SendGrid events. Batch-shaped — at most five data requests for up to 1000 events, suppressions
 * included:
 *
 * 1. one `bulkInsert` of a receipt per event (`SendGridEventReceipts`, id = sg_event_id). Wix skips
 *    ids that exist, so `insertedItemIds` are the events never applied before; replays and
 *    duplicate deliveries stop here;
 * 2. one read of the EmailMessages the new events name (our message id from custom_args; events
 *    without one are looked up by `sendgrid_id` + address in a read made alongside);
 * 3. when the batch suppresses (hard bounces, spam reports, unsubscribes, group unsubscribes /
 *    resubscribes): one EmailSuppressions `bulkSave` without a prior read (plus one receipts read
 *    when it holds group events: suppressPort.ts), before the message write so a retry after a
 *    failure re-applies both (writing the same items twice is harmless; the messages were not
 *    written). Sends read EmailSuppressions, so the suppression counts from this write; its side
 *    effects (driver mirror, unsent email canceled, sequence exits) are queued by it for the
 *    `processEmailSuppressions` job (src/backend/email/suppressionEffects.ts);
 * 4. one `bulkUpdate` of the messages that changed (merge.ts: monotonic, order-independent).
 *
 * If anything after step 1 fails, the receipts just inserted are removed again and the error is
 * rethrown, so the webhook answers 5xx and SendGrid's retry applies those events.
 */
import { EmailMessages, type EmailMessage } from '../../collections/email';
import { SendGridEventReceipts } from '../../collections/operations';
import { createLogger, elevatedCollection, MAX_BULK_ITEMS, now as clockNow } from '../../platform';
import { applyEvents, messageChanged } from './merge';
import { messageIdOf, sendgridIdOf, type SendGridEvent } from './schema';
import { receiptGroupKeyOf, suppressionChanges, type SuppressionChange } from './suppressions';
import { receiptIdOf } from './receipts';
import { applySuppressionChanges } from './suppressPort';
import { chunk } from '../../util/lists';

const log = createLogger('sendgrid-events');

/** Pages of a `sendgrid_id` lookup read at most (one X-Message-Id may cover 1000 recipients). */
const MAX_FALLBACK_PAGES = 5;

export interface ProcessReport {
  /** Events handed in. */
  readonly received: number;
  /** Already applied (receipt existed) or repeated inside the batch. */
  readonly duplicates: number;
  /** New events applied to a stored message. */
  readonly applied: number;
  /** New events naming no stored message (ignored apart from suppressions carrying our carrier). */
  readonly unknownMessage: number;
  readonly messagesUpdated: number;
  readonly suppressed: number;
  readonly lifted: number;
  /** Receipts Wix refused (not duplicates): those events were not applied; the caller answers 5xx so SendGrid retries. */
  readonly receiptFailures: number;
}

/** Records suppression changes; the default is the shared `recordEmailSuppressions` (see suppressPort.ts). */
export type ApplySuppressions = (changes: readonly SuppressionChange[]) => Promise<{ readonly suppressed: number; readonly lifted: number }>;

export interface ProcessOptions {
  readonly applySuppressions?: ApplySuppressions;
}

const messages = () => elevatedCollection(EmailMessages);
const receipts = () => elevatedCollection(SendGridEventReceipts);

/** The batch's events without repeats of one sg_event_id (a duplicate delivery inside one post). */
function distinctEvents(events: readonly SendGridEvent[]): SendGridEvent[] {
  const seen = new Set<string>();
  return events.filter((e) => (seen.has(e.sg_event_id) ? false : (seen.add(e.sg_event_id), true)));
}

async function readByIds(ids: readonly string[]): Promise<EmailMessage[]> {
  const pages = await Promise.all(chunk(ids, MAX_BULK_ITEMS).map((part) => messages().find((q) => q.hasSome('_id', part), { limit: MAX_BULK_ITEMS })));
  return pages.flat();
}

/**
 * Messages of events without our id: by X-Message-Id (indexed), matched to the event's address in
 * memory (any case). One X-Message-Id covers every recipient of one Mail Send request.
 */
async function readBySendgridIds(events: readonly SendGridEvent[]): Promise<Map<string, EmailMessage>> {
  const found = new Map<string, EmailMessage>();
  const sgIds = [...new Set(events.map(sendgridIdOf).filter((id): id is string => id !== null))];
  if (sgIds.length === 0) return found;
  for (const part of chunk(sgIds, MAX_BULK_ITEMS)) {
    let pages = 0;
    for await (const page of messages().pages((q) => q.hasSome('sendgrid_id', part))) {
      for (const m of page) if (m.sendgrid_id) found.set(`${m.sendgrid_id}|${m.email_address.toLowerCase()}`, m);
      pages += 1;
      if (pages >= MAX_FALLBACK_PAGES) {
        log.warn('sendgrid_id lookup cut short', { pages });
        break;
      }
    }
  }
  return found;
}

const fallbackKey = (event: SendGridEvent): string | null => {
  const sgId = sendgridIdOf(event);
  return sgId === null ? null : `${sgId}|${event.email.toLowerCase()}`;
};

/** Finds the stored message of each event (at most two reads in the common case, in parallel). */
async function locateMessages(events: readonly SendGridEvent[]): Promise<Map<SendGridEvent, EmailMessage>> {
  const ids = [...new Set(events.map(messageIdOf).filter((id): id is string => id !== null))];
  const withoutId = events.filter((e) => messageIdOf(e) === null && sendgridIdOf(e) !== null);
  const [byId, bySendgrid] = await Promise.all([ids.length > 0 ? readByIds(ids) : Promise.resolve([]), readBySendgridIds(withoutId)]);
  const idIndex = new Map(byId.map((m) => [m._id, m]));
  // Our id given but not found (a message written under another id): try its SendGrid id too.
  const stray = events.filter((e) => {
    const id = messageIdOf(e);
    return id !== null && !idIndex.has(id) && sendgridIdOf(e) !== null;
  });
  const strays = stray.length > 0 ? await readBySendgridIds(stray) : new Map<string, EmailMessage>();
  const located = new Map<SendGridEvent, EmailMessage>();
  for (const event of events) {
    const id = messageIdOf(event);
    const key = fallbackKey(event);
    const message = (id !== null ? idIndex.get(id) : undefined) ?? (key !== null ? (bySendgrid.get(key) ?? strays.get(key)) : undefined);
    if (message) located.set(event, message);
  }
  return located;
}

/** The updated items of messages whose new events changed them (invalid stored items are skipped, logged). */
function updatedMessages(events: readonly SendGridEvent[], located: ReadonlyMap<SendGridEvent, EmailMessage>): EmailMessage[] {
  const byMessage = new Map<string, { message: EmailMessage; events: SendGridEvent[] }>();
  for (const event of events) {
    const message = located.get(event);
    if (!message) continue;
    const entry = byMessage.get(message._id) ?? { message, events: [] };
    entry.events.push(event);
    byMessage.set(message._id, entry);
  }
  const out: EmailMessage[] = [];
  for (const { message, events: own } of byMessage.values()) {
    const next = applyEvents(message, own);
    if (!messageChanged(message, next)) continue;
    const valid = EmailMessages.schema.safeParse(next);
    if (valid.success) out.push(next);
    else log.error('stored email message does not match its schema; events not applied', { messageId: message._id, issues: valid.error.issues.slice(0, 3).map((i) => i.path.join('.')) });
  }
  return out;
}

async function forgetReceipts(ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  try {
    await receipts().bulkRemove(ids);
  } catch (error) {
    log.error('could not remove receipts after a failed batch; those events will be treated as applied', { count: ids.length, error });
  }
}

export async function processSendGridWebhook(events: readonly SendGridEvent[], options: ProcessOptions = {}): Promise<ProcessReport> {
  const distinct = distinctEvents(events);
  const empty: ProcessReport = { received: events.length, duplicates: events.length - distinct.length, applied: 0, unknownMessage: 0, messagesUpdated: 0, suppressed: 0, lifted: 0, receiptFailures: 0 };
  if (distinct.length === 0) return empty;
  const receivedAt = clockNow();
  const outcome = await receipts().bulkInsert(
    distinct.map((e) => ({ _id: receiptIdOf(e.sg_event_id), received_at: receivedAt, event: e.event, event_at: new Date(Math.round(e.timestamp * 1000)), message_id: messageIdOf(e), group_key: receiptGroupKeyOf(e) })),
  );
  const inserted = new Set(outcome.insertedItemIds);
  const fresh = distinct.filter((e) => inserted.has(receiptIdOf(e.sg_event_id)));
  const receiptFailures = outcome.errors.length;
  if (receiptFailures > 0) log.error('receipts refused; those events are left for SendGrid to retry', { count: receiptFailures, codes: [...new Set(outcome.errors.map((e) => e.code))] });
  const duplicates = events.length - fresh.length - receiptFailures;
  if (fresh.length === 0) return { ...empty, duplicates, receiptFailures };
  try {
    const located = await locateMessages(fresh);
    const changes = suppressionChanges(fresh, (e) => located.get(e) ?? null);
    const suppression = changes.length > 0 ? await (options.applySuppressions ?? applySuppressionChanges)(changes) : { suppressed: 0, lifted: 0 };
    const updates = updatedMessages(fresh, located);
    if (updates.length > 0) {
      const written = await messages().bulkUpdate(updates);
      if (written.errors.length > 0) log.warn('some email messages could not be updated', { count: written.errors.length, codes: [...new Set(written.errors.map((e) => e.code))] });
    }
    const applied = fresh.filter((e) => located.has(e)).length;
    return { received: events.length, duplicates, applied, unknownMessage: fresh.length - applied, messagesUpdated: updates.length, suppressed: suppression.suppressed, lifted: suppression.lifted, receiptFailures };
  } catch (error) {
    await forgetReceipts([...inserted]);
    throw error;
  }
}
