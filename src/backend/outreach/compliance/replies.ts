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

/**
 * Appends the carrier name to an SMS body that does not already name it (case and punctuation
 * ignored, whole words): "Hi John, new lanes open" → "Hi John, new lanes open - Lone Star Freight Lines".
 */
export function ensureSenderIdentification(body: string, carrierName: string): string {
  const name = carrierName.trim();
  const wanted = comparable(name);
  if (wanted.length === 0) return body;
  if (` ${comparable(body)} `.includes(` ${wanted} `)) return body;
  const trimmed = body.trimEnd();
  return trimmed.length === 0 ? name : `${trimmed} - ${name}`;
}
