import { buildSync } from 'esbuild';
import path from 'node:path';
import vm from 'node:vm';
import { composerCounter, countSmsSegments, DEFAULT_SMS_PRICE_PER_SEGMENT, smsCost } from '../../src/backend/outreach/sms';
import { DEFAULT_SMS_PRICE_PER_SEGMENT as CARRIER_DEFAULT } from '../../src/backend/collections/people';
import { renderTemplate } from '../../src/backend/outreach/templates';

const digits = (n: number): string => '1234567890'.repeat(Math.ceil(n / 10)).slice(0, n);

describe('countSmsSegments: the calculator\'s published vectors', () => {
  it.each([
    [digits(160), 'GSM-7', 1, 160],
    [digits(161), 'GSM-7', 2, 161],
    [digits(307), 'GSM-7', 3, 307],
    ['😜' + digits(68), 'UCS-2', 1, 69],
    ['😜' + digits(69), 'UCS-2', 2, 70],
    ['😜' + digits(133), 'UCS-2', 3, 134],
    ['🇮🇹' + digits(66), 'UCS-2', 1, 67],
    ['🏳️‍🌈' + digits(64), 'UCS-2', 1, 65],
  ])('vector %#', (text, encoding, segments, characters) => {
    expect(countSmsSegments(text)).toEqual({ encoding, segments, characters });
  });

  it('160 GSM chars fit one segment, 161 need two (153 per part), 306 two, 307 three', () => {
    expect(countSmsSegments('a'.repeat(160)).segments).toBe(1);
    expect(countSmsSegments('a'.repeat(161)).segments).toBe(2);
    expect(countSmsSegments('a'.repeat(306)).segments).toBe(2);
    expect(countSmsSegments('a'.repeat(307)).segments).toBe(3);
  });

  it('70 UCS-2 chars fit one segment, 71 need two (67 per part); 134 two, 135 three', () => {
    expect(countSmsSegments('ç'.repeat(70))).toEqual({ encoding: 'UCS-2', segments: 1, characters: 70 });
    expect(countSmsSegments('ç'.repeat(71)).segments).toBe(2);
    expect(countSmsSegments('ç'.repeat(134)).segments).toBe(2);
    expect(countSmsSegments('ç'.repeat(135)).segments).toBe(3);
  });

  it.each(['€', '^', '{', '}', '[', ']', '~', '\\', '|'])('extension char %s costs 2 septets but counts as 1 character', (ch) => {
    expect(countSmsSegments(ch + digits(158))).toEqual({ encoding: 'GSM-7', segments: 1, characters: 159 });
    expect(countSmsSegments(ch + digits(159))).toEqual({ encoding: 'GSM-7', segments: 2, characters: 160 });
    expect(composerCounter(ch + digits(158)).units).toBe(160);
  });

  it('€×80 is 160 septets (1 segment), €×81 is 2; an escape pair is never split across parts', () => {
    expect(countSmsSegments('€'.repeat(80)).segments).toBe(1);
    expect(countSmsSegments('€'.repeat(81)).segments).toBe(2);
    // 152 digits + € = 154 septets: the € moves whole to part 2.
    const c = composerCounter(digits(152) + '€' + digits(10));
    expect(c.segments).toBe(2);
  });

  it('in UCS-2 an extension char is one unit: 😀 (2 units) + 68 × ] fills one segment, + 69 needs two', () => {
    expect(countSmsSegments('😀' + ']'.repeat(68))).toMatchObject({ encoding: 'UCS-2', segments: 1 });
    expect(countSmsSegments('😀' + ']'.repeat(69))).toMatchObject({ encoding: 'UCS-2', segments: 2 });
  });

  it.each(['Á', 'Ú', 'ú', 'ç', 'í', 'Í', 'ó', 'Ó', '’', '`'])('%s forces UCS-2', (ch) => {
    expect(countSmsSegments(`Hi ${ch}`).encoding).toBe('UCS-2');
  });

  it('GSM basic-table accents stay GSM-7 (é, ñ, Ü, £, ¥)', () => {
    expect(countSmsSegments('é ñ Ü £ ¥ Δ')).toMatchObject({ encoding: 'GSM-7', characters: 11 });
  });

  it('an empty text is 0 segments', () => {
    expect(countSmsSegments('')).toEqual({ encoding: 'GSM-7', segments: 0, characters: 0 });
  });

  it('smart encoding replaces look-alikes before counting', () => {
    const text = 'Hi “Bob” — it’s ok…';
    expect(countSmsSegments(text).encoding).toBe('UCS-2');
    expect(countSmsSegments(text, { smartEncoding: true })).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });
});

describe('a rendered template', () => {
  it('the spec mockup message for a sample driver is 2 GSM-7 segments', () => {
    const result = renderTemplate({
      template:
        'Hi {{firstName}}, this is {{recruiterName}} from {{carrierName}}. We have OTR positions paying $0.55+ CPM with weekly home time. Interested? Reply YES or call me at {{recruiterPhone}}. {{optOutText}}',
      channel: 'sms',
      values: { firstName: 'Marcus', recruiterName: 'Sarah Johnson', carrierName: 'Lone Star Freight', recruiterPhone: '(214) 555-0111' },
    });
    if (!result.ok) throw new Error(result.reason);
    const count = countSmsSegments(result.text);
    expect(count.encoding).toBe('GSM-7');
    expect(count.characters).toBe(result.text.length);
    expect(count.segments).toBe(2);
  });

  it('a driver name with a curly apostrophe flips the message to UCS-2', () => {
    const result = renderTemplate({ template: 'Hi {{firstName}}, call {{carrierName}}.', channel: 'sms', values: { firstName: 'D’Andre', carrierName: 'ACME' } });
    if (!result.ok) throw new Error(result.reason);
    expect(composerCounter(result.text).nonGsmCharacters).toEqual([{ char: '’', index: 4, replacement: "'" }]);
  });
});

describe('smsCost', () => {
  it('defaults to $0.0079 per segment, the Carriers default', () => {
    expect(DEFAULT_SMS_PRICE_PER_SEGMENT).toBe(CARRIER_DEFAULT);
    expect(smsCost({ segments: 2 })).toEqual({ segments: 2, pricePerSegment: 0.0079, recipients: 1, perMessage: 0.0158, total: 0.0158 });
  });

  it('cost = segments × price × recipients, from a text', () => {
    const cost = smsCost({ text: 'a'.repeat(200), pricePerSegment: 0.0083, recipients: 1247 });
    expect(cost.segments).toBe(2);
    expect(cost.total).toBeCloseTo(2 * 0.0083 * 1247, 6);
    expect(cost.perMessage).toBe(0.0166);
  });

  it('rejects nonsense', () => {
    expect(() => smsCost({})).toThrow(TypeError);
    expect(() => smsCost({ segments: -1 })).toThrow(RangeError);
    expect(() => smsCost({ segments: 1, recipients: 1.5 })).toThrow(RangeError);
    expect(() => smsCost({ segments: 1, pricePerSegment: Number.NaN })).toThrow(RangeError);
  });
});

describe('composerCounter', () => {
  it('single GSM segment: limit 160, left = 160 − septets', () => {
    expect(composerCounter('Hello')).toMatchObject({ encoding: 'GSM-7', segments: 1, characters: 5, units: 5, perSegmentLimit: 160, charactersLeftInSegment: 155, nonGsmCharacters: [] });
  });

  it('multipart GSM: limit 153 per part, left counts from the last part', () => {
    expect(composerCounter('a'.repeat(187))).toMatchObject({ segments: 2, perSegmentLimit: 153, charactersLeftInSegment: 153 * 2 - 187 });
  });

  it('UCS-2: 70 then 67, surrogate pairs take 2 units', () => {
    expect(composerCounter('👍' + 'a'.repeat(10))).toMatchObject({ encoding: 'UCS-2', units: 12, characters: 11, perSegmentLimit: 70, charactersLeftInSegment: 58 });
    expect(composerCounter('ç'.repeat(80))).toMatchObject({ segments: 2, perSegmentLimit: 67, charactersLeftInSegment: 67 * 2 - 80 });
  });

  it('lists the characters that forced UCS-2 with their UTF-16 offsets and GSM look-alikes', () => {
    const text = 'Hi 👍🏽 it’s “great”';
    const c = composerCounter(text);
    expect(c.nonGsmCharacters).toEqual([
      { char: '👍🏽', index: 3 },
      { char: '’', index: 10, replacement: "'" },
      { char: '“', index: 13, replacement: '"' },
      { char: '”', index: 19, replacement: '"' },
    ]);
    for (const n of c.nonGsmCharacters) expect(text.slice(n.index, n.index + n.char.length)).toBe(n.char);
    expect(c.segmentsIfReplaced).toBe(1);
  });

  it('an empty composer shows a whole free segment', () => {
    expect(composerCounter('')).toMatchObject({ segments: 0, characters: 0, units: 0, charactersLeftInSegment: 160, perSegmentLimit: 160 });
  });
});

describe('bundled for the browser (the composer iframe)', () => {
  it('esbuild bundles sms.ts for the browser and it counts the same without Node globals', () => {
    const result = buildSync({
      entryPoints: [path.join(__dirname, '../../src/backend/outreach/sms.ts')],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'iife',
      globalName: 'sms',
      target: 'es2020',
      mainFields: ['browser', 'module', 'main'],
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]?.text ?? '';
    const sandbox: Record<string, unknown> = {};
    vm.runInNewContext(`${code};globalThis.out = [sms.countSmsSegments("😜" + "1".repeat(69)), sms.composerCounter("€ ok ’").nonGsmCharacters];`, sandbox);
    expect(JSON.parse(JSON.stringify(sandbox.out))).toEqual([
      { encoding: 'UCS-2', segments: 2, characters: 70 },
      [{ char: '’', index: 5, replacement: "'" }],
    ]);
    expect(code).not.toMatch(/require\(["']node:/);
  });
});

describe('countSmsSegments fast path for plain GSM text', () => {
  it('gives exactly the calculator’s answer on random texts, plain and not', () => {
    // Imported here so the property is checked against the library itself, not our fast path.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { SegmentedMessage } = require('sms-segments-calculator') as typeof import('sms-segments-calculator');
    const alphabet = 'abcXYZ019 \n!"#$%&\'()*+,-./:;<=>?@_[]{}^~|\\`€é\r';
    let seed = 7;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let i = 0; i < 2000; i += 1) {
      const length = Math.floor(next() * 400);
      const plainOnly = i % 2 === 0;
      const chars = plainOnly ? alphabet.slice(0, 34) : alphabet;
      let text = '';
      for (let k = 0; k < length; k += 1) text += chars[Math.floor(next() * chars.length)] ?? 'a';
      const lib = new SegmentedMessage(text, 'auto', false);
      expect(countSmsSegments(text)).toEqual({ encoding: lib.encodingName, segments: text === '' ? 0 : lib.segmentsCount, characters: lib.graphemes.length });
    }
  });
});
