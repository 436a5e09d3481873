/**
 * The simulator's message store: Message resource JSON exactly as Twilio renders it (snake_case,
 * RFC 2822 dates, string `num_segments`/`price`), and the list endpoint's filters and paging
 * (`To`, `From`, `DateSent`, `DateSent<`, `DateSent>`, `PageSize`, `Page`, `PageToken`).
 */
import { memoize } from '../../memo';
import { TWILIO_API_VERSION, type MessageDirection, type MessageStatus, type StoredMessage } from './model';

/** By epoch second (the format has no finer unit): a message's dates are mostly one instant, rendered on every read. */
const rfc2822OfSecond = memoize((second: number) => new Date(second * 1000).toUTCString().replace(/GMT$/, '+0000'), 1024);

/** `Thu, 24 Aug 2023 05:01:45 +0000`. */
export function rfc2822(ms: number): string {
  return rfc2822OfSecond(Math.floor(ms / 1000));
}

export function messagesPath(accountSid: string): string {
  return `/${TWILIO_API_VERSION}/Accounts/${accountSid}/Messages`;
}

export function renderMessage(m: StoredMessage): Record<string, unknown> {
  const uri = `${messagesPath(m.accountSid)}/${m.sid}`;
  const awaitingSender = m.status === 'accepted' || m.status === 'scheduled';
  return {
    account_sid: m.accountSid,
    api_version: TWILIO_API_VERSION,
    body: m.body,
    date_created: rfc2822(m.dateCreated),
    date_sent: m.dateSent === null ? null : rfc2822(m.dateSent),
    date_updated: rfc2822(m.dateUpdated),
    direction: m.direction,
    error_code: m.errorCode,
    error_message: m.errorMessage,
    from: m.from,
    messaging_service_sid: m.messagingServiceSid,
    num_media: String(m.mediaUrls.length),
    num_segments: awaitingSender ? '0' : String(m.segments),
    price: m.price,
    price_unit: 'USD',
    sid: m.sid,
    status: m.status,
    subresource_uris: { media: `${uri}/Media.json`, feedback: `${uri}/Feedback.json` },
    to: m.to,
    uri: `${uri}.json`,
  };
}

export interface MessageQuery {
  readonly to?: string;
  readonly from?: string;
  readonly status?: MessageStatus;
  readonly direction?: MessageDirection;
  /** Inclusive bounds on `date_sent`, clock ms. Messages never sent don't match a date filter. */
  readonly dateSentFrom?: number;
  readonly dateSentTo?: number;
}

export interface ListRequest {
  readonly query: MessageQuery;
  readonly pageSize: number;
  readonly page: number;
  readonly pageToken: string | null;
  /** Filter params echoed into the paging URIs, in order. */
  readonly echo: readonly [string, string][];
}

export class MessageStore {
  readonly #bySid = new Map<string, StoredMessage>();
  #ordered: StoredMessage[] = [];

  get size(): number {
    return this.#ordered.length;
  }

  add(message: StoredMessage): void {
    this.#bySid.set(message.sid, message);
    this.#ordered.push(message);
  }

  get(sid: string): StoredMessage | undefined {
    return this.#bySid.get(sid);
  }

  delete(sid: string): boolean {
    if (!this.#bySid.delete(sid)) return false;
    this.#ordered = this.#ordered.filter((m) => m.sid !== sid);
    return true;
  }

  clear(): void {
    this.#bySid.clear();
    this.#ordered = [];
  }

  /** Matching messages, newest first (Twilio's list order). */
  find(query: MessageQuery = {}): StoredMessage[] {
    const out: StoredMessage[] = [];
    for (let i = this.#ordered.length - 1; i >= 0; i -= 1) {
      const m = this.#ordered[i];
      if (m && matches(m, query)) out.push(m);
    }
    return out;
  }

  /** Oldest first, for conversations. */
  all(): readonly StoredMessage[] {
    return this.#ordered;
  }

  /** The list endpoint's JSON page. */
  listPage(accountSid: string, req: ListRequest): Record<string, unknown> {
    const matching = this.find(req.query).filter((m) => m.accountSid === accountSid);
    let start = req.page * req.pageSize;
    if (req.pageToken !== null) {
      const afterSid = req.pageToken.replace(/^PA/, '');
      const index = matching.findIndex((m) => m.sid === afterSid);
      start = index < 0 ? matching.length : index + 1;
    }
    const items = matching.slice(start, start + req.pageSize);
    const base = `${messagesPath(accountSid)}.json`;
    const uriFor = (page: number, token: string | null): string => {
      const params = new URLSearchParams(req.echo.map(([k, v]) => [k, v]));
      params.set('PageSize', String(req.pageSize));
      params.set('Page', String(page));
      if (token !== null) params.set('PageToken', token);
      return `${base}?${params.toString()}`;
    };
    const last = items[items.length - 1];
    const hasNext = start + items.length < matching.length && last !== undefined;
    return {
      messages: items.map(renderMessage),
      end: start + Math.max(items.length, 1) - 1,
      first_page_uri: uriFor(0, null),
      next_page_uri: hasNext ? uriFor(req.page + 1, `PA${last.sid}`) : null,
      page: req.page,
      page_size: req.pageSize,
      previous_page_uri: req.page > 0 ? uriFor(req.page - 1, null) : null,
      start,
      uri: uriFor(req.page, req.pageToken),
    };
  }
}

function matches(m: StoredMessage, q: MessageQuery): boolean {
  if (q.to !== undefined && m.to !== q.to) return false;
  if (q.from !== undefined && m.from !== q.from) return false;
  if (q.status !== undefined && m.status !== q.status) return false;
  if (q.direction !== undefined && m.direction !== q.direction) return false;
  if (q.dateSentFrom !== undefined || q.dateSentTo !== undefined) {
    if (m.dateSent === null) return false;
    if (q.dateSentFrom !== undefined && m.dateSent < q.dateSentFrom) return false;
    if (q.dateSentTo !== undefined && m.dateSent > q.dateSentTo) return false;
  }
  return true;
}

const DAY_MS = 86_400_000;

/**
 * `DateSent` filters: `DateSent=` matches the UTC day of its value (a date, or the date-time the SDK
 * sends for a `Date`); `DateSent<` is on-or-before, `DateSent>` on-or-after, where a bare date
 * covers its whole day. Returns null for an unparseable value.
 */
export function dateSentBounds(value: string, op: '=' | '<' | '>'): { from?: number; to?: number } | null {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const ms = Date.parse(dateOnly ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms)) return null;
  switch (op) {
    case '=':
    {
      const day = ms - (ms % DAY_MS);
      return { from: day, to: day + DAY_MS - 1 };
    }
    case '<':
      return { to: dateOnly ? ms + DAY_MS - 1 : ms };
    case '>':
      return { from: ms };
    default: {
      const never: never = op;
      return never;
    }
  }
}
