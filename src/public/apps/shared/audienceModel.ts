/**
 * The audience builder's form and its stored `audience_filter` (collections/common.ts), free of the
 * DOM. Shared by the SMS and email apps: the channel decides which "recently contacted" and consent
 * conditions the form offers.
 */
import type { AudienceFilter } from '../../../backend/collections/common';
import {
  CDL_CLASSES,
  DRIVER_STATUSES,
  ENDORSEMENTS,
  US_JURISDICTIONS,
  type CdlClass,
  type DriverStatus,
  type Endorsement,
  type UsJurisdiction,
} from '../../../backend/collections/vocabulary';

export type AudienceChannel = 'sms' | 'email';

export interface AudienceForm {
  readonly cdlClasses: readonly CdlClass[];
  readonly endorsements: readonly Endorsement[];
  readonly endorsementsMatch: 'any' | 'all';
  readonly statuses: readonly DriverStatus[];
  /** Raw inputs as typed; blank = no condition. */
  readonly minYears: string;
  readonly states: string;
  readonly tags: string;
  readonly radiusMiles: string;
  readonly radiusPlace: string;
  /** "Not contacted on this channel in the last N days". */
  readonly noContactDays: string;
  /** Only drivers with consent on file for this channel. */
  readonly consentOnly: boolean;
}

export const EMPTY_AUDIENCE: AudienceForm = {
  cdlClasses: [],
  endorsements: [],
  endorsementsMatch: 'any',
  statuses: [],
  minYears: '',
  states: '',
  tags: '',
  radiusMiles: '',
  radiusPlace: '',
  noContactDays: '',
  consentOnly: true,
};

export function channelLabel(channel: AudienceChannel): string {
  switch (channel) {
    case 'sms':
      return 'SMS';
    case 'email':
      return 'email';
  }
}

function list(raw: string): string[] {
  return raw
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function positive(raw: string): number | null {
  if (raw.trim() === '') return null;
  const n = Number(raw);
  return Number.isFinite(n) && n > 0 ? n : NaN;
}

const isState = (s: string): s is UsJurisdiction => (US_JURISDICTIONS as readonly string[]).includes(s);

/** The stored `audience_filter` for the form on `channel`, or the problems found. */
export function audienceFilterOf(form: AudienceForm, channel: AudienceChannel): { filter: AudienceFilter; problems: string[] } {
  const filter: AudienceFilter = {};
  const problems: string[] = [];
  if (form.cdlClasses.length > 0) filter.cdl_classes = form.cdlClasses.filter((c) => CDL_CLASSES.includes(c));
  if (form.endorsements.length > 0) {
    filter.endorsements = form.endorsements.filter((e) => ENDORSEMENTS.includes(e));
    filter.endorsements_match = form.endorsementsMatch;
  }
  if (form.statuses.length > 0) filter.statuses = form.statuses.filter((s) => DRIVER_STATUSES.includes(s));
  const years = form.minYears.trim() === '' ? null : Number(form.minYears);
  if (years !== null) {
    if (Number.isFinite(years) && years >= 0) filter.min_years_experience = years;
    else problems.push('Minimum experience must be a number of years.');
  }
  const states = list(form.states.toUpperCase());
  const unknown = states.filter((s) => !isState(s));
  if (unknown.length > 0) problems.push(`Unknown state code: ${unknown.join(', ')}.`);
  const known = states.filter(isState);
  if (known.length > 0) filter.states = known;
  const tags = form.tags.split(',').map((t) => t.trim()).filter((t) => t !== '');
  if (tags.length > 0) filter.tags = tags;
  const miles = positive(form.radiusMiles);
  const place = form.radiusPlace.trim();
  if (miles !== null || place !== '') {
    if (miles === null || Number.isNaN(miles)) problems.push('Give the radius in miles.');
    else if (place === '') problems.push('Give a ZIP code or "City, ST" for the radius.');
    else if (/^\d{5}$/.test(place)) filter.within = { miles, zip: place };
    else if (/^[^,]+,\s*[A-Za-z]{2}$/.test(place)) filter.within = { miles, place };
    else problems.push('Location must be a 5-digit ZIP or "City, ST".');
  }
  const days = positive(form.noContactDays);
  if (days !== null) {
    if (!Number.isInteger(days)) problems.push(`"No ${channelLabel(channel)} in the last N days" needs a whole number.`);
    else if (channel === 'sms') filter.no_sms_in_last_days = days;
    else filter.no_email_in_last_days = days;
  }
  if (form.consentOnly) filter.has_consent_for = channel;
  return { filter, problems };
}

/** The stored filter back as a form (editing a draft, duplicating a campaign). */
export function audienceFormOf(filter: Readonly<Record<string, unknown>> | undefined, channel: AudienceChannel): AudienceForm {
  if (!filter) return EMPTY_AUDIENCE;
  const strings = (key: string): string[] => {
    const v = filter[key];
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  };
  const num = (key: string): string => (typeof filter[key] === 'number' ? String(filter[key]) : '');
  const within = typeof filter['within'] === 'object' && filter['within'] !== null ? (filter['within'] as Record<string, unknown>) : null;
  const place = within ? (within['zip'] ?? within['place']) : undefined;
  return {
    cdlClasses: strings('cdl_classes').filter((c): c is CdlClass => (CDL_CLASSES as readonly string[]).includes(c)),
    endorsements: strings('endorsements').filter((e): e is Endorsement => (ENDORSEMENTS as readonly string[]).includes(e)),
    endorsementsMatch: filter['endorsements_match'] === 'all' ? 'all' : 'any',
    statuses: strings('statuses').filter((s): s is DriverStatus => (DRIVER_STATUSES as readonly string[]).includes(s)),
    minYears: num('min_years_experience'),
    states: strings('states').join(', '),
    tags: strings('tags').join(', '),
    radiusMiles: within && typeof within['miles'] === 'number' ? String(within['miles']) : '',
    radiusPlace: typeof place === 'string' ? place : '',
    noContactDays: num(channel === 'sms' ? 'no_sms_in_last_days' : 'no_email_in_last_days'),
    consentOnly: filter['has_consent_for'] === channel,
  };
}
