/**
 * The clock-driven webhook queue: delays, duplicates, reordering, retries with backoff, connection
 * errors — all on a ManualClock against a loopback receiver.
 */
import { ManualClock, SENDGRID_RETRY, SimServer, TWILIO_RETRY, WebhookQueue, DROP_COWBOY_RETRY, emptyResponse, jsonResponse, shouldRetry } from '../../local/simulators/harness';

describe('WebhookQueue', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 12));
  const receiver = new SimServer({ clock, errorDialect: 'plain' });
  let base = '';
  let arrivals: { id: string; at: number; headers: Record<string, string> }[] = [];
  let failuresLeft = 0;
  let failStatus = 500;

  beforeAll(async () => {
    base = await receiver.listen(0);
    receiver.router.post('/hook', (req) => {
      arrivals.push({ id: req.text(), at: clock.now(), headers: { ...req.headers } });
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        return jsonResponse(failStatus, { error: 'try later' });
      }
      return emptyResponse(200);
    });
    receiver.router.post('/redirect', () => emptyResponse(302, { location: '/hook' }));
  });
  afterAll(async () => receiver.close());
  beforeEach(() => {
    arrivals = [];
    failuresLeft = 0;
    failStatus = 500;
  });

  it('delivers nothing before its due time, then exactly at it', async () => {
    const queue = new WebhookQueue({ clock, delayMs: [2_000, 2_000] });
    const start = clock.now();
    const [pending] = queue.schedule({ url: `${base}/hook`, body: 'a' });
    expect(pending?.dueAt).toBe(start + 2_000);
    expect(await queue.advance(1_999)).toEqual([]);
    expect(arrivals).toEqual([]);
    const results = await queue.advance(1);
    expect(results.map((r) => r.outcome.kind)).toEqual(['delivered']);
    expect(arrivals.map((a) => [a.id, a.at])).toEqual([['a', start + 2_000]]);
    expect(queue.pendingCount).toBe(0);
  });

  it('reorders deliveries with jitter, deterministically for a seed', async () => {
    const order = async (seed: number): Promise<string[]> => {
      arrivals = [];
      const queue = new WebhookQueue({ clock, seed, reorderJitterMs: 10_000 });
      for (let i = 0; i < 12; i += 1) queue.schedule({ url: `${base}/hook`, body: `m${i}`, at: clock.now() + i * 100 });
      await queue.flush();
      return arrivals.map((a) => a.id);
    };
    const first = await order(42);
    const again = await order(42);
    const inOrder = Array.from({ length: 12 }, (_, i) => `m${i}`);
    expect(first).toEqual(again);
    expect(first).not.toEqual(inOrder);
    expect([...first].sort()).toEqual([...inOrder].sort());
  });

  it('duplicates at the configured rate (1 → every webhook twice) and marks the copy', async () => {
    const queue = new WebhookQueue({ clock, seed: 3, duplicateRate: 1, delayMs: [0, 1_000] });
    const created = queue.schedule({ url: `${base}/hook`, body: 'dup' });
    expect(created).toHaveLength(2);
    expect(created[1]?.duplicateOf).toBe(created[0]?.id);
    const results = await queue.flush();
    expect(arrivals.map((a) => a.id)).toEqual(['dup', 'dup']);
    expect(results.map((r) => r.duplicateOf)).toEqual([null, created[0]?.id]);
    expect(queue.stats.duplicated).toBe(1);
  });

  it('never duplicates at rate 0 and "exact" bypasses the knobs', async () => {
    const queue = new WebhookQueue({ clock, seed: 3, duplicateRate: 0.5, delayMs: [5_000, 9_000] });
    for (let i = 0; i < 20; i += 1) queue.schedule({ url: `${base}/hook`, body: `x${i}`, exact: true });
    expect(queue.pending().every((p) => p.dueAt === clock.now() && p.duplicateOf === null)).toBe(true);
    await queue.runDue();
    expect(arrivals).toHaveLength(20);
  });

  it('retries non-2xx on the SendGrid backoff schedule, keeping headers, until delivered', async () => {
    failuresLeft = 2;
    const queue = new WebhookQueue({ clock, retry: SENDGRID_RETRY });
    const start = clock.now();
    queue.schedule({ url: `${base}/hook`, body: 'batch', headers: { 'X-Event': 'e1' } });
    const results = await queue.flush();
    expect(results.map((r) => [r.attempt, r.outcome.kind, r.at - start])).toEqual([
      [1, 'rejected', 0],
      [2, 'rejected', 5_000],
      [3, 'delivered', 35_000],
    ]);
    expect(results[0]?.outcome).toEqual({ kind: 'rejected', status: 500, retryAt: start + 5_000 });
    expect(arrivals.every((a) => a.headers['x-event'] === 'e1')).toBe(true);
    expect(queue.deliveries({ webhookId: results[0]?.webhookId ?? '' })).toHaveLength(3);
  });

  it('gives up after the last backoff step', async () => {
    failuresLeft = 100;
    const queue = new WebhookQueue({ clock, retry: { backoffMs: [1_000, 2_000], on: 'non-2xx-or-connection' } });
    queue.schedule({ url: `${base}/hook`, body: 'x' });
    const results = await queue.flush();
    expect(results.map((r) => r.outcome)).toEqual([
      expect.objectContaining({ kind: 'rejected', status: 500 }),
      expect.objectContaining({ kind: 'rejected', status: 500 }),
      { kind: 'rejected', status: 500, retryAt: null },
    ]);
    expect(queue.stats.gaveUp).toBe(1);
  });

  it('Twilio policy: does not retry a 500, retries a refused connection once', async () => {
    failuresLeft = 1;
    const queue = new WebhookQueue({ clock, retry: TWILIO_RETRY });
    queue.schedule({ url: `${base}/hook`, body: 'x' });
    expect((await queue.flush()).map((r) => r.outcome)).toEqual([{ kind: 'rejected', status: 500, retryAt: null }]);

    const closed = new SimServer({ clock, errorDialect: 'plain' });
    const deadUrl = `${await closed.listen(0)}/hook`;
    await closed.close();
    queue.schedule({ url: deadUrl, body: 'y' });
    const results = await queue.flush();
    expect(results.map((r) => r.outcome.kind)).toEqual(['connection-error', 'connection-error']);
    expect(results[0]?.outcome).toMatchObject({ error: 'ECONNREFUSED' });
  });

  it('does not follow redirects (a 302 is a failed delivery)', async () => {
    const queue = new WebhookQueue({ clock });
    queue.schedule({ url: `${base}/redirect`, body: 'x' });
    expect((await queue.runDue()).map((r) => r.outcome)).toEqual([{ kind: 'rejected', status: 302, retryAt: null }]);
    expect(arrivals).toEqual([]);
  });

  it('signs at every attempt with that attempt’s time', async () => {
    failuresLeft = 1;
    const queue = new WebhookQueue({ clock, retry: { backoffMs: [60_000], on: 'non-2xx-or-connection' } });
    const start = clock.now();
    queue.schedule({ url: `${base}/hook`, body: 'x', sign: (ctx) => ({ headers: { 'x-signed-at': String(ctx.now) } }) });
    await queue.flush();
    expect(arrivals.map((a) => a.headers['x-signed-at'])).toEqual([String(start), String(start + 60_000)]);
  });

  it('rejects invalid knobs, exposes pending/cancel and needs a ManualClock for advance()', async () => {
    expect(() => new WebhookQueue({ clock, duplicateRate: 2 })).toThrow(RangeError);
    expect(() => new WebhookQueue({ clock, delayMs: [5, 1] })).toThrow(RangeError);
    const queue = new WebhookQueue({ clock, delayMs: [1_000, 1_000] });
    const [p] = queue.schedule({ url: `${base}/hook`, body: 'x' });
    expect(queue.nextDueAt()).toBe(p?.dueAt);
    expect(queue.cancel(p?.id ?? '')).toBe(true);
    expect(queue.pendingCount).toBe(0);
    const real = new WebhookQueue({ clock: { now: () => 0 } });
    await expect(real.advance(1)).rejects.toThrow(/ManualClock/);
  });

  it('retry predicates per provider', () => {
    expect(shouldRetry(DROP_COWBOY_RETRY.on, { status: 429 })).toBe(true);
    expect(shouldRetry(DROP_COWBOY_RETRY.on, { status: 503 })).toBe(true);
    expect(shouldRetry(DROP_COWBOY_RETRY.on, { status: 400 })).toBe(false);
    expect(shouldRetry(DROP_COWBOY_RETRY.on, { error: 'timeout' })).toBe(true);
    expect(shouldRetry('connection-only', { status: 503 })).toBe(false);
    expect(shouldRetry('never', { error: 'ECONNREFUSED' })).toBe(false);
  });
});
