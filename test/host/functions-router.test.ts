import { currentCall } from '../../local/runtime';
import { badRequest, created, ok, response, serverError } from '../../local/wix/http-functions';
import type { WixHttpFunctionRequest } from 'wix-http-functions';
import { fakeSite, startTestHost, type TestHost } from './helpers';

interface Seen {
  handler: string;
  request: Omit<WixHttpFunctionRequest, 'body'>;
  raw: Buffer;
  text: string;
  identity: unknown;
  kind: string;
}

describe('http-functions router', () => {
  let host: TestHost;
  const seen: Seen[] = [];
  let calls = 0;

  const record = (handler: string) => async (request: WixHttpFunctionRequest) => {
    calls += 1;
    const raw = await request.body.buffer();
    const { body: _body, ...rest } = request;
    seen.push({ handler, request: rest, raw, text: await request.body.text(), identity: currentCall().identity, kind: currentCall().kind });
    return ok({ body: { handler } });
  };

  beforeAll(async () => {
    host = await startTestHost(
      fakeSite({
        httpFunctions: {
          get_echo: record('get_echo'),
          use_echo: record('use_echo'),
          post_webhook: record('post_webhook'),
          delete_item: record('delete_item'),
          get_created: () => created({ body: { id: 'x' } }),
          get_text: () => ok({ body: 'plain words', headers: { 'X-Trace': 'abc' } }),
          get_html: () => ok({ body: '<p>hi</p>', headers: { 'Content-Type': 'text/html' } }),
          get_bytes: () => ok({ body: Buffer.from([0, 255, 1, 254]) }),
          get_teapot: () => response({ status: 418, body: { short: true } }),
          get_bad: () => badRequest({ body: { error: 'nope' } }),
          get_oops: () => serverError(),
          get_throws: () => {
            throw new Error('secret internals at /srv/app.js:12');
          },
          get_weird: () => 'not a response',
          get_json: async (req: WixHttpFunctionRequest) => ok({ body: { got: await req.body.json() } }),
          post_json: async (req: WixHttpFunctionRequest) => ok({ body: { got: await req.body.json() } }),
          get_slow: () => new Promise(() => undefined),
          notAFunction: 'x',
        },
      }),
      { publicBaseUrl: () => 'https://www.example-carrier.com' },
    );
  });
  afterAll(() => host.close());
  beforeEach(() => {
    seen.length = 0;
    calls = 0;
  });

  it('builds the Wix request: path segments, query, lower-cased headers, url, baseUrl, functionName, ip', async () => {
    const res = await fetch(`${host.base}/_functions/echo/a/b%20c?x=1&y=two`, { headers: { 'X-Custom-Header': 'Value' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ handler: 'get_echo' });
    const req = seen[0]?.request;
    expect(req).toMatchObject({
      method: 'GET',
      path: ['a', 'b c'],
      query: { x: '1', y: 'two' },
      functionName: 'echo',
      baseUrl: 'https://www.example-carrier.com/_functions',
      url: 'https://www.example-carrier.com/_functions/echo/a/b%20c?x=1&y=two',
      ip: '127.0.0.1',
    });
    expect(req?.headers['x-custom-header']).toBe('Value');
    expect(Object.keys(req?.headers ?? {}).every((k) => k === k.toLowerCase())).toBe(true);
  });

  it('serves /_functions-dev with its own baseUrl', async () => {
    await fetch(`${host.base}/_functions-dev/echo`);
    expect(seen[0]?.request.baseUrl).toBe('https://www.example-carrier.com/_functions-dev');
    expect(seen[0]?.request.path).toEqual([]);
  });

  it('prefers <method>_<name> and falls back to use_<name>', async () => {
    await fetch(`${host.base}/_functions/echo`, { method: 'PUT', body: 'x' });
    await fetch(`${host.base}/_functions/echo`);
    expect(seen.map((s) => s.handler)).toEqual(['use_echo', 'get_echo']);
  });

  it('keeps the raw body bytes exactly (signature checks)', async () => {
    const bytes = Buffer.concat([Buffer.from('{"a":1,  "b":"é"}\r\n'), Buffer.from([0xff, 0x00, 0xfe])]);
    const res = await fetch(`${host.base}/_functions/webhook`, { method: 'POST', body: bytes, headers: { 'content-type': 'application/octet-stream' } });
    expect(res.status).toBe(200);
    expect(seen[0]?.raw.equals(bytes)).toBe(true);
  });

  it('parses JSON bodies with body.json()', async () => {
    const res = await fetch(`${host.base}/_functions/json`, { method: 'POST', body: JSON.stringify({ n: 1 }) });
    expect(await res.json()).toEqual({ got: { n: 1 } });
  });

  it('runs calls as an anonymous visitor, kind httpFunction', async () => {
    await fetch(`${host.base}/_functions/echo`, { headers: { cookie: host.cookieFor('member-recruiter-1') } });
    expect(seen[0]?.identity).toEqual({ memberId: null, roles: [] });
    expect(seen[0]?.kind).toBe('httpFunction');
  });

  it('answers 404 for unknown functions and non-function exports', async () => {
    for (const path of ['/_functions/nope', '/_functions/notAFunction', '/_functions', '/_functions/']) {
      const res = await fetch(host.base + path);
      expect(res.status).toBe(404);
    }
    const res = await fetch(`${host.base}/_functions/webhook`); // only post_webhook exists
    expect(res.status).toBe(404);
  });

  it('rejects bodies over 512 KB with 413 without calling the function; 512 KB exactly passes', async () => {
    const over = await fetch(`${host.base}/_functions/webhook`, { method: 'POST', body: Buffer.alloc(512 * 1024 + 1, 97) });
    expect(over.status).toBe(413);
    expect(((await over.json()) as { error: string }).error).toMatch(/512 KB/);
    expect(calls).toBe(0);
    const exact = await fetch(`${host.base}/_functions/webhook`, { method: 'POST', body: Buffer.alloc(512 * 1024, 97) });
    expect(exact.status).toBe(200);
    expect(seen[0]?.raw.length).toBe(512 * 1024);
  });

  it('rejects DELETE with a body or a JSON content type (400) and accepts a bare DELETE', async () => {
    const withBody = await fetch(`${host.base}/_functions/item/1`, { method: 'DELETE', body: 'x' });
    const withJsonType = await fetch(`${host.base}/_functions/item/1`, { method: 'DELETE', headers: { 'content-type': 'application/json' } });
    expect([withBody.status, withJsonType.status]).toEqual([400, 400]);
    expect(calls).toBe(0);
    const bare = await fetch(`${host.base}/_functions/item/1`, { method: 'DELETE' });
    expect(bare.status).toBe(200);
    expect(seen[0]?.request.path).toEqual(['1']);
  });

  it('maps responses: objects → JSON, strings as-is, Buffers raw, statuses of the helpers', async () => {
    const c = await fetch(`${host.base}/_functions/created`);
    expect([c.status, c.headers.get('content-type'), await c.json()]).toEqual([201, 'application/json', { id: 'x' }]);
    const t = await fetch(`${host.base}/_functions/text`);
    expect([t.status, await t.text(), t.headers.get('x-trace')]).toEqual([200, 'plain words', 'abc']);
    const html = await fetch(`${host.base}/_functions/html`);
    expect(html.headers.get('content-type')).toBe('text/html');
    const b = await fetch(`${host.base}/_functions/bytes`);
    expect(Buffer.from(await b.arrayBuffer())).toEqual(Buffer.from([0, 255, 1, 254]));
    expect((await fetch(`${host.base}/_functions/teapot`)).status).toBe(418);
    expect((await fetch(`${host.base}/_functions/bad`)).status).toBe(400);
    const oops = await fetch(`${host.base}/_functions/oops`);
    expect([oops.status, await oops.text()]).toEqual([500, '']);
  });

  it('answers 500 without internals when the function throws or returns a non-response', async () => {
    const thrown = await fetch(`${host.base}/_functions/throws`);
    expect(thrown.status).toBe(500);
    const text = await thrown.text();
    expect(text).not.toMatch(/secret internals|app\.js|at /);
    expect((await fetch(`${host.base}/_functions/weird`)).status).toBe(500);
  });
});

describe('http-functions router in strict mode', () => {
  it('answers 504 when a function runs past the limit', async () => {
    const host = await startTestHost(fakeSite({ httpFunctions: { get_slow: () => new Promise(() => undefined), get_fast: () => ok({ body: 'ok' }) } }), { strict: true, timeoutMs: 30 });
    try {
      expect((await fetch(`${host.base}/_functions/slow`)).status).toBe(504);
      expect((await fetch(`${host.base}/_functions/fast`)).status).toBe(200);
    } finally {
      await host.close();
    }
  });
});
