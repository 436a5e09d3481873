/** Local `wix-fetch`: the host's fetch (loopback simulators), with Wix's response surface. */
import { runtime } from '../runtime';

export interface WixFetchRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export async function fetch(url: string, options: WixFetchRequest = {}) {
  const init: RequestInit = { method: (options.method ?? 'GET').toUpperCase() };
  if (options.headers) init.headers = options.headers;
  if (options.body !== undefined) init.body = options.body;
  const res = await runtime().fetch(url, init);
  return {
    ok: res.ok,
    status: res.status,
    statusText: res.statusText,
    url: res.url,
    headers: { get: (name: string) => res.headers.get(name) },
    json: (): Promise<unknown> => res.json(),
    text: (): Promise<string> => res.text(),
  };
}

export async function getJSON(url: string, options: WixFetchRequest = {}): Promise<unknown> {
  const res = await fetch(url, options);
  return res.json();
}
