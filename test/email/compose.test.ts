/**
 * Composing campaign email (pure): ids, personalizations (custom_args, List-Unsubscribe headers,
 * substitutions escaped per part), the CAN-SPAM footer, A/B subjects, dynamic-template data,
 * requests of ≤ 1000 personalizations, and the unsubscribe token.
 */
import type { EmailCampaign } from '../../src/backend/collections/email';
import type { DriverProfile } from '../../src/backend/collections/people';
import { applySubstitutions, htmlToText } from '../../src/backend/email/content';
import { asmGroupOf, createComposer, EMAIL_CUSTOM_ARG_KEYS, emailMessageId, personalizationFor, requestFor, subjectFor, type ComposerCampaign, type EmailComposer } from '../../src/backend/email/compose';
import { EMAIL_CUSTOM_ARGS } from '../../src/backend/email/events/schema';
import { toSendGridMail } from '../../src/backend/adapters/emailSendGrid';
import { makeUnsubscribeToken, verifyUnsubscribeToken } from '../../src/backend/email/unsubscribeToken';
import { MAX_PERSONALIZATIONS, type EmailPersonalization } from '../../src/backend/email/provider';
import { demoCarrier, demoRecruiters } from '../../local/seed/demo-entities';

const SECRET = 'compose-test-secret';
const BASE = 'https://recruiting.example.com';
const carrier = demoCarrier();

function campaign(extra: Partial<EmailCampaign> = {}): ComposerCampaign {
  return {
    _id: 'camp-1',
    carrier_dot: carrier.carrier_dot,
    from_name: 'Lone Star Recruiting',
    from_email: 'recruiting@lonestarfreight.example',
    reply_to: 'sarah.johnson@lonestarfreight.example',
    subject_line: 'Lanes for {{firstName}}',
    subject_variants: [],
    preheader: 'Home weekly, {{firstName|friend}}',
    template_id: null,
    html_content: '<html><body><p>Hi {{firstName}}, {{carrierName}} is hiring.</p><p>Call {{recruiterName}}.</p></body></html>',
    tracking: { opens: true, clicks: false },
    unsubscribe_group_id: null,
    ...extra,
  };
}

function composer(extra: Partial<EmailCampaign> = {}): EmailComposer {
  const [recruiter] = demoRecruiters();
  return createComposer({ campaign: campaign(extra), carrier, recruiter: recruiter ?? null, job: null, publicBaseUrl: BASE, unsubscribeSecret: SECRET });
}

function driver(i: number, extra: Partial<DriverProfile> = {}): Pick<DriverProfile, '_id' | 'first_name' | 'last_name' | 'cdl_class' | 'years_experience' | 'home_city' | 'home_state'> {
  return { _id: `drv-${i}`, first_name: `Sam${i}`, last_name: 'Rivera', cdl_class: 'A', years_experience: 4, home_city: 'Waco', home_state: 'TX', ...extra };
}

function personalization(c: EmailComposer, i: number, extra: Partial<DriverProfile> = {}): EmailPersonalization {
  const email = `sam.${i}@example.com`;
  const built = personalizationFor(c, { driver: driver(i, extra), email, messageId: emailMessageId('camp-1', 0, email) });
  if (!built.ok) throw new Error(built.reason);
  return built.personalization;
}

describe('email composition', () => {
  it('gives one id per address per run, whatever its case', () => {
    expect(emailMessageId('c', 0, 'Sam@Example.com')).toBe(emailMessageId('c', 0, ' sam@example.com'));
    expect(emailMessageId('c', 0, 'sam@example.com')).not.toBe(emailMessageId('c', 1, 'sam@example.com'));
    expect(emailMessageId('c', 0, 'sam@example.com')).not.toBe(emailMessageId('c', 0, 'sam2@example.com'));
    expect(emailMessageId('c', 0, 'sam@example.com')).toMatch(/^c\.r0\.e[0-9a-f]{16}$/);
  });

  it('names our message and carrier in short custom_args, with the keys the Event Webhook reads', () => {
    expect(EMAIL_CUSTOM_ARG_KEYS).toEqual(EMAIL_CUSTOM_ARGS);
    const p = personalization(composer(), 1);
    // SendGrid repeats them on every event: nothing the message record already knows (campaign, sequence).
    expect(p.customArgs).toEqual({ m: emailMessageId('camp-1', 0, 'sam.1@example.com'), c: carrier.carrier_dot });
    expect(p.to).toEqual({ email: 'sam.1@example.com', name: 'Sam1 Rivera' });
  });

  it('adds RFC 8058 one-click headers whose token names this recipient and verifies', () => {
    const p = personalization(composer(), 2);
    const m = /^<(https:\/\/recruiting\.example\.com\/_functions\/email\/unsubscribe\?t=([^>]+))>, <mailto:sarah\.johnson@lonestarfreight\.example\?subject=unsubscribe>$/.exec(p.headers['List-Unsubscribe'] ?? '');
    expect(m).not.toBeNull();
    expect(p.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const check = verifyUnsubscribeToken(SECRET, m?.[2]);
    expect(check).toEqual({ ok: true, subject: { carrierDot: carrier.carrier_dot, email: 'sam.2@example.com', messageId: emailMessageId('camp-1', 0, 'sam.2@example.com') } });
  });

  it('puts the carrier’s postal address and a visible unsubscribe link in every email’s footer', () => {
    const c = composer();
    const p = personalization(c, 3);
    const html = applySubstitutions(c.content?.html ?? '', p.substitutions ?? {});
    const text = applySubstitutions(c.content?.text ?? '', p.substitutions ?? {});
    const url = /<(https:[^>]+)>/.exec(p.headers['List-Unsubscribe'] ?? '')?.[1] ?? 'none';
    expect(html).toContain('4100 Logistics Pkwy, Suite 200, Dallas, TX 75241');
    expect(html).toContain(`<a href="${url}" clicktracking="off">Unsubscribe</a>`);
    // The footer sits inside the body, after the campaign content.
    expect(html.indexOf('Logistics Pkwy')).toBeGreaterThan(html.indexOf('is hiring'));
    expect(html.indexOf('Logistics Pkwy')).toBeLessThan(html.indexOf('</body>'));
    expect(text).toContain('Lone Star Freight Lines, 4100 Logistics Pkwy, Suite 200, Dallas, TX 75241');
    expect(text).toContain(`Unsubscribe from Lone Star Freight Lines emails: ${url}`);
    // The preheader is hidden right after <body>, with its inline default.
    expect(html).toMatch(/<body><div style="display:none[^"]*" aria-hidden="true">Home weekly, Sam3<\/div>/);
  });

  it('escapes personal values in HTML and keeps them as written in the text part and subject', () => {
    const c = composer();
    const p = personalization(c, 4, { first_name: '<img src=x onerror=alert(1)> & "Al"' });
    const html = applySubstitutions(c.content?.html ?? '', p.substitutions ?? {});
    const text = applySubstitutions(c.content?.text ?? '', p.substitutions ?? {});
    expect(html).toContain('Hi &lt;img src=x onerror=alert(1)&gt; &amp; &quot;Al&quot;, Lone Star Freight Lines is hiring.');
    expect(html).not.toContain('<img src=x');
    expect(text).toContain('Hi <img src=x onerror=alert(1)> & "Al", Lone Star Freight Lines is hiring.');
    expect(p.subject).toBe('Lanes for <img src=x onerror=alert(1)> & "Al"');
    // The shared content carries tags, never one recipient's values.
    expect(c.content?.html).not.toContain('Sam');
  });

  it('refuses a recipient with a variable that has no value and no default', () => {
    const c = composer({ html_content: '<p>{{homeCity}} lanes</p>' });
    const built = personalizationFor(c, { driver: driver(5, { home_city: null }), email: 'x@example.com', messageId: 'm' });
    expect(built).toMatchObject({ ok: false, reason: 'missing homeCity' });
  });

  it('assigns A/B subjects deterministically per driver, in about equal shares', () => {
    const c = composer({ subject_variants: ['{{firstName}}, home weekly?', 'New lanes near {{homeCity}}'] });
    const counts = new Map<string, number>();
    for (let i = 0; i < 3000; i += 1) {
      const first = subjectFor(c, `drv-${i}`);
      expect(subjectFor(c, `drv-${i}`)).toEqual(first);
      counts.set(first.variantId ?? '', (counts.get(first.variantId ?? '') ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['A', 'B', 'C']);
    for (const n of counts.values()) expect(n).toBeGreaterThan(850);
    const p = personalizationFor(c, { driver: driver(7), email: 's7@example.com', messageId: 'm7' });
    const expected = { A: 'Lanes for Sam7', B: 'Sam7, home weekly?', C: 'New lanes near Waco' }[subjectFor(c, 'drv-7').variantId ?? 'A'];
    expect(p.subject).toBe(expected);
  });

  it('builds one request of up to 1000 personalizations with one category, group, tracking and content', () => {
    const c = composer({ unsubscribe_group_id: '77' });
    const list = Array.from({ length: MAX_PERSONALIZATIONS }, (_, i) => personalization(c, i));
    const request = requestFor(c, list);
    expect(request.personalizations).toHaveLength(1000);
    expect(request).toMatchObject({ from: { email: 'recruiting@lonestarfreight.example', name: 'Lone Star Recruiting' }, replyTo: { email: 'sarah.johnson@lonestarfreight.example' }, asmGroupId: 77, tracking: { opens: true, clicks: false }, templateId: null, footer: null });
    // One short category naming the kind of mail: SendGrid repeats it on every event (the body-size budget of the Event Webhook).
    expect(request.categories).toEqual(['campaign']);
    expect(requestFor(c, [], 'sequence').categories).toEqual(['sequence']);
    const mail = toSendGridMail(request);
    expect(mail).toMatchObject({ categories: ['campaign'], substitutionWrappers: ['{{', '}}'], hideWarnings: true, asm: { groupId: 77 }, trackingSettings: { clickTracking: { enable: false }, openTracking: { enable: true } } });
    expect(new Set(list.map((p) => p.customArgs[EMAIL_CUSTOM_ARG_KEYS.messageId])).size).toBe(1000);
  });

  it('uses the carrier’s unsubscribe group unless the campaign names one', () => {
    expect(asmGroupOf({ campaign: campaign(), carrier })).toBe(Number(carrier.email_unsubscribe_group_id));
    expect(asmGroupOf({ campaign: campaign({ unsubscribe_group_id: '9' }), carrier })).toBe(9);
    expect(asmGroupOf({ campaign: campaign(), carrier: { ...carrier, email_unsubscribe_group_id: undefined } })).toBeNull();
  });

  it('gives a dynamic template every variable, the subject and the CAN-SPAM fields; SendGrid adds the footer', () => {
    const c = composer({ template_id: 'd-5a1e0000000000000000000000000001', html_content: null });
    const p = personalization(c, 8);
    expect(p.substitutions).toBeUndefined();
    expect(p.dynamicTemplateData).toMatchObject({ firstName: 'Sam8', first_name: 'Sam8', carrierName: carrier.name, carrier_name: carrier.name, subject: 'Lanes for Sam8', physical_address: '4100 Logistics Pkwy, Suite 200, Dallas, TX 75241' });
    expect(p.dynamicTemplateData?.['unsubscribe_url']).toMatch(/^https:\/\/recruiting\.example\.com\/_functions\/email\/unsubscribe\?t=v1\./);
    const request = requestFor(c, [p]);
    expect(request.content).toBeNull();
    expect(request.templateId).toBe('d-5a1e0000000000000000000000000001');
    expect(request.footer?.html).toContain('4100 Logistics Pkwy, Suite 200, Dallas, TX 75241');
    expect(request.footer?.html).toContain('<%asm_group_unsubscribe_raw_url%>');
  });

  it('derives a readable text part: links spelled out, tags gone, entities decoded', () => {
    expect(htmlToText('<html><head><style>p{}</style></head><body><h1>Hi&nbsp;there</h1><p>Pay &amp; home time</p><ul><li>One</li><li>Two</li></ul><p><a href="https://x.example/apply">Apply now</a></p></body></html>')).toBe(
      'Hi there\nPay & home time\n- One\n- Two\n\nApply now (https://x.example/apply)',
    );
  });
});

describe('unsubscribe tokens', () => {
  const subject = { carrierDot: '2233445', email: 'Sam@Example.com', messageId: 'camp.r0.eabc' };
  const token = makeUnsubscribeToken(SECRET, subject);

  it('round-trips the carrier, the lower-cased address and the message id', () => {
    expect(verifyUnsubscribeToken(SECRET, token)).toEqual({ ok: true, subject: { ...subject, email: 'sam@example.com' } });
  });

  it('refuses a token signed with another secret or with an edited payload or signature (forged)', () => {
    expect(verifyUnsubscribeToken('other-secret', token)).toEqual({ ok: false, reason: 'forged' });
    const [v, body, sig] = token.split('.');
    const edited = Buffer.from(Buffer.from(body ?? '', 'base64url').toString('utf8').replace('sam@example.com', 'ceo@example.com'), 'utf8').toString('base64url');
    expect(verifyUnsubscribeToken(SECRET, `${v}.${edited}.${sig}`)).toEqual({ ok: false, reason: 'forged' });
    const flipped = `${sig?.slice(0, -2) ?? ''}${sig?.endsWith('AA') ? 'BA' : 'AA'}`;
    expect(verifyUnsubscribeToken(SECRET, `${v}.${body}.${flipped}`)).toEqual({ ok: false, reason: 'forged' });
  });

  it('refuses what is not a token (malformed)', () => {
    for (const bad of [null, '', 'v1', 'v2.a.b', 'v1.!!.b', `v1.${Buffer.from('x\ny', 'utf8').toString('base64url')}.abc`, 'v1.a.b.c', 'x'.repeat(2000)]) {
      expect(verifyUnsubscribeToken(SECRET, bad)).toEqual({ ok: false, reason: 'malformed' });
    }
  });
});
