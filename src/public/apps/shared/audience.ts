/**
 * The audience builder (SMS and email apps): driver criteria as a form, read back as an
 * `AudienceForm`. The channel names the "recently contacted" and consent conditions.
 */
import { CDL_CLASSES, DRIVER_STATUSES, ENDORSEMENTS, type DriverStatus, type Endorsement } from '../../../backend/collections/vocabulary';
import { h } from './dom';
import { channelLabel, type AudienceChannel, type AudienceForm } from './audienceModel';

const ENDORSEMENT_LABEL: Readonly<Record<Endorsement, string>> = {
  H: 'H · Hazmat',
  N: 'N · Tank',
  P: 'P · Passenger',
  S: 'S · School bus',
  T: 'T · Doubles/triples',
  X: 'X · Tank + hazmat',
};

const STATUS_LABEL: Readonly<Record<DriverStatus, string>> = {
  job_seeking: 'Job seeking',
  open_to_offers: 'Open to offers',
  employed: 'Employed',
  hired: 'Hired',
  inactive: 'Inactive',
};

function checks<T extends string>(name: string, values: readonly T[], label: (v: T) => string, selected: readonly T[]): HTMLElement {
  return h(
    'div',
    { class: 'checks' },
    ...values.map((v) =>
      h('label', { class: 'check' }, h('input', { type: 'checkbox', name, value: v, checked: selected.includes(v) }), label(v)),
    ),
  );
}

function text(name: string, value: string, attrs: Record<string, string | number> = {}): HTMLInputElement {
  const input = h('input', { name, ...attrs });
  input.value = value;
  return input;
}

export function renderAudienceFields(form: AudienceForm, channel: AudienceChannel): HTMLElement {
  const label = channelLabel(channel);
  return h(
    'div',
    { class: 'audience-grid' },
    h('fieldset', {}, h('legend', {}, 'CDL class'), checks('cdl', CDL_CLASSES, (c) => `Class ${c}`, form.cdlClasses)),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Endorsements'),
      checks('endorsement', ENDORSEMENTS, (e) => ENDORSEMENT_LABEL[e], form.endorsements),
      h(
        'label',
        { class: 'inline' },
        'Match ',
        (() => {
          const select = h('select', { name: 'endorsementsMatch' }, h('option', { value: 'any' }, 'any of them'), h('option', { value: 'all' }, 'all of them'));
          select.value = form.endorsementsMatch;
          return select;
        })(),
      ),
    ),
    h('fieldset', {}, h('legend', {}, 'Status'), checks('status', DRIVER_STATUSES, (s) => STATUS_LABEL[s], form.statuses)),
    h(
      'fieldset',
      { class: 'wide' },
      h('legend', {}, 'Experience, place and history'),
      h('label', {}, 'Minimum years of experience', text('minYears', form.minYears, { type: 'number', min: 0, step: 1, inputmode: 'numeric' })),
      h('label', {}, 'States (e.g. TX, OK)', text('states', form.states, { placeholder: 'any state', autocomplete: 'off' })),
      h('label', {}, 'Tags (comma separated)', text('tags', form.tags, { placeholder: 'any tags', autocomplete: 'off' })),
      h(
        'div',
        { class: 'row' },
        h('label', {}, 'Within (miles)', text('radiusMiles', form.radiusMiles, { type: 'number', min: 1, max: 3000, inputmode: 'numeric' })),
        h('label', {}, 'of ZIP or "City, ST"', text('radiusPlace', form.radiusPlace, { placeholder: 'Dallas, TX', autocomplete: 'off' })),
      ),
      h('label', {}, `No ${label} in the last (days)`, text('noContactDays', form.noContactDays, { type: 'number', min: 1, step: 1, inputmode: 'numeric' })),
      h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'consentOnly', checked: form.consentOnly }), `Only drivers with ${label} consent on file`),
    ),
  );
}

function checked<T extends string>(root: ParentNode, name: string, values: readonly T[]): T[] {
  const on = new Set(Array.from(root.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)).map((i) => i.value));
  return values.filter((v) => on.has(v));
}

function value(root: ParentNode, name: string): string {
  return root.querySelector<HTMLInputElement | HTMLSelectElement>(`[name="${name}"]`)?.value ?? '';
}

export function readAudienceFields(root: ParentNode): AudienceForm {
  return {
    cdlClasses: checked(root, 'cdl', CDL_CLASSES),
    endorsements: checked(root, 'endorsement', ENDORSEMENTS),
    endorsementsMatch: value(root, 'endorsementsMatch') === 'all' ? 'all' : 'any',
    statuses: checked(root, 'status', DRIVER_STATUSES),
    minYears: value(root, 'minYears'),
    states: value(root, 'states'),
    tags: value(root, 'tags'),
    radiusMiles: value(root, 'radiusMiles'),
    radiusPlace: value(root, 'radiusPlace'),
    noContactDays: value(root, 'noContactDays'),
    consentOnly: root.querySelector<HTMLInputElement>('input[name="consentOnly"]')?.checked === true,
  };
}
