/**
 * How web methods are written: positional arguments validated by one zod tuple schema, the member's
 * carrier checked, one domain call, and a `{ success: true, … } | { success: false, error }` result
 * that never carries a stack trace or a secret to the browser.
 */
import * as z from 'zod';
import { createLogger, Permissions, webMethod } from './platform';
import { AccessDeniedError, NotSignedInError } from './tenancy';

export type ErrorCode = 'INVALID_INPUT' | 'NOT_SIGNED_IN' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'INTERNAL';

export type Failure = { success: false; error: string; code: ErrorCode };
export type Outcome<T extends object> = ({ success: true } & T) | Failure;

/** A domain error whose message is safe to show to the recruiter. */
export class UserFacingError extends Error {
  constructor(
    message: string,
    readonly code: Exclude<ErrorCode, 'INTERNAL'>,
  ) {
    super(message);
    this.name = 'UserFacingError';
  }
}

const log = createLogger('webMethod');

function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.length > 0 ? `argument ${issue.path.map(String).join('.')}` : 'arguments';
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}

export function failureOf(error: unknown, method: string): Failure {
  if (error instanceof z.ZodError) return { success: false, error: `Invalid input — ${describeZodError(error)}`, code: 'INVALID_INPUT' };
  if (error instanceof NotSignedInError) return { success: false, error: error.message, code: 'NOT_SIGNED_IN' };
  if (error instanceof AccessDeniedError) return { success: false, error: error.message, code: 'FORBIDDEN' };
  if (error instanceof UserFacingError) return { success: false, error: error.message, code: error.code };
  log.error('web method failed', { method, error });
  return { success: false, error: 'Something went wrong on our side; nothing was changed. Please try again.', code: 'INTERNAL' };
}

type Permission = (typeof Permissions)[keyof typeof Permissions];

/**
 * Declares a web method: `args` is the schema of the positional arguments (a zod tuple).
 * The handler receives the parsed arguments.
 */
export function defineWebMethod<A extends z.ZodTuple, R extends object>(options: {
  name: string;
  permission: Permission;
  args: A;
  handler: (...args: z.infer<A>) => Promise<R>;
}): (...args: unknown[]) => Promise<Outcome<R>> {
  const method = async (...raw: unknown[]): Promise<Outcome<R>> => {
    try {
      const parsed = options.args.parse(raw) as z.infer<A>;
      const result = await options.handler(...parsed);
      return { success: true, ...result };
    } catch (error) {
      return failureOf(error, options.name);
    }
  };
  return webMethod(options.permission, method);
}
