import { expect } from 'chai';
import {
  bytesToHex,
  CodecBadHexError,
  equalBytes,
  hexToBytes,
  isHex,
} from '../../../runtime/codec';
import { ErrorCode } from '../../../runtime/errors';

describe('bytesToHex', () => {
  it('writes lowercase, two digits per byte', () => {
    expect(bytesToHex(new Uint8Array([0, 1, 0xab, 0xff]))).to.equal('0001abff');
    expect(bytesToHex(new Uint8Array())).to.equal('');
  });
});

describe('hexToBytes', () => {
  it('reads lowercase hex', () => expect([...hexToBytes('00ff10')]).to.deep.equal([0, 255, 16]));
  it('checks the expected length', () => expect(hexToBytes('abcd', 2)).to.have.length(2));
  const bad: [string, number | undefined, string][] = [
    ['ABCD', undefined, 'not lowercase hex digits'],
    ['0xab', undefined, 'not lowercase hex digits'],
    ['abc', undefined, 'odd length'],
    ['zz', undefined, 'not lowercase hex digits'],
    ['abcd', 3, 'expected 3 bytes, got 2'],
  ];
  for (const [input, length, reason] of bad) {
    it(`throws CODEC_BAD_HEX for "${input}" (${reason})`, () => {
      expect(() => hexToBytes(input, length))
        .to.throw(CodecBadHexError)
        .with.property('code', ErrorCode.CODEC_BAD_HEX);
      expect(() => hexToBytes(input, length)).to.throw(reason);
    });
  }
  it('round-trips every byte value', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(equalBytes(hexToBytes(bytesToHex(all)), all)).to.equal(true);
  });
});

describe('isHex', () => {
  it('accepts lowercase hex of the given length only', () => {
    expect(isHex('ab', 1)).to.equal(true);
    expect(isHex('ab', 2)).to.equal(false);
    expect(isHex('AB')).to.equal(false);
    expect(isHex(12)).to.equal(false);
  });
});
