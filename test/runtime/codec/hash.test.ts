import { createHash } from 'node:crypto';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { sha256 as ours, sha256Hex as oursHex, bytesToHex as toHex } from '../../../runtime/codec';
import { expect } from 'chai';
import {
  canonicalBytes,
  hashCanonical,
  hashDomain,
  hashDomainHex,
  HashDomain,
  sha256Hex,
  ZERO_HASH,
} from '../../../runtime/codec';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('sha256Hex', () => {
  it('matches the FIPS 180-2 vectors', () => {
    expect(sha256Hex(new Uint8Array())).to.equal(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(sha256Hex(utf8('abc'))).to.equal(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});

describe('ZERO_HASH', () => {
  it('is 64 zeros', () => expect(ZERO_HASH).to.equal('0'.repeat(64)));
});

describe('hashDomain', () => {
  /** The documented construction, with node:crypto: SHA-256(len(tag) ‖ tag ‖ data). */
  const expected = (tag: string, data: Uint8Array) =>
    createHash('sha256')
      .update(
        Buffer.concat([Buffer.from([tag.length]), Buffer.from(tag, 'ascii'), Buffer.from(data)]),
      )
      .digest('hex');

  for (const tag of Object.values(HashDomain)) {
    it(`frames ${tag} as len ‖ tag ‖ data`, () => {
      const data = utf8('{"a":"1"}');
      expect(hashDomainHex(tag, data)).to.equal(expected(tag, data));
      expect(Buffer.from(hashDomain(tag, data)).toString('hex')).to.equal(expected(tag, data));
    });
  }

  it('separates domains: the same bytes hash differently under each tag and plainly', () => {
    const data = utf8('same bytes');
    const digests = Object.values(HashDomain).map((tag) => hashDomainHex(tag, data));
    digests.push(sha256Hex(data));
    expect(new Set(digests).size).to.equal(digests.length);
  });

  it('is unambiguous where tag and data boundaries move', () => {
    // 'QFS/tx/v1' + '1…' must not equal a tag 'QFS/tx/v11' + '…': the length byte differs.
    const a = expected('QFS/tx/v1', utf8('1x'));
    const b = expected('QFS/tx/v11', utf8('x'));
    expect(a).to.not.equal(b);
    expect(hashDomainHex(HashDomain.TX, utf8('1x'))).to.equal(a);
  });
});

describe('hashCanonical', () => {
  it('is SHA-256 of the canonical bytes', () => {
    const value = { b: 2n, a: 'x' };
    expect(hashCanonical(value)).to.equal(
      createHash('sha256').update('{"a":"x","b":"2"}').digest('hex'),
    );
    expect(hashCanonical(value)).to.equal(sha256Hex(canonicalBytes({ a: 'x', b: 2n })));
  });
});

describe('sha256 (native digest)', () => {
  it('equals @noble/hashes on inputs of every length up to 300 bytes', () => {
    for (let n = 0; n <= 300; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 255);
      const expected = nobleSha256(data);
      expect(ours(data)).to.deep.equal(expected);
      expect(oursHex(data)).to.equal(toHex(expected));
    }
  });
});
