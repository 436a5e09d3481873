/**
 * The email channel on the local host (child process, fresh data dir, 200 drivers): the host starts
 * the SendGrid simulator and links its console; a recruiter creates and sends a campaign over the
 * web-method RPC; the site's real `@sendgrid/mail` reaches the simulator; the simulator's signed
 * Event Webhook reaches `/_functions/sendgrid/events`; its one-click unsubscribe reaches
 * `/_functions/email/unsubscribe`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as z from 'zod';
import { createSecretStore } from '../../local/host/secrets';
import { getData, startHostProcess, stopHostProcess, type HostProcess } from '../e2e/support';

const RECRUITER_ID = 'member-recruiter-1';
const CLOCK_START = '2026-01-21T19:00:00Z';
const SimMessage = z.object({ sg_message_id: z.string(), to: z.object({ email: z.string() }), status: z.string(), headers: z.record(z.string(), z.string()) });
const SimMessages = z.object({ total: z.number(), messages: z.array(SimMessage) });

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('email campaigns on the local host', () => {
  let host: HostProcess;
  let dataDir: string;
  let cookie = '';
  let sim = '';
  jest.setTimeout(180_000);

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'email-host-'));
    // A fast clock: the simulator batches events every 30 s of host time.
    host = await startHostProcess(dataDir, { CLOCK_START, CLOCK_SPEED: '20' });
    await until(async () => (await getData(host.base, 'DriverProfiles', { limit: 1 })).totalCount >= 200, 60_000, 'seeding');
    const signin = await fetch(`${host.base}/_local/signin`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ memberId: RECRUITER_ID, returnTo: '/' }).toString(), redirect: 'manual' });
    cookie = (signin.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const home = await (await fetch(`${host.base}/`)).text();
    sim = /href="([^"]*\/_sim\/sendgrid\/)"/.exec(home)?.[1] ?? '';
  });

  afterAll(async () => {
    await stopHostProcess(host);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const rpc = async (fn: string, args: unknown[]): Promise<Record<string, unknown>> => {
    const res = await fetch(`${host.base}/_webMethods/emailCampaignService.web/${fn}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(args) });
    const json: unknown = await res.json();
    const body = z.object({ result: z.record(z.string(), z.unknown()) }).safeParse(json);
    if (!body.success) throw new Error(`${fn}: ${JSON.stringify(json)}`);
    return body.data.result;
  };

  it('links the SendGrid simulator console from the home page', () => {
    expect(sim).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/_sim\/sendgrid\/$/);
  });

  it('sends a campaign through the simulator, takes its signed events back, and honours its one-click unsubscribe', async () => {
    const created = await rpc('createEmailCampaign', ['2233445', { name: 'host e2e', subjectLine: 'Lanes for {{firstName}}', htmlContent: '<p>Hi {{firstName}}, home weekly.</p>', audienceFilter: {} }]);
    expect(created).toMatchObject({ success: true, campaignId: expect.any(String) });
    const sent = await rpc('sendEmailCampaign', [created['campaignId']]);
    expect(sent).toMatchObject({ success: true, emailsQueued: created['audienceCount'] });
    const messages = async () => SimMessages.parse(await (await fetch(`${sim}api/messages`)).json()).messages;
    await until(async () => (await messages()).length > 0, 60_000, 'emails at the simulator');
    const campaignId = String(created['campaignId']);
    // The Event Webhook (signed with the host's key pair) updates the records.
    await until(async () => (await getData(host.base, 'EmailMessages', { eq: [`campaign_id:${campaignId}`, 'status:delivered'], limit: 1 })).totalCount > 0, 90_000, 'delivered events applied');
    const [first] = await messages();
    if (!first) throw new Error('no message');
    expect(first.headers['List-Unsubscribe']).toContain(`${host.base}/_functions/email/unsubscribe?t=v1.`);
    const oneClick = await fetch(`${sim}api/messages/${encodeURIComponent(first.sg_message_id)}/one-click`, { method: 'POST' });
    expect(oneClick.status).toBe(200);
    expect(JSON.stringify(await oneClick.json())).toContain('"status":200');
    const suppressions = await getData(host.base, 'EmailSuppressions', { eq: [`email_address:${first.to.email.toLowerCase()}`] });
    expect(suppressions.items[0]).toMatchObject({ reason: 'unsubscribed', source: 'one_click', carrier_dot: '2233445' });
  });
});

describe('local email secrets', () => {
  it('generates EMAIL_UNSUBSCRIBE_SECRET once per data dir, also for a data dir from before it existed', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'email-secrets-'));
    try {
      const dataDir = path.join(root, '.data');
      const first = createSecretStore({ root, dataDir, publicBaseUrl: 'x', env: {} });
      const secret = first.store.get('EMAIL_UNSUBSCRIBE_SECRET') ?? '';
      expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
      expect(createSecretStore({ root, dataDir, publicBaseUrl: 'x', env: {} }).store.get('EMAIL_UNSUBSCRIBE_SECRET')).toBe(secret);
      // An older keys file without it gets one, kept from then on; its other keys are unchanged.
      const file = path.join(dataDir, 'local-keys.json');
      const { emailUnsubscribeSecret: _dropped, ...older } = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
      fs.writeFileSync(file, JSON.stringify(older));
      const upgraded = createSecretStore({ root, dataDir, publicBaseUrl: 'x', env: {} });
      const fresh = upgraded.store.get('EMAIL_UNSUBSCRIBE_SECRET') ?? '';
      expect(Buffer.from(fresh, 'base64url')).toHaveLength(32);
      expect(upgraded.store.get('SENDGRID_WEBHOOK_PUBLIC_KEY')).toBe(first.store.get('SENDGRID_WEBHOOK_PUBLIC_KEY'));
      expect(createSecretStore({ root, dataDir, publicBaseUrl: 'x', env: {} }).store.get('EMAIL_UNSUBSCRIBE_SECRET')).toBe(fresh);
      expect(first.store.describe()).toEqual(expect.arrayContaining([{ name: 'EMAIL_UNSUBSCRIBE_SECRET', source: 'local default' }, { name: 'SENDGRID_API_BASE_OVERRIDE', source: 'missing' }]));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
