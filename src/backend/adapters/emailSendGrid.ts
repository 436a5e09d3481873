/**
 * The email provider port on the real `@sendgrid/mail` SDK. Secrets (spec §5.2): SENDGRID_API_KEY;
 * SENDGRID_API_BASE_OVERRIDE only on the local host (the simulator, reached through the SDK's
 * `setDefaultRequest('baseUrl')` seam after `setApiKey`); PUBLIC_BASE_URL for unsubscribe links and
 * EMAIL_UNSUBSCRIBE_SECRET for their tokens. Errors map to EmailProviderError kinds; anything
 * unrecognised is rethrown unchanged.
 */
import * as z from 'zod';
import { getOptionalSecret, getSecret } from '../platform';
import { configureSendGrid, type SendGridMailService } from '../providers';
import { EmailProviderError, SUBSTITUTION_WRAPPERS, type EmailProvider, type EmailSendRequest } from '../email/provider';

export interface SendGridConfig {
  readonly apiKey: string;
  readonly apiBaseOverride: string | null;
  /** Public base URL of the site (the one-click unsubscribe endpoint lives under it). */
  readonly publicBaseUrl: string;
  readonly unsubscribeSecret: string;
}

export async function sendGridConfigFromSecrets(): Promise<SendGridConfig> {
  const [apiKey, apiBaseOverride, publicBaseUrl, unsubscribeSecret] = await Promise.all([
    getSecret('SENDGRID_API_KEY'),
    getOptionalSecret('SENDGRID_API_BASE_OVERRIDE'),
    getSecret('PUBLIC_BASE_URL'),
    getSecret('EMAIL_UNSUBSCRIBE_SECRET'),
  ]);
  return { apiKey, apiBaseOverride, publicBaseUrl: publicBaseUrl.replace(/\/+$/, ''), unsubscribeSecret };
}

/** SendGrid's error body: `{"errors":[{"message","field","help"}]}`. */
const SendGridErrorBody = z.object({
  errors: z.array(z.object({ message: z.string(), field: z.string().nullable().optional() })).default([]),
});

/** An `@sendgrid/helpers` ResponseError, recognised by shape (the helpers package is not a direct dependency). */
const ResponseErrorShape = z.object({ code: z.number().int(), message: z.string().optional(), response: z.object({ body: z.unknown() }).optional() });

/** The request never left this machine or never reached SendGrid: nothing can have been accepted. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** Sent (at least partly) without an answer: SendGrid may have accepted it. */
const AMBIGUOUS_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE', 'ESOCKETTIMEDOUT', 'ERR_SOCKET_CONNECTION_TIMEOUT', 'ERR_NETWORK']);

function fieldErrorsOf(body: unknown): { message: string; field: string | null }[] {
  const raw = typeof body === 'string' ? safeJson(body) : body;
  const parsed = SendGridErrorBody.safeParse(raw);
  return parsed.success ? parsed.data.errors.map((e) => ({ message: e.message, field: e.field ?? null })) : [];
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** Maps an SDK failure onto the port's kinds; unknown errors come back unchanged. */
export function classifySendGridError(error: unknown): unknown {
  const response = ResponseErrorShape.safeParse(error);
  if (response.success && response.data.code >= 400) {
    const status = response.data.code;
    const fields = fieldErrorsOf(response.data.response?.body);
    const message = fields.length > 0 ? fields.map((f) => (f.field ? `${f.field}: ${f.message}` : f.message)).join('; ') : (response.data.message ?? `HTTP ${status}`);
    if (status === 429) return new EmailProviderError('rate_limited', status, message, fields);
    if (status >= 500) return new EmailProviderError('unavailable', status, message, fields);
    return new EmailProviderError('rejected', status, message, fields);
  }
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return new EmailProviderError('unreachable', null, `network: ${code}`);
  if (typeof code === 'string' && AMBIGUOUS_CODES.has(code)) return new EmailProviderError('unavailable', null, `network: ${code}`);
  return error;
}

function headerValue(headers: unknown, name: string): string | null {
  if (typeof headers !== 'object' || headers === null) return null;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name && typeof value === 'string') return value;
  }
  return null;
}

/** The SDK's mail object for a port request (camelCase; the SDK writes SendGrid's JSON). */
export function toSendGridMail(request: EmailSendRequest): Parameters<SendGridMailService['send']>[0] {
  const base = {
    from: request.from,
    ...(request.replyTo ? { replyTo: request.replyTo } : {}),
    subject: request.subject,
    personalizations: request.personalizations.map((p) => ({
      to: [p.to],
      subject: p.subject,
      ...(p.substitutions ? { substitutions: { ...p.substitutions } } : {}),
      ...(p.dynamicTemplateData ? { dynamicTemplateData: { ...p.dynamicTemplateData } } : {}),
      customArgs: { ...p.customArgs },
      headers: { ...p.headers },
    })),
    ...(request.categories.length > 0 ? { categories: [...request.categories] } : {}),
    ...(request.asmGroupId !== null ? { asm: { groupId: request.asmGroupId } } : {}),
    trackingSettings: { clickTracking: { enable: request.tracking.clicks, enableText: false }, openTracking: { enable: request.tracking.opens } },
    ...(request.footer ? { mailSettings: { footer: { enable: true, html: request.footer.html, text: request.footer.text } } } : {}),
    substitutionWrappers: [...SUBSTITUTION_WRAPPERS],
    // Values carry quotes and ampersands by design (names, escaped HTML): no per-recipient console warning.
    hideWarnings: true,
  };
  if (request.templateId) return { ...base, templateId: request.templateId };
  if (!request.content) throw new Error('an email request needs content or a template');
  return {
    ...base,
    content: [
      { type: 'text/plain', value: request.content.text },
      { type: 'text/html', value: request.content.html },
    ],
  };
}

export function createSendGridEmailProvider(service: SendGridMailService): EmailProvider {
  return {
    async send(request) {
      let result: Awaited<ReturnType<SendGridMailService['send']>>;
      try {
        result = await service.send(toSendGridMail(request));
      } catch (error) {
        throw classifySendGridError(error);
      }
      const [response] = result;
      const messageId = headerValue(response.headers, 'x-message-id');
      // 202 without an id should not happen; the request was accepted, so it must not be resent.
      return { messageId: messageId ?? 'unknown' };
    },
  };
}

let cached: { key: string; provider: EmailProvider; config: SendGridConfig } | null = null;

/** The provider configured from the Secrets Manager (one MailService per configuration). */
export async function sendGridFromSecrets(): Promise<{ provider: EmailProvider; config: SendGridConfig }> {
  const config = await sendGridConfigFromSecrets();
  const key = [config.apiKey, config.apiBaseOverride ?? ''].join('|');
  if (cached?.key === key) return { provider: cached.provider, config };
  // Below the 14 s of a web method (the inline send): a timeout is an unconfirmed request, never a blind resend.
  const service = configureSendGrid({ apiKey: config.apiKey, apiBaseOverride: config.apiBaseOverride, timeoutMs: 10_000 });
  const provider = createSendGridEmailProvider(service);
  cached = { key, provider, config };
  return { provider, config };
}
