/**
 * SMS encoding, segment count and cost, computed by Twilio's own calculator
 * (`sms-segments-calculator`), and the composer's character-counter data.
 *
 * Rules (GSM 03.38 / Twilio): one segment carries 140 octets. GSM-7 fits 160 septets alone or 153
 * per part of a concatenated message; UCS-2 fits 70 UTF-16 code units alone or 67 per part. GSM
 * extension characters (`\f ^ { } \ [ ~ ] | €`) take 2 septets; an emoji outside the BMP takes 2
 * UTF-16 units; a single non-GSM character turns the whole message into UCS-2. The calculator never
 * splits an escape pair, a surrogate pair or a grapheme across parts.
 *
 * Counting terms used here:
 * - `characters`: what the recruiter sees, one per grapheme ("€" = 1, "👍🏽" = 1, "\r\n" = 2).
 * - `units`: what the limits apply to: GSM-7 septets ("€" = 2) or UCS-2 code units ("👍🏽" = 4).
 *
 * Browser-safe (no Node built-ins): the composer iframe bundles this file for its live counter.
 */
import { SegmentedMessage } from 'sms-segments-calculator';
import SmartEncodingMap from 'sms-segments-calculator/dist/libs/SmartEncodingMap';

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSegmentCount {
  readonly encoding: SmsEncoding;
  /** Parts billed by the provider; 0 for an empty text (nothing to send). */
  readonly segments: number;
  /** Graphemes, as the recruiter sees them; GSM extension characters count 1 here (2 in `units`). */
  readonly characters: number;
}

export interface SmsCountOptions {
  /**
   * Emulate Twilio Messaging Service "Smart Encoding" (curly quotes, dashes, ellipsis… replaced
   * with GSM look-alikes before counting). Only when the carrier's sender has it turned on.
   */
  readonly smartEncoding?: boolean;
}

/** Twilio's US long-code price per segment (mirrors `DEFAULT_SMS_PRICE_PER_SEGMENT` of the Carriers collection). */
export const DEFAULT_SMS_PRICE_PER_SEGMENT = 0.0079;

/** Per-segment capacity in units: single-part and per-part of a concatenated message. */
export const SMS_SEGMENT_LIMITS: Readonly<Record<SmsEncoding, { readonly single: number; readonly multipart: number }>> = {
  'GSM-7': { single: 160, multipart: 153 },
  'UCS-2': { single: 70, multipart: 67 },
};

const BITS_PER_UNIT: Readonly<Record<SmsEncoding, number>> = { 'GSM-7': 7, 'UCS-2': 16 };

function analyse(text: string, options?: SmsCountOptions): SegmentedMessage {
  return new SegmentedMessage(text, 'auto', options?.smartEncoding === true);
}

/**
 * Printable ASCII that is in the GSM-7 basic set (one septet, one grapheme each) plus `\n`: no
 * extension characters (`[ \ ] ^ { | } ~`), no backtick (not GSM), no `\r` (grapheme rules).
 */
const GSM_BASIC_ASCII = /^[A-Za-z0-9 \n!"#$%&'()*+,\-./:;<=>?@_]*$/;

/**
 * Most campaign messages are plain ASCII: count them directly (same result as the calculator, which
 * a test checks on random texts) instead of splitting them into graphemes — the calculator costs
 * ~0.5 ms per message, the largest cost of composing a 1000-message wave.
 */
function countPlainGsm(text: string): SmsSegmentCount | null {
  if (!GSM_BASIC_ASCII.test(text)) return null;
  const { single, multipart } = SMS_SEGMENT_LIMITS['GSM-7'];
  const n = text.length;
  return { encoding: 'GSM-7', segments: n === 0 ? 0 : n <= single ? 1 : Math.ceil(n / multipart), characters: n };
}

export function countSmsSegments(text: string, options?: SmsCountOptions): SmsSegmentCount {
  const plain = countPlainGsm(text);
  if (plain) return plain;
  const message = analyse(text, options);
  return {
    encoding: message.encodingName,
    segments: text === '' ? 0 : message.segmentsCount,
    characters: message.graphemes.length,
  };
}

export interface SmsCostInput {
  /** The rendered text, or a segment count already known. */
  readonly text?: string;
  readonly segments?: number;
  /** USD per segment (the carrier's `sms_price_per_segment`). */
  readonly pricePerSegment?: number;
  readonly recipients?: number;
  readonly smartEncoding?: boolean;
}

export interface SmsCost {
  readonly segments: number;
  readonly pricePerSegment: number;
  readonly recipients: number;
  /** USD for one recipient. */
  readonly perMessage: number;
  /** USD for every recipient. */
  readonly total: number;
}

/** Cost = segments × price per segment × recipients, in USD, rounded to 1/1,000,000 of a dollar. */
export function smsCost(input: SmsCostInput): SmsCost {
  const pricePerSegment = input.pricePerSegment ?? DEFAULT_SMS_PRICE_PER_SEGMENT;
  const recipients = input.recipients ?? 1;
  let segments: number;
  if (input.segments !== undefined) segments = input.segments;
  else if (input.text !== undefined) segments = countSmsSegments(input.text, { smartEncoding: input.smartEncoding === true }).segments;
  else throw new TypeError('smsCost: give either text or segments');
  if (!Number.isInteger(segments) || segments < 0) throw new RangeError(`smsCost: segments must be a whole number ≥ 0, got ${segments}`);
  if (!Number.isInteger(recipients) || recipients < 0) throw new RangeError(`smsCost: recipients must be a whole number ≥ 0, got ${recipients}`);
  if (!Number.isFinite(pricePerSegment) || pricePerSegment < 0) throw new RangeError(`smsCost: pricePerSegment must be ≥ 0, got ${pricePerSegment}`);
  return {
    segments,
    pricePerSegment,
    recipients,
    perMessage: roundMicro(segments * pricePerSegment),
    total: roundMicro(segments * pricePerSegment * recipients),
  };
}

function roundMicro(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}

export interface NonGsmCharacter {
  /** The grapheme that forced UCS-2 (an emoji with modifiers is one entry). */
  readonly char: string;
  /** UTF-16 offset in the text, for `setSelectionRange` / highlighting. */
  readonly index: number;
  /** A GSM look-alike the recruiter could type instead (`’` → `'`), when one exists. */
  readonly replacement?: string;
}

export interface ComposerCounter extends SmsSegmentCount {
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) used. */
  readonly units: number;
  /** Units still free in the last segment before another segment starts. */
  readonly charactersLeftInSegment: number;
  /** Capacity of one segment at the current length: 160/153 (GSM-7) or 70/67 (UCS-2). */
  readonly perSegmentLimit: number;
  readonly nonGsmCharacters: readonly NonGsmCharacter[];
  /** Segments if every non-GSM character with a look-alike were replaced (`null` when nothing would change). */
  readonly segmentsIfReplaced: number | null;
}

/** Everything the SMS builder's counter shows ("187/160 (2 segments)", highlights, hints). */
export function composerCounter(text: string, options?: SmsCountOptions): ComposerCounter {
  const smart = options?.smartEncoding === true;
  const plain = analyse(text);
  const message = smart ? analyse(text, options) : plain;
  const encoding = message.encodingName;
  const segments = text === '' ? 0 : message.segmentsCount;
  const limits = SMS_SEGMENT_LIMITS[encoding];
  const last = message.segments[message.segments.length - 1];
  const freeBits = last ? last.freeSizeInBits() : 1120;
  const nonGsmCharacters: NonGsmCharacter[] = [];
  let index = 0;
  // Offsets come from the text as typed; the calculator keeps one encoded char per grapheme, in order.
  for (const encoded of plain.encodedChars) {
    if (!encoded.isGSM7) {
      const replacement = SmartEncodingMap[encoded.raw];
      if (replacement === undefined) nonGsmCharacters.push({ char: encoded.raw, index });
      else if (!smart) nonGsmCharacters.push({ char: encoded.raw, index, replacement });
    }
    index += encoded.raw.length;
  }
  let segmentsIfReplaced: number | null = null;
  if (nonGsmCharacters.some((c) => c.replacement !== undefined)) {
    segmentsIfReplaced = countSmsSegments(text, { smartEncoding: true }).segments;
  }
  return {
    encoding,
    segments,
    characters: message.graphemes.length,
    units: message.messageSize / BITS_PER_UNIT[encoding],
    charactersLeftInSegment: Math.floor(freeBits / BITS_PER_UNIT[encoding]),
    perSegmentLimit: segments > 1 ? limits.multipart : limits.single,
    nonGsmCharacters,
    segmentsIfReplaced,
  };
}
