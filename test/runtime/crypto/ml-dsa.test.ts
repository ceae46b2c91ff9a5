import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import {
  contextMessage,
  CryptoInvalidInputError,
  generateKeyPair,
  ML_DSA_87,
  sign,
  SignatureContext,
  verify,
  nobleBackend,
  nobleSigner,
  type SignBackend,
  type VerifyBackend,
  type SignatureContext as Context,
} from '../../../runtime/crypto';
import { ErrorCode } from '../../../runtime/errors';
import { caught, flipByte, testKey } from '../../support/keys';

const utf8 = (s: string) => new TextEncoder().encode(s);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const CONTEXTS = Object.values(SignatureContext);

describe('generateKeyPair', () => {
  it('derives the same key from the same seed, and the pinned key from seed 0x07…', () => {
    const a = generateKeyPair(new Uint8Array(32).fill(7));
    const b = generateKeyPair(new Uint8Array(32).fill(7));
    expect(Buffer.from(a.publicKey).equals(Buffer.from(b.publicKey))).to.equal(true);
    expect(a.publicKey).to.have.length(ML_DSA_87.publicKeyBytes);
    expect(a.secretKey).to.have.length(ML_DSA_87.secretKeyBytes);
    // Pinned across runs and machines: a change here breaks every existing key.
    expect(a.address).to.equal('0x2603637EC8BFf3EF96cF53F9874d15b7809fCe49');
  });
  it('throws CRYPTO_INVALID_INPUT for a seed that is not 32 bytes', () => {
    const err = caught(() => generateKeyPair(new Uint8Array(31))) as CryptoInvalidInputError;
    expect(err.code).to.equal(ErrorCode.CRYPTO_INVALID_INPUT);
    expect(err.details.field).to.equal('seed');
  });
});

describe('sign', () => {
  it('is deterministic: the same key and message give the same bytes, across runs', () => {
    const key = generateKeyPair(new Uint8Array(32).fill(7));
    const a = sign(key.secretKey, utf8('replay me'), SignatureContext.DRV);
    const b = sign(key.secretKey, utf8('replay me'), SignatureContext.DRV);
    expect(a).to.have.length(ML_DSA_87.signatureBytes);
    expect(sha(a)).to.equal(sha(b));
    expect(sha(a)).to.equal('e4b7cd2b8034f96ffb0114dd1e21678ced91b511db83ad658080dab3111039e3');
  });
  it('throws CRYPTO_INVALID_INPUT for a wrong secret key length', () => {
    expect(() => sign(new Uint8Array(10), utf8('m'), SignatureContext.TX))
      .to.throw(CryptoInvalidInputError)
      .with.nested.property('details.field', 'secretKey');
  });
});

describe('verify', () => {
  const key = testKey(1);
  const message = utf8('transfer 5 CHR');
  const signature = sign(key.secretKey, message, SignatureContext.TX);

  it('accepts a valid signature', () =>
    expect(verify(key.publicKey, message, signature, SignatureContext.TX)).to.equal(true));
  it('returns false for a flipped signature, message or key', () => {
    expect(verify(key.publicKey, message, flipByte(signature, 10), SignatureContext.TX)).to.equal(
      false,
    );
    expect(verify(key.publicKey, flipByte(message, 0), signature, SignatureContext.TX)).to.equal(
      false,
    );
    expect(verify(flipByte(key.publicKey, 40), message, signature, SignatureContext.TX)).to.equal(
      false,
    );
    expect(verify(testKey(2).publicKey, message, signature, SignatureContext.TX)).to.equal(false);
  });

  describe('when the caller passes the backend (the core reads no environment)', () => {
    it('verifies with the backend it is given, and signs with the signer it is given', () => {
      const used: string[] = [];
      const counting: VerifyBackend = {
        ...nobleBackend,
        verify: (...args) => (used.push('verify'), nobleBackend.verify(...args)),
      };
      const signer: SignBackend = {
        ...nobleSigner,
        sign: (...args) => (used.push('sign'), nobleSigner.sign(...args)),
      };
      const bytes = sign(key.secretKey, message, SignatureContext.TX, signer);
      expect(sha(bytes)).to.equal(sha(signature)); // noble's bytes, whichever signer the shell chose
      expect(verify(key.publicKey, message, bytes, SignatureContext.TX, counting)).to.equal(true);
      expect(
        verify(key.publicKey, message, flipByte(bytes, 3), SignatureContext.TX, counting),
      ).to.equal(false);
      expect(used).to.deep.equal(['sign', 'verify', 'verify']);
    });
  });

  describe('when the input is malformed', () => {
    const cases: [string, () => unknown, string][] = [
      [
        'a short public key',
        () => verify(key.publicKey.subarray(1), message, signature, SignatureContext.TX),
        'publicKey',
      ],
      [
        'a short signature',
        () => verify(key.publicKey, message, signature.subarray(1), SignatureContext.TX),
        'signature',
      ],
      [
        'a long signature',
        () => verify(key.publicKey, message, new Uint8Array(4628), SignatureContext.TX),
        'signature',
      ],
      [
        'a message that is not bytes',
        () => verify(key.publicKey, 'm' as unknown as Uint8Array, signature, SignatureContext.TX),
        'message',
      ],
      [
        'an unregistered context',
        () => verify(key.publicKey, message, signature, 'QFS/other/v1' as Context),
        'context',
      ],
      [
        'a context longer than 255 bytes',
        () => verify(key.publicKey, message, signature, 'x'.repeat(256) as Context),
        'context',
      ],
    ];
    for (const [name, call, field] of cases) {
      it(`throws CRYPTO_INVALID_INPUT for ${name}`, () => {
        const err = caught(call) as CryptoInvalidInputError;
        expect(err).to.be.instanceOf(CryptoInvalidInputError);
        expect(err.details.field).to.equal(field);
      });
    }
    it('says when a context is too long', () => {
      expect(() => verify(key.publicKey, message, signature, 'x'.repeat(256) as Context)).to.throw(
        'longer than 255 bytes',
      );
    });
  });
});

describe('signature contexts', () => {
  const key = testKey(1);
  const message = utf8('{"same":"bytes"}');
  const signatures = CONTEXTS.map((context) => sign(key.secretKey, message, context));

  it('are all distinct, ASCII and at most 255 bytes', () => {
    expect(new Set(CONTEXTS).size).to.equal(CONTEXTS.length);
    for (const c of CONTEXTS) expect(c).to.match(/^QFS\/[a-z/]+\/v[0-9]+$/);
  });

  it('a signature verifies under its own context and under no other (e.g. a tx signature is never a seal)', () => {
    CONTEXTS.forEach((signedAs, i) => {
      CONTEXTS.forEach((checkedAs) => {
        const ok = verify(key.publicKey, message, signatures[i] as Uint8Array, checkedAs);
        expect(ok, `${signedAs} checked as ${checkedAs}`).to.equal(signedAs === checkedAs);
      });
    });
  });
});

describe('contextMessage', () => {
  it('is 0x00 ‖ len(ctx) ‖ ctx ‖ M', () => {
    const d = contextMessage(SignatureContext.TX, new Uint8Array([0xaa, 0xbb]));
    expect(Buffer.from(d).toString('hex')).to.equal(
      `0009${Buffer.from('QFS/tx/v1').toString('hex')}aabb`,
    );
  });

  it('is what a standard FIPS 204 verifier checks with the empty context', () => {
    const key = testKey(1);
    const message = utf8('interop');
    const signature = sign(key.secretKey, message, SignatureContext.KEY_SEAL);
    const d = contextMessage(SignatureContext.KEY_SEAL, message);
    expect(ml_dsa87.verify(signature, d, key.publicKey)).to.equal(true);
    // The context is not the FIPS 204 ctx parameter (see docs/decisions.md).
    expect(
      ml_dsa87.verify(signature, message, key.publicKey, {
        context: utf8(SignatureContext.KEY_SEAL),
      }),
    ).to.equal(false);
  });
});
