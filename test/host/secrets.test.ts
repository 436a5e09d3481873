import { createPublicKey, createSign, createVerify } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSecretStore, LOCAL_SECRET_DEFAULTS, parseDotEnv } from '../../local/host/secrets';

describe('local secrets', () => {
  let root: string;
  let dataDir: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'host-secrets-'));
    dataDir = path.join(root, '.data');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('parses .env.local lines: comments, export, quotes, inline comments', () => {
    const env = parseDotEnv('# comment\nA=1\nexport B = two \nC="quoted # kept"\nD=\'single\'\nE=val # trailing\nnot a line\n');
    expect(Object.fromEntries(env)).toEqual({ A: '1', B: 'two', C: 'quoted # kept', D: 'single', E: 'val' });
  });

  it('resolves environment over .env.local over the local defaults', () => {
    fs.writeFileSync(path.join(root, '.env.local'), 'TWILIO_AUTH_TOKEN=from-dotenv\nSENDGRID_API_KEY=SG.from-dotenv\nEXTRA_KEY=extra\n');
    const { store } = createSecretStore({ root, dataDir, publicBaseUrl: 'http://127.0.0.1:9999', env: { TWILIO_AUTH_TOKEN: 'from-env' } });
    expect(store.get('TWILIO_AUTH_TOKEN')).toBe('from-env');
    expect(store.get('SENDGRID_API_KEY')).toBe('SG.from-dotenv');
    expect(store.get('EXTRA_KEY')).toBe('extra');
    expect(store.get('TWILIO_ACCOUNT_SID')).toBe(LOCAL_SECRET_DEFAULTS.TWILIO_ACCOUNT_SID);
    expect(store.get('TWILIO_ACCOUNT_SID')).toMatch(/^AC[0-9a-f]{32}$/);
    expect(store.get('PUBLIC_BASE_URL')).toBe('http://127.0.0.1:9999');
    expect(store.get('NOT_A_SECRET')).toBeUndefined();
    expect(store.describe()).toEqual(
      expect.arrayContaining([
        { name: 'TWILIO_AUTH_TOKEN', source: 'environment' },
        { name: 'SENDGRID_API_KEY', source: '.env.local' },
        { name: 'EXTRA_KEY', source: '.env.local' },
        { name: 'TWILIO_ACCOUNT_SID', source: 'local default' },
      ]),
    );
  });

  it('never prints values: describe() holds names and sources only, and creating the store logs nothing', () => {
    const spies = (['log', 'info', 'warn', 'error'] as const).map((m) => jest.spyOn(console, m).mockImplementation(() => undefined));
    try {
      const { store, keys } = createSecretStore({ root, dataDir, publicBaseUrl: 'http://127.0.0.1:1', env: {} });
      const described = JSON.stringify(store.describe());
      for (const value of [...Object.values(LOCAL_SECRET_DEFAULTS), keys.credentialsEncryptionKey, keys.sendgridWebhook.publicKeyBase64]) {
        expect(described).not.toContain(value);
      }
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it('generates the webhook key pair and encryption key once per data dir and keeps them', () => {
    const first = createSecretStore({ root, dataDir, publicBaseUrl: 'x', env: {} });
    const second = createSecretStore({ root, dataDir, publicBaseUrl: 'x', env: {} });
    expect(second.store.get('SENDGRID_WEBHOOK_PUBLIC_KEY')).toBe(first.store.get('SENDGRID_WEBHOOK_PUBLIC_KEY'));
    expect(second.store.get('CREDENTIALS_ENCRYPTION_KEY')).toBe(first.store.get('CREDENTIALS_ENCRYPTION_KEY'));
    expect(Buffer.from(first.store.get('CREDENTIALS_ENCRYPTION_KEY') ?? '', 'base64')).toHaveLength(32);
    expect((fs.statSync(path.join(dataDir, 'local-keys.json')).mode & 0o077) === 0).toBe(true);

    // The public key (base64 SPKI, as SendGrid shows it) verifies what the private half signs.
    const publicKey = createPublicKey({ key: Buffer.from(first.store.get('SENDGRID_WEBHOOK_PUBLIC_KEY') ?? '', 'base64'), format: 'der', type: 'spki' });
    expect(publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const payload = '1700000000[{"event":"delivered"}]';
    const signature = createSign('sha256').update(payload).sign(first.keys.sendgridWebhook.privateKeyPem);
    expect(createVerify('sha256').update(payload).verify(publicKey, signature)).toBe(true);

    const elsewhere = createSecretStore({ root, dataDir: path.join(root, 'other'), publicBaseUrl: 'x', env: {} });
    expect(elsewhere.store.get('SENDGRID_WEBHOOK_PUBLIC_KEY')).not.toBe(first.store.get('SENDGRID_WEBHOOK_PUBLIC_KEY'));
  });
});
