/**
 * Local secrets (`@wix/secrets` `getSecretValue`). Precedence per name:
 *   1. the process environment,
 *   2. `.env.local` at the repository root (KEY=VALUE lines, `#` comments, optional quotes),
 *   3. the defaults below — the credentials the local provider simulators accept.
 *
 * | name                          | local default                                                     |
 * |-------------------------------|-------------------------------------------------------------------|
 * | TWILIO_ACCOUNT_SID            | `AC` + 32 hex digits (fixed, simulator account)                   |
 * | TWILIO_AUTH_TOKEN             | 32 hex digits (fixed; the SMS simulator signs webhooks with it)   |
 * | TWILIO_MESSAGING_SERVICE_SID  | `MG…0001`, the simulator's Messaging Service (sender +15005550006) |
 * | SENDGRID_API_KEY              | `SG.local.…` (fixed; the email simulator accepts it)              |
 * | SENDGRID_WEBHOOK_PUBLIC_KEY   | base64 SPKI of a P-256 key generated on first start, kept in DATA_DIR |
 * | SENDGRID_API_BASE_OVERRIDE    | base URL of the SendGrid simulator (set by the host when it starts it) |
 * | EMAIL_UNSUBSCRIBE_SECRET      | 32 random bytes, base64url, generated on first start, kept in DATA_DIR |
 * | TWILIO_API_BASE_OVERRIDE      | base URL of the Twilio simulator (set by the host when it starts it) |
 * | PUBLIC_BASE_URL               | `http://127.0.0.1:<PORT>` (webhook / link base)                   |
 * | CREDENTIALS_ENCRYPTION_KEY    | 32 random bytes, base64, generated on first start, kept in DATA_DIR |
 *
 * Values are never logged; `describeSecrets()` reports only where each value came from.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const LOCAL_SECRET_DEFAULTS = {
  TWILIO_ACCOUNT_SID: 'AC' + '10ca1'.padStart(32, '0'),
  TWILIO_AUTH_TOKEN: '10ca1a0770c3e5'.padEnd(32, '0'),
  TWILIO_MESSAGING_SERVICE_SID: 'MG00000000000000000000000000000001',
  SENDGRID_API_KEY: 'SG.local-simulator.' + 'x'.repeat(43),
} as const;

export const SECRET_NAMES = [
  'TWILIO_ACCOUNT_SID',
  'TWILIO_AUTH_TOKEN',
  'TWILIO_MESSAGING_SERVICE_SID',
  'TWILIO_API_BASE_OVERRIDE',
  'SENDGRID_API_KEY',
  'SENDGRID_WEBHOOK_PUBLIC_KEY',
  'SENDGRID_API_BASE_OVERRIDE',
  'EMAIL_UNSUBSCRIBE_SECRET',
  'PUBLIC_BASE_URL',
  'CREDENTIALS_ENCRYPTION_KEY',
] as const;

/** Key material generated once per data dir (the simulators need the private half). */
const LocalKeysSchema = z.object({
  sendgridWebhook: z.object({ publicKeyBase64: z.string().min(1), privateKeyPem: z.string().min(1) }),
  credentialsEncryptionKey: z.string().min(1),
  /** Added later: a data dir from before it gets one on its next start. */
  emailUnsubscribeSecret: z.string().min(1).optional(),
});
export type LocalKeys = z.infer<typeof LocalKeysSchema>;

export function loadOrCreateLocalKeys(dataDir: string): LocalKeys {
  const file = path.join(dataDir, 'local-keys.json');
  if (fs.existsSync(file)) {
    const parsed = LocalKeysSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (!parsed.success) throw new Error(`${file} is not valid; delete it to generate new local keys`);
    if (parsed.data.emailUnsubscribeSecret) return parsed.data;
    const upgraded: LocalKeys = { ...parsed.data, emailUnsubscribeSecret: randomBytes(32).toString('base64url') };
    fs.writeFileSync(file, JSON.stringify(upgraded, null, 2), { mode: 0o600 });
    return upgraded;
  }
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keys: LocalKeys = {
    sendgridWebhook: {
      publicKeyBase64: pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
      privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    },
    credentialsEncryptionKey: randomBytes(32).toString('base64'),
    emailUnsubscribeSecret: randomBytes(32).toString('base64url'),
  };
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}

/** Parses `.env`-style text: KEY=VALUE, `export KEY=VALUE`, comments, single/double quotes. */
export function parseDotEnv(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1] ?? '';
    let value = (m[2] ?? '').trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, '\n');
    } else {
      value = value.replace(/\s+#.*$/, '');
    }
    out.set(key, value);
  }
  return out;
}

export type SecretSource = 'environment' | '.env.local' | 'local default' | 'missing';

export class SecretStore {
  private readonly defaults = new Map<string, string>();

  constructor(
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly dotEnv: ReadonlyMap<string, string>,
    defaults: Readonly<Record<string, string>>,
  ) {
    for (const [k, v] of Object.entries(defaults)) this.defaults.set(k, v);
  }

  get(name: string): string | undefined {
    return this.env[name] ?? this.dotEnv.get(name) ?? this.defaults.get(name);
  }

  setDefault(name: string, value: string): void {
    this.defaults.set(name, value);
  }

  sourceOf(name: string): SecretSource {
    if (this.env[name] !== undefined) return 'environment';
    if (this.dotEnv.has(name)) return '.env.local';
    if (this.defaults.has(name)) return 'local default';
    return 'missing';
  }

  /** Where each known secret comes from — names and sources only, never values. */
  describe(): { name: string; source: SecretSource }[] {
    const names = new Set<string>([...SECRET_NAMES, ...this.dotEnv.keys()]);
    return [...names].sort().map((name) => ({ name, source: this.sourceOf(name) }));
  }
}

export function createSecretStore(options: {
  root: string;
  dataDir: string;
  publicBaseUrl: string;
  env?: Readonly<Record<string, string | undefined>>;
}): { store: SecretStore; keys: LocalKeys } {
  const dotEnvFile = path.join(options.root, '.env.local');
  const dotEnv = fs.existsSync(dotEnvFile) ? parseDotEnv(fs.readFileSync(dotEnvFile, 'utf8')) : new Map<string, string>();
  const keys = loadOrCreateLocalKeys(options.dataDir);
  const store = new SecretStore(options.env ?? process.env, dotEnv, {
    ...LOCAL_SECRET_DEFAULTS,
    SENDGRID_WEBHOOK_PUBLIC_KEY: keys.sendgridWebhook.publicKeyBase64,
    CREDENTIALS_ENCRYPTION_KEY: keys.credentialsEncryptionKey,
    ...(keys.emailUnsubscribeSecret ? { EMAIL_UNSUBSCRIBE_SECRET: keys.emailUnsubscribeSecret } : {}),
    PUBLIC_BASE_URL: options.publicBaseUrl,
  });
  return { store, keys };
}
