/**
 * Twilio's default opt-out keyword handling (providers.md §1.8) — deliberately Twilio's narrow,
 * single-word list, not the app's broader classifier (src/backend/outreach/compliance/keywords.ts):
 * "STOP PLEASE" is an ordinary message to Twilio.
 */

export type KeywordClass = 'STOP' | 'START' | 'HELP';

export const TWILIO_OPT_OUT_KEYWORDS: readonly string[] = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'];
export const TWILIO_OPT_IN_KEYWORDS: readonly string[] = ['START', 'YES', 'UNSTOP'];
export const TWILIO_HELP_KEYWORDS: readonly string[] = ['HELP', 'INFO'];

/** Whole body, trimmed, case-insensitive; one trailing "." or "!" tolerated. */
export function classifyTwilioKeyword(body: string): KeywordClass | null {
  const word = body.trim().replace(/[.!]$/, '').toUpperCase();
  if (TWILIO_OPT_OUT_KEYWORDS.includes(word)) return 'STOP';
  if (TWILIO_OPT_IN_KEYWORDS.includes(word)) return 'START';
  if (TWILIO_HELP_KEYWORDS.includes(word)) return 'HELP';
  return null;
}

/** Twilio's default replies (no charge). */
export const TWILIO_KEYWORD_REPLIES: Readonly<Record<KeywordClass, string>> = {
  STOP: 'You have successfully been unsubscribed. You will not receive any more messages from this number. Reply START to resubscribe.',
  START: 'You have successfully been re-subscribed to messages from this number. Reply HELP for help. Reply STOP to unsubscribe. Msg&Data Rates May Apply.',
  HELP: 'Reply STOP to unsubscribe. Msg&Data Rates May Apply.',
};

/** Block list: (handset, sender scope) pairs, the scope being a Messaging Service SID or a From number. */
export class OptOutList {
  readonly #blocked = new Map<string, number>();

  static key(phone: string, scope: string): string {
    return `${scope}|${phone}`;
  }

  block(phone: string, scope: string, at: number): void {
    this.#blocked.set(OptOutList.key(phone, scope), at);
  }

  unblock(phone: string, scope: string): boolean {
    return this.#blocked.delete(OptOutList.key(phone, scope));
  }

  isBlocked(phone: string, scope: string): boolean {
    return this.#blocked.has(OptOutList.key(phone, scope));
  }

  list(): { phone: string; scope: string; since: number }[] {
    return [...this.#blocked.entries()].map(([key, since]) => {
      const [scope = '', phone = ''] = key.split('|');
      return { phone, scope, since };
    });
  }

  clear(): void {
    this.#blocked.clear();
  }
}
