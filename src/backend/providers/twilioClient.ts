/**
 * The real `twilio` SDK client, optionally pointed at a local simulator through the SDK's supported
 * seam (a custom `httpClient`). The SDK hard-codes `https://<domain>.twilio.com` base URLs, so the
 * override rewrites each absolute URI to `<apiBase>/<original host>/<path>`, keeping the host because
 * Twilio domains reuse paths (`messaging.twilio.com/v1/Services` vs `conversations.twilio.com/v1/Services`).
 *
 * Site code: no Wix imports here; `twilio` stays an external dependency of the Wix build.
 */
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type Response from 'twilio/lib/http/response';

export type TwilioClient = twilio.Twilio;

export interface CreateTwilioClientOptions {
  readonly accountSid: string;
  readonly authToken: string;
  /**
   * Base URL of a Twilio simulator (e.g. `http://127.0.0.1:4010`). When set, every SDK request goes
   * there instead of `*.twilio.com`. Leave unset on Wix.
   */
  readonly apiBaseOverride?: string | null;
  /** Options for the SDK's `RequestClient` (timeouts, keep-alive, 429 auto-retry). */
  readonly requestClientOptions?: RequestClient.RequestClientOptions;
}

/** `https://api.twilio.com/2010-04-01/…?x=1` → `<base>/api.twilio.com/2010-04-01/…?x=1`. */
export function rewriteTwilioUri(uri: string, apiBase: string): string {
  const original = new URL(uri);
  const host = original.hostname.toLowerCase();
  if (host !== 'twilio.com' && !host.endsWith('.twilio.com')) {
    throw new Error(`refusing to send a non-Twilio request (${host}) through the simulator override`);
  }
  const base = apiBase.replace(/\/+$/, '');
  return `${base}/${host}${original.pathname}${original.search}`;
}

/** A `twilio.RequestClient` that sends every request to a simulator base URL instead of `*.twilio.com`. */
export class RewritingRequestClient extends twilio.RequestClient {
  readonly apiBase: string;

  constructor(apiBase: string, options?: RequestClient.RequestClientOptions) {
    super(options);
    const parsed = new URL(apiBase);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('apiBaseOverride must be an http(s) URL');
    this.apiBase = apiBase;
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<Response<TData>> {
    return super.request<TData>({ ...opts, uri: rewriteTwilioUri(opts.uri, this.apiBase) });
  }
}

export function createTwilioClient(options: CreateTwilioClientOptions): TwilioClient {
  if (!options.accountSid || !options.authToken) throw new Error('Twilio accountSid and authToken are required');
  const override = options.apiBaseOverride?.trim();
  if (!override) {
    return twilio(options.accountSid, options.authToken, options.requestClientOptions ? { httpClient: new twilio.RequestClient(options.requestClientOptions) } : {});
  }
  return twilio(options.accountSid, options.authToken, { httpClient: new RewritingRequestClient(override, options.requestClientOptions) });
}
