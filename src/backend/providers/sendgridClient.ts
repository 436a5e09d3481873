/**
 * A configured `@sendgrid/mail` MailService, optionally pointed at a local simulator through the
 * SDK's supported seam: `client.setDefaultRequest('baseUrl', …)`. `setApiKey` resets `baseUrl` to
 * `https://api.sendgrid.com/`, so the override is applied after it (providers.md §3.6).
 *
 * A fresh `MailService` per configuration (not the package's global singleton), so two callers with
 * different keys or base URLs never share state. Site code: no Wix imports here.
 */
import { MailService } from '@sendgrid/mail';
import type { Client } from '@sendgrid/client';

export type SendGridMailService = MailService;

export interface ConfigureSendGridOptions {
  readonly apiKey: string;
  /** Base URL of a SendGrid simulator (e.g. `http://127.0.0.1:3030/`). Leave unset on Wix. */
  readonly apiBaseOverride?: string | null;
  /** Per-request timeout in ms. */
  readonly timeoutMs?: number;
}

/** The MailService's underlying `@sendgrid/client` (declared in JS, absent from its `.d.ts`). */
function mailClientOf(service: MailService): Client {
  const candidate: unknown = 'client' in service ? service.client : undefined;
  if (!isSendGridClient(candidate)) throw new Error('@sendgrid/mail MailService has no usable client');
  return candidate;
}

function isSendGridClient(value: unknown): value is Client {
  return (
    typeof value === 'object' &&
    value !== null &&
    'setDefaultRequest' in value &&
    typeof value.setDefaultRequest === 'function' &&
    'setApiKey' in value &&
    typeof value.setApiKey === 'function'
  );
}

export function configureSendGrid(options: ConfigureSendGridOptions): SendGridMailService {
  if (!options.apiKey) throw new Error('SendGrid apiKey is required');
  const service = new MailService();
  service.setApiKey(options.apiKey);
  const override = options.apiBaseOverride?.trim();
  if (override) {
    const parsed = new URL(override);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('apiBaseOverride must be an http(s) URL');
    // Must come after setApiKey, which resets baseUrl.
    mailClientOf(service).setDefaultRequest('baseUrl', override.endsWith('/') ? override : `${override}/`);
  }
  if (options.timeoutMs !== undefined) service.setTimeout(options.timeoutMs);
  return service;
}
