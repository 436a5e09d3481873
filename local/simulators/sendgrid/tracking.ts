/**
 * Tracking tokens: the opaque `upn` values in the links SendGrid writes into a message (click
 * tracking `/ls/click`, open pixel `/wf/open`, subscription tracking `/wf/unsubscribe`, unsubscribe
 * groups `/asm/unsubscribe`), each mapped back to its message.
 */
import type { SeededRandom } from '../harness';

export type TrackingTarget =
  | { readonly kind: 'click'; readonly sgMessageId: string; readonly index: number; readonly url: string }
  | { readonly kind: 'open'; readonly sgMessageId: string }
  | { readonly kind: 'unsubscribe'; readonly sgMessageId: string }
  | { readonly kind: 'group-unsubscribe'; readonly sgMessageId: string; readonly groupId: number };

export const TRACKING_PATHS = {
  click: '/ls/click',
  open: '/wf/open',
  unsubscribe: '/wf/unsubscribe',
  'group-unsubscribe': '/asm/unsubscribe',
} as const satisfies Record<TrackingTarget['kind'], string>;

export class TrackingTokens {
  readonly #targets = new Map<string, TrackingTarget>();
  readonly #random: () => SeededRandom;

  constructor(random: () => SeededRandom) {
    this.#random = random;
  }

  /** A new token for `target`; the absolute URL a recipient would follow. */
  url(base: string, target: TrackingTarget): string {
    let token = this.#random().hex(32);
    while (this.#targets.has(token)) token = this.#random().hex(32);
    this.#targets.set(token, target);
    return `${base}${TRACKING_PATHS[target.kind]}?upn=${token}`;
  }

  resolve(token: string | null): TrackingTarget | undefined {
    return token === null ? undefined : this.#targets.get(token);
  }

  clear(): void {
    this.#targets.clear();
  }
}
