/**
 * What a recipient does with a delivered message — opens (a person, or a privacy proxy:
 * `sg_machine_open: true`), clicks (`url`, `url_offset`), spam reports, global and group
 * unsubscribes / resubscribes — as events plus the suppression-list changes SendGrid makes.
 * Reached from tracked links, the inbox console and the simulated recipients.
 */
import { WIRE, type SendGridEvent, type SendGridEventName, type StoredMail } from './model';
import type { Suppressions } from './suppressions';

/** Who performed an engagement (console button, tracked link, simulated recipient). */
export interface Actor {
  readonly useragent?: string;
  readonly ip?: string;
}

export interface EngagementHost {
  readonly suppressions: Suppressions;
  now(): number;
  /** The message if it is delivered (only delivered mail can be engaged with). */
  engageable(sgMessageId: string): StoredMail | undefined;
  emit(m: StoredMail, name: SendGridEventName, at: number, extra: Record<string, unknown>): SendGridEvent;
}

/** The wire event: custom_args flattened first so SendGrid's own fields win on a clash. */
export function buildEvent(m: StoredMail, name: SendGridEventName, at: number, sgEventId: string, extra: Readonly<Record<string, unknown>>): SendGridEvent {
  return {
    ...m.customArgs,
    email: m.to.email,
    timestamp: Math.floor(at / 1000),
    'smtp-id': m.smtpId,
    event: name,
    ...(m.categories.length > 0 ? { category: [...m.categories] } : {}),
    sg_event_id: sgEventId,
    sg_message_id: m.sgMessageId,
    ...extra,
  };
}

export class Engagement {
  readonly #host: EngagementHost;

  constructor(host: EngagementHost) {
    this.#host = host;
  }

  /** An open (tracking pixel fetched, the console's Open buttons, a simulated recipient). */
  open(sgMessageId: string, actor: Actor = {}, machine = false, at = this.#host.now()): SendGridEvent | null {
    const m = this.#host.engageable(sgMessageId);
    if (!m || !m.tracking.open) return null;
    const fallback = machine ? { useragent: WIRE.machineUserAgent, ip: WIRE.machineIp } : { useragent: WIRE.humanUserAgent, ip: WIRE.humanIp };
    return this.#host.emit(m, 'open', at, { useragent: actor.useragent ?? fallback.useragent, ip: actor.ip ?? fallback.ip, sg_machine_open: machine });
  }

  /** A click on link `index`: the event (null when click tracking is off) and the original URL. */
  click(sgMessageId: string, index: number, actor: Actor = {}, at = this.#host.now()): { event: SendGridEvent | null; url: string } | null {
    const m = this.#host.engageable(sgMessageId);
    const url = m?.links[index];
    if (!m || url === undefined) return null;
    if (!m.tracking.click) return { event: null, url };
    const event = this.#host.emit(m, 'click', at, { useragent: actor.useragent ?? WIRE.humanUserAgent, ip: actor.ip ?? WIRE.humanIp, url, url_offset: { index, type: 'html' } });
    return { event, url };
  }

  /** The recipient marks the message as spam: `spamreport`, and the address is suppressed. */
  spamReport(sgMessageId: string, at = this.#host.now()): SendGridEvent | null {
    const m = this.#host.engageable(sgMessageId);
    if (!m) return null;
    this.#host.suppressions.add({ list: 'spam_reports', email: m.to.email, created: Math.floor(at / 1000), reason: '', status: '', groupId: null });
    return this.#host.emit(m, 'spamreport', at, {});
  }

  /** Global unsubscribe (subscription tracking link or its one-click POST). */
  unsubscribe(sgMessageId: string, at = this.#host.now()): SendGridEvent | null {
    const m = this.#host.engageable(sgMessageId);
    if (!m) return null;
    this.#host.suppressions.add({ list: 'unsubscribes', email: m.to.email, created: Math.floor(at / 1000), reason: '', status: '', groupId: null });
    return this.#host.emit(m, 'unsubscribe', at, {});
  }

  /** Unsubscribe-group opt-out, or back in with `resubscribe`. */
  groupUnsubscribe(sgMessageId: string, groupId: number, pageUrl: string, actor: Actor = {}, resubscribe = false, at = this.#host.now()): SendGridEvent | null {
    const m = this.#host.engageable(sgMessageId);
    if (!m) return null;
    const suppressions = this.#host.suppressions;
    if (resubscribe) suppressions.remove('group_unsubscribes', m.to.email, groupId);
    else suppressions.add({ list: 'group_unsubscribes', email: m.to.email, created: Math.floor(at / 1000), reason: '', status: '', groupId });
    const fields = { useragent: actor.useragent ?? WIRE.humanUserAgent, ip: actor.ip ?? WIRE.humanIp, url: pageUrl, asm_group_id: groupId };
    return this.#host.emit(m, resubscribe ? 'group_resubscribe' : 'group_unsubscribe', at, fields);
  }
}
