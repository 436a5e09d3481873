/**
 * Calling side of the worker connection: numbered requests, their replies, page handles to release,
 * and the synchronous path (the caller blocks on a shared flag until the worker answers on a
 * dedicated port) for the few members that are not asynchronous.
 */
import { receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
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
    private readonly worker: Worker,
    private readonly syncPort: MessagePort,
    private readonly flag: Int32Array,
    /** Replies are copied into this realm (see realm.ts). */
    private readonly foreign: boolean,
  ) {
    worker.on('message', (msg: unknown) => {
      const reply = this.receive(msg);
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      this.updateRef();
      waiter.resolve(reply);
    });
    worker.on('error', (e: unknown) => this.stop(e instanceof Error ? e : new Error(String(e))));
    worker.on('exit', (code: number) => this.stop(new Error(`The data worker has stopped (exit code ${code}).`)));
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
        this.worker.postMessage({ ...body, id, ...released } as Request);
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
    const id = this.nextId++;
    Atomics.store(this.flag, 0, 0);
    this.worker.postMessage({ ...body, id, sync: true, ...this.takeReleased() } as Request);
    const deadline = Date.now() + SYNC_TIMEOUT_MS;
    for (;;) {
      Atomics.wait(this.flag, 0, 0, 1_000);
      const received = receiveMessageOnPort(this.syncPort);
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
      this.worker.postMessage({ kind: 'release', id: 0, ...this.takeReleased() } satisfies Request);
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
    if (this.pending.size > 0 && !this.stopped) this.worker.ref();
    else this.worker.unref();
  }
}

/** A reply's value (a page result stays a `WirePage` for the caller to wrap); a failure throws. */
export function unwrap(reply: Reply): WireValue {
  if (!reply.ok) throw fromWireError(reply.error);
  return reply.value;
}
