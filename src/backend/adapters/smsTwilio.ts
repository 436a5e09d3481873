/**
 * The SMS provider port on the real `twilio` SDK. Secrets (spec §5.1): TWILIO_ACCOUNT_SID,
 * TWILIO_AUTH_TOKEN, and TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER; TWILIO_API_BASE_OVERRIDE
 * only on the local host (the simulator). Errors are mapped to SmsProviderError kinds; anything
 * unrecognised is rethrown unchanged.
 */
import twilio from 'twilio';
import type { MessageInstance, MessagePage } from 'twilio/lib/rest/api/v2010/account/message';
import { getOptionalSecret, getSecret } from '../platform';
import { createTwilioClient, type TwilioClient } from '../providers';
import { SmsProviderError, type ProviderMessage, type SmsProvider } from '../sms/provider';
import { priceOf } from '../sms/status';

export type SmsSender = { readonly messagingServiceSid: string } | { readonly from: string };

export interface TwilioConfig {
  readonly accountSid: string;
  readonly authToken: string;
  readonly sender: SmsSender;
  readonly apiBaseOverride: string | null;
  /** Public base URL of the site (webhook URLs are built and verified against it). */
  readonly publicBaseUrl: string | null;
}

export async function twilioConfigFromSecrets(): Promise<TwilioConfig> {
  const [accountSid, authToken, serviceSid, from, apiBaseOverride, publicBaseUrl] = await Promise.all([
    getSecret('TWILIO_ACCOUNT_SID'),
    getSecret('TWILIO_AUTH_TOKEN'),
    getOptionalSecret('TWILIO_MESSAGING_SERVICE_SID'),
    getOptionalSecret('TWILIO_FROM_NUMBER'),
    getOptionalSecret('TWILIO_API_BASE_OVERRIDE'),
    getOptionalSecret('PUBLIC_BASE_URL'),
  ]);
  const sender: SmsSender | null = serviceSid ? { messagingServiceSid: serviceSid } : from ? { from } : null;
  if (!sender) throw new Error('Set TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER in the Secrets Manager');
  return { accountSid, authToken, sender, apiBaseOverride, publicBaseUrl: publicBaseUrl ? publicBaseUrl.replace(/\/+$/, '') : null };
}

function toProviderMessage(m: MessageInstance): ProviderMessage {
  const segments = Number(m.numSegments);
  return {
    sid: m.sid,
    to: m.to,
    body: m.body ?? '',
    status: String(m.status),
    errorCode: typeof m.errorCode === 'number' ? m.errorCode : null,
    errorMessage: m.errorMessage ?? null,
    price: priceOf(m.price),
    segments: Number.isFinite(segments) && segments > 0 ? segments : null,
    dateCreated: m.dateCreated ?? null,
    dateSent: m.dateSent ?? null,
  };
}

const AMBIGUOUS_NETWORK_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE', 'ESOCKETTIMEDOUT', 'ECONNREFUSED', 'EAI_AGAIN', 'ERR_SOCKET_CONNECTION_TIMEOUT']);

/** Maps an SDK failure onto the port's kinds; unknown errors come back unchanged. */
export function classifyTwilioError(error: unknown): unknown {
  if (error instanceof twilio.RestException) {
    const status = error.status;
    const code = typeof error.code === 'number' ? error.code : null;
    if (status === 429 || code === 20429) return new SmsProviderError('rate_limited', code, status, error.message);
    if (status >= 500) return new SmsProviderError('unavailable', code, status, error.message);
    return new SmsProviderError('rejected', code, status, error.message);
  }
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (typeof code === 'string' && AMBIGUOUS_NETWORK_CODES.has(code)) return new SmsProviderError('unavailable', null, null, `network: ${code}`);
  return error;
}

async function mapped<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw classifyTwilioError(error);
  }
}

export function createTwilioSmsProvider(options: { readonly client: TwilioClient; readonly sender: SmsSender }): SmsProvider {
  const { client, sender } = options;
  const senderParams = 'messagingServiceSid' in sender ? { messagingServiceSid: sender.messagingServiceSid } : { from: sender.from };
  return {
    // The per-message path: one promise on top of the SDK's own, no async wrappers.
    send: (request) =>
      client.messages
        .create({
          to: request.to,
          body: request.body,
          ...senderParams,
          ...(request.statusCallback ? { statusCallback: request.statusCallback } : {}),
        })
        .then(toProviderMessage, (error: unknown) => {
          throw classifyTwilioError(error);
        }),
    fetch: (sid) =>
      mapped(async () => {
        try {
          return toProviderMessage(await client.messages(sid).fetch());
        } catch (error) {
          if (error instanceof twilio.RestException && error.status === 404) return null;
          throw error;
        }
      }),
    listTo: (to, limit) => mapped(async () => (await client.messages.list({ to, limit, pageSize: Math.min(limit, 1000) })).map(toProviderMessage)),
    async *listSent(window) {
      let page: Pick<MessagePage, 'instances' | 'nextPage'> = await mapped(() =>
        client.messages.page({ dateSentAfter: window.sentAfter, dateSentBefore: window.sentBefore, pageSize: window.pageSize }),
      );
      for (;;) {
        if (page.instances.length > 0) yield page.instances.map(toProviderMessage);
        const current = page;
        const next = await mapped(async () => (await current.nextPage()) ?? null);
        if (!next) return;
        page = next;
      }
    },
    reply: (request) => mapped(async () => toProviderMessage(await client.messages.create({ to: request.to, body: request.body, ...senderParams }))),
  };
}

let cached: { key: string; provider: SmsProvider; config: TwilioConfig } | null = null;

/** The provider configured from the Secrets Manager (one SDK client per configuration). */
export async function twilioFromSecrets(): Promise<{ provider: SmsProvider; config: TwilioConfig }> {
  const config = await twilioConfigFromSecrets();
  const key = [config.accountSid, config.authToken, config.apiBaseOverride ?? '', JSON.stringify(config.sender)].join('|');
  if (cached?.key === key) return { provider: cached.provider, config };
  const client = createTwilioClient({
    accountSid: config.accountSid,
    authToken: config.authToken,
    apiBaseOverride: config.apiBaseOverride,
    requestClientOptions: { timeout: 10_000, keepAlive: true },
  });
  const provider = createTwilioSmsProvider({ client, sender: config.sender });
  cached = { key, provider, config };
  return { provider, config };
}
