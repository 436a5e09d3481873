/**
 * Classifies an inbound SMS: opt-out / opt-in / help keywords (a message that is exactly the keyword,
 * in any case, with surrounding spaces or punctuation — as carriers and Twilio match them), and
 * free-text revocations a reasonable person would read as "stop contacting me" (47 CFR
 * 64.1200(a)(10)), which are honoured as opt-outs and flagged for review.
 *
 * Whether YES re-subscribes depends on the driver being opted out: that is decided by the inbound
 * handler (`applyInboundKeyword`), not here.
 */

export type InboundClassification =
  | { readonly kind: 'opt_out'; readonly scope: 'carrier' | 'all'; readonly keyword: string }
  | { readonly kind: 'opt_in'; readonly keyword: string }
  | { readonly kind: 'help'; readonly keyword: string }
  | { readonly kind: 'revocation'; readonly phrase: string; readonly needsReview: true }
  | { readonly kind: 'message' };

/** Single-keyword opt-outs (Twilio defaults + the FCC's per-se list), normalised (lower case, single spaces). */
export const OPT_OUT_KEYWORDS: Readonly<Record<string, 'carrier' | 'all'>> = Object.freeze({
  stop: 'carrier',
  stopall: 'all',
  'stop all': 'all',
  unsubscribe: 'carrier',
  cancel: 'carrier',
  end: 'carrier',
  quit: 'carrier',
  revoke: 'carrier',
  optout: 'carrier',
  'opt out': 'carrier',
});
export const OPT_IN_KEYWORDS: readonly string[] = Object.freeze(['start', 'unstop', 'yes']);
export const HELP_KEYWORDS: readonly string[] = Object.freeze(['help', 'info']);

const OPT_OUT_WORD = '(?:stop|stopall|unsubscribe|cancel|end|quit|revoke|optout|opt out)';
const CONTACT_VERB = '(?:text|texts|txt|txting|texting|message|messages|messaging|msg|msgs|contact|contacting|call|calls|calling|email|emailing|sms)';
const POLITE = '(?:please|pls|plz|now|it|thanks|thank you|thx|already|asap|immediately|right now|me|for good|permanently)';

/**
 * Free-text revocations on the normalised text. Each pattern needs an explicit "stop contacting me"
 * sense, so ordinary replies ("I can't stop by today", "the job ends Friday") do not match.
 */
const REVOCATION_PATTERNS: readonly RegExp[] = [
  // "stop please", "STOP NOW!!", "please unsubscribe me", "opt out please"
  new RegExp(`^(?:please )?${OPT_OUT_WORD}(?: ${POLITE})+$`),
  new RegExp(`^(?:please )?${OPT_OUT_WORD} (?:all|everything|all messages|all texts)$`),
  // "stop texting me", "quit calling me", "cease messaging"
  new RegExp(`\\b(?:stop|quit|cease|end) (?:${CONTACT_VERB}|sending (?:me )?(?:texts|messages|these)|bothering me|spamming me)\\b`),
  // "remove me", "remove my number", "take me off your list", "delete my number", "lose my number"
  /\bremove (?:me|my (?:number|phone|phone number|#|info|name|contact))\b/,
  /\b(?:take|get|put) me off\b/,
  /\b(?:delete|lose) my (?:number|phone|phone number|#|info|contact)\b/,
  /\boff (?:your|the|ur) (?:list|contact list|texting list|call list|mailing list)\b/,
  // "wrong number", "wrong person"
  /\bwrong (?:number|person|#|phone)\b/,
  // "no more texts", "no more messages please"
  new RegExp(`\\bno more ${CONTACT_VERB}\\b`),
  // "do not contact me", "don't text me again", "never call me" (at the end, or with again / anymore)
  new RegExp(`\\b(?:do not|dont|don t|never|stop) ${CONTACT_VERB}(?: me)?(?: (?:again|anymore|any more|ever))?$`),
  new RegExp(`\\b(?:do not|dont|don t|never) ${CONTACT_VERB}(?: me)? (?:again|anymore|any more|ever)\\b`),
  /\bleave me alone\b/,
  // "unsubscribe me", "opt me out", "i want to opt out", "how do i unsubscribe"
  /\b(?:unsubscribe|unsub) me\b/,
  /\bopt me out\b/,
  /\b(?:want|wish|like|need) to (?:opt out|optout|unsubscribe|stop (?:getting|receiving))\b/,
  /\bunsubscribe\b/,
  /\bnot (?:to )?(?:be )?(?:contacted|texted|called)\b/,
  /\b(?:do not|dont|don t) (?:wish|want) to be (?:contacted|texted|called|messaged)\b/,
];

/** Lower case, NFKC, apostrophes and hyphens to spaces, other punctuation dropped, single spaces. */
export function normaliseInbound(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019'`-]/g, ' ')
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function classifyInboundMessage(text: string): InboundClassification {
  const normalised = normaliseInbound(text);
  if (normalised.length === 0) return { kind: 'message' };
  const scope = OPT_OUT_KEYWORDS[normalised];
  if (scope !== undefined) return { kind: 'opt_out', scope, keyword: normalised.replace(' ', '').toUpperCase() };
  if (OPT_IN_KEYWORDS.includes(normalised)) return { kind: 'opt_in', keyword: normalised.toUpperCase() };
  if (HELP_KEYWORDS.includes(normalised)) return { kind: 'help', keyword: normalised.toUpperCase() };
  for (const pattern of REVOCATION_PATTERNS) {
    const match = pattern.exec(normalised);
    if (match) return { kind: 'revocation', phrase: match[0], needsReview: true };
  }
  return { kind: 'message' };
}
