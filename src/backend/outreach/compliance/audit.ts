/**
 * ComplianceAuditLog entries: one per hold and block decision (sends are not audited one by one —
 * at campaign volume they would double the writes; the message records show them), and one per
 * opt-out, opt-in, consent change and review flag. The contact address is stored (the collection is
 * backend-only) but never logged.
 */
import { evaluatedZones } from '../contactWindow';
import type { AuditDecision, ContactChannel } from '../../collections/vocabulary';
import type { ContactEvaluation } from './decide';
import type { AuditEntry, DecisionDriver } from './types';

export const SYSTEM_ACTOR = 'system';

export interface DecisionAuditContext {
  readonly channel: ContactChannel;
  readonly carrierDot: string;
  readonly driver: Pick<DecisionDriver, '_id' | 'phone' | 'email'>;
  readonly now: Date;
  readonly campaignId?: string | null;
  readonly actor?: string;
}

function addressOf(channel: ContactChannel, driver: Pick<DecisionDriver, 'phone' | 'email'>): string | undefined {
  switch (channel) {
    case 'sms':
    case 'voicemail':
    case 'call':
      return driver.phone ?? undefined;
    case 'email':
      return driver.email ?? undefined;
  }
}

/** The audit entry for a decision, or null for a send. */
export function auditEntryForDecision(evaluation: ContactEvaluation, context: DecisionAuditContext): AuditEntry | null {
  const { decision } = evaluation;
  const base = {
    carrier_dot: context.carrierDot,
    driver_id: context.driver._id,
    address: addressOf(context.channel, context.driver),
    channel: context.channel,
    at: context.now,
    campaign_id: context.campaignId ?? null,
    actor: context.actor ?? SYSTEM_ACTOR,
    ...(evaluation.location ? { time_zones: [...evaluatedZones(evaluation.location)] } : {}),
    ...(Object.keys(evaluation.details).length > 0 ? { details: { ...evaluation.details } } : {}),
  };
  switch (decision.action) {
    case 'send':
      return null;
    case 'hold':
      return { ...base, decision: 'hold', rule: decision.rule, reason: decision.reason, hold_until: decision.until };
    case 'block':
      return { ...base, decision: 'block', rule: decision.rule, reason: decision.reason, hold_until: null };
  }
}

/** An audit entry for a consent or opt-out event. */
export function eventAuditEntry(input: {
  readonly decision: Exclude<AuditDecision, 'send' | 'hold' | 'block'>;
  readonly carrierDot: string;
  readonly driverId: string | null;
  readonly address: string;
  readonly channel: ContactChannel;
  readonly rule: string;
  readonly reason: string;
  readonly at: Date;
  readonly messageId?: string | null;
  readonly details?: Readonly<Record<string, string | number | boolean | null>>;
}): AuditEntry {
  return {
    carrier_dot: input.carrierDot,
    driver_id: input.driverId,
    address: input.address,
    channel: input.channel,
    decision: input.decision,
    rule: input.rule,
    reason: input.reason,
    at: input.at,
    message_id: input.messageId ?? null,
    actor: SYSTEM_ACTOR,
    ...(input.details ? { details: { ...input.details } } : {}),
  };
}
