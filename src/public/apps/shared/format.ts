/** Display formatting shared by the views (pure; unit-tested in test/ui). */

const integer = new Intl.NumberFormat('en-US');
const usd2 = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const usd4 = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 4, maximumFractionDigits: 4 });

export function formatInt(n: number): string {
  return integer.format(n);
}

/** Totals in cents precision; per-message prices (under a dollar) with 4 decimals. */
export function formatUsd(n: number, precise = false): string {
  return (precise ? usd4 : usd2).format(n);
}

/** `part / whole` as "97.5%"; "–" when there is nothing to divide by. */
export function formatPct(part: number, whole: number): string {
  if (whole <= 0) return '–';
  const pct = (part / whole) * 100;
  return `${pct >= 99.95 || pct === 0 ? pct.toFixed(0) : pct.toFixed(1)}%`;
}

export function formatRate(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

/**
 * Shows only the last four digits of a US number, `(•••) •••-0100`: replies are listed on a shared
 * screen, and the full number is one click away ("Show number").
 */
export function maskPhone(e164: string): string {
  const digits = e164.replace(/\D/g, '');
  const last4 = digits.slice(-4);
  return last4.length === 4 ? `(•••) •••-${last4}` : '•••';
}

/** +15125550100 → (512) 555-0100; other numbers as given. */
export function formatPhone(e164: string): string {
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return m ? `(${m[1]}) ${m[2]}-${m[3]}` : e164;
}

export function formatDateTime(value: string | Date | null | undefined): string {
  if (value === null || value === undefined || value === '') return '–';
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return '–';
  return date.toLocaleString('en-US', { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
}

/** "just now", "5 min ago", "3 h ago", else the date. */
export function formatAgo(value: string | Date | null | undefined, now: Date = new Date()): string {
  if (value === null || value === undefined || value === '') return '–';
  const date = value instanceof Date ? value : new Date(value);
  const seconds = Math.round((now.getTime() - date.getTime()) / 1000);
  if (Number.isNaN(seconds)) return '–';
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return formatDateTime(date);
}
