/**
 * Provider-shaped error responses (providers.md §1.3, §3.2, §6.1): the SDKs parse these into their
 * own exception types, so the shapes must be exact.
 */
import { jsonResponse, type SimResponse } from './http';

/** Twilio legacy REST error → SDK `RestException` (`status`, `code`, `message`, `moreInfo`). */
export function twilioError(args: { status: number; code: number; message: string }): SimResponse {
  return jsonResponse(args.status, {
    code: args.code,
    message: args.message,
    more_info: `https://www.twilio.com/docs/errors/${args.code}`,
    status: args.status,
  });
}

export interface SendGridErrorItem {
  readonly message: string;
  readonly field?: string | null;
  readonly help?: string | null;
}

/** SendGrid v3 error body `{"errors":[{message, field, help}]}` → SDK `ResponseError`. */
export function sendGridError(status: number, errors: readonly SendGridErrorItem[], id?: string): SimResponse {
  return jsonResponse(status, {
    errors: errors.map((e) => ({ message: e.message, field: e.field ?? null, help: e.help ?? null })),
    ...(id !== undefined ? { id } : {}),
  });
}

/** RFC 9457 problem JSON (Drop Cowboy v2, newer Twilio APIs). */
export function problemJson(args: { status: number; type: string; title: string; detail?: string; instance?: string; extra?: Record<string, unknown> }): SimResponse {
  return {
    status: args.status,
    headers: { 'content-type': 'application/problem+json' },
    body: {
      kind: 'json',
      value: {
        type: args.type,
        title: args.title,
        status: args.status,
        ...(args.detail !== undefined ? { detail: args.detail } : {}),
        ...(args.instance !== undefined ? { instance: args.instance } : {}),
        ...args.extra,
      },
    },
  };
}

/** Which error dialect a simulator speaks, for harness-level failures (404, 405, 413, malformed body). */
export type ErrorDialect = 'twilio' | 'sendgrid' | 'problem' | 'plain';

export function dialectError(dialect: ErrorDialect, status: number, message: string): SimResponse {
  switch (dialect) {
    case 'twilio':
      return twilioError({ status, code: twilioCodeForStatus(status), message });
    case 'sendgrid':
      return sendGridError(status, [{ message }]);
    case 'problem':
      return problemJson({ status, type: `about:blank#${status}`, title: message });
    case 'plain':
      return jsonResponse(status, { error: message, status });
    default:
      return assertNever(dialect);
  }
}

function twilioCodeForStatus(status: number): number {
  switch (status) {
    case 401:
      return 20003;
    case 404:
      return 20404;
    case 429:
      return 20429;
    default:
      return status;
  }
}

export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${String(value)}`);
}
