/**
 * The texts the engine sends on its own: one confirmation per opt-out / opt-in (no marketing, ref
 * §3.3), the HELP answer (carrier, phone, STOP), and sender identification for outbound SMS (spec 2.4,
 * CTIA: identify the sender in the message).
 */
import type { Carrier } from '../../collections/people';

export type ReplyCarrier = Pick<Carrier, 'name' | 'main_phone' | 'website_url'>;

/** +12145550100 → (214) 555-0100; other numbers stay E.164. */
export function displayPhone(e164: string): string {
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return m ? `(${m[1]}) ${m[2]}-${m[3]}` : e164;
}

export function optOutConfirmation(carrierName: string, scope: 'carrier' | 'all'): string {
  return scope === 'all'
    ? `You have been unsubscribed from ${carrierName} messages and from every carrier using this service. No more messages will be sent. Reply START to resubscribe.`
    : `You have been unsubscribed from ${carrierName} messages. No more messages will be sent. Reply START to resubscribe.`;
}

export function optInConfirmation(carrierName: string): string {
  return `You have been resubscribed to ${carrierName} messages. Msg & data rates may apply. Reply HELP for help, STOP to opt out.`;
}

export function helpReply(carrier: ReplyCarrier): string {
  const web = carrier.website_url ? ` or visit ${carrier.website_url}` : '';
  return `${carrier.name} driver recruiting. For help call ${displayPhone(carrier.main_phone)}${web}. Msg & data rates may apply. Reply STOP to opt out.`;
}

function comparable(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const ASCII_PRINTABLE = /^[\x20-\x7e]+$/;
const ASCII_WORD_CHAR = /[A-Za-z0-9]/;
const ASCII_NON_WORD_CHAR = /[\x20-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]/;

/**
 * True when `body` holds the ASCII `name` as it is, between ASCII non-word characters or the ends:
 * then the whole-word comparison below holds as well (nothing next to an ASCII boundary changes
 * under NFKC or case folding), and the common case (the template names the carrier) costs no copies.
 * False says nothing: the full comparison decides.
 */
function namesVerbatim(body: string, name: string): boolean {
  if (!ASCII_PRINTABLE.test(name) || !ASCII_WORD_CHAR.test(name)) return false;
  const boundary = (at: number): boolean => at < 0 || at >= body.length || ASCII_NON_WORD_CHAR.test(body.charAt(at));
  for (let at = body.indexOf(name); at !== -1; at = body.indexOf(name, at + 1)) {
    if (boundary(at - 1) && boundary(at + name.length)) return true;
  }
  return false;
}

/**
 * Appends the carrier name to an SMS body that does not already name it (case and punctuation
 * ignored, whole words): "Hi John, new lanes open" → "Hi John, new lanes open - Lone Star Freight Lines".
 */
export function ensureSenderIdentification(body: string, carrierName: string): string {
  const name = carrierName.trim();
  if (namesVerbatim(body, name)) return body;
  const wanted = comparable(name);
  if (wanted.length === 0) return body;
  if (` ${comparable(body)} `.includes(` ${wanted} `)) return body;
  const trimmed = body.trimEnd();
  return trimmed.length === 0 ? name : `${trimmed} - ${name}`;
}
