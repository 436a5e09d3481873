/**
 * The v3 Mail Send request body (`POST /v3/mail/send`, providers.md §3.1) as a zod schema: types
 * only. Required fields and limits are checked in validate.ts, where they get SendGrid's messages.
 */
import * as z from 'zod';

const Address = z.object({ email: z.string(), name: z.string().optional() }).loose();
const StringMap = z.record(z.string(), z.string());
const Toggle = z.object({ enable: z.boolean().optional() }).loose();

export const Personalization = z
  .object({
    to: z.array(Address).optional(),
    cc: z.array(Address).optional(),
    bcc: z.array(Address).optional(),
    from: Address.optional(),
    subject: z.string().optional(),
    headers: StringMap.optional(),
    substitutions: StringMap.optional(),
    dynamic_template_data: z.record(z.string(), z.unknown()).optional(),
    custom_args: StringMap.optional(),
    send_at: z.number().int().optional(),
  })
  .loose();

export const MailSendBody = z
  .object({
    personalizations: z.array(Personalization).optional(),
    from: Address.optional(),
    reply_to: Address.optional(),
    reply_to_list: z.array(Address).optional(),
    subject: z.string().optional(),
    content: z.array(z.object({ type: z.string(), value: z.string() }).loose()).optional(),
    attachments: z
      .array(
        z
          .object({
            content: z.string(),
            filename: z.string(),
            type: z.string().optional(),
            disposition: z.enum(['inline', 'attachment']).optional(),
            content_id: z.string().optional(),
          })
          .loose(),
      )
      .optional(),
    template_id: z.string().optional(),
    headers: StringMap.optional(),
    sections: StringMap.optional(),
    categories: z.array(z.string()).optional(),
    custom_args: StringMap.optional(),
    send_at: z.number().int().optional(),
    batch_id: z.string().optional(),
    asm: z.object({ group_id: z.number().int(), groups_to_display: z.array(z.number().int()).optional() }).loose().optional(),
    ip_pool_name: z.string().optional(),
    mail_settings: z
      .object({
        bypass_list_management: Toggle.optional(),
        bypass_spam_management: Toggle.optional(),
        bypass_bounce_management: Toggle.optional(),
        bypass_unsubscribe_management: Toggle.optional(),
        footer: z.object({ enable: z.boolean().optional(), text: z.string().optional(), html: z.string().optional() }).loose().optional(),
        sandbox_mode: Toggle.optional(),
      })
      .loose()
      .optional(),
    tracking_settings: z
      .object({
        click_tracking: z.object({ enable: z.boolean().optional(), enable_text: z.boolean().optional() }).loose().optional(),
        open_tracking: z.object({ enable: z.boolean().optional(), substitution_tag: z.string().optional() }).loose().optional(),
        subscription_tracking: z
          .object({ enable: z.boolean().optional(), text: z.string().optional(), html: z.string().optional(), substitution_tag: z.string().optional() })
          .loose()
          .optional(),
        ganalytics: z
          .object({
            enable: z.boolean().optional(),
            utm_source: z.string().optional(),
            utm_medium: z.string().optional(),
            utm_term: z.string().optional(),
            utm_content: z.string().optional(),
            utm_campaign: z.string().optional(),
          })
          .loose()
          .optional(),
      })
      .loose()
      .optional(),
  })
  .loose();

export type MailSendRequest = z.infer<typeof MailSendBody>;
export type PersonalizationInput = z.infer<typeof Personalization>;
export type AddressInput = z.infer<typeof Address>;

/** JSON-schema style type name of a value ("integer", "string", …), as SendGrid's type errors say. */
export function jsonTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'object') return 'object';
  return typeof value;
}

/** The value at a zod issue path inside the raw body, or undefined. */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
