/**
 * The one list of template variables. Template validation, rendering, previews, the docs table and
 * the UI's variable picker all read `TEMPLATE_VARIABLES`; nothing else defines a variable.
 *
 * Browser-safe: no imports with side effects, so the composer iframe can bundle it.
 */

/** Where a template's text ends up; each has its own escaping (see templates/render.ts). */
export const TEMPLATE_CHANNELS = ['sms', 'email_html', 'email_text', 'email_subject', 'voicemail_script'] as const;
export type TemplateChannel = (typeof TEMPLATE_CHANNELS)[number];

/** Which record a variable's value comes from; the picker groups by it. */
export const TEMPLATE_VARIABLE_GROUPS = ['driver', 'recruiter', 'carrier', 'job', 'compliance'] as const;
export type TemplateVariableGroup = (typeof TEMPLATE_VARIABLE_GROUPS)[number];

const EVERY_CHANNEL = TEMPLATE_CHANNELS;
/** Links can't be followed from a voicemail, and a URL read aloud is useless: say recruiterPhone instead. */
const LINK_CHANNELS = ['sms', 'email_html', 'email_text'] as const;
const EMAIL_BODY_CHANNELS = ['email_html', 'email_text'] as const;

export interface TemplateVariableSpec {
  /** What goes between the braces: `{{name}}`. */
  readonly name: string;
  readonly group: TemplateVariableGroup;
  /** Button text in the picker. */
  readonly label: string;
  readonly description: string;
  /** Value used by previews against the built-in sample driver. GSM-7 only, so SMS previews count true. */
  readonly example: string;
  readonly channels: readonly TemplateChannel[];
  /**
   * Used when the recipient has no value and the placeholder has no inline default. Variables
   * without one block the recipient when their value is missing.
   */
  readonly fallback?: string;
}

export const TEMPLATE_VARIABLES = [
  // ── driver ──
  { name: 'firstName', group: 'driver', label: 'First name', description: "The driver's first name.", example: 'Marcus', channels: EVERY_CHANNEL },
  { name: 'lastName', group: 'driver', label: 'Last name', description: "The driver's last name.", example: 'Reyes', channels: EVERY_CHANNEL },
  { name: 'fullName', group: 'driver', label: 'Full name', description: "The driver's first and last name.", example: 'Marcus Reyes', channels: EVERY_CHANNEL },
  { name: 'cdlClass', group: 'driver', label: 'CDL class', description: "The driver's CDL class, e.g. \"Class A\".", example: 'Class A', channels: EVERY_CHANNEL },
  { name: 'yearsExperience', group: 'driver', label: 'Years of experience', description: 'Whole years of driving experience on file.', example: '6', channels: EVERY_CHANNEL },
  { name: 'homeCity', group: 'driver', label: 'Home city', description: "The driver's home city.", example: 'Waco', channels: EVERY_CHANNEL },
  { name: 'homeState', group: 'driver', label: 'Home state', description: "The driver's home state (2 letters).", example: 'TX', channels: EVERY_CHANNEL },
  // ── recruiter ──
  { name: 'recruiterName', group: 'recruiter', label: 'Recruiter name', description: "The sending recruiter's full name.", example: 'Sarah Johnson', channels: EVERY_CHANNEL },
  { name: 'recruiterFirstName', group: 'recruiter', label: 'Recruiter first name', description: "The sending recruiter's first name.", example: 'Sarah', channels: EVERY_CHANNEL },
  { name: 'recruiterPhone', group: 'recruiter', label: 'Recruiter phone', description: "The recruiter's direct phone, formatted (555) 555-0100.", example: '(214) 555-0111', channels: EVERY_CHANNEL },
  { name: 'recruiterEmail', group: 'recruiter', label: 'Recruiter email', description: "The recruiter's email address.", example: 'sarah@lonestarfreight.example', channels: EVERY_CHANNEL },
  // ── carrier ──
  { name: 'carrierName', group: 'carrier', label: 'Carrier name', description: 'The carrier (company) name; SMS must identify the sender.', example: 'Lone Star Freight', channels: EVERY_CHANNEL },
  { name: 'carrierPhone', group: 'carrier', label: 'Carrier phone', description: "The carrier's main phone, formatted.", example: '(214) 555-0100', channels: EVERY_CHANNEL },
  // ── job ──
  { name: 'jobTitle', group: 'job', label: 'Job title', description: 'Title of the job posting the campaign promotes.', example: 'CDL-A OTR Driver', channels: EVERY_CHANNEL },
  { name: 'payRange', group: 'job', label: 'Pay range', description: 'Pay of the job, e.g. "$0.55-$0.65/mile" or "$1,500/week".', example: '$0.55-$0.65/mile', channels: EVERY_CHANNEL },
  { name: 'homeTime', group: 'job', label: 'Home time', description: 'Home time of the job as posted, e.g. "Home weekly".', example: 'Home weekly', channels: EVERY_CHANNEL },
  { name: 'routeType', group: 'job', label: 'Route type', description: 'OTR, Regional, Local or Dedicated.', example: 'OTR', channels: EVERY_CHANNEL },
  { name: 'signOnBonus', group: 'job', label: 'Sign-on bonus', description: 'Sign-on bonus of the job, e.g. "$5,000".', example: '$5,000', channels: EVERY_CHANNEL },
  { name: 'jobLocation', group: 'job', label: 'Job location', description: 'Where the job is based, "City, ST".', example: 'Dallas, TX', channels: EVERY_CHANNEL },
  { name: 'applyUrl', group: 'job', label: 'Apply link', description: 'Link to apply (a tracked link when tracking is on).', example: 'https://lonestarfreight.example/apply', channels: LINK_CHANNELS },
  // ── compliance ──
  {
    name: 'unsubscribeUrl',
    group: 'compliance',
    label: 'Unsubscribe link',
    description: 'One-click unsubscribe link for this recipient (CAN-SPAM). Email bodies only.',
    example: 'https://lonestarfreight.example/unsubscribe/abc123',
    channels: EMAIL_BODY_CHANNELS,
  },
  {
    name: 'optOutText',
    group: 'compliance',
    label: 'Opt-out text',
    description: 'How to stop texts. SMS only.',
    example: 'Reply STOP to opt out.',
    channels: ['sms'],
    fallback: 'Reply STOP to opt out.',
  },
] as const satisfies readonly TemplateVariableSpec[];

export type TemplateVariableName = (typeof TEMPLATE_VARIABLES)[number]['name'];

/** Values to substitute; a missing, `null` or blank value counts as missing. */
export type TemplateValues = Partial<Record<TemplateVariableName, string | null>>;

const BY_NAME: ReadonlyMap<string, TemplateVariableSpec> = new Map(TEMPLATE_VARIABLES.map((v) => [v.name, v]));

export function isTemplateVariableName(name: string): name is TemplateVariableName {
  return BY_NAME.has(name);
}

export function templateVariable(name: TemplateVariableName): TemplateVariableSpec;
export function templateVariable(name: string): TemplateVariableSpec | undefined;
export function templateVariable(name: string): TemplateVariableSpec | undefined {
  return BY_NAME.get(name);
}

export function isVariableAllowedIn(name: TemplateVariableName, channel: TemplateChannel): boolean {
  return templateVariable(name).channels.includes(channel);
}

/** The variables the picker shows for one channel, in list order. */
export function variablesForChannel(channel: TemplateChannel): readonly TemplateVariableSpec[] {
  return TEMPLATE_VARIABLES.filter((v) => (v.channels as readonly TemplateChannel[]).includes(channel));
}

/** The built-in sample recipient: every variable's example value. */
export function sampleTemplateValues(): Required<Record<TemplateVariableName, string>> {
  const values = {} as Record<TemplateVariableName, string>;
  for (const v of TEMPLATE_VARIABLES) values[v.name] = v.example;
  return values;
}

/** The variables table of docs/templates-and-experiments.md (a test keeps the doc in step with this list). */
export function templateVariablesMarkdownTable(): string {
  const rows = TEMPLATE_VARIABLES.map((v) => {
    const fallback = 'fallback' in v ? `"${v.fallback}"` : 'blocks';
    return `| \`{{${v.name}}}\` | ${v.group} | ${v.description} | ${v.example} | ${v.channels.join(', ')} | ${fallback} |`;
  });
  return ['| Variable | From | Meaning | Example | Channels | When missing |', '|---|---|---|---|---|---|', ...rows].join('\n');
}
