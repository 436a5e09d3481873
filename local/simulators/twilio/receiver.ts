/**
 * A loopback webhook receiver for tests and tools: records every request (URL as configured, raw
 * body, headers) and answers with a configurable status. Stand-in for the app's http functions.
 */
import http from 'node:http';
import { parseForm, type FormParams } from '../harness';

export interface ReceivedWebhook {
  readonly method: string;
  /** Full URL as the sender addressed it (`<base><path>?<query>`). */
  readonly url: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly rawBody: string;
  readonly form: FormParams;
}

export interface WebhookReceiver {
  readonly baseUrl: string;
  readonly received: ReceivedWebhook[];
  /** Status to answer with (default 200). */
  respondWith(status: number): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  let status = 200;
  let baseUrl = '';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      const path = req.url ?? '/';
      received.push({ method: req.method ?? 'GET', url: `${baseUrl}${path}`, path: path.split('?')[0] ?? path, headers, rawBody, form: parseForm(rawBody) });
      res.writeHead(status, { 'content-type': 'text/xml' });
      res.end('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('receiver did not bind');
  baseUrl = `http://127.0.0.1:${address.port}`;
  return {
    baseUrl,
    received,
    respondWith(next: number) {
      status = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
