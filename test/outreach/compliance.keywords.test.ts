import {
  applyInboundKeyword,
  classifyInboundMessage,
  decideContact,
  ensureSenderIdentification,
  optOutRecordFor,
} from '../../src/backend/outreach/compliance';
import { SMSOptOuts } from '../../src/backend/collections/sms';
import { ComplianceAuditLog, DriverProfiles } from '../../src/backend/collections/people';
import { DOT, MIDDAY, OTHER_DOT, carrier, driver, optOut } from './compliance-fixtures';

const casings = (word: string): string[] => [word.toUpperCase(), word.toLowerCase(), word[0]!.toUpperCase() + word.slice(1).toLowerCase()];
const dressings = (w: string): string[] => [w, ` ${w} `, `${w}.`, `${w}!!`, ` ${w}! `, `"${w}"`, `${w}\n`];

describe('classifyInboundMessage', () => {
  it('recognises every opt-out keyword in any case with surrounding spaces and punctuation', () => {
    for (const keyword of ['STOP', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT']) {
      for (const text of casings(keyword).flatMap(dressings)) expect([text, classifyInboundMessage(text)]).toEqual([text, { kind: 'opt_out', scope: 'carrier', keyword }]);
    }
    for (const text of ['opt out', 'Opt-Out', 'OPT OUT!', ' opt-out. ', 'opt  out']) expect(classifyInboundMessage(text)).toEqual({ kind: 'opt_out', scope: 'carrier', keyword: 'OPTOUT' });
  });

  it('gives STOPALL the scope all', () => {
    for (const text of ['STOPALL', 'stopall', 'StopAll!', ' STOP ALL ']) expect(classifyInboundMessage(text)).toEqual({ kind: 'opt_out', scope: 'all', keyword: 'STOPALL' });
  });

  it('recognises opt-in and help keywords', () => {
    for (const keyword of ['START', 'UNSTOP', 'YES']) for (const text of casings(keyword).flatMap(dressings)) expect(classifyInboundMessage(text)).toEqual({ kind: 'opt_in', keyword });
    for (const keyword of ['HELP', 'INFO']) for (const text of casings(keyword).flatMap(dressings)) expect(classifyInboundMessage(text)).toEqual({ kind: 'help', keyword });
  });

  it('flags free-text revocations for review', () => {
    const revocations = [
      'Remove me', 'please remove my number', 'Stop texting me', 'STOP TEXTING ME!!!', 'stop please', 'Stop now.', 'Wrong number',
      'wrong person, I am not a driver', 'No more texts', 'no more messages please', 'Take me off your list', 'take me off this list',
      'Do not contact me', "don't text me", "Don't text me again!", 'Never call me again', 'leave me alone', 'Unsubscribe me', 'please unsubscribe',
      'I want to opt out', 'opt me out', 'quit messaging me', 'Lose my number', 'I do not wish to be contacted',
    ];
    for (const text of revocations) expect([text, classifyInboundMessage(text).kind]).toEqual([text, 'revocation']);
    expect(classifyInboundMessage('Stop texting me')).toEqual({ kind: 'revocation', phrase: 'stop texting', needsReview: true });
  });

  it('does not mistake ordinary replies for opt-outs or opt-ins', () => {
    const ordinary = [
      "I can't stop by today", "Yes I'm interested", 'yes please call me', 'What is the pay?', 'The job ends Friday', 'I quit my last job in May',
      'Can you stop by the terminal?', 'End of month works for me', 'Cancel my interview tomorrow', "Don't call me before noon", 'not interested right now',
      'Is this still open?', 'helpful info thanks', 'start date?', '', '   ', '👍',
    ];
    for (const text of ordinary) expect([text, classifyInboundMessage(text).kind]).toEqual([text, 'message']);
  });
});

describe('applyInboundKeyword', () => {
  const phone = '+15125550123';
  const base = { carrier, phone, now: MIDDAY, messageId: 'SM123' };

  it('opts out: SMSOptOuts item, driver mirror and revoked consent, audit entries and one confirmation', () => {
    const out = applyInboundKeyword({ ...base, text: 'Stop.', drivers: [driver()], optOuts: [] });
    expect(out.effect).toBe('opted_out');
    expect(out.reply).toBe('You have been unsubscribed from Lone Star Freight Lines messages. No more messages will be sent. Reply START to resubscribe.');
    expect(out.optOuts).toEqual([expect.objectContaining({ phone_number: phone, carrier_dot: DOT, opt_out_source: 'STOP_keyword', resubscribed: false, opted_out_at: MIDDAY })]);
    expect(out.drivers[0]).toMatchObject({ _id: 'drv-tx', sms_opted_out_at: MIDDAY, sms_consent: { granted: false, revoked_at: MIDDAY, source: 'job_application_form' } });
    expect(out.audit.map((a) => [a.decision, a.rule])).toEqual([['opt_out', 'opt_out.keyword'], ['consent_revoked', 'opt_out.keyword']]);
    expect(out.audit[0]).toMatchObject({ address: phone, channel: 'sms', driver_id: 'drv-tx', carrier_dot: DOT, message_id: 'SM123' });
    // Every item is valid for its collection.
    for (const o of out.optOuts) expect(SMSOptOuts.schema.safeParse(o).success).toBe(true);
    for (const d of out.drivers) expect(DriverProfiles.schema.safeParse(d).success).toBe(true);
    for (const a of out.audit) expect(ComplianceAuditLog.schema.safeParse({ _id: 'x', ...a }).success).toBe(true);
    // The opt-out blocks every pending send decided afterwards.
    expect(decideContact({ channel: 'sms', driver: out.drivers[0]!, carrier, now: MIDDAY, optOuts: out.optOuts })).toMatchObject({ action: 'block' });
  });

  it('sends no second confirmation to a phone that is already opted out', () => {
    const out = applyInboundKeyword({ ...base, text: 'STOP', drivers: [driver({ sms_opted_out_at: MIDDAY })], optOuts: [optOut()] });
    expect(out).toMatchObject({ effect: 'already_opted_out', reply: null, optOuts: [], drivers: [], audit: [] });
  });

  it('STOPALL opts out of every carrier, including drivers of other carriers with the phone', () => {
    const other = driver({ _id: 'drv-other', carrier_dot: OTHER_DOT });
    const out = applyInboundKeyword({ ...base, text: 'STOPALL', drivers: [driver(), other], optOuts: [] });
    expect(out.optOuts).toEqual([expect.objectContaining({ carrier_dot: 'all', _id: `${phone}|all` })]);
    expect(out.drivers.map((d) => d._id)).toEqual(['drv-tx', 'drv-other']);
    expect(out.audit.filter((a) => a.decision === 'opt_out').map((a) => a.carrier_dot)).toEqual([DOT, OTHER_DOT]);
    expect(decideContact({ channel: 'sms', driver: driver(), carrier: { ...carrier, carrier_dot: OTHER_DOT }, now: MIDDAY, optOuts: out.optOuts })).toMatchObject({ action: 'block' });
  });

  it('honours a free-text revocation as an opt-out and flags it for review', () => {
    const out = applyInboundKeyword({ ...base, text: 'wrong number, stop texting me', drivers: [driver()], optOuts: [] });
    expect(out.classification.kind).toBe('revocation');
    expect(out.optOuts[0]).toMatchObject({ opt_out_source: 'free_text', needs_review: true, opt_out_message: 'wrong number, stop texting me' });
    expect(out.audit.map((a) => a.decision)).toEqual(['opt_out', 'consent_revoked', 'flagged_for_review']);
    expect(out.reply).toContain('unsubscribed');
  });

  it('START resubscribes an opted-out driver with keyword consent; resubscribed records stop blocking', () => {
    const out = applyInboundKeyword({ ...base, text: 'start', drivers: [driver({ sms_opted_out_at: MIDDAY, sms_consent: null })], optOuts: [optOut()] });
    expect(out.effect).toBe('opted_in');
    expect(out.optOuts[0]).toMatchObject({ resubscribed: true, resubscribed_at: MIDDAY });
    expect(out.drivers[0]).toMatchObject({ sms_opted_out_at: null, sms_consent: { granted: true, source: 'sms_keyword', text_version: 'keyword:START', captured_at: MIDDAY } });
    expect(out.audit.map((a) => a.decision)).toEqual(['opt_in', 'consent_granted']);
    expect(out.reply).toMatch(/resubscribed to Lone Star Freight Lines/);
    const later = new Date(MIDDAY.getTime() + 60_000);
    expect(decideContact({ channel: 'sms', driver: out.drivers[0]!, carrier, now: later, optOuts: out.optOuts })).toEqual({ action: 'send' });
  });

  it('START after STOPALL resubscribes this carrier only', () => {
    const all = optOut({ _id: `${phone}|all`, carrier_dot: 'all' });
    const out = applyInboundKeyword({ ...base, text: 'UNSTOP', drivers: [driver({ sms_opted_out_at: all.opted_out_at })], optOuts: [all] });
    expect(out.optOuts).toEqual([expect.objectContaining({ carrier_dot: DOT, resubscribed: true, resubscribed_at: MIDDAY })]);
    const records = [all, ...out.optOuts];
    const later = new Date(MIDDAY.getTime() + 60_000);
    expect(decideContact({ channel: 'sms', driver: out.drivers[0]!, carrier, now: later, optOuts: records })).toEqual({ action: 'send' });
    expect(decideContact({ channel: 'sms', driver: driver({ carrier_dot: OTHER_DOT }), carrier: { ...carrier, carrier_dot: OTHER_DOT }, now: later, optOuts: records })).toMatchObject({ rule: 'opt_out.all' });
  });

  it('YES from a driver who never opted out is an ordinary reply', () => {
    const out = applyInboundKeyword({ ...base, text: 'Yes', drivers: [driver()], optOuts: [] });
    expect(out).toMatchObject({ effect: 'none', reply: null, classification: { kind: 'message' }, optOuts: [], audit: [] });
  });

  it('answers HELP with the carrier name, phone and STOP instructions', () => {
    const out = applyInboundKeyword({ ...base, text: 'help', drivers: [], optOuts: [] });
    expect(out.reply).toBe('Lone Star Freight Lines driver recruiting. For help call (214) 555-0100 or visit https://lonestarfreight.example. Msg & data rates may apply. Reply STOP to opt out.');
    expect(out.audit).toEqual([]);
  });

  it('records an opt-out from an unknown phone without a driver', () => {
    const out = applyInboundKeyword({ ...base, text: 'STOP', drivers: [], optOuts: [] });
    expect(out.optOuts[0]).toMatchObject({ driver_id: null, carrier_dot: DOT });
    expect(out.audit).toEqual([expect.objectContaining({ decision: 'opt_out', driver_id: null })]);
  });

  it('optOutRecordFor reuses an existing record id (one item per phone and scope)', () => {
    const existing = optOut({ _id: 'kept-id', resubscribed: true, resubscribed_at: MIDDAY });
    expect(optOutRecordFor({ phone, carrierDot: DOT, driverId: null, now: MIDDAY, source: 'manual', existing })).toMatchObject({ _id: 'kept-id', resubscribed: false, resubscribed_at: null, driver_id: 'drv-tx' });
  });
});

describe('ensureSenderIdentification', () => {
  const name = 'Lone Star Freight Lines';
  it('appends the carrier name when the body lacks it', () => {
    expect(ensureSenderIdentification('Hi John, new dedicated lanes out of Dallas. Reply STOP to opt out', name)).toBe('Hi John, new dedicated lanes out of Dallas. Reply STOP to opt out - Lone Star Freight Lines');
    expect(ensureSenderIdentification('Hi John, Lone Star is hiring  ', name)).toBe('Hi John, Lone Star is hiring - Lone Star Freight Lines');
    expect(ensureSenderIdentification('', name)).toBe(name);
  });
  it('keeps a body that already names the carrier, ignoring case and punctuation', () => {
    for (const body of ['Lone Star Freight Lines: Hi John', 'hi from LONE STAR FREIGHT LINES!', 'Sarah @ Lone-Star Freight Lines here', 'Hi John (Lone Star, Freight Lines)']) {
      expect(ensureSenderIdentification(body, name)).toBe(body);
    }
  });
  it('matches whole words only', () => {
    expect(ensureSenderIdentification('Hi from ACME Freightways', 'ACME Freight')).toBe('Hi from ACME Freightways - ACME Freight');
  });
  it('a name written as it is (the fast path) decides exactly as the whole-word comparison, also next to accents, marks and ligatures', () => {
    // The rule written out plainly: case, punctuation and NFKC forms ignored, whole words.
    const comparable = (text: string): string => text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
    const expected = (body: string, carrierName: string): string => {
      const wanted = comparable(carrierName.trim());
      if (wanted.length === 0 || ` ${comparable(body)} `.includes(` ${wanted} `)) return body;
      const trimmed = body.trimEnd();
      return trimmed.length === 0 ? carrierName.trim() : `${trimmed} - ${carrierName.trim()}`;
    };
    const names = ['ACME Freight', 'A&B Trucking', 'Lone-Star, Inc.', 'Zoë Haulers', '--', 'X'];
    const pieces = ['ACME Freight', 'acme freight', 'A&B Trucking', 'Lone-Star, Inc.', 'Zoë Haulers', 'X', 'e\u0301', '\u0301', 'ﬁ', ' ', ', ', '-', 'Hi', 'ways', '9', '.', '!', 'é', '(', ')'];
    let state = 7;
    const next = (n: number): number => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state % n;
    };
    let verbatim = 0;
    for (let i = 0; i < 4000; i += 1) {
      const carrierName = names[next(names.length)] ?? 'X';
      const body = Array.from({ length: 1 + next(6) }, () => pieces[next(pieces.length)] ?? '').join('');
      if (body.includes(carrierName)) verbatim += 1;
      expect([body, carrierName, ensureSenderIdentification(body, carrierName)]).toEqual([body, carrierName, expected(body, carrierName)]);
    }
    expect(verbatim).toBeGreaterThan(500);
  });
});
