/** Outbound HTTP from site code goes through `wix-fetch` (there is no `@wix/fetch`). */
import { fetch as wixFetch } from 'wix-fetch';

export interface HttpRequest {
  readonly url: string;
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export interface HttpResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly text: string;
  header(name: string): string | null;
}

export async function httpRequest(request: HttpRequest): Promise<HttpResponse> {
  const res = await wixFetch(request.url, {
    method: request.method ?? 'GET',
    ...(request.headers ? { headers: request.headers } : {}),
    ...(request.body !== undefined ? { body: request.body } : {}),
  });
  const text = await res.text();
  return { ok: res.ok, status: res.status, text, header: (name) => res.headers.get(name) };
}
