import { expect } from 'chai';
import {
  bytesToHex,
  CodecBadHexError,
  equalBytes,
  hexToBytes,
  isHex,
  lowerHexBytes,
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

describe('lowerHexBytes', () => {
  const signatureHex = bytesToHex(Uint8Array.from({ length: 4627 }, (_, i) => (i * 31) & 255));
  it('decodes lowercase hex, of the given length if one is given', () => {
    expect([...(lowerHexBytes('00ff10') as Uint8Array)]).to.deep.equal([0, 255, 16]);
    expect(lowerHexBytes('', 0)).to.deep.equal(new Uint8Array());
    expect(bytesToHex(lowerHexBytes(signatureHex, 4627) as Uint8Array)).to.equal(signatureHex);
  });
  it('is null for anything else, wherever in a long string the fault is', () => {
    expect(lowerHexBytes(signatureHex, 4626)).to.equal(null);
    expect(lowerHexBytes(`${signatureHex}0`)).to.equal(null);
    expect(lowerHexBytes(12)).to.equal(null);
    expect(lowerHexBytes('0xab')).to.equal(null);
    for (const at of [0, 1, 4000, 9253]) {
      for (const digit of ['A', 'B', 'C', 'D', 'E', 'F', 'g', ' ', 'é', '\u0000']) {
        const bad = `${signatureHex.slice(0, at)}${digit}${signatureHex.slice(at + 1)}`;
        expect(lowerHexBytes(bad, 4627), `${JSON.stringify(digit)} at ${at}`).to.equal(null);
      }
    }
  });
  it('agrees with isHex on every string of up to two characters over a small alphabet', () => {
    const alphabet = ['0', '9', 'a', 'f', 'A', 'F', 'g', 'x', ' '];
    const strings = ['', ...alphabet, ...alphabet.flatMap((a) => alphabet.map((b) => a + b))];
    for (const s of strings) expect(lowerHexBytes(s) !== null, s).to.equal(isHex(s));
  });
  it('copies short results off Buffer’s shared pool; long ones own their memory already', () => {
    const bytes = lowerHexBytes('abcd') as Uint8Array;
    expect(bytes.byteOffset).to.equal(0);
    expect(bytes.buffer.byteLength).to.equal(2);
    const signature = lowerHexBytes(signatureHex, 4627) as Uint8Array;
    expect(Buffer.isBuffer(signature)).to.equal(false);
    expect([signature.byteOffset, signature.buffer.byteLength]).to.deep.equal([0, 4627]);
  });
});
