/**
 * Calling side of the data server connection (thread or process, see endpoint.ts): numbered requests, their replies, page handles to release,
 * and the synchronous path (the caller blocks on a shared flag until the worker answers on a
 * dedicated port) for the few members that are not asynchronous.
 */
import { receiveMessageOnPort } from 'node:worker_threads';
import type { Endpoint } from './endpoint';
import type { Reply, Request, WireValue } from './protocol';
import { adopt } from './realm';
import { fromWireError } from './wire-errors';

/** `Request` without the fields the channel fills in. */
export type RequestBody = Request extends infer R ? (R extends unknown ? Omit<R, 'id' | 'sync' | 'release'> : never) : never;

/** How long a synchronous request may block the calling thread. */
const SYNC_TIMEOUT_MS = 60_000;
/** Released page handles are sent with the next request, or on their own once this many pile up. */
const RELEASE_BATCH = 256;

export class WorkerChannel {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private released: number[] = [];
  private stopped: Error | null = null;
  /** Set once closing: new requests are refused, the ones already sent are still answered. */
  private refused: Error | null = null;

  constructor(
    private readonly endpoint: Endpoint,
    /** Replies are copied into this realm (see realm.ts). */
    private readonly foreign: boolean,
  ) {
    endpoint.onMessage((msg: unknown) => {
      const reply = this.receive(msg);
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      this.updateRef();
      waiter.resolve(reply);
    });
    endpoint.onError((e) => this.stop(e));
    endpoint.onExit((code) => this.stop(new Error(`The data server has stopped (exit code ${code}).`)));
    this.updateRef();
  }

  get isStopped(): boolean {
    return this.stopped !== null;
  }

  refuseNew(error: Error): void {
    this.refused ??= error;
  }

  /** Rejects every open request and any later one with `error`. */
  stop(error: Error): void {
    if (!this.stopped) this.stopped = error;
    for (const waiter of this.pending.values()) waiter.reject(this.stopped);
    this.pending.clear();
    this.updateRef();
  }

  /** Sends one request; the worker answers requests in the order they were sent. */
  request(body: RequestBody): Promise<Reply> {
    const refused = this.stopped ?? this.refused;
    if (refused) return Promise.reject(refused);
    const id = this.nextId++;
    const released = this.takeReleased();
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      try {
        this.endpoint.post({ ...body, id, ...released } as Request);
      } catch (e) {
        // An argument that cannot be cloned (a function, a class with native state) rejects the call.
        this.pending.delete(id);
        if (released.release) this.released.push(...released.release);
        reject(e instanceof Error ? e : new Error(String(e)));
      }
      this.updateRef();
    });
  }

  /** Sends one request and blocks this thread until it is answered (after every earlier request). */
  requestSync(body: RequestBody): Reply {
    const refused = this.stopped ?? this.refused;
    if (refused) throw refused;
    const sync = this.endpoint.sync;
    if (!sync) throw new Error('Synchronous members (explainPlan, pageSize) need the data emulator in a thread, not in a process.');
    const id = this.nextId++;
    Atomics.store(sync.flag, 0, 0);
    this.endpoint.post({ ...body, id, sync: true, ...this.takeReleased() } as Request);
    const deadline = Date.now() + SYNC_TIMEOUT_MS;
    for (;;) {
      Atomics.wait(sync.flag, 0, 0, 1_000);
      const received = receiveMessageOnPort(sync.port);
      // A reply to an earlier request that timed out is dropped.
      if (received && (received.message as Reply).id === id) return this.receive(received.message);
      if (received) continue;
      if (Date.now() > deadline) throw new Error(`The data worker did not answer within ${SYNC_TIMEOUT_MS} ms.`);
    }
  }

  /** A page result the caller no longer holds: its handle is released in the worker. */
  release(handle: number): void {
    if (this.stopped || this.refused) return;
    this.released.push(handle);
    if (this.released.length >= RELEASE_BATCH) {
      this.endpoint.post({ kind: 'release', id: 0, ...this.takeReleased() } satisfies Request);
    }
  }

  private receive(msg: unknown): Reply {
    return (this.foreign ? adopt(msg) : msg) as Reply;
  }

  private takeReleased(): { release?: number[] } {
    if (this.released.length === 0) return {};
    const release = this.released;
    this.released = [];
    return { release };
  }

  /** The worker keeps the process alive only while a request is open. */
  private updateRef(): void {
    if (this.pending.size > 0 && !this.stopped) this.endpoint.ref();
    else this.endpoint.unref();
  }
}

/** A reply's value (a page result stays a `WirePage` for the caller to wrap); a failure throws. */
export function unwrap(reply: Reply): WireValue {
  if (!reply.ok) throw fromWireError(reply.error);
  return reply.value;
}
