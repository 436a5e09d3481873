/**
 * Splits an accepted Mail Send request the way SendGrid does: one message per recipient (to, cc
 * and bcc of every personalization), each with its own `sg_message_id` (`<X-Message-Id>.<filter
 * suffix>`), the merged custom_args and headers, the resolved tracking settings and its composed
 * subject / HTML / text.
 */
import type { MagicTable, SeededRandom } from '../harness';
import { composeMessage } from './compose';
import { WIRE, type AccountTracking, type AddressObject, type MailOutcome, type RecipientKind, type StoredMail } from './model';
import type { MailSendRequest } from './schema';
import type { StoredTemplate } from './templates';
import type { TrackingTokens } from './tracking';

export interface SplitContext {
  readonly now: number;
  readonly xMessageId: string;
  readonly random: SeededRandom;
  /** Next per-simulator message sequence number (part of the filter suffix). */
  readonly nextSeq: () => number;
  readonly template: StoredTemplate | undefined;
  readonly accountTracking: AccountTracking;
  readonly mailboxes: MagicTable<MailOutcome>;
  readonly tokens: TrackingTokens;
  readonly base: string;
}

export function splitRequest(mail: MailSendRequest, ctx: SplitContext): StoredMail[] {
  const ts = mail.tracking_settings;
  const tracking = {
    click: ts?.click_tracking?.enable ?? ctx.accountTracking.click,
    open: ts?.open_tracking?.enable ?? ctx.accountTracking.open,
    subscription: ts?.subscription_tracking?.enable ?? ctx.accountTracking.subscription,
  };
  const settings = mail.mail_settings;
  const bypass = {
    list: settings?.bypass_list_management?.enable === true,
    bounce: settings?.bypass_bounce_management?.enable === true,
    spam: settings?.bypass_spam_management?.enable === true,
    unsubscribe: settings?.bypass_unsubscribe_management?.enable === true,
  };
  const timeHex = Math.floor(ctx.now / 1000).toString(16).toUpperCase();
  const out: StoredMail[] = [];
  (mail.personalizations ?? []).forEach((p, personalization) => {
    const recipients: [RecipientKind, AddressObject][] = [
      ...(p.to ?? []).map((a): [RecipientKind, AddressObject] => ['to', a]),
      ...(p.cc ?? []).map((a): [RecipientKind, AddressObject] => ['cc', a]),
      ...(p.bcc ?? []).map((a): [RecipientKind, AddressObject] => ['bcc', a]),
    ];
    for (const [kind, address] of recipients) {
      const sgMessageId = `${ctx.xMessageId}.filterdrecv-${ctx.random.hex(9)}-${ctx.random.hex(5)}-${ctx.nextSeq()}-${timeHex}-${out.length.toString(16).toUpperCase()}.0`;
      const composed = composeMessage({ mail, personalization: p, template: ctx.template, tracking, sgMessageId, base: ctx.base, tokens: ctx.tokens });
      out.push({
        sgMessageId,
        xMessageId: ctx.xMessageId,
        smtpId: `<${ctx.xMessageId}@${WIRE.smtpHost}>`,
        personalization,
        kind,
        to: { email: address.email.trim(), ...(address.name !== undefined ? { name: address.name } : {}) },
        from: p.from ?? mail.from ?? { email: '' },
        replyTo: mail.reply_to ?? mail.reply_to_list?.[0] ?? null,
        subject: composed.subject,
        html: composed.html,
        text: composed.text,
        links: composed.links,
        templateId: mail.template_id ?? null,
        categories: mail.categories ?? [],
        customArgs: { ...mail.custom_args, ...p.custom_args },
        asmGroupId: mail.asm?.group_id ?? null,
        bypass,
        headers: composed.headers,
        tracking,
        sendAt: p.send_at ?? mail.send_at ?? 0,
        batchId: mail.batch_id ?? null,
        outcome: ctx.mailboxes.outcomeFor(address.email),
        acceptedAt: ctx.now,
        status: 'scheduled',
        events: [],
        oneClick: [],
      });
    }
  });
  return out;
}
