import { createLogger, maskEmail, maskPhone, redact } from '../../src/backend/platform/logger';

describe('logger redaction', () => {
  it('masks phone numbers to area code and last four digits', () => {
    expect(maskPhone('call +15125550142 now')).toBe('call +1512***0142 now');
    expect(maskPhone('(512) 555-0142')).toBe('512***0142');
    expect(maskPhone('order 12345')).toBe('order 12345');
  });

  it('masks email local parts', () => {
    expect(maskEmail('to driver.name@example.com')).toBe('to d***@example.com');
  });

  it('removes secret-looking keys at any depth and masks contact details in values', () => {
    const out = redact({ authToken: 'abc', nested: { api_key: 'k', phone: '+15125550142' }, list: [{ Authorization: 'Bearer x' }] });
    expect(out).toEqual({ authToken: '[redacted]', nested: { api_key: '[redacted]', phone: '+1512***0142' }, list: [{ Authorization: '[redacted]' }] });
  });

  it('writes one JSON line per entry without the secret or the full number', () => {
    const lines: string[] = [];
    const log = createLogger('test', (_level, line) => lines.push(line));
    log.error('send to +15125550142 failed', { twilioAuthToken: 'supersecret', to: 'jo@example.com' });
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(entry).toMatchObject({ level: 'error', scope: 'test', msg: 'send to +1512***0142 failed', data: { twilioAuthToken: '[redacted]', to: 'j***@example.com' } });
    expect(lines[0]).not.toContain('supersecret');
    expect(lines[0]).not.toContain('5550142');
  });
});
