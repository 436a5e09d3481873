import { createPacer, createSlots, deliverWave, realSleep, type DeliveryOptions, type OutboundSms } from '../../src/backend/sms/deliver';
import type { ProviderMessage, SendSmsRequest, SmsProvider } from '../../src/backend/sms/provider';

/** A provider whose calls each take `ms` and which records how many were running at once. */
function timedProvider(ms: number): SmsProvider & { peak: number; sent: string[]; log: string[] } {
  let running = 0;
  const state = { peak: 0, sent: [] as string[], log: [] as string[] };
  const message = (r: SendSmsRequest, sid: string): ProviderMessage => ({ sid, to: r.to, body: r.body, status: 'queued', errorCode: null, errorMessage: null, price: null, segments: 1, dateCreated: new Date(), dateSent: null });
  return Object.assign(state, {
    async send(r: SendSmsRequest): Promise<ProviderMessage> {
      running += 1;
      state.log.push(`start ${r.to}`);
      state.peak = Math.max(state.peak, running);
      await realSleep(ms);
      running -= 1;
      state.log.push(`end ${r.to}`);
      state.sent.push(r.to);
      return message(r, `SM${state.sent.length}`);
    },
    fetch: async () => null,
    listTo: async () => [],
    async *listSent() {},
    reply: async (r: { to: string; body: string }) => message({ ...r, statusCallback: null }, 'SMreply'),
  });
}

const wave = (prefix: string, n: number): OutboundSms[] => Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, to: `+1214555${prefix === 'a' ? '1' : '2'}${String(i).padStart(3, '0')}`, body: 'hi', statusCallback: null, attemptedAt: new Date() }));

describe('overlapping waves (deliverWave with shared slots)', () => {
  test('the next wave starts when the last message of the previous one has started, and together they never exceed the bound', async () => {
    const provider = timedProvider(15);
    const options: DeliveryOptions = { concurrency: 4, maxAttempts: 1, pacer: createPacer({ perMinute: 1_000_000, senderPerSecond: null }), sleep: realSleep, backoffMs: () => 0, slots: createSlots(4) };
    const events: string[] = [];
    let signal: () => void = () => undefined;
    const dispatched = new Promise<void>((resolve) => (signal = resolve));
    const first = deliverWave({ provider, messages: wave('a', 10), reconcile: new Set(), options, onDispatched: () => { events.push('a dispatched'); signal(); } }).then((r) => { events.push('a done'); return r; });
    await dispatched;
    const second = deliverWave({ provider, messages: wave('b', 10), reconcile: new Set(), options }).then((r) => { events.push('b done'); return r; });
    const [a, b] = await Promise.all([first, second]);
    expect(events).toEqual(['a dispatched', 'a done', 'b done']);
    expect(provider.peak).toBe(4);
    expect([...a, ...b].map((d) => d.outcome)).toEqual(Array(20).fill('sent'));
    expect(new Set(provider.sent).size).toBe(20);
    // b's first call started while a's last calls were still in flight.
    const lastEndOfA = provider.log.map((e) => e.startsWith('end +12145551')).lastIndexOf(true);
    expect(provider.log.indexOf('start +12145552000')).toBeLessThan(lastEndOfA);
  });

  test('an empty wave is dispatched at once', async () => {
    const onDispatched = jest.fn();
    const options: DeliveryOptions = { concurrency: 2, maxAttempts: 1, pacer: createPacer({ perMinute: 60, senderPerSecond: null }), sleep: realSleep, backoffMs: () => 0, slots: createSlots(2) };
    await expect(deliverWave({ provider: timedProvider(1), messages: [], reconcile: new Set(), options, onDispatched })).resolves.toEqual([]);
    expect(onDispatched).toHaveBeenCalledTimes(1);
  });
});
