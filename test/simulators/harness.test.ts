/**
 * Harness building blocks: router, body parsing, auth helpers, provider-shaped errors, request log,
 * magic recipients, console page and the Simulator mount.
 */
import {
  MagicTable,
  ManualClock,
  RequestLog,
  RingBuffer,
  Router,
  SeededRandom,
  SimServer,
  Simulator,
  checkBasicAuth,
  checkBearer,
  emptyResponse,
  encodeForm,
  escapeHtml,
  html,
  jsonResponse,
  normalizeEmail,
  normalizePhone,
  parseBasicAuth,
  parseBearer,
  parseForm,
  redactHeaders,
  renderConsolePage,
  textResponse,
} from '../../local/simulators/harness';
import { request as httpRequest } from 'node:http';
import { splitTarget } from '../../local/simulators/harness/server';

const ok = (): ReturnType<typeof emptyResponse> => emptyResponse(204);

describe('Router', () => {
  const router = new Router()
    .post('/2010-04-01/Accounts/:sid/Messages.json', ok)
    .get('/2010-04-01/Accounts/:sid/Messages/:msg.json', ok)
    .add('*', '/files/*', ok);

  it('matches params inside segments with literal suffixes', () => {
    expect(router.match('POST', '/2010-04-01/Accounts/AC1/Messages.json')).toMatchObject({ kind: 'matched', params: { sid: 'AC1' } });
    expect(router.match('GET', '/2010-04-01/Accounts/AC1/Messages/SM9.json')).toMatchObject({ kind: 'matched', params: { sid: 'AC1', msg: 'SM9' } });
    expect(router.match('GET', '/2010-04-01/Accounts/AC1/Messages/.json')).toEqual({ kind: 'not-found' });
  });

  it('decodes params, supports wildcards, reports 405 vs 404', () => {
    expect(router.match('GET', '/files/a%20b/c')).toMatchObject({ kind: 'matched', params: { '*': 'a b/c' } });
    expect(router.match('GET', '/2010-04-01/Accounts/AC%31/Messages/SM1.json')).toMatchObject({ params: { sid: 'AC1' } });
    expect(router.match('DELETE', '/2010-04-01/Accounts/AC1/Messages.json')).toEqual({ kind: 'method-not-allowed', allowed: ['POST'] });
    expect(router.match('GET', '/nope')).toEqual({ kind: 'not-found' });
  });
});

describe('body and auth helpers', () => {
  it('parses form bodies with repeated keys and + as space, and encodes them back', () => {
    const raw = 'To=%2B15551234567&MediaUrl=https%3A%2F%2Fa%2Fx.png&MediaUrl=https%3A%2F%2Fa%2Fy.png&Body=Hi+there%21';
    expect(parseForm(raw)).toEqual({ To: '+15551234567', MediaUrl: ['https://a/x.png', 'https://a/y.png'], Body: 'Hi there!' });
    expect(parseForm(encodeForm(parseForm(raw)))).toEqual(parseForm(raw));
  });

  it('parses Basic and Bearer headers and checks credentials', () => {
    const header = `Basic ${Buffer.from('AC1:tok:with:colons').toString('base64')}`;
    expect(parseBasicAuth(header)).toEqual({ username: 'AC1', password: 'tok:with:colons' });
    expect(parseBasicAuth('Bearer x')).toBeNull();
    expect(parseBasicAuth(undefined)).toBeNull();
    expect(parseBearer('Bearer SG.abc')).toBe('SG.abc');
    expect(parseBearer('Basic abc')).toBeNull();
  });

  it('dispatches requests: auth checks, JSON errors in the simulator dialect, 404/405/413', async () => {
    const server = new SimServer({ clock: new ManualClock(), errorDialect: 'sendgrid', maxBodyBytes: 64 });
    server.router.post('/v3/mail/send', (req) => {
      if (!checkBearer(req, ['SG.k'])) return jsonResponse(401, { errors: [{ message: 'unauthorized' }] });
      const body = req.json();
      return jsonResponse(200, { echo: body });
    });
    server.router.post('/basic', (req) => textResponse(checkBasicAuth(req, [{ username: 'u', password: 'p' }]) ? 200 : 401, 'x'));
    expect((await server.dispatch({ method: 'POST', url: '/v3/mail/send', headers: { Authorization: 'Bearer SG.k' }, body: '{"a":1}' })).body).toEqual({ kind: 'json', value: { echo: { a: 1 } } });
    expect((await server.dispatch({ method: 'POST', url: '/v3/mail/send', headers: { Authorization: 'Bearer nope' }, body: '{}' })).status).toBe(401);
    const malformed = await server.dispatch({ method: 'POST', url: '/v3/mail/send', headers: { Authorization: 'Bearer SG.k' }, body: '{' });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ kind: 'json', value: { errors: [{ field: null }] } });
    expect((await server.dispatch({ method: 'GET', url: '/v3/mail/send' })).status).toBe(405);
    expect((await server.dispatch({ method: 'POST', url: '/basic', headers: { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` } })).status).toBe(200);

    await server.listen(0);
    try {
      const notFound = await fetch(`${server.baseUrl}/missing`);
      expect(notFound.status).toBe(404);
      expect(await notFound.json()).toEqual({ errors: [{ message: 'The requested resource /missing was not found', field: null, help: null }] });
      const tooLarge = await fetch(`${server.baseUrl}/v3/mail/send`, { method: 'POST', body: 'x'.repeat(65) });
      expect(tooLarge.status).toBe(413);
    } finally {
      await server.close();
    }
  });

  it('splits request targets exactly as WHATWG URL parsing does', () => {
    const targets = ['/a/b.json', '/a?', '/a?x=1&y=%20z&To=%2B1', '/a/./b', '/a/%2E%2e/b', '/x/..', '//x/y', '/a b?c d', "/a?b='c'", '/a#frag', '/é?é=1', '/.well-known/x', '/a/b%2Fc', '/a?b?c'];
    for (const target of targets) {
      const url = new URL(target, 'http://simulator.local');
      const split = splitTarget(target);
      expect({ target, pathname: split.pathname, search: split.search, query: [...split.query] }).toEqual({ target, pathname: url.pathname, search: url.search, query: [...url.searchParams] });
    }
  });

  it('over a socket: bodies in many chunks, UTF-8 lengths, HEAD without a body, aborted uploads', async () => {
    const server = new SimServer({ clock: new ManualClock(), errorDialect: 'plain' });
    server.router.post('/echo', (req) => jsonResponse(200, { bytes: req.rawBody.length, text: req.text() }));
    server.router.add('*', '/text', () => textResponse(200, 'héllo ✓'));
    await server.listen(0);
    const { port } = new URL(server.baseUrl);
    const send = (method: string, path: string, chunks: readonly string[], abort = false): Promise<{ status: number; length: string | undefined; body: string }> =>
      new Promise((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: { 'transfer-encoding': 'chunked' } }, (res) => {
          const parts: Buffer[] = [];
          res.on('data', (c: Buffer) => parts.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, length: res.headers['content-length'], body: Buffer.concat(parts).toString('utf8') }));
        });
        req.on('error', reject);
        for (const chunk of chunks) req.write(chunk);
        if (abort) {
          req.destroy();
          resolve({ status: 0, length: undefined, body: '' });
        } else req.end();
      });
    try {
      const echoed = await send('POST', '/echo', ['To=%2B1', '&Body=', 'ü'.repeat(3)]);
      expect(echoed.status).toBe(200);
      expect(JSON.parse(echoed.body)).toEqual({ bytes: 19, text: 'To=%2B1&Body=üüü' });
      const text = await send('GET', '/text', []);
      expect(text).toEqual({ status: 200, length: String(Buffer.byteLength('héllo ✓')), body: 'héllo ✓' });
      const head = await send('HEAD', '/text', []);
      expect(head).toEqual({ status: 200, length: String(Buffer.byteLength('héllo ✓')), body: '' });
      await send('POST', '/echo', ['half a bo'], true);
      expect((await send('POST', '/echo', ['after'])).body).toBe('{"bytes":5,"text":"after"}');
    } finally {
      await server.close();
    }
  });

  it('speaks the Twilio error dialect with 20404 for unknown routes', async () => {
    const server = new SimServer({ clock: new ManualClock(), errorDialect: 'twilio' });
    const res = await server.dispatch({ method: 'GET', url: '/x' });
    expect(res).toMatchObject({ status: 404, body: { value: { code: 20404, status: 404, more_info: 'https://www.twilio.com/docs/errors/20404' } } });
  });
});

describe('request log', () => {
  it('redacts secret headers and body fields, keeps the auth scheme', async () => {
    const server = new SimServer({ clock: new ManualClock(1_000), errorDialect: 'plain' });
    server.router.post('/rvm', () => emptyResponse(202));
    await server.dispatch({
      method: 'POST',
      url: '/rvm?x=1',
      headers: { authorization: 'Bearer SG.secret', 'x-secret': 's3', 'content-type': 'application/json' },
      body: JSON.stringify({ team_id: 't', secret: 's3', nested: { api_key: 'k' }, phone_number: '+15550010001' }),
    });
    await server.dispatch({ method: 'POST', url: '/rvm', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'AuthToken=abc&To=%2B1555' });
    const [json, form] = server.log.entries();
    expect(json).toMatchObject({ seq: 1, at: 1_000, method: 'POST', path: '/rvm', query: '?x=1', status: 202, route: '/rvm' });
    expect(json?.headers).toMatchObject({ authorization: 'Bearer [redacted]', 'x-secret': '[redacted]' });
    expect(json?.bodyPreview).toBe('{"team_id":"t","secret":"[redacted]","nested":{"api_key":"[redacted]"},"phone_number":"+15550010001"}');
    expect(form?.bodyPreview).toBe('AuthToken=[redacted]&To=+1555');
    expect(JSON.stringify(server.log.entries())).not.toMatch(/SG\.secret|s3"|abc/);
  });

  it('is a bounded ring buffer with filters', () => {
    const log = new RequestLog(3);
    for (let i = 0; i < 5; i += 1) log.record({ at: i, method: i % 2 ? 'GET' : 'POST', path: `/p${i}`, query: '', headers: {}, bodyPreview: '', bodyBytes: 0, status: 200, route: null });
    expect(log.entries().map((e) => e.path)).toEqual(['/p2', '/p3', '/p4']);
    expect(log.entries({ method: 'get' }).map((e) => e.seq)).toEqual([4]);
    expect(log.entries({ path: /p[24]/ }).map((e) => e.seq)).toEqual([3, 5]);
    expect(log.entries({ sinceSeq: 4 }).map((e) => e.seq)).toEqual([5]);
    expect(log.totalRecorded).toBe(5);
    const ring = new RingBuffer<number>(2);
    [1, 2, 3].forEach((n) => ring.push(n));
    expect(ring.toArray()).toEqual([2, 3]);
    expect(redactHeaders({ Cookie: 'a', Accept: ['x', 'y'] })).toEqual({ cookie: '[redacted]', accept: 'x, y' });
  });

  it('makes a lazily recorded entry\'s detail once, when the entry is first read, and filters without it', () => {
    const log = new RequestLog(10);
    let made = 0;
    const detail = (): { headers: Record<string, string>; bodyPreview: string } => ((made += 1), { headers: { authorization: '[redacted]' }, bodyPreview: 'To=+1555' });
    log.recordLazily({ at: 1, method: 'POST', path: '/a', query: '', bodyBytes: 8, status: 201, route: 'create' }, detail);
    log.recordLazily({ at: 2, method: 'GET', path: '/b', query: '?x', bodyBytes: 0, status: 200, route: null }, detail);
    expect(log.entries({ method: 'get' }).map((e) => e.path)).toEqual(['/b']);
    expect(made).toBe(1);
    expect(log.entries()).toEqual([
      { at: 1, method: 'POST', path: '/a', query: '', headers: { authorization: '[redacted]' }, bodyPreview: 'To=+1555', bodyBytes: 8, status: 201, route: 'create', seq: 1 },
      { at: 2, method: 'GET', path: '/b', query: '?x', headers: { authorization: '[redacted]' }, bodyPreview: 'To=+1555', bodyBytes: 0, status: 200, route: null, seq: 2 },
    ]);
    expect(log.entries()).toHaveLength(2);
    expect(made).toBe(2);
  });
});

describe('MagicTable', () => {
  type Outcome = 'deliver' | 'invalid' | 'unreachable' | 'landline';
  const table = (): MagicTable<Outcome> =>
    new MagicTable<Outcome>({
      fallback: 'deliver',
      normalize: normalizePhone,
      rules: [
        { match: '+15005550001', outcome: 'invalid', note: '21211' },
        { match: /^\+1555000300\d$/, outcome: 'unreachable' },
        { match: /^\+1555000\d{4}$/g, outcome: 'landline' },
      ],
    });

  it('resolves exact before regex, regex in order, fallback last; normalises input', () => {
    const t = table();
    expect(t.resolve('+1 (500) 555-0001')).toMatchObject({ outcome: 'invalid', source: 'default' });
    expect(t.outcomeFor('+15550003004')).toBe('unreachable');
    expect(t.outcomeFor('+15550007777')).toBe('landline');
    expect(t.outcomeFor('+15550007777')).toBe('landline'); // global regex lastIndex does not leak
    expect(t.resolve('+15125550123')).toEqual({ outcome: 'deliver', rule: null, source: 'fallback' });
  });

  it('per-test overrides win, stack, and restore', () => {
    const t = table();
    const restore = t.override({ match: '+15005550001', outcome: 'deliver' });
    const restore2 = t.override([{ match: /.*/, outcome: 'unreachable' }]);
    expect(t.outcomeFor('+15005550001')).toBe('unreachable');
    restore2();
    expect(t.outcomeFor('+15005550001')).toBe('deliver');
    restore();
    expect(t.outcomeFor('+15005550001')).toBe('invalid');
    t.override({ match: '+1', outcome: 'landline' });
    t.resetOverrides();
    expect(t.list().every((r) => r.source === 'default')).toBe(true);
    expect(t.list()[1]).toEqual({ match: '/^\\+1555000300\\d$/', outcome: 'unreachable', note: '', source: 'default' });
  });

  it('emails compare case-insensitively with normalizeEmail', () => {
    const t = new MagicTable<'ok' | 'bounce'>({ fallback: 'ok', normalize: normalizeEmail, rules: [{ match: 'Bounce@Sim.Test', outcome: 'bounce' }] });
    expect(t.outcomeFor(' bounce@sim.test ')).toBe('bounce');
  });
});

describe('SeededRandom', () => {
  it('is deterministic per seed and within bounds', () => {
    const a = new SeededRandom(9);
    const b = new SeededRandom(9);
    const seqA = Array.from({ length: 50 }, () => a.int(3, 7));
    expect(seqA).toEqual(Array.from({ length: 50 }, () => b.int(3, 7)));
    expect(seqA.every((n) => n >= 3 && n <= 7)).toBe(true);
    expect(new Set(seqA).size).toBe(5);
    expect(new SeededRandom(1).hex(32)).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('console and Simulator', () => {
  it('escapes everything except trusted fragments', () => {
    expect(escapeHtml(`<a href="x">'&`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;');
    expect(html`<p>${'<b>'}${html`<i>ok</i>`}${null}${['<', html`&`]}</p>`.__html).toBe('<p>&lt;b&gt;<i>ok</i>&lt;&</p>');
    const page = renderConsolePage({ title: 'T<', subtitle: 's', mount: '/_sim/x/', now: 0, sections: [{ kind: 'table', title: 'rows', columns: ['a'], rows: [['<script>']] }] });
    expect(page).toContain('T&lt;');
    expect(page).toContain('&lt;script&gt;');
    expect(page).not.toContain('<script>');
  });

  it('mounts its console at /_sim/<name>/ with JSON APIs, actions and describe()', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 5));
    const sim = new Simulator({ name: 'demo', title: 'Demo simulator', description: 'for tests', errorDialect: 'plain', clock });
    const magic = new MagicTable<'ok' | 'fail'>({ fallback: 'ok', rules: [{ match: 'bad@x.test', outcome: 'fail', note: 'always fails' }] });
    sim.registerMagicTable('Magic addresses', magic);
    sim.route('POST', '/api/send', (req) => jsonResponse(200, { outcome: magic.outcomeFor(String(req.form()['to'] ?? '')) }));
    let pokes = 0;
    sim.addAction({ name: 'poke', label: 'Poke', fields: [{ name: 'n', label: 'n', type: 'number' }] }, (form) => {
      pokes += Number(form['n'] ?? 1);
      return `poked ${pokes}`;
    });
    sim.addConsoleSection(() => ({ kind: 'table', title: 'Pokes', columns: ['count'], rows: [[String(pokes)]] }));
    expect(() => sim.describe()).toThrow(/not listening/);
    const base = await sim.start(0);
    try {
      expect(sim.describe()).toEqual({ name: 'demo', title: 'Demo simulator', path: '/_sim/demo/', url: `${base}/_sim/demo/`, baseUrl: base, description: 'for tests' });
      await fetch(`${base}/api/send`, { method: 'POST', body: new URLSearchParams({ to: 'bad@x.test' }) });

      const action = await fetch(`${base}/_sim/demo/actions/poke`, { method: 'POST', body: new URLSearchParams({ n: '2' }), redirect: 'manual' });
      expect(action.status).toBe(303);
      expect(action.headers.get('location')).toBe('/_sim/demo/?msg=poked%202');

      const page = await fetch(`${base}/_sim/demo/?msg=poked%202`);
      expect(page.headers.get('content-type')).toContain('text/html');
      const body = await page.text();
      for (const text of ['Demo simulator', 'poked 2', 'Pokes', 'Magic addresses', 'always fails', 'Webhook queue', 'Request log', '/api/send', 'actions/poke']) expect(body).toContain(text);

      const requests = (await (await fetch(`${base}/_sim/demo/api/requests`)).json()) as { requests: { path: string }[] };
      expect(requests.requests.map((r) => r.path)).toEqual(['/api/send']); // console traffic is not logged
      const magicJson = (await (await fetch(`${base}/_sim/demo/api/magic`)).json()) as { tables: { title: string; rows: unknown[] }[] };
      expect(magicJson.tables[0]).toEqual({ title: 'Magic addresses', rows: [{ match: 'bad@x.test', outcome: 'fail', note: 'always fails', source: 'default' }] });

      await fetch(`${base}/_sim/demo/actions/knobs`, { method: 'POST', body: new URLSearchParams({ delayMin: '10', delayMax: '20', duplicateRate: '0.25', reorderJitterMs: '' }), redirect: 'manual' });
      expect(sim.webhooks.knobs).toMatchObject({ delayMs: [10, 20], duplicateRate: 0.25, reorderJitterMs: 0 });
      const bad = await fetch(`${base}/_sim/demo/actions/knobs`, { method: 'POST', body: new URLSearchParams({ duplicateRate: '7' }), redirect: 'manual' });
      expect(decodeURIComponent(bad.headers.get('location') ?? '')).toContain('failed: duplicateRate');
      const webhooks = (await (await fetch(`${base}/_sim/demo/api/webhooks`)).json()) as { pending: unknown[]; stats: { scheduled: number } };
      expect(webhooks).toMatchObject({ pending: [], stats: { scheduled: 0 } });
    } finally {
      await sim.stop();
    }
  });

  it('rejects non-URL-safe names', () => {
    expect(() => new Simulator({ name: 'Bad Name', description: '', errorDialect: 'plain' })).toThrow(/URL-safe/);
  });
});
