import { currentCall } from '../../local/runtime';
import { currentMember } from '../../local/wix/members-backend';
import { Permissions, webMethod } from '../../local/wix/web-module';
import { proxyModuleSource } from '../../local/host/rpc';
import { ADMIN, fakeSite, RECRUITER, startTestHost, type TestHost } from './helpers';

const service = {
  ping: webMethod(Permissions.Anyone, async (a: number, b: number) => ({ sum: a + b })),
  whoAmI: webMethod(Permissions.SiteMember, async () => ({
    member: await currentMember.getMember(),
    roles: (await currentMember.getRoles()).map((r) => r.title),
    call: { kind: currentCall().kind, elevated: currentCall().elevated, hasDeadline: currentCall().deadline !== null },
  })),
  adminOnly: webMethod(Permissions.Admin, async () => 'secret report'),
  dates: webMethod(Permissions.Anyone, async (when: unknown) => ({ at: new Date(Date.UTC(2026, 0, 15, 15)), echoed: when, gone: undefined, list: [undefined, 1] })),
  nothing: webMethod(Permissions.Anyone, async () => undefined),
  fails: webMethod(Permissions.Anyone, async () => {
    throw Object.assign(new Error('Carrier 123 not found'), { code: 'NOT_FOUND_CARRIER' });
  }),
  circular: webMethod(Permissions.Anyone, async () => {
    const o: Record<string, unknown> = {};
    o['self'] = o;
    return o;
  }),
  plainExport: async () => 'not a web method',
};

describe('web-method RPC', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost(fakeSite({ webModules: { service } }));
  });
  afterAll(() => host.close());

  const call = async (fn: string, args: unknown, cookie?: string, moduleName = 'service') => {
    const res = await fetch(`${host.base}/_webMethods/${moduleName}.web/${fn}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: typeof args === 'string' ? args : JSON.stringify(args),
    });
    return { status: res.status, body: (await res.json()) as { result?: unknown; error?: { message: string; code: string } } };
  };

  it('calls an Anyone method with JSON arguments and returns {result}', async () => {
    expect(await call('ping', [2, 3])).toEqual({ status: 200, body: { result: { sum: 5 } } });
  });

  it('enforces SiteMember: anonymous → 403, signed-in member → ok', async () => {
    const anon = await call('whoAmI', []);
    expect(anon.status).toBe(403);
    expect(anon.body.error?.code).toBe('PERMISSION_DENIED');
    const member = await call('whoAmI', [], host.cookieFor(RECRUITER._id));
    expect(member.status).toBe(200);
  });

  it('enforces Admin: member → 403, admin → ok', async () => {
    expect((await call('adminOnly', [], host.cookieFor(RECRUITER._id))).status).toBe(403);
    expect(await call('adminOnly', [], host.cookieFor(ADMIN._id))).toEqual({ status: 200, body: { result: 'secret report' } });
  });

  it('makes the signed-in member visible through wix-members-backend, unelevated, with a deadline', async () => {
    const { body } = await call('whoAmI', [], host.cookieFor(RECRUITER._id));
    expect(body.result).toEqual({
      member: { _id: RECRUITER._id, loginEmail: RECRUITER.loginEmail, contactDetails: { firstName: 'Rita', lastName: 'Recruiter' } },
      roles: ['SiteMember'],
      call: { kind: 'webMethod', elevated: false, hasDeadline: true },
    });
  });

  it('treats a tampered or unknown member cookie as anonymous', async () => {
    const forged = `wixLocalMember=${encodeURIComponent(`${ADMIN._id}.forged-signature`)}`;
    expect((await call('adminOnly', [], forged)).status).toBe(403);
    expect((await call('whoAmI', [], host.cookieFor('member-nobody'))).status).toBe(403);
  });

  it('JSON-serialises like the Wix proxy: Dates → ISO strings, undefined dropped / null in arrays', async () => {
    const { body } = await call('dates', ['2026-01-01T00:00:00.000Z']);
    expect(body).toEqual({ result: { at: '2026-01-15T15:00:00.000Z', echoed: '2026-01-01T00:00:00.000Z', list: [null, 1] } });
    expect(await call('nothing', [])).toEqual({ status: 200, body: {} });
  });

  it('maps thrown errors to {error:{message, code}} with status 500', async () => {
    expect(await call('fails', [])).toEqual({ status: 500, body: { error: { message: 'Carrier 123 not found', code: 'NOT_FOUND_CARRIER' } } });
    expect((await call('circular', [])).body.error?.code).toBe('SERIALIZATION_ERROR');
  });

  it('answers 404 for unknown functions, modules and exports that are not web methods', async () => {
    for (const [fn, mod] of [['nope', 'service'], ['ping', 'other'], ['plainExport', 'service'], ['constructor', 'service']] as const) {
      const r = await call(fn, [], undefined, mod);
      expect([r.status, r.body.error?.code]).toEqual([404, 'NOT_FOUND']);
    }
  });

  it('answers 400 when the body is not a JSON array', async () => {
    expect((await call('ping', '{"a":1}')).status).toBe(400);
    expect((await call('ping', 'not json')).status).toBe(400);
  });

  it('serves a browser proxy module exporting one function per web method', async () => {
    const res = await fetch(`${host.base}/_webMethods/modules/service.web.js`);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    const source = await res.text();
    for (const name of ['ping', 'whoAmI', 'adminOnly', 'dates', 'fails']) expect(source).toContain(`export function ${name}(`);
    expect(source).not.toContain('plainExport');
    expect((await fetch(`${host.base}/_webMethods/modules/missing.web.js`)).status).toBe(404);
    expect(proxyModuleSource('a/b', { x: service.ping })).toContain('"/_webMethods/a/b.web/"');
  });

  it('signs in through the local sign-in page (HttpOnly, SameSite=Lax cookie)', async () => {
    const res = await fetch(`${host.base}/_local/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ memberId: ADMIN._id, returnTo: '/recruiter-dashboard' }).toString(),
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/recruiter-dashboard');
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    const cookie = setCookie.split(';')[0] ?? '';
    expect((await call('adminOnly', [], cookie)).status).toBe(200);
    const page = await (await fetch(`${host.base}/_local/signin`, { headers: { cookie } })).text();
    expect(page).toContain('Ada Admin');
    expect(page).toContain(`data-member-id="${RECRUITER._id}"`);
  });
});

describe('web-method RPC in strict mode', () => {
  it('answers 504 after the limit while the function keeps running', async () => {
    let finished = false;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = webMethod(Permissions.Anyone, async () => {
      await gate;
      finished = true;
      return 'late';
    });
    const host = await startTestHost(fakeSite({ webModules: { svc: { slow } } }), { strict: true, timeoutMs: 30 });
    try {
      const res = await fetch(`${host.base}/_webMethods/svc.web/slow`, { method: 'POST', body: '[]' });
      expect(res.status).toBe(504);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('TIMEOUT');
      expect(finished).toBe(false);
      release();
      await gate;
      await new Promise((r) => setImmediate(r));
      expect(finished).toBe(true);
    } finally {
      await host.close();
    }
  });
});
