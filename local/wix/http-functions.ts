/** Local `wix-http-functions` response helpers, with Wix's rule that helpers ignore a `status`. */
import type { WixHttpFunctionResponse, WixHttpFunctionResponseOptions } from 'wix-http-functions';

function withStatus(status: number) {
  return (options: WixHttpFunctionResponseOptions = {}): WixHttpFunctionResponse => {
    const out: WixHttpFunctionResponse = { status };
    if (options.body !== undefined) out.body = options.body;
    if (options.headers !== undefined) out.headers = options.headers;
    return out;
  };
}

export const ok = withStatus(200);
export const created = withStatus(201);
export const badRequest = withStatus(400);
export const forbidden = withStatus(403);
export const notFound = withStatus(404);
export const serverError = withStatus(500);

export function response(options: WixHttpFunctionResponseOptions & { status: number }): WixHttpFunctionResponse {
  return withStatus(options.status)(options);
}
