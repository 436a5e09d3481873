/**
 * The calling side's link to the data server, in a thread (`Worker`, messages by structured clone,
 * plus a blocking path for synchronous members) or in a child process (`fork` with the V8
 * serializer: Dates, Maps and Sets travel as in a thread; no blocking path). The process placement
 * keeps the data layer's memory out of the caller's RSS, as Wix Data lives outside a site's
 * backend container.
 */
import type { ChildProcess } from 'node:child_process';
import type { MessagePort, Worker } from 'node:worker_threads';

export interface Endpoint {
  post(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  onError(listener: (error: Error) => void): void;
  onExit(listener: (code: number) => void): void;
  ref(): void;
  unref(): void;
  terminate(): Promise<void>;
  /** The blocking path (thread placement only): the caller waits on `flag`, the answer comes on `port`. */
  readonly sync: { readonly port: MessagePort; readonly flag: Int32Array } | null;
}

export function workerEndpoint(worker: Worker, syncPort: MessagePort, flag: Int32Array): Endpoint {
  return {
    post: (message) => worker.postMessage(message),
    onMessage: (listener) => void worker.on('message', listener),
    onError: (listener) => void worker.on('error', (e: unknown) => listener(e instanceof Error ? e : new Error(String(e)))),
    onExit: (listener) => void worker.on('exit', listener),
    ref: () => worker.ref(),
    unref: () => worker.unref(),
    terminate: async () => {
      syncPort.close();
      await worker.terminate();
    },
    sync: { port: syncPort, flag },
  };
}

export function processEndpoint(child: ChildProcess): Endpoint {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    post: (message) => {
      if (!child.connected) throw new Error('The data process is not connected.');
      child.send(message as Parameters<ChildProcess['send']>[0]);
    },
    onMessage: (listener) => void child.on('message', listener),
    onError: (listener) => void child.on('error', listener),
    onExit: (listener) => void child.on('exit', (code: number | null) => listener(code ?? 1)),
    // The IPC channel, not the process handle, is what keeps the caller's event loop alive.
    ref: () => child.channel?.ref(),
    unref: () => child.channel?.unref(),
    terminate: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        if (child.connected) child.disconnect();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
    },
    sync: null,
  };
}
