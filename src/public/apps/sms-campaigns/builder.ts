/**
 * The campaign builder (spec §6.2): name, composer(s) with A/B weights, variable picker, audience
 * with a live estimate, schedule, send window, and save draft / schedule / send now.
 */
import { DEFAULT_SMS_PRICE_PER_SEGMENT } from '../../../backend/outreach/sms';
import { TEMPLATE_VARIABLE_GROUPS, variablesForChannel } from '../../../backend/outreach/variables';
import type { Api, Campaign } from './api';
import { readAudienceFields, renderAudienceFields } from '../shared/audience';
import { audienceFilterOf, audienceFormOf } from '../shared/audienceModel';
import { createComposer, type Composer } from './composer';
import { byId, debounce, fill, h, toast } from '../shared/dom';
import { formatInt, formatUsd } from '../shared/format';
import { campaignDataOf, fieldErrorsOf, localProblems, VARIANT_IDS, weightShares, type BuilderDraft, type BuilderField, type FieldErrors } from './model';
import { renderSchedule, readSchedule, readWindow } from '../shared/schedule';
import { isoFromLocal, nextOccurrence, type Recurrence, type ScheduleKind } from '../shared/scheduleModel';

export interface BuilderContext {
  readonly api: Api;
  readonly carrierDot: string;
  readonly openCampaign: (campaignId: string) => void;
  readonly openList: () => void;
}

interface VariantRow {
  readonly id: string;
  readonly composer: Composer;
  readonly weight: HTMLInputElement;
  readonly row: HTMLElement;
}

const GROUP_LABEL = { driver: 'Driver', recruiter: 'Recruiter', carrier: 'Carrier', job: 'Job', compliance: 'Compliance' } as const;

/** `existing`: a draft to edit, or (with `copy`) a campaign to duplicate. */
export function renderBuilder(container: HTMLElement, ctx: BuilderContext, existing?: Campaign, copy = false): void {
  let campaignId: string | null = existing && !copy ? existing._id : null;
  let pricePerSegment = DEFAULT_SMS_PRICE_PER_SEGMENT;
  let focused: Composer | null = null;
  const variants: VariantRow[] = [];
  let estimateSeq = 0;
  let busy = false;

  const nameInput = h('input', { id: 'campaign-name', name: 'name', maxlength: 200, autocomplete: 'off', placeholder: 'Spring Hiring Blitz - Week 1', 'aria-describedby': 'error-name' });
  nameInput.value = existing ? (copy ? `${existing.campaign_name} (copy)` : existing.campaign_name) : '';
  const variantList = h('div', { class: 'variants' });
  const audienceFields = renderAudienceFields(audienceFormOf(existing?.audience_filter, 'sms'), 'sms');
  const estimate = h('p', { id: 'audience-estimate', class: 'estimate', 'aria-live': 'polite' }, 'Estimating…');
  const schedule = renderSchedule(existing, { recurring: true });
  const general = h('p', { id: 'builder-error', class: 'error', role: 'alert', hidden: true });
  const primary = h('button', { type: 'button', id: 'send-button', class: 'primary' });
  const errorSlot = (field: BuilderField) => h('p', { id: `error-${field}`, class: 'field-error', 'data-error-for': field, hidden: true });

  const refreshShares = (): void => {
    const shares = weightShares(variants.map((v) => Number(v.weight.value)));
    variants.forEach((v, i) => {
      const label = v.row.querySelector('.share');
      if (label) label.textContent = variants.length > 1 ? `${shares[i] ?? 0}% of recipients` : '';
      v.row.querySelector<HTMLElement>('.variant-weight')?.toggleAttribute('hidden', variants.length < 2);
    });
  };

  const addVariant = (text: string, weight: number): void => {
    const id = VARIANT_IDS.find((x) => !variants.some((v) => v.id === x));
    if (id === undefined) return;
    const composer = createComposer({
      id: `message-${id}`,
      label: variants.length === 0 ? 'Message' : `Variant ${id}`,
      initial: text,
      pricePerSegment: () => pricePerSegment,
      onChange: () => {
        requestEstimate();
        clearError('message');
      },
      onFocus: (c) => (focused = c),
    });
    const weightInput = h('input', { type: 'number', min: 1, max: 100, step: 1, name: `weight-${id}`, 'aria-label': `Weight of variant ${id}` });
    weightInput.value = String(weight);
    weightInput.addEventListener('input', refreshShares);
    const row: HTMLElement = h('div', { class: 'variant', 'data-variant': id }, composer.root);
    const controls = h('div', { class: 'variant-weight' }, h('label', {}, `Weight ${id} `, weightInput), h('span', { class: 'share muted' }));
    if (variants.length > 0) {
      controls.append(
        h('button', {
          type: 'button',
          class: 'link',
          onclick: () => {
            const index = variants.findIndex((v) => v.id === id);
            if (index >= 0) variants.splice(index, 1);
            row.remove();
            refreshShares();
          },
        }, `Remove variant ${id}`),
      );
    }
    row.append(controls);
    variants.push({ id, composer, weight: weightInput, row });
    variantList.append(row);
    focused ??= composer;
    refreshShares();
  };

  const storedVariants = existing?.message_variants ?? [];
  if (storedVariants.length > 1) storedVariants.forEach((v) => addVariant(v.message_template, v.weight));
  else addVariant(existing?.message_template ?? '', 50);

  const picker = h(
    'div',
    { class: 'picker', role: 'group', 'aria-label': 'Insert a variable' },
    ...TEMPLATE_VARIABLE_GROUPS.map((group) => {
      const vars = variablesForChannel('sms').filter((v) => v.group === group);
      if (vars.length === 0) return null;
      return h(
        'div',
        { class: 'picker-group' },
        h('span', { class: 'label' }, GROUP_LABEL[group]),
        ...vars.map((v) => h('button', { type: 'button', class: 'chip', title: v.description, 'data-variable': v.name, onclick: () => (focused ?? variants[0]?.composer)?.insert(`{{${v.name}}}`) }, v.name)),
      );
    }),
  );

  const draft = (): BuilderDraft => ({
    name: nameInput.value,
    variants: variants.map((v) => ({ id: v.id, text: v.composer.value(), weight: Number(v.weight.value) })),
    audience: readAudienceFields(audienceFields),
    schedule: readSchedule(schedule),
    window: readWindow(schedule),
  });

  function clearError(field: BuilderField): void {
    const slot = container.querySelector<HTMLElement>(`[data-error-for="${field}"]`);
    if (slot) slot.hidden = true;
  }

  const showErrors = (fields: FieldErrors, message: string | null): void => {
    for (const slot of Array.from(container.querySelectorAll<HTMLElement>('[data-error-for]'))) {
      const text = fields[slot.dataset['errorFor'] as BuilderField];
      slot.textContent = text ?? '';
      slot.hidden = text === undefined;
    }
    general.textContent = message ?? '';
    general.hidden = message === null;
    container.querySelector<HTMLElement>('[data-error-for]:not([hidden]), #builder-error:not([hidden])')?.scrollIntoView({ block: 'center' });
  };

  const runEstimate = async (): Promise<void> => {
    const seq = ++estimateSeq;
    const { filter, problems } = audienceFilterOf(readAudienceFields(audienceFields), 'sms');
    if (problems.length > 0) {
      fill(estimate, h('span', { class: 'field-error' }, problems.join(' ')));
      return;
    }
    const answer = await ctx.api.call('estimateSMSAudience', ctx.carrierDot, filter, variants[0]?.composer.value() ?? '');
    if (seq !== estimateSeq) return;
    if (!answer.success) {
      fill(estimate, h('span', { class: 'field-error' }, `Estimate unavailable: ${answer.error}`));
      return;
    }
    if (answer.pricePerSegment !== undefined && answer.pricePerSegment !== pricePerSegment) {
      pricePerSegment = answer.pricePerSegment;
      variants.forEach((v) => v.composer.refresh());
    }
    fill(
      estimate,
      h('span', {}, 'Estimated audience: ', h('strong', { id: 'estimate-count' }, formatInt(answer.audienceCount)), ' drivers'),
      h('span', {}, 'Est. cost: ', h('strong', { id: 'estimate-cost' }, formatUsd(answer.costEstimate))),
    );
  };
  const requestEstimate = debounce(() => void runEstimate(), 400);
  audienceFields.addEventListener('input', () => {
    clearError('audience');
    requestEstimate();
  });
  audienceFields.addEventListener('change', requestEstimate);

  const kind = (): ScheduleKind => readSchedule(schedule).kind;
  const labelPrimary = (): void => {
    primary.textContent = kind() === 'immediate' ? 'Send now…' : 'Schedule send';
  };
  schedule.addEventListener('change', labelPrimary);

  /** Creates or updates the campaign; returns its id and the backend's count and cost. */
  const save = async (sending: boolean): Promise<{ id: string; count: number | null; cost: number | null } | null> => {
    const d = draft();
    const { filter, problems } = audienceFilterOf(d.audience, 'sms');
    const local = localProblems(d, problems, sending);
    if (Object.keys(local).length > 0) {
      showErrors(local, null);
      return null;
    }
    const data = campaignDataOf(d, filter);
    if (campaignId === null) {
      const created = await ctx.api.call('createSMSCampaign', ctx.carrierDot, data);
      if (!created.success) {
        const { fields, general: rest } = fieldErrorsOf(created.error);
        showErrors(fields, rest);
        return null;
      }
      campaignId = created.campaignId;
      showErrors({}, null);
      return { id: created.campaignId, count: created.audienceCount, cost: created.costEstimate };
    }
    const updated = await ctx.api.call('updateSMSCampaign', campaignId, data);
    if (!updated.success) {
      const { fields, general: rest } = fieldErrorsOf(updated.error);
      showErrors(fields, rest);
      return null;
    }
    showErrors({}, null);
    return { id: campaignId, count: updated.campaign.audience_count ?? null, cost: updated.campaign.cost_estimate ?? null };
  };

  const guard = (fn: () => Promise<void>) => async (): Promise<void> => {
    if (busy) return;
    busy = true;
    container.setAttribute('aria-busy', 'true');
    try {
      await fn();
    } finally {
      busy = false;
      container.removeAttribute('aria-busy');
    }
  };

  const saveDraft = guard(async () => {
    const saved = await save(false);
    if (saved) {
      toast('Draft saved.');
      ctx.openList();
    }
  });

  const sendOrSchedule = guard(async () => {
    const saved = await save(true);
    if (!saved) return;
    const s = readSchedule(schedule);
    if (s.kind === 'immediate') {
      const ok = await confirmSend(saved.count, saved.cost);
      if (!ok) {
        toast('Not sent; the campaign is saved as a draft.');
        return;
      }
      const sent = await ctx.api.call('sendSMSCampaign', saved.id);
      if (!sent.success) return showErrors({}, sent.error);
      toast(`Sending to ${formatInt(sent.messagesQueued)} drivers.`);
      ctx.openCampaign(saved.id);
      return;
    }
    const at = s.kind === 'scheduled' ? isoFromLocal(s.at) : nextOccurrence(s.recurrence as Recurrence, s.time, s.weekday, new Date()).toISOString();
    const scheduled = await ctx.api.call('scheduleSMSCampaign', saved.id, at);
    if (!scheduled.success) {
      const { fields, general: rest } = fieldErrorsOf(scheduled.error);
      return showErrors(Object.keys(fields).length > 0 ? fields : { schedule: scheduled.error }, Object.keys(fields).length > 0 ? rest : null);
    }
    toast(`Scheduled for ${new Date(scheduled.scheduledFor).toLocaleString()}.`);
    ctx.openList();
  });

  const sendTest = guard(async () => {
    const body = variants[0]?.composer.root.querySelector('[data-role="preview"]')?.textContent ?? '';
    if (body.trim() === '') return showErrors({ message: 'Write the message first.' }, null);
    const answer = await ctx.api.call('sendTestSMS', ctx.carrierDot, body);
    if (answer.success) toast('Test message sent to your phone.');
    else toast(answer.error, 'error');
  });

  primary.addEventListener('click', () => void sendOrSchedule());
  labelPrimary();

  fill(
    container,
    h(
      'form',
      { class: 'builder', novalidate: true, onsubmit: (e: Event) => e.preventDefault() },
      h('div', { class: 'builder-head' }, h('h2', {}, campaignId ? 'Edit SMS campaign' : 'Create SMS campaign'), h('button', { type: 'button', class: 'link', onclick: ctx.openList, 'aria-label': 'Close the builder' }, '✕')),
      general,
      h('section', {}, h('label', { for: 'campaign-name', class: 'section-label' }, 'Campaign name'), nameInput, errorSlot('name')),
      h('section', {}, h('h3', {}, 'Message'), variantList, errorSlot('message'), h('p', { class: 'label' }, 'Available variables'), picker),
      h(
        'section',
        {},
        h('div', { class: 'section-head' }, h('h3', {}, 'A/B testing'), h('button', { type: 'button', id: 'add-variant', onclick: () => addVariant('', 50) }, '+ Add variant')),
        h('p', { class: 'muted' }, 'Each driver gets one variant at random by weight; replies decide the winner.'),
        errorSlot('variants'),
      ),
      h('section', {}, h('h3', {}, 'Audience'), audienceFields, estimate, errorSlot('audience')),
      h('section', {}, schedule, errorSlot('schedule'), errorSlot('window')),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', onclick: ctx.openList }, 'Cancel'),
        h('button', { type: 'button', id: 'test-button', onclick: () => void sendTest() }, 'Send test to me'),
        h('span', { class: 'spacer' }),
        h('button', { type: 'button', id: 'draft-button', onclick: () => void saveDraft() }, 'Save draft'),
        primary,
      ),
    ),
  );
  nameInput.addEventListener('input', () => clearError('name'));
  void runEstimate();
  byId('campaign-name', container).focus();
}

/** The confirmation before a blast: how many drivers, what it costs. */
function confirmSend(count: number | null, cost: number | null): Promise<boolean> {
  const dialog = h(
    'dialog',
    { id: 'confirm-send', 'aria-labelledby': 'confirm-title' },
    h('h3', { id: 'confirm-title' }, 'Send this campaign now?'),
    h('p', {}, 'It goes to ', h('strong', { id: 'confirm-count' }, count === null ? 'the matching' : formatInt(count)), ' drivers for about ', h('strong', { id: 'confirm-cost' }, cost === null ? '–' : formatUsd(cost)), '.'),
    h('p', { class: 'muted' }, 'Opted-out drivers are skipped; quiet hours can hold messages until the window opens.'),
  );
  return new Promise((resolve) => {
    const close = (answer: boolean) => () => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    dialog.append(h('div', { class: 'actions' }, h('button', { type: 'button', onclick: close(false) }, 'Cancel'), h('span', { class: 'spacer' }), h('button', { type: 'button', class: 'primary', id: 'confirm-yes', onclick: close(true) }, 'Send')));
    dialog.addEventListener('cancel', close(false));
    document.body.append(dialog);
    dialog.showModal();
  });
}
