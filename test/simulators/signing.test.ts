/**
 * Signing (simulator side) and verification (site side) against the published vectors
 * (providers.md §1.7, §3.5, §4.1, §6.1), cross-checked with the twilio SDK's own validators.
 */
import { generateKeyPairSync } from 'node:crypto';
import twilio from 'twilio';
import {
  DEFAULT_CREDENTIALS,
  dropCowboySignature,
  dropCowboySigner,
  generateSendGridKeyPair,
  indeedSignature,
  localSendGridWebhookKey,
  sendGridEventBatchBody,
  sendGridKeyPairFromPem,
  sendGridSignature,
  sendGridSigner,
  twilioBodyHash,
  twilioSignature,
  twilioSigner,
  twilioUrlWithBodyHash,
} from '../../local/simulators/harness';
import {
  isTimestampFresh,
  verifyDropCowboySignature,
  verifyIndeedSignature,
  verifySendGridSignature,
  verifyTwilioSignature,
} from '../../src/backend/providers';

const TWILIO_TOKEN = '12345';
const TWILIO_URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const TWILIO_PARAMS = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' };
const TWILIO_FORM_SIG = '0/KCTR6DLpKmkAf8muzZqo1nDgQ=';
const TWILIO_JSON_BODY = '{"property":"value","boolean":true}';
const TWILIO_JSON_HASH = 'd5729c000e5de6b3a10698fec78d482db85d744f1be820d1382b6bda1cfb7795';
const TWILIO_JSON_SIG = 'S3fW4swDzulE1VJfHiZwCjkucXI=';

const SG_PUBLIC_KEY = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==';
const SG_TIMESTAMP = '1588788367';
const SG_PAYLOAD = '{"category":"example_payload","event":"test_event","message_id":"message_id"}';
const SG_SIGNATURE = 'MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=';

describe('Twilio X-Twilio-Signature', () => {
  it('reproduces the canonical form vector', () => {
    expect(twilioSignature(TWILIO_TOKEN, TWILIO_URL, TWILIO_PARAMS)).toBe(TWILIO_FORM_SIG);
    expect(verifyTwilioSignature({ authToken: TWILIO_TOKEN, url: TWILIO_URL, params: TWILIO_PARAMS, signature: TWILIO_FORM_SIG })).toBe(true);
  });

  it('reproduces the JSON-body (bodySHA256) vector', () => {
    expect(twilioBodyHash(TWILIO_JSON_BODY)).toBe(TWILIO_JSON_HASH);
    const url = twilioUrlWithBodyHash('https://mycompany.com/myapp.php', TWILIO_JSON_BODY);
    expect(url).toBe(`https://mycompany.com/myapp.php?bodySHA256=${TWILIO_JSON_HASH}`);
    expect(twilioSignature(TWILIO_TOKEN, url, {})).toBe(TWILIO_JSON_SIG);
    expect(verifyTwilioSignature({ authToken: TWILIO_TOKEN, url, params: TWILIO_JSON_BODY, signature: TWILIO_JSON_SIG })).toBe(true);
  });

  it('rejects tampered params, bodies, URLs, tokens and missing signatures', () => {
    const base = { authToken: TWILIO_TOKEN, url: TWILIO_URL, params: TWILIO_PARAMS, signature: TWILIO_FORM_SIG };
    expect(verifyTwilioSignature({ ...base, params: { ...TWILIO_PARAMS, Digits: '1235' } })).toBe(false);
    expect(verifyTwilioSignature({ ...base, url: 'https://mycompany.com/myapp.php?foo=1&bar=3' })).toBe(false);
    expect(verifyTwilioSignature({ ...base, authToken: '54321' })).toBe(false);
    expect(verifyTwilioSignature({ ...base, signature: '' })).toBe(false);
    expect(verifyTwilioSignature({ ...base, signature: undefined })).toBe(false);
    expect(verifyTwilioSignature({ ...base, signature: 'not base64 at all' })).toBe(false);
    const url = `https://mycompany.com/myapp.php?bodySHA256=${TWILIO_JSON_HASH}`;
    expect(verifyTwilioSignature({ authToken: TWILIO_TOKEN, url, params: '{"property":"value","boolean":false}', signature: TWILIO_JSON_SIG })).toBe(false);
    // A raw body without bodySHA256 in the URL is not a valid combination.
    expect(verifyTwilioSignature({ authToken: TWILIO_TOKEN, url: 'https://mycompany.com/myapp.php', params: TWILIO_JSON_BODY, signature: TWILIO_JSON_SIG })).toBe(false);
  });

  it('agrees with the SDK validateRequest, including repeated keys and default ports', () => {
    const cases: { url: string; params: Record<string, string | string[]> }[] = [
      { url: TWILIO_URL, params: TWILIO_PARAMS },
      { url: 'https://example.org/_functions/twilio/status', params: { MessageSid: 'SM1', MessageStatus: 'delivered', To: '+15551234567' } },
      { url: 'https://example.org/in', params: { MediaUrl: ['https://a/y.png', 'https://a/x.png', 'https://a/x.png'], Body: 'hi ✓ ünïcode', a: 'Z', B: 'y' } },
      { url: 'http://127.0.0.1:8080/_functions/twilio/incoming?x=1', params: { Body: 'STOP' } },
    ];
    for (const c of cases) {
      const sig = twilioSignature('tok', c.url, c.params);
      expect(twilio.validateRequest('tok', sig, c.url, c.params)).toBe(true);
      expect(verifyTwilioSignature({ authToken: 'tok', url: c.url, params: c.params, signature: sig })).toBe(true);
    }
    // Signed with :443, verified against the port-less configured URL (and the reverse).
    const withPort = 'https://example.org:443/x';
    const sig = twilioSignature('tok', withPort, { A: '1' });
    expect(verifyTwilioSignature({ authToken: 'tok', url: 'https://example.org/x', params: { A: '1' }, signature: sig })).toBe(true);
    expect(twilio.validateRequest('tok', sig, 'https://example.org/x', { A: '1' })).toBe(true);
  });

  it('agrees with the SDK validateRequestWithBody for JSON bodies', () => {
    const body = JSON.stringify({ event: 'x', n: 1 });
    const url = twilioUrlWithBodyHash('https://example.org/hook?a=b', body);
    const sig = twilioSignature('tok', url, {});
    expect(twilio.validateRequestWithBody('tok', sig, url, body)).toBe(true);
    expect(verifyTwilioSignature({ authToken: 'tok', url, params: body, signature: sig })).toBe(true);
  });

  it('signer signs form bodies from the raw bytes and JSON bodies via bodySHA256', () => {
    const signer = twilioSigner({ authToken: 'tok' });
    const form = Buffer.from('To=%2B15551234567&MediaUrl=https%3A%2F%2Fa%2Fx.png&MediaUrl=https%3A%2F%2Fa%2Fy.png&Body=a+b');
    const formSigned = signer({ url: 'https://e.org/s', method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' }, now: 0 });
    expect(formSigned.url).toBeUndefined();
    expect(
      twilio.validateRequest('tok', formSigned.headers['x-twilio-signature'] ?? '', 'https://e.org/s', {
        To: '+15551234567',
        MediaUrl: ['https://a/x.png', 'https://a/y.png'],
        Body: 'a b',
      }),
    ).toBe(true);
    const json = Buffer.from(TWILIO_JSON_BODY);
    const jsonSigned = twilioSigner({ authToken: TWILIO_TOKEN })({ url: 'https://mycompany.com/myapp.php', method: 'POST', body: json, headers: { 'content-type': 'application/json' }, now: 0 });
    expect(jsonSigned.url).toBe(`https://mycompany.com/myapp.php?bodySHA256=${TWILIO_JSON_HASH}`);
    expect(jsonSigned.headers['x-twilio-signature']).toBe(TWILIO_JSON_SIG);
  });
});

describe('SendGrid Signed Event Webhook', () => {
  it('verifies the official vector', () => {
    expect(verifySendGridSignature({ publicKey: SG_PUBLIC_KEY, payload: SG_PAYLOAD, signature: SG_SIGNATURE, timestamp: SG_TIMESTAMP })).toBe(true);
  });

  it('rejects tampering and malformed input without throwing', () => {
    const ok = { publicKey: SG_PUBLIC_KEY, payload: SG_PAYLOAD, signature: SG_SIGNATURE, timestamp: SG_TIMESTAMP };
    expect(verifySendGridSignature({ ...ok, payload: SG_PAYLOAD.replace('test_event', 'test_evenT') })).toBe(false);
    expect(verifySendGridSignature({ ...ok, timestamp: '1588788368' })).toBe(false);
    expect(verifySendGridSignature({ ...ok, signature: 'garbage' })).toBe(false);
    expect(verifySendGridSignature({ ...ok, signature: '' })).toBe(false);
    expect(verifySendGridSignature({ ...ok, timestamp: null })).toBe(false);
    expect(verifySendGridSignature({ ...ok, publicKey: 'not-a-key' })).toBe(false);
    expect(verifySendGridSignature({ ...ok, publicKey: '' })).toBe(false);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    expect(verifySendGridSignature({ ...ok, publicKey: rsa })).toBe(false);
  });

  it('round-trips a generated key pair over a ",\\r\\n"-joined batch, and accepts PEM keys', () => {
    const pair = generateSendGridKeyPair();
    const body = sendGridEventBatchBody([{ event: 'delivered', email: 'a@x.test' }, { event: 'open', email: 'b@x.test' }]);
    expect(body).toBe('[{"event":"delivered","email":"a@x.test"},\r\n{"event":"open","email":"b@x.test"}]\r\n');
    const signature = sendGridSignature(pair.privateKey, '1700000000', body);
    expect(verifySendGridSignature({ publicKey: pair.publicKeyBase64, payload: body, signature, timestamp: '1700000000' })).toBe(true);
    // Re-serialising the events (as naive receivers do) breaks the signature.
    const reserialised = JSON.stringify(JSON.parse(body) as unknown);
    expect(verifySendGridSignature({ publicKey: pair.publicKeyBase64, payload: reserialised, signature, timestamp: '1700000000' })).toBe(false);
    const pem = `-----BEGIN PUBLIC KEY-----\n${pair.publicKeyBase64}\n-----END PUBLIC KEY-----\n`;
    expect(verifySendGridSignature({ publicKey: pem, payload: body, signature, timestamp: '1700000000' })).toBe(true);
    expect(sendGridKeyPairFromPem(pair.privateKeyPem).publicKeyBase64).toBe(pair.publicKeyBase64);
  });

  it('signer uses the attempt time as the timestamp; the default local key matches the published default public key', () => {
    const signer = sendGridSigner({ privateKey: localSendGridWebhookKey() });
    const body = Buffer.from(sendGridEventBatchBody([{ event: 'processed' }]));
    const { headers } = signer({ url: 'http://x', method: 'POST', body, headers: {}, now: 1_700_000_123_456 });
    expect(headers['x-twilio-email-event-webhook-timestamp']).toBe('1700000123');
    expect(
      verifySendGridSignature({
        publicKey: DEFAULT_CREDENTIALS.sendgrid.webhookPublicKey,
        payload: body.toString('utf8'),
        signature: headers['x-twilio-email-event-webhook-signature'],
        timestamp: headers['x-twilio-email-event-webhook-timestamp'],
      }),
    ).toBe(true);
    expect(isTimestampFresh({ timestamp: '1700000123', nowMs: 1_700_000_400_000, toleranceSeconds: 300 })).toBe(true);
    expect(isTimestampFresh({ timestamp: '1700000123', nowMs: 1_700_000_500_000, toleranceSeconds: 300 })).toBe(false);
    expect(isTimestampFresh({ timestamp: 'abc', nowMs: 0, toleranceSeconds: 300 })).toBe(false);
  });
});

describe('Indeed X-Indeed-Signature', () => {
  const secret = 'Y0ur api secret key not shared &$%@';
  const body = "{'locale':'en_US','applicant':{'fullName':'John Doe','email':'john.doe@example.com'}}";
  it('reproduces the official vector and rejects tampering', () => {
    expect(indeedSignature(secret, body)).toBe('SGadPKocf3HD1LYXm3xGObB6hzk=');
    expect(verifyIndeedSignature({ apiSecret: secret, payload: body, signature: 'SGadPKocf3HD1LYXm3xGObB6hzk=' })).toBe(true);
    expect(verifyIndeedSignature({ apiSecret: secret, payload: body.replace('John', 'Jon'), signature: 'SGadPKocf3HD1LYXm3xGObB6hzk=' })).toBe(false);
  });
});

describe('Drop Cowboy X-Signature', () => {
  const secret = 'e4b1c7a9-3f2d-4e8b-9a6c-5d1f8b2e7c30';
  const timestamp = '1774041960';
  const event = {
    event_id: '2694f968-93fd-44ca-9b92-2110ed1ee61e',
    event: 'contact.rvm.status',
    event_at: 1774041912000,
    data: {
      team_id: '3f6c2a1e-8b4d-4c7a-9e2f-5a1b3c4d6e7f',
      contact_id: '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d',
      drop_id: 'b3e7a1c9-8d5f-4b2e-9a6c-1f4d7b3e8a52',
      campaign_id: null,
      campaign_type: 'rvm',
      status: 'success',
      reason: '',
      reason_code: 0,
      to: '+13125550142',
      from: '+12125550100',
    },
  };
  const body = JSON.stringify(event);
  const expected = 'sha256=e85f619d16c3a6ccdb54846a3d7fdf556fd9703c5d94b76740b7bb7470b1bebc';

  it('reproduces the official vector', () => {
    expect(dropCowboySignature(secret, timestamp, body)).toBe(expected);
    expect(verifyDropCowboySignature({ signingSecret: secret, payload: body, signature: expected, timestamp, nowMs: 1774041990_000 })).toBe(true);
  });

  it('rejects stale timestamps, tampered bodies and other secrets', () => {
    expect(verifyDropCowboySignature({ signingSecret: secret, payload: body, signature: expected, timestamp, nowMs: 1774042261_000 })).toBe(false);
    const tampered = body.replace('"success"', '"failure"');
    expect(verifyDropCowboySignature({ signingSecret: secret, payload: tampered, signature: expected, timestamp, nowMs: 1774041990_000 })).toBe(false);
    expect(dropCowboySignature('7d2f9b4e-6a1c-4f83-b5e0-9c3a8d1f6e42', timestamp, body)).toBe('sha256=59719257b2a6653aa4cc5c6ebaab15d93291316fb5b5789d6895f24d13b8c4cd');
  });

  it('signer emits X-Signature, X-Timestamp and the version header', () => {
    const { headers } = dropCowboySigner({ secret })({ url: 'http://x', method: 'POST', body: Buffer.from(body), headers: {}, now: 1774041960_500 });
    expect(headers).toEqual({ 'x-signature': expected, 'x-timestamp': timestamp, 'x-signature-version': 'v1' });
  });
});
