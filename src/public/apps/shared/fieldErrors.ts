/**
 * Spreads a backend validation failure over a builder's fields. Web-method validation messages look
 * like "Invalid input — argument 1.subjectLine: too short; argument 1.sendWindow.end_hour: …"
 * (src/backend/service.ts); the first key after the argument number names the field. Whatever names
 * no field is returned as `general`.
 */
export function spreadFieldErrors<F extends string>(message: string, fieldOfKey: Readonly<Record<string, F>>): { fields: Partial<Record<F, string>>; general: string | null } {
  const fields: Partial<Record<F, string>> = {};
  const rest: string[] = [];
  const body = message.replace(/^Invalid input\s*[—-]\s*/, '');
  const parts = body.split(/;\s*/);
  for (const part of parts) {
    const m = /^argument\s+[\d]+\.([A-Za-z_]+)[^:]*:\s*(.*)$/.exec(part);
    const key = m?.[1];
    const field = key !== undefined && Object.hasOwn(fieldOfKey, key) ? fieldOfKey[key] : undefined;
    if (field !== undefined && m?.[2] !== undefined) {
      const before = fields[field];
      fields[field] = before !== undefined ? `${before} ${m[2]}` : m[2];
    } else rest.push(part);
  }
  const general = rest.length > 0 && rest.join('; ').trim() !== '' ? (rest.length === parts.length ? message : rest.join('; ')) : null;
  return { fields, general };
}
