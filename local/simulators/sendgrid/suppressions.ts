/**
 * SendGrid's suppression lists: hard bounces, spam reports, global unsubscribes and per-group
 * (ASM) unsubscribes. A suppressed recipient's next message is `dropped` with SendGrid's reason,
 * unless the request bypasses that list (mail_settings.bypass_*).
 */
import { normalizeEmail } from '../harness';
import type { BypassSettings, DropReason } from './model';

export type SuppressionList = 'bounces' | 'spam_reports' | 'unsubscribes' | 'group_unsubscribes';

export interface SuppressionEntry {
  readonly list: SuppressionList;
  readonly email: string;
  /** Unix seconds, as SendGrid's suppression API reports `created`. */
  readonly created: number;
  readonly reason: string;
  readonly status: string;
  readonly groupId: number | null;
}

export class Suppressions {
  readonly #entries = new Map<string, SuppressionEntry>();

  static key(list: SuppressionList, email: string, groupId: number | null): string {
    return `${list}|${groupId ?? ''}|${normalizeEmail(email)}`;
  }

  add(entry: SuppressionEntry): void {
    const key = Suppressions.key(entry.list, entry.email, entry.groupId);
    if (!this.#entries.has(key)) this.#entries.set(key, { ...entry, email: normalizeEmail(entry.email) });
  }

  remove(list: SuppressionList, email: string, groupId: number | null = null): boolean {
    return this.#entries.delete(Suppressions.key(list, email, groupId));
  }

  has(list: SuppressionList, email: string, groupId: number | null = null): boolean {
    return this.#entries.has(Suppressions.key(list, email, groupId));
  }

  list(list?: SuppressionList): SuppressionEntry[] {
    return [...this.#entries.values()].filter((e) => list === undefined || e.list === list);
  }

  clear(): void {
    this.#entries.clear();
  }

  /** Why SendGrid would drop a message to `email`, or null. Checked in SendGrid's order. */
  dropReason(email: string, bypass: BypassSettings, asmGroupId: number | null): DropReason | null {
    if (bypass.list) return null;
    if (!bypass.bounce && this.has('bounces', email)) return 'Bounced Address';
    if (!bypass.spam && this.has('spam_reports', email)) return 'Spam Reporting Address';
    if (!bypass.unsubscribe) {
      if (this.has('unsubscribes', email)) return 'Unsubscribed Address';
      if (asmGroupId !== null && this.has('group_unsubscribes', email, asmGroupId)) return 'Unsubscribed Address';
    }
    return null;
  }
}
