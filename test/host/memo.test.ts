/** The local tools' bounded memo (local/memo.ts) and the formatters built on it. */
import { memoize } from '../../local/memo';
import { parseBasicAuth } from '../../local/simulators/harness';
import { rfc2822 } from '../../local/simulators/twilio/store';

describe('memoize', () => {
  it('computes once per kept key, null results included, and drops the oldest key past the limit', () => {
    const calls: string[] = [];
    const lookup = memoize((key: string) => {
      calls.push(key);
      return key === 'none' ? null : key.toUpperCase();
    }, 2);
    expect([lookup('a'), lookup('a'), lookup('none'), lookup('none')]).toEqual(['A', 'A', null, null]);
    expect(calls).toEqual(['a', 'none']);
    lookup('b'); // drops 'a', the oldest
    expect([lookup('none'), lookup('a')]).toEqual([null, 'A']);
    expect(calls).toEqual(['a', 'none', 'b', 'a']);
  });

  it('gives the formatters built on it their plain results', () => {
    const at = Date.UTC(2023, 7, 24, 5, 1, 45);
    expect([rfc2822(at), rfc2822(at + 999), rfc2822(at + 1000), rfc2822(at - 1)]).toEqual([
      'Thu, 24 Aug 2023 05:01:45 +0000',
      'Thu, 24 Aug 2023 05:01:45 +0000',
      'Thu, 24 Aug 2023 05:01:46 +0000',
      'Thu, 24 Aug 2023 05:01:44 +0000',
    ]);
    const header = `Basic ${Buffer.from('AC1:secret').toString('base64')}`;
    expect(parseBasicAuth(header)).toEqual({ username: 'AC1', password: 'secret' });
    expect(parseBasicAuth(header)).toBe(parseBasicAuth(header));
    expect(parseBasicAuth('Basic !!')).toBeNull();
  });
});
