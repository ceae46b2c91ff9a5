import { expect } from 'chai';
import { getAddress, keccak256 } from 'ethers';
import {
  addressFromPublicKey,
  addressFromPublicKeyHex,
  CodecBadAddressError,
  CodecBadHexError,
  isChecksumAddress,
  parseAddress,
} from '../../../runtime/codec';
import { ErrorCode } from '../../../runtime/errors';
import { caught, testKey } from '../../support/keys';

// The test vectors of EIP-55.
const EIP55 = [
  '0x52908400098527886E0F7030069857D2E4169EE7',
  '0x8617E340B3D01FA5F11F306F4090FD50E238070D',
  '0xde709f2102306220921060314715629080e2fb77',
  '0x27b1fdb04752bbc536007a920d24acb045561c26',
  '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
  '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
  '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
  '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
];

describe('parseAddress', () => {
  for (const vector of EIP55) {
    it(`accepts ${vector} and returns its checksummed form`, () => {
      const checksummed = parseAddress(vector);
      expect(checksummed.toLowerCase()).to.equal(vector.toLowerCase());
      expect(parseAddress(vector.toLowerCase())).to.equal(checksummed);
      expect(isChecksumAddress(checksummed)).to.equal(true);
    });
  }
  it('keeps the mixed-case vectors exactly', () => {
    for (const vector of EIP55.slice(4)) expect(parseAddress(vector)).to.equal(vector);
  });
  const bad: [string, string][] = [
    ['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD', 'EIP-55 checksum mismatch'],
    ['5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', 'not 0x + 40 hex digits'],
    ['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeA', 'not 0x + 40 hex digits'],
    ['0xgaAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', 'not 0x + 40 hex digits'],
  ];
  for (const [input, reason] of bad) {
    it(`throws CODEC_BAD_ADDRESS for ${input} (${reason})`, () => {
      expect(() => parseAddress(input))
        .to.throw(CodecBadAddressError)
        .with.property('code', ErrorCode.CODEC_BAD_ADDRESS);
      expect(() => parseAddress(input)).to.throw(reason);
    });
  }
});

describe('isChecksumAddress', () => {
  it('rejects a lowercase address that has letters', () => {
    expect(isChecksumAddress('0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed')).to.equal(false);
  });
});

describe('addressFromPublicKey', () => {
  it('is the EIP-55 form of the last 20 bytes of keccak256(publicKey), as ethers computes it', () => {
    for (const n of [1, 2, 3]) {
      const { publicKey, address } = testKey(n);
      const expected = getAddress(`0x${keccak256(publicKey).slice(-40)}`);
      expect(addressFromPublicKey(publicKey)).to.equal(expected);
      expect(address).to.equal(expected);
    }
  });
});

describe('addressFromPublicKeyHex', () => {
  it('gives the address of the key its hex encodes, the first time and when remembered', () => {
    for (const n of [4, 5]) {
      const { publicKey } = testKey(n);
      const hex = Buffer.from(publicKey).toString('hex');
      const expected = getAddress(`0x${keccak256(publicKey).slice(-40)}`);
      expect(addressFromPublicKeyHex(hex)).to.equal(expected);
      expect(addressFromPublicKeyHex(`${hex}`)).to.equal(expected);
    }
  });

  it('throws CODEC_BAD_HEX for text that is not lowercase hex, every time (nothing is remembered)', () => {
    const bad = `${Buffer.from(testKey(6).publicKey).toString('hex').slice(0, -1)}G`;
    for (let i = 0; i < 2; i++)
      expect((caught(() => addressFromPublicKeyHex(bad)) as CodecBadHexError).code).to.equal(
        ErrorCode.CODEC_BAD_HEX,
      );
  });
});
