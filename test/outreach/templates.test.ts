import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  closestVariableName,
  compileTemplate,
  escapeHtml,
  formatPayRange,
  parseTemplate,
  previewTemplate,
  renderTemplate,
  templateValuesFor,
  validateTemplate,
  type TemplateValuesInput,
} from '../../src/backend/outreach/templates';
import { TEMPLATE_VARIABLES, TEMPLATE_CHANNELS, sampleTemplateValues, templateVariablesMarkdownTable, variablesForChannel } from '../../src/backend/outreach/variables';
import { countSmsSegments } from '../../src/backend/outreach/sms';
import { PAY_TYPES } from '../../src/backend/collections/vocabulary';

const recipient: TemplateValuesInput = {
  driver: { first_name: 'John', last_name: 'Smith', cdl_class: 'A', years_experience: 6.5, home_city: 'Austin', home_state: 'TX' },
  recruiter: { first_name: 'Sarah', last_name: 'Johnson', phone: '+12145550111', email: 'sarah@lonestarfreight.example' },
  carrier: { name: 'Lone Star Freight Lines', main_phone: '+12145550100', website_url: 'https://lonestar.example/jobs' },
  job: {
    job_title: 'CDL-A Regional Driver',
    route_type: 'regional',
    home_time: 'Home every weekend',
    compensation: { pay_type: 'cpm', pay_min: 0.55, pay_max: 0.65, sign_on_bonus: 5000, benefits: [] },
    location: { city: 'Dallas', state: 'TX', zip: '75241' },
  },
};

describe('TEMPLATE_VARIABLES (the one list)', () => {
  it('has the spec variables and unique names', () => {
    const names = TEMPLATE_VARIABLES.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of ['firstName', 'lastName', 'recruiterName', 'recruiterPhone', 'carrierName', 'jobTitle', 'payRange', 'homeTime', 'applyUrl', 'unsubscribeUrl', 'optOutText']) {
      expect(names).toContain(n);
    }
  });

  it('every example renders in every allowed channel and stays GSM-7', () => {
    for (const v of TEMPLATE_VARIABLES) {
      expect(v.channels.length).toBeGreaterThan(0);
      expect(countSmsSegments(v.example).encoding).toBe('GSM-7');
      for (const channel of v.channels) expect(validateTemplate(`{{${v.name}}}`, channel)).toEqual([]);
    }
  });

  it('the picker lists per channel: unsubscribeUrl only in email bodies, optOutText only in SMS', () => {
    expect(variablesForChannel('sms').map((v) => v.name)).toContain('optOutText');
    expect(variablesForChannel('sms').map((v) => v.name)).not.toContain('unsubscribeUrl');
    expect(variablesForChannel('email_html').map((v) => v.name)).toContain('unsubscribeUrl');
    expect(variablesForChannel('voicemail_script').map((v) => v.name)).not.toContain('applyUrl');
  });
});

describe('parseTemplate', () => {
  it('splits text and placeholders, tolerating whitespace, with inline defaults', () => {
    expect(parseTemplate('Hi {{ firstName | there }}, from {{carrierName}}!')).toEqual([
      { kind: 'text', text: 'Hi ', start: 0, end: 3 },
      { kind: 'variable', name: 'firstName', defaultText: 'there', raw: '{{ firstName | there }}', start: 3, end: 26 },
      { kind: 'text', text: ', from ', start: 26, end: 33 },
      { kind: 'variable', name: 'carrierName', defaultText: null, raw: '{{carrierName}}', start: 33, end: 48 },
      { kind: 'text', text: '!', start: 48, end: 49 },
    ]);
  });

  it('keeps single braces as text and reports malformed placeholders', () => {
    expect(parseTemplate('a {b} c')).toEqual([{ kind: 'text', text: 'a {b} c', start: 0, end: 7 }]);
    expect(parseTemplate('Hi {{firstName').map((t) => t.kind)).toEqual(['text', 'malformed']);
    expect(parseTemplate('x}} y')[1]).toMatchObject({ kind: 'malformed', problem: 'unopened', start: 1 });
    expect(parseTemplate('{{a {{firstName}}')[0]).toMatchObject({ kind: 'malformed', problem: 'unclosed', raw: '{{a ' });
    expect(parseTemplate('{{ }}')[0]).toMatchObject({ kind: 'malformed', problem: 'empty' });
    expect(parseTemplate('{{first name}}')[0]).toMatchObject({ kind: 'malformed', problem: 'invalid_name' });
  });
});

describe('validateTemplate', () => {
  it('an unknown variable is an error that names it and suggests the closest', () => {
    const [problem, ...rest] = validateTemplate('Hi {{frstName}}', 'sms');
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ severity: 'error', code: 'unknown_variable', variable: 'frstName', suggestion: 'firstName', start: 3, end: 15 });
    expect(problem?.message).toBe('Unknown variable "frstName". Did you mean {{firstName}}?');
  });

  it('suggests across case and separators, and nothing for far-off names', () => {
    expect(closestVariableName('FirstName')).toBe('firstName');
    expect(closestVariableName('first_name')).toBe('firstName');
    expect(closestVariableName('recuiterPhone')).toBe('recruiterPhone');
    expect(closestVariableName('truckColor')).toBeUndefined();
    expect(validateTemplate('{{first name}}', 'sms')[0]).toMatchObject({ code: 'invalid_variable_name', suggestion: 'firstName' });
  });

  it('reports unbalanced braces', () => {
    expect(validateTemplate('Hi {{firstName', 'sms').map((p) => p.code)).toEqual(['unclosed_placeholder']);
    expect(validateTemplate('Hi firstName}}', 'sms').map((p) => p.code)).toEqual(['unopened_placeholder']);
    expect(validateTemplate('{{}}', 'sms').map((p) => p.code)).toEqual(['empty_placeholder']);
  });

  it('reports variables not allowed in the channel', () => {
    expect(validateTemplate('Bye {{unsubscribeUrl}}', 'sms')).toEqual([
      expect.objectContaining({ code: 'not_allowed_in_channel', variable: 'unsubscribeUrl' }),
    ]);
    expect(validateTemplate('{{optOutText}}', 'email_html')[0]?.code).toBe('not_allowed_in_channel');
    expect(validateTemplate('Apply at {{applyUrl}}', 'voicemail_script')[0]?.code).toBe('not_allowed_in_channel');
  });

  it('rejects empty templates and line breaks in subjects', () => {
    expect(validateTemplate('  ', 'sms').map((p) => p.code)).toEqual(['empty_template']);
    expect(validateTemplate('Hello\r\nBcc: x@y.z', 'email_subject').map((p) => p.code)).toEqual(['line_break_in_subject']);
    expect(validateTemplate('Line 1\nLine 2', 'sms')).toEqual([]);
  });
});

describe('renderTemplate', () => {
  it('substitutes values', () => {
    expect(renderTemplate({ template: 'Hi {{firstName}} from {{ carrierName }}', channel: 'sms', values: { firstName: 'John', carrierName: 'ACME' } })).toEqual({
      ok: true,
      text: 'Hi John from ACME',
      defaulted: [],
    });
  });

  it('missing values: inline default, then campaign default, then the variable fallback', () => {
    const r = renderTemplate({
      template: 'Hi {{firstName|there}}, {{homeTime}}. {{optOutText}}',
      channel: 'sms',
      values: { firstName: '  ', homeTime: null },
      defaults: { homeTime: 'Home weekly' },
    });
    expect(r).toEqual({ ok: true, text: 'Hi there, Home weekly. Reply STOP to opt out.', defaulted: ['firstName', 'homeTime', 'optOutText'] });
    expect(renderTemplate({ template: 'Hi{{ firstName |}}!', channel: 'sms', values: {} })).toMatchObject({ ok: true, text: 'Hi!' });
  });

  it('blocks the recipient when a value has no default, with a reason', () => {
    expect(renderTemplate({ template: 'Hi {{firstName}}, {{payRange}} {{firstName}}', channel: 'sms', values: { lastName: 'X' } })).toEqual({
      ok: false,
      missing: ['firstName', 'payRange'],
      reason: 'missing firstName, payRange',
    });
  });

  it('refuses to render a broken template', () => {
    const r = renderTemplate({ template: 'Hi {{frstName}}', channel: 'sms', values: {} });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.missing).toEqual([]);
      expect(r.reason).toContain('Did you mean {{firstName}}');
    }
  });

  it('email HTML: values are escaped, the template HTML is not, nothing is escaped twice', () => {
    const r = renderTemplate({
      template: '<p class="x">Hi {{firstName}} &amp; welcome to <b>{{carrierName}}</b></p><a href="{{applyUrl}}">Apply</a>',
      channel: 'email_html',
      values: { firstName: `<script>alert('x')</script>`, carrierName: 'Smith & Sons "Trucking"', applyUrl: 'https://x.example/a?b=1&c=2' },
    });
    expect(r).toMatchObject({
      ok: true,
      text: '<p class="x">Hi &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; welcome to <b>Smith &amp; Sons &quot;Trucking&quot;</b></p><a href="https://x.example/a?b=1&amp;c=2">Apply</a>',
    });
  });

  it('escapeHtml handles & < > " \' exactly', () => {
    expect(escapeHtml(`& < > " '`)).toBe('&amp; &lt; &gt; &quot; &#39;');
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
    expect(escapeHtml('plain')).toBe('plain');
  });

  it('SMS, plain-text email and voicemail keep values as typed', () => {
    for (const channel of ['sms', 'email_text', 'voicemail_script'] as const) {
      expect(renderTemplate({ template: 'Hi {{carrierName}}', channel, values: { carrierName: 'A & B <C>' } })).toMatchObject({ text: 'Hi A & B <C>' });
    }
  });

  it('subjects: CR/LF in values become a space (no header injection)', () => {
    const r = renderTemplate({ template: 'Welcome to {{carrierName}}', channel: 'email_subject', values: { carrierName: 'ACME\r\nBcc: victim@example.com\u2028x' } });
    expect(r).toMatchObject({ ok: true, text: 'Welcome to ACME Bcc: victim@example.com x' });
  });
});

describe('compileTemplate', () => {
  it('parses a template once per channel and text, and renders it for many recipients as renderTemplate does', () => {
    const template = 'Hi {{firstName|there}}, {{carrierName}} <b>{{homeCity}}</b>';
    const sms = compileTemplate(template, 'sms');
    expect(compileTemplate(template, 'sms')).toBe(sms);
    expect(compileTemplate(template, 'email_html')).not.toBe(sms);
    for (const values of [{ firstName: 'Ann', carrierName: 'ACME', homeCity: 'A&B' }, { carrierName: 'X', homeCity: 'Y' }, { firstName: 'Bo' }]) {
      for (const channel of ['sms', 'email_html'] as const) {
        expect(compileTemplate(template, channel).render(values)).toEqual(renderTemplate({ template, channel, values }));
      }
    }
    expect(compileTemplate(template, 'email_html').render({ firstName: 'A', carrierName: 'C', homeCity: 'A&B' })).toMatchObject({ text: 'Hi A, C <b>A&amp;B</b>' });
  });

  it('a broken template renders its error for every recipient; many templates stay bounded without changing results', () => {
    expect(compileTemplate('Hi {{frstName}}', 'sms').render({ firstName: 'A' })).toMatchObject({ ok: false, missing: [], reason: expect.stringContaining('template error') });
    const first = compileTemplate('T0 {{firstName}}', 'sms');
    for (let i = 1; i < 300; i += 1) expect(compileTemplate(`T${i} {{firstName}}`, 'sms').render({ firstName: 'Z' })).toMatchObject({ text: `T${i} Z` });
    const again = compileTemplate('T0 {{firstName}}', 'sms');
    expect(again).not.toBe(first);
    expect(again.render({ firstName: 'Q' })).toEqual(first.render({ firstName: 'Q' }));
  });
});

describe('templateValuesFor', () => {
  it('builds every value from the collection items', () => {
    expect(templateValuesFor({ ...recipient, links: { unsubscribeUrl: 'https://u.example/1' } })).toEqual({
      firstName: 'John',
      lastName: 'Smith',
      fullName: 'John Smith',
      cdlClass: 'Class A',
      yearsExperience: '6',
      homeCity: 'Austin',
      homeState: 'TX',
      carrierName: 'Lone Star Freight Lines',
      carrierPhone: '(214) 555-0100',
      applyUrl: 'https://lonestar.example/jobs',
      unsubscribeUrl: 'https://u.example/1',
      recruiterName: 'Sarah Johnson',
      recruiterFirstName: 'Sarah',
      recruiterPhone: '(214) 555-0111',
      recruiterEmail: 'sarah@lonestarfreight.example',
      jobTitle: 'CDL-A Regional Driver',
      payRange: '$0.55-$0.65/mile',
      homeTime: 'Home every weekend',
      routeType: 'Regional',
      signOnBonus: '$5,000',
      jobLocation: 'Dallas, TX',
    });
  });

  it('without a job, job variables are missing and block a template that needs them', () => {
    const values = templateValuesFor({ driver: recipient.driver, carrier: recipient.carrier });
    expect(renderTemplate({ template: '{{jobTitle}} pays {{payRange}}', channel: 'sms', values })).toMatchObject({ ok: false, missing: ['jobTitle', 'payRange'] });
  });

  it.each([
    ['cpm', 0.55, 0.65, '$0.55-$0.65/mile'],
    ['hourly', 25.5, 30, '$25.50-$30/hour'],
    ['weekly', 1500, 1500, '$1,500/week'],
    ['salary', 70000, 85000, '$70,000-$85,000/year'],
    ['percentage', 25, 30, '25%-30% of load'],
    ['per_load', 300, 0, '$300/load'],
  ] as const)('payRange %s %d-%d → %s (GSM-7 only)', (type, min, max, expected) => {
    expect(formatPayRange(type, min, max)).toBe(expected);
    expect(countSmsSegments(expected).encoding).toBe('GSM-7');
  });

  it('covers every pay type', () => {
    for (const t of PAY_TYPES) expect(formatPayRange(t, 1, 2)).not.toBe('');
  });
});

describe('previewTemplate', () => {
  const template = 'Hi {{firstName}}, {{recruiterName}} at {{carrierName}}: {{jobTitle}}, {{payRange}}. {{applyUrl}} {{optOutText}}';

  it('renders against the built-in sample driver and counts segments', () => {
    const p = previewTemplate({ template, channel: 'sms' });
    const s = sampleTemplateValues();
    expect(p.sample).toBe(true);
    expect(p.result).toMatchObject({ ok: true, text: `Hi ${s.firstName}, ${s.recruiterName} at ${s.carrierName}: ${s.jobTitle}, ${s.payRange}. ${s.applyUrl} ${s.optOutText}` });
    expect(p.sms).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });

  it('renders against a chosen driver exactly, showing a block when data is missing', () => {
    expect(previewTemplate({ template, channel: 'sms', recipient }).result).toMatchObject({ ok: true });
    const noJob = previewTemplate({ template, channel: 'sms', recipient: { ...recipient, job: null } });
    expect(noJob.result).toMatchObject({ ok: false, reason: 'missing jobTitle, payRange' });
    expect(noJob.sms).toBeNull();
  });

  it('reports problems alongside', () => {
    expect(previewTemplate({ template: 'Hi {{frstName}}', channel: 'sms' }).problems.map((p) => p.code)).toEqual(['unknown_variable']);
    expect(TEMPLATE_CHANNELS).toHaveLength(5);
  });
});

describe('docs/templates-and-experiments.md', () => {
  it('has the variables table generated from TEMPLATE_VARIABLES', () => {
    const doc = readFileSync(path.join(__dirname, '../../docs/templates-and-experiments.md'), 'utf8');
    const table = /<!-- variables-table:start -->\n([\s\S]*?)\n<!-- variables-table:end -->/.exec(doc)?.[1];
    expect(table).toBe(templateVariablesMarkdownTable());
  });
});
