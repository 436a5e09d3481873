import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { getCurrentMember, getOptionalSecret, getSecret, httpRequest, MissingSecretError, now, nowMs } from '../../src/backend/platform';
import { installTestRuntime, T0, type TestRuntime } from '../support/runtime';

const member = { _id: 'member-recruiter-1', loginEmail: 'sarah@example.test', firstName: 'Sarah', lastName: 'J', roles: ['SiteMember'] as const };
const admin = { _id: 'member-admin', loginEmail: 'admin@example.test', firstName: 'A', lastName: 'D', roles: ['Admin', 'SiteMember'] as const };

describe('platform: secrets, members, clock, outbound HTTP', () => {
  let rt: TestRuntime;
  beforeEach(() => {
    rt = installTestRuntime({ members: [member, admin], secrets: { TWILIO_AUTH_TOKEN: 'tok-123' } });
  });
  afterEach(() => rt.close());

  it('reads secrets elevated, so a member-initiated call can use them, and names a missing one', async () => {
    await expect(rt.as(member, () => getSecret('TWILIO_AUTH_TOKEN'))).resolves.toBe('tok-123');
    await expect(rt.as(member, () => getSecret('SENDGRID_API_KEY'))).rejects.toBeInstanceOf(MissingSecretError);
    await expect(rt.as(member, () => getOptionalSecret('SENDGRID_API_KEY'))).resolves.toBeNull();
  });

  it('knows the calling member and whether they are an admin', async () => {
    await expect(rt.as(member, () => getCurrentMember())).resolves.toEqual({ memberId: 'member-recruiter-1', email: 'sarah@example.test', isAdmin: false });
    await expect(rt.as(admin, () => getCurrentMember())).resolves.toMatchObject({ memberId: 'member-admin', isAdmin: true });
    await expect(rt.as(null, () => getCurrentMember())).resolves.toBeNull();
  });

  it('reads time from the injected clock', () => {
    expect(nowMs()).toBe(T0);
    rt.clock.advance(86_400_000);
    expect(now().toISOString()).toBe(new Date(T0 + 86_400_000).toISOString());
  });

  it('sends outbound requests through wix-fetch and returns status, body and headers', async () => {
    const seen: { method?: string; body: string; auth?: string } = { body: '' };
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        Object.assign(seen, { method: req.method, body, auth: req.headers['authorization'] });
        res.writeHead(201, { 'content-type': 'application/json', 'x-request-id': 'r-1' });
        res.end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await httpRequest({ url: `http://127.0.0.1:${port}/x`, method: 'POST', headers: { authorization: 'Bearer t' }, body: '{"a":1}' });
      expect(res).toMatchObject({ ok: true, status: 201, text: '{"ok":true}' });
      expect(res.header('x-request-id')).toBe('r-1');
      expect(seen).toEqual({ method: 'POST', body: '{"a":1}', auth: 'Bearer t' });
    } finally {
      server.close();
    }
  });
});
