/**
 * Structured logging that never prints secrets or full contact details. Wix collects console output
 * into the site's logs; locally it goes to the terminal.
 */
const SECRET_KEY = /(token|secret|password|passwd|api[_-]?key|authorization|signature|cookie|credential)/i;
const PHONE = /\+?\(?\d[\d\s().-]{8,}\d/g;
const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;

/** `+15125550142` → `+1512***0142`; shorter runs of digits are left alone. */
export function maskPhone(value: string): string {
  return value.replace(PHONE, (match) => {
    const digits = match.replace(/\D/g, '');
    if (digits.length < 10) return match;
    const plus = match.trim().startsWith('+') ? '+' : '';
    return `${plus}${digits.slice(0, digits.length - 7)}***${digits.slice(-4)}`;
  });
}

/** `driver.name@example.com` → `d***@example.com`. */
export function maskEmail(value: string): string {
  return value.replace(EMAIL, (_m, first: string, domain: string) => `${first}***@${domain}`);
}

export function redactText(value: string): string {
  return maskEmail(maskPhone(value));
}

/** Deep copy of a log payload with secrets removed and contact details masked. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[…]';
  if (typeof value === 'string') return redactText(value);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Error) return { name: value.name, message: redactText(value.message) };
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      out[key] = SECRET_KEY.test(key) ? '[redacted]' : redact(v, depth + 1);
    }
    return out;
  }
  return value;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

type Sink = (level: LogLevel, line: string) => void;

const consoleSink: Sink = (level, line) => {
  switch (level) {
    case 'debug':
      console.debug(line);
      return;
    case 'info':
      console.info(line);
      return;
    case 'warn':
      console.warn(line);
      return;
    case 'error':
      console.error(line);
      return;
  }
};

export function createLogger(scope: string, sink: Sink = consoleSink): Logger {
  const write = (level: LogLevel, message: string, data?: Record<string, unknown>): void => {
    const entry: Record<string, unknown> = { level, scope, msg: redactText(message) };
    if (data) entry['data'] = redact(data);
    sink(level, JSON.stringify(entry));
  };
  return {
    debug: (m, d) => write('debug', m, d),
    info: (m, d) => write('info', m, d),
    warn: (m, d) => write('warn', m, d),
    error: (m, d) => write('error', m, d),
  };
}
