/**
 * The email campaign builder: name, sender (from name / email, reply-to), subject with variants and
 * the variable picker, preheader, template or HTML with a sandboxed preview, audience with a live
 * estimate (the shared audience builder), schedule, send window, tracking, and save draft /
 * schedule / send now.
 */
import type { Api } from './api';
import type { EmailCampaign } from './campaignSchemas';
import { readAudienceFields, renderAudienceFields } from '../shared/audience';
import { audienceFilterOf, audienceFormOf } from '../shared/audienceModel';
import { byId, debounce, fill, h, toast } from '../shared/dom';
import { formatInt } from '../shared/format';
import { readSchedule, readWindow, renderSchedule } from '../shared/schedule';
import { renderContent } from './content';
import { emailCampaignDataOf, emailFieldErrorsOf, emailLocalProblems, type EmailDraft, type EmailField, type EmailFieldErrors } from './model';

export interface BuilderContext {
  readonly api: Api;
  readonly carrierDot: string;
  readonly openCampaign: (campaignId: string) => void;
  readonly openList: () => void;
}

function input(id: string, value: string, attrs: Record<string, string | number> = {}): HTMLInputElement {
  const el = h('input', { id, name: id, autocomplete: 'off', ...attrs });
  el.value = value;
  return el;
}

/** `existing`: a draft to edit, or (with `copy`) a campaign to duplicate. */
export function renderBuilder(container: HTMLElement, ctx: BuilderContext, existing?: EmailCampaign, copy = false): void {
  let campaignId: string | null = existing && !copy ? existing._id : null;
  let estimateSeq = 0;
  let busy = false;
  const errorSlot = (field: EmailField) => h('p', { id: `error-${field}`, class: 'field-error', 'data-error-for': field, hidden: true });
  const general = h('p', { id: 'builder-error', class: 'error', role: 'alert', hidden: true });
  const name = input('campaign-name', existing ? (copy ? `${existing.campaign_name} (copy)` : existing.campaign_name) : '', { maxlength: 200, placeholder: 'Dallas OTR - March email', 'aria-describedby': 'error-name' });
  const fromName = input('from-name', existing?.from_name ?? '', { maxlength: 100, placeholder: "carrier's sender name" });
  const fromEmail = input('from-email', existing?.from_email ?? '', { type: 'email', maxlength: 320, placeholder: "carrier's sending address", 'aria-describedby': 'error-from' });
  const replyTo = input('reply-to', existing?.reply_to ?? '', { type: 'email', maxlength: 320, placeholder: 'replies go to the From address', 'aria-describedby': 'error-replyTo' });
  const content = renderContent(existing, { fromName: () => fromName.value, onChange: () => clearErrors(['subject', 'variants', 'preheader', 'content']), errorSlot });
  fromName.addEventListener('input', () => content.refresh());
  const audienceFields = renderAudienceFields(audienceFormOf(existing?.audience_filter, 'email'), 'email');
  const estimate = h('p', { id: 'audience-estimate', class: 'estimate', 'aria-live': 'polite' }, 'Estimating…');
  const schedule = renderSchedule(existing, { recurring: false });
  const tracking = existing?.tracking ?? { opens: true, clicks: true };
  const trackOpens = h('input', { type: 'checkbox', id: 'track-opens', checked: tracking.opens });
  const trackClicks = h('input', { type: 'checkbox', id: 'track-clicks', checked: tracking.clicks });
  const primary = h('button', { type: 'button', id: 'send-button', class: 'primary' });

  const draft = (): EmailDraft => {
    const s = readSchedule(schedule);
    return {
      name: name.value,
      fromName: fromName.value,
      fromEmail: fromEmail.value,
      replyTo: replyTo.value,
      subjects: content.subjects(),
      preheader: content.preheader(),
      mode: content.mode(),
      templateId: content.templateId(),
      unsubscribeGroupId: content.unsubscribeGroupId(),
      html: content.html(),
      schedule: { kind: s.kind === 'scheduled' ? 'scheduled' : 'immediate', at: s.at },
      window: readWindow(schedule),
      tracking: { opens: trackOpens.checked, clicks: trackClicks.checked },
    };
  };

  function clearErrors(fields: readonly EmailField[]): void {
    for (const field of fields) {
      const slot = container.querySelector<HTMLElement>(`[data-error-for="${field}"]`);
      if (slot) slot.hidden = true;
    }
  }

  const showErrors = (fields: EmailFieldErrors, message: string | null): void => {
    for (const slot of Array.from(container.querySelectorAll<HTMLElement>('[data-error-for]'))) {
      const text = fields[slot.dataset['errorFor'] as EmailField];
      slot.textContent = text ?? '';
      slot.hidden = text === undefined;
    }
    general.textContent = message ?? '';
    general.hidden = message === null;
    container.querySelector<HTMLElement>('[data-error-for]:not([hidden]), #builder-error:not([hidden])')?.scrollIntoView({ block: 'center' });
  };

  const runEstimate = async (): Promise<void> => {
    const seq = ++estimateSeq;
    const { filter, problems } = audienceFilterOf(readAudienceFields(audienceFields), 'email');
    if (problems.length > 0) return void fill(estimate, h('span', { class: 'field-error' }, problems.join(' ')));
    const answer = await ctx.api.call('estimateEmailAudience', ctx.carrierDot, filter);
    if (seq !== estimateSeq) return;
    if (!answer.success) return void fill(estimate, h('span', { class: 'field-error' }, `Estimate unavailable: ${answer.error}`));
    fill(estimate, h('span', {}, 'Estimated audience: ', h('strong', { id: 'estimate-count' }, formatInt(answer.audienceCount)), ' drivers reachable by email'));
  };
  const requestEstimate = debounce(() => void runEstimate(), 400);
  audienceFields.addEventListener('input', () => {
    clearErrors(['audience']);
    requestEstimate();
  });
  audienceFields.addEventListener('change', requestEstimate);

  const labelPrimary = (): void => {
    primary.textContent = readSchedule(schedule).kind === 'scheduled' ? 'Schedule send' : 'Send now…';
  };
  schedule.addEventListener('change', labelPrimary);

  /** Creates or updates the campaign; returns its id and audience count. */
  const save = async (sending: boolean): Promise<{ id: string; count: number | null } | null> => {
    const d = draft();
    const { filter, problems } = audienceFilterOf(readAudienceFields(audienceFields), 'email');
    const local = emailLocalProblems(d, problems, sending);
    if (Object.keys(local).length > 0) {
      showErrors(local, null);
      return null;
    }
    const data = emailCampaignDataOf(d, filter);
    if (campaignId === null) {
      const created = await ctx.api.call('createEmailCampaign', ctx.carrierDot, data);
      if (!created.success) {
        const spread = emailFieldErrorsOf(created.error);
        showErrors(spread.fields, spread.general);
        return null;
      }
      campaignId = created.campaignId;
      showErrors({}, null);
      return { id: created.campaignId, count: created.audienceCount };
    }
    const updated = await ctx.api.call('updateEmailCampaign', campaignId, data);
    if (!updated.success) {
      const spread = emailFieldErrorsOf(updated.error);
      showErrors(spread.fields, spread.general);
      return null;
    }
    showErrors({}, null);
    return { id: campaignId, count: updated.campaign.audience_count ?? null };
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
    if (await save(false)) {
      toast('Draft saved.');
      ctx.openList();
    }
  });

  const sendOrSchedule = guard(async () => {
    const saved = await save(true);
    if (!saved) return;
    const later = draft().schedule.kind === 'scheduled';
    if (!later && !(await confirmSend(saved.count))) return toast('Not sent; the campaign is saved as a draft.');
    const sent = await ctx.api.call('sendEmailCampaign', saved.id);
    if (!sent.success) return showErrors({}, sent.error);
    toast(later ? 'Scheduled.' : `Sending to ${formatInt(sent.emailsQueued)} drivers.`);
    if (later) ctx.openList();
    else ctx.openCampaign(saved.id);
  });

  const sendTest = guard(async () => {
    const d = draft();
    const local = emailLocalProblems({ ...d, name: d.name.trim() === '' ? 'test' : d.name }, [], false);
    const blocking = (['from', 'subject', 'content'] as const).filter((f) => local[f] !== undefined);
    if (blocking.length > 0) return showErrors(local, null);
    const data = emailCampaignDataOf(d, {});
    const answer = await ctx.api.call('sendTestEmail', ctx.carrierDot, {
      subjectLine: data.subjectLine,
      htmlContent: data.htmlContent ?? null,
      templateId: data.templateId ?? null,
      preheader: data.preheader ?? '',
      unsubscribeGroupId: data.unsubscribeGroupId ?? null,
      ...(data.fromName !== undefined ? { fromName: data.fromName } : {}),
      ...(data.fromEmail !== undefined ? { fromEmail: data.fromEmail } : {}),
    });
    if (answer.success) toast(`Test email sent${answer.to ? ` to ${answer.to}` : ''}.`);
    else toast(answer.error, 'error');
  });

  primary.addEventListener('click', () => void sendOrSchedule());
  labelPrimary();
  fill(
    container,
    h(
      'form',
      { class: 'builder', novalidate: true, onsubmit: (e: Event) => e.preventDefault() },
      h('div', { class: 'builder-head' }, h('h2', {}, campaignId ? 'Edit email campaign' : 'Create email campaign'), h('button', { type: 'button', class: 'link', onclick: ctx.openList, 'aria-label': 'Close the builder' }, '✕')),
      general,
      h('section', {}, h('label', { for: 'campaign-name', class: 'section-label' }, 'Campaign name'), name, errorSlot('name')),
      h(
        'section',
        {},
        h('h3', {}, 'Sender'),
        h('div', { class: 'sender-grid' }, h('label', {}, 'From name', fromName), h('label', {}, 'From email', fromEmail), h('label', {}, 'Reply-to', replyTo)),
        errorSlot('from'),
        errorSlot('replyTo'),
      ),
      content.root,
      h('section', {}, h('h3', {}, 'Audience'), audienceFields, estimate, errorSlot('audience')),
      h('section', {}, schedule, errorSlot('schedule'), errorSlot('window')),
      h(
        'section',
        {},
        h(
          'fieldset',
          {},
          h('legend', {}, 'Tracking'),
          h('label', { class: 'check', for: 'track-opens' }, trackOpens, 'Track opens (open pixel)'),
          h('label', { class: 'check', for: 'track-clicks' }, trackClicks, 'Track clicks (rewritten links)'),
          h('p', { class: 'muted small' }, 'Mail privacy proxies open some emails automatically; those opens are counted apart.'),
        ),
      ),
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
  name.addEventListener('input', () => clearErrors(['name']));
  fromEmail.addEventListener('input', () => clearErrors(['from']));
  replyTo.addEventListener('input', () => clearErrors(['replyTo']));
  content.refresh();
  void runEstimate();
  byId('campaign-name', container).focus();
}

/** The confirmation before a send: how many drivers. */
function confirmSend(count: number | null): Promise<boolean> {
  const dialog = h(
    'dialog',
    { id: 'confirm-send', 'aria-labelledby': 'confirm-title' },
    h('h3', { id: 'confirm-title' }, 'Send this email now?'),
    h('p', {}, 'It goes to ', h('strong', { id: 'confirm-count' }, count === null ? 'the matching' : formatInt(count)), ' drivers.'),
    h('p', { class: 'muted' }, 'Unsubscribed, bounced and suppressed addresses are skipped; the send window can hold emails until it opens.'),
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
