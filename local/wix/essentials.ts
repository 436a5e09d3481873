/** Local `@wix/essentials`: `auth.elevate` runs the wrapped function with elevated permissions. */
import { currentCall, runInCall } from '../runtime';

function elevate<T>(sourceFunction: T): T {
  if (typeof sourceFunction !== 'function') {
    throw new TypeError('auth.elevate expects a function');
  }
  const fn = sourceFunction as unknown as (...args: unknown[]) => unknown;
  const elevated = (...args: unknown[]): unknown => runInCall({ ...currentCall(), elevated: true }, () => fn(...args));
  return elevated as unknown as T;
}

export const auth = { elevate };
