import { decode, encode, encodeByCopy } from '../../local/data/values';

describe('stored item encoding', () => {
  const sample = {
    _id: 'x',
    at: new Date('2026-01-02T03:04:05.678Z'),
    bad: new Date(Number.NaN),
    nested: { list: [new Date(0), 'a', 1, null, { deeper: new Date('2030-12-31T00:00:00Z') }], none: null },
    text: 'He said "hi"\n',
    flags: [true, false],
  };

  it('tags Dates exactly like the copying encoder and round-trips them as Dates', () => {
    expect(encode(sample)).toBe(encodeByCopy(sample));
    const back = decode(encode(sample));
    expect(back['at']).toEqual(sample.at);
    expect(back['bad']).toBeNull();
    expect((back['nested'] as { list: unknown[] }).list[0]).toEqual(new Date(0));
  });

  it('leaves Date#toJSON as it was, also when serialising fails', () => {
    const before = Date.prototype.toJSON;
    expect(() => encode({ n: BigInt(1) })).toThrow();
    expect(Date.prototype.toJSON).toBe(before);
    expect(JSON.stringify({ d: new Date(0) })).toBe('{"d":"1970-01-01T00:00:00.000Z"}');
  });
});
