/**
 * The site-code client factories: simulator override only when configured; the rewrite keeps the
 * original Twilio host; nothing else is sent through the override.
 */
import twilio from 'twilio';
import { configureSendGrid, createTwilioClient, rewriteTwilioUri, RewritingRequestClient } from '../../src/backend/providers';

describe('rewriteTwilioUri', () => {
  it('prefixes the original host and keeps path and query', () => {
    expect(rewriteTwilioUri('https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?PageSize=50&To=%2B1', 'http://127.0.0.1:4010/')).toBe(
      'http://127.0.0.1:4010/api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?PageSize=50&To=%2B1',
    );
    expect(rewriteTwilioUri('https://messaging.twilio.com/v1/Services', 'http://127.0.0.1:4010/sims/twilio')).toBe('http://127.0.0.1:4010/sims/twilio/messaging.twilio.com/v1/Services');
    expect(rewriteTwilioUri('https://api.sydney.au1.twilio.com/2010-04-01/x', 'http://h:1')).toBe('http://h:1/api.sydney.au1.twilio.com/2010-04-01/x');
  });

  it('refuses non-Twilio hosts', () => {
    expect(() => rewriteTwilioUri('https://evil.example.com/x', 'http://h:1')).toThrow(/non-Twilio/);
    expect(() => rewriteTwilioUri('https://twilio.com.evil.test/x', 'http://h:1')).toThrow(/non-Twilio/);
  });
});

describe('createTwilioClient', () => {
  it('uses the rewriting RequestClient only with an override', () => {
    const plain = createTwilioClient({ accountSid: 'AC00000000000000000000000000000001', authToken: 't' });
    expect(plain.httpClient).toBeInstanceOf(twilio.RequestClient);
    expect(plain.httpClient).not.toBeInstanceOf(RewritingRequestClient);
    const blank = createTwilioClient({ accountSid: 'AC00000000000000000000000000000001', authToken: 't', apiBaseOverride: '  ' });
    expect(blank.httpClient).not.toBeInstanceOf(RewritingRequestClient);
    const local = createTwilioClient({ accountSid: 'AC00000000000000000000000000000001', authToken: 't', apiBaseOverride: 'http://127.0.0.1:4010' });
    expect(local.httpClient).toBeInstanceOf(RewritingRequestClient);
  });

  it('validates inputs', () => {
    expect(() => createTwilioClient({ accountSid: '', authToken: 't' })).toThrow(/required/);
    expect(() => createTwilioClient({ accountSid: 'AC00000000000000000000000000000001', authToken: 't', apiBaseOverride: 'ftp://x' })).toThrow(/http/);
  });
});

describe('configureSendGrid', () => {
  it('returns fresh MailService instances and validates inputs', () => {
    const a = configureSendGrid({ apiKey: 'SG.a' });
    const b = configureSendGrid({ apiKey: 'SG.b', apiBaseOverride: 'http://127.0.0.1:3030' });
    expect(a).not.toBe(b);
    expect(() => configureSendGrid({ apiKey: '' })).toThrow(/required/);
    expect(() => configureSendGrid({ apiKey: 'SG.a', apiBaseOverride: 'file:///etc' })).toThrow(/http/);
  });
});

describe('simulator default credentials', () => {
  it('match the local host secret defaults', async () => {
    const { DEFAULT_CREDENTIALS } = await import('../../local/simulators/harness');
    const { LOCAL_SECRET_DEFAULTS } = await import('../../local/host/secrets');
    expect(DEFAULT_CREDENTIALS.twilio.accountSid).toBe(LOCAL_SECRET_DEFAULTS.TWILIO_ACCOUNT_SID);
    expect(DEFAULT_CREDENTIALS.twilio.authToken).toBe(LOCAL_SECRET_DEFAULTS.TWILIO_AUTH_TOKEN);
    expect(DEFAULT_CREDENTIALS.sendgrid.apiKey).toBe(LOCAL_SECRET_DEFAULTS.SENDGRID_API_KEY);
    expect(DEFAULT_CREDENTIALS.twilio.messagingServiceSid).toBe(LOCAL_SECRET_DEFAULTS.TWILIO_MESSAGING_SERVICE_SID);
    expect(DEFAULT_CREDENTIALS.twilio.accountSid).toMatch(/^AC[0-9a-f]{32}$/);
  });
});
