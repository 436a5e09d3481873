/**
 * Out-of-order SendGrid events converge: every permutation of a message's events gives the same
 * record (the merge applied one event at a time, in the permuted order), and the same holds through
 * the webhook when the permuted events are split into batches of random sizes.
 */
import { mulberry32 } from '../../local/prng';
import type { EmailMessage } from '../../src/backend/collections/email';
import { applyEvent, SendGridEvent } from '../../src/backend/email/events';
import { createEventsWorld, postEvents, readMessage, seedMessages, storedMessage, T0, wireEvent, type EventsWorld } from './events-support';

const FIELDS = [
  'status',
  'sent_at',
  'delivered_at',
  'bounce_type',
  'bounce_reason',
  'drop_reason',
  'deferral_count',
  'deferral_response',
  'opened',
  'opened_at',
  'open_count',
  'machine_open_count',
  'clicked',
  'clicked_at',
  'click_count',
  'clicked_links',
  'unsubscribed',
  'spam_reported',
] as const;

function outcome(m: EmailMessage | null): Record<string, unknown> {
  if (!m) throw new Error('message missing');
  return Object.fromEntries(FIELDS.map((f) => [f, m[f] ?? null]));
}

function* permutations<T>(list: readonly T[]): Generator<T[]> {
  if (list.length <= 1) {
    yield [...list];
    return;
  }
  for (let i = 0; i < list.length; i += 1) {
    const rest = [...list.slice(0, i), ...list.slice(i + 1)];
    for (const p of permutations(rest)) yield [list[i] as T, ...p];
  }
}

type Spec = readonly [event: string, extra: Record<string, unknown>, offsetSeconds: number];

/** An engaged message: accepted, deferred twice, delivered, opened by a proxy and a person, two clicks, then an unsubscribe. */
const ENGAGED: readonly Spec[] = [
  ['processed', {}, 0],
  ['deferred', { attempt: '1', response: '421 try later' }, 5],
  ['deferred', { attempt: '2', response: '451 greylisted' }, 65],
  ['delivered', { response: '250 OK' }, 130],
  ['open', { sg_machine_open: true }, 131],
  ['open', { sg_machine_open: false }, 600],
  ['click', { url: 'https://jobs.example/apply/7' }, 610],
  ['unsubscribe', {}, 700],
];

/** A message delivered, then bounced asynchronously — a soft and a hard bounce report, one second apart. */
const BOUNCED: readonly Spec[] = [
  ['processed', {}, 0],
  ['deferred', { attempt: '1', response: '421 try later' }, 5],
  ['delivered', { response: '250 OK' }, 60],
  ['bounce', { type: 'bounce', status: '4.2.2', reason: 'mailbox full', bounce_classification: 'Mailbox Unavailable' }, 120],
  ['bounce', { type: 'bounce', status: '5.1.1', reason: 'unknown user', bounce_classification: 'Invalid Address' }, 121],
  ['click', { url: 'https://jobs.example/b' }, 30],
  ['click', { url: 'https://jobs.example/a' }, 40],
];

function eventsFor(message: EmailMessage, specs: readonly Spec[]): SendGridEvent[] {
  return specs.map(([event, extra, offset]) => SendGridEvent.parse(wireEvent(message, event, extra, { at: T0 + offset * 1000 })));
}

describe('the merge is order-independent', () => {
  it.each([
    ['engaged', ENGAGED],
    ['bounced', BOUNCED],
  ])('every permutation of the %s events gives the same record', (_name, specs) => {
    const base = storedMessage('m1', { status: 'queued' });
    const events = eventsFor(base, specs);
    const reference = JSON.stringify(outcome(events.reduce(applyEvent, base)));
    let checked = 0;
    const differing: string[] = [];
    for (const order of permutations(events)) {
      if (JSON.stringify(outcome(order.reduce(applyEvent, base))) !== reference) differing.push(order.map((e) => e.event).join(','));
      checked += 1;
    }
    expect(differing.slice(0, 3)).toEqual([]);
    expect(checked).toBe(specs.length === 8 ? 40_320 : 5_040);
  });

  it('the converged records are the expected ones', () => {
    const engaged = storedMessage('e', { status: 'queued' });
    const bounced = storedMessage('b', { status: 'queued' });
    expect(outcome(eventsFor(engaged, ENGAGED).reduce(applyEvent, engaged))).toMatchObject({
      status: 'delivered',
      delivered_at: new Date(T0 + 130_000),
      deferral_count: 2,
      deferral_response: '451 greylisted',
      opened: true,
      opened_at: new Date(T0 + 600_000),
      open_count: 1,
      machine_open_count: 1,
      click_count: 1,
      clicked_links: ['https://jobs.example/apply/7'],
      unsubscribed: true,
    });
    expect(outcome(eventsFor(bounced, BOUNCED).reduce(applyEvent, bounced))).toMatchObject({
      status: 'bounced',
      bounce_type: 'hard',
      bounce_reason: 'unknown user',
      delivered_at: new Date(T0 + 60_000),
      clicked_links: ['https://jobs.example/a', 'https://jobs.example/b'],
      clicked_at: new Date(T0 + 30_000),
    });
  });
});

describe('through the webhook, in random batches', () => {
  let world: EventsWorld;
  beforeEach(() => {
    world = createEventsWorld();
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    world.close();
    jest.restoreAllMocks();
  });

  it.each([
    ['engaged', ENGAGED],
    ['bounced', BOUNCED],
  ])('24 messages get the %s events in 24 different orders and batchings and end up identical', async (_name, specs) => {
    const rng = mulberry32(specs.length * 101);
    const messages = Array.from({ length: 24 }, (_, i) => storedMessage(`m${i}`, { status: 'queued' }));
    await seedMessages(world, messages);
    // One shuffled stream per message, interleaved, then cut into batches of 1–6 events.
    const streams = messages.map((m) => {
      const events = specs.map(([event, extra, offset]) => wireEvent(m, event, extra, { at: T0 + offset * 1000 }));
      for (let i = events.length - 1; i > 0; i -= 1) {
        const j = Math.floor(rng() * (i + 1));
        [events[i], events[j]] = [events[j] as Record<string, unknown>, events[i] as Record<string, unknown>];
      }
      return events;
    });
    const all: Record<string, unknown>[] = [];
    while (streams.some((s) => s.length > 0)) {
      const open = streams.filter((s) => s.length > 0);
      const next = open[Math.floor(rng() * open.length)]?.shift();
      if (next) all.push(next);
    }
    world.clock.set(T0 + 3_600_000);
    for (let i = 0; i < all.length; ) {
      const size = 1 + Math.floor(rng() * 6);
      expect(await postEvents(world, all.slice(i, i + size))).toBe(200);
      i += size;
    }
    const base = messages[0] as EmailMessage;
    const expected = outcome(eventsFor(base, specs).reduce(applyEvent, base));
    for (const m of messages) expect(outcome(await readMessage(world, m._id))).toEqual(expected);
  });
});
