/**
 * Iframe side of the page protocol: announces `ready`, then calls page actions and awaits results.
 * Messages are accepted only from the parent window; replies go to the parent's origin (on Wix the
 * site's domain, while the iframe itself runs on a separate `filesusr.com` origin).
 */
import { CallMessage, PageToIframe, PROTOCOL } from '../../messaging';

export interface PageChannel {
  /** Resolves once the page has answered `ready`. */
  readonly connected: Promise<{ page: string; actions: string[] }>;
  call<T = unknown>(action: string, ...args: unknown[]): Promise<T>;
}

function parentOrigin(): string {
  const ancestors = window.location.ancestorOrigins;
  if (ancestors && ancestors.length > 0 && ancestors[0]) return ancestors[0];
  if (document.referrer) return new URL(document.referrer).origin;
  return window.location.origin;
}

export function connectToPage(app: string, timeoutMs = 15000): PageChannel {
  const target = parentOrigin();
  const pending = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let counter = 0;
  let welcome: ((v: { page: string; actions: string[] }) => void) | null = null;
  const connected = new Promise<{ page: string; actions: string[] }>((resolve) => {
    welcome = resolve;
  });

  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (event.source !== window.parent) return;
    const parsed = PageToIframe.safeParse(event.data);
    if (!parsed.success) return;
    const message = parsed.data;
    switch (message.type) {
      case 'welcome':
        welcome?.({ page: message.page, actions: message.actions });
        return;
      case 'result':
        pending.get(message.id)?.resolve(message.value);
        pending.delete(message.id);
        return;
      case 'error':
        pending.get(message.id)?.reject(new Error(message.error));
        pending.delete(message.id);
        return;
    }
  });

  const post = (message: unknown): void => window.parent.postMessage(message, target);
  const announce = (): void => post({ protocol: PROTOCOL, type: 'ready', app });
  if (document.readyState === 'complete') announce();
  else window.addEventListener('load', announce, { once: true });

  return {
    connected,
    call<T>(action: string, ...args: unknown[]): Promise<T> {
      counter += 1;
      const id = `${app}-${counter}`;
      const message = CallMessage.parse({ protocol: PROTOCOL, type: 'call', id, action, args });
      return new Promise<T>((resolve, reject) => {
        const timer = window.setTimeout(() => {
          pending.delete(id);
          reject(new Error(`No answer from the page for ${action}`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (v) => {
            window.clearTimeout(timer);
            resolve(v as T);
          },
          reject: (e) => {
            window.clearTimeout(timer);
            reject(e);
          },
        });
        post(message);
      });
    },
  };
}
