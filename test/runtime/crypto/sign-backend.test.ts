/*
 * Signing backends (runtime/crypto/sign-backend.ts).
 * - with QFS's addon built, the native signer is selected, and `sign` gives the same bytes through
 *   either backend
 * - it falls back to noble, quietly, when the module is missing, is pqclean's own (randomised),
 *   is not native code, or signs the known answer differently
 * - `noble` selects noble without loading anything
 */
import { expect } from 'chai';
import { ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import {
  createNativeSigner,
  CryptoBackendUnavailableError,
  getSignBackend,
  nobleSigner,
  selectSignBackend,
  setSignBackend,
  sign,
  SignatureContext,
  verify,
} from '../../../runtime/crypto';
import { usableAddon } from '../../../runtime/crypto/native-build';
import { ErrorCode } from '../../../runtime/errors';
import { caught, testKey } from '../../support/keys';

/** A stand-in for a native function: a bound function prints as `[native code]`. */
const nativeLooking = (fn: (sk: Uint8Array, m: Uint8Array) => Uint8Array) => fn.bind(null);

describe('signing backends', function () {
  this.timeout(60_000);

  describe('with QFS addon built', () => {
    before(function () {
      if (usableAddon() === null) this.skip();
    });

    it('selects the native signer', () => {
      const signer = selectSignBackend('auto');
      expect(signer.name).to.equal('native');
      expect(signer.implementation).to.match(/^QFS signer/);
      expect(selectSignBackend('native').name).to.equal('native');
    });

    it('sign() gives the same bytes, which verify, through the native signer and noble', () => {
      const previous = getSignBackend();
      try {
        const key = testKey(21);
        const message = new TextEncoder().encode('same bytes either way');
        setSignBackend(createNativeSigner());
        const native = sign(key.secretKey, message, SignatureContext.DRV);
        setSignBackend(nobleSigner);
        const noble = sign(key.secretKey, message, SignatureContext.DRV);
        expect(native).to.deep.equal(noble);
        expect(verify(key.publicKey, message, native, SignatureContext.DRV)).to.equal(true);
      } finally {
        setSignBackend(previous);
      }
    });
  });

  const refusals: [string, () => unknown, RegExp][] = [
    [
      'the module is missing',
      () => {
        throw new Error("Cannot find module 'pqclean'");
      },
      /cannot load the native module/,
    ],
    [
      "it is pqclean's own addon (no deterministic signer)",
      () => ({ Sign: class {} }),
      /no deterministic signer/,
    ],
    [
      'its signer is not native code',
      () => ({ sign: (sk: Uint8Array, m: Uint8Array) => nobleSigner.sign(sk, m) }),
      /not native code/,
    ],
    [
      'it signs the known answer with other bytes (randomised signing)',
      () => ({
        sign: nativeLooking((sk, m) =>
          ml_dsa87.sign(m, sk, { extraEntropy: new Uint8Array(32).fill(1) }),
        ),
      }),
      /differs from noble/,
    ],
    [
      'it returns no bytes',
      () => ({ sign: nativeLooking(() => new Uint8Array(4627)) }),
      /differs from noble/,
    ],
  ];
  for (const [name, load, reason] of refusals) {
    it(`refuses the native signer, and selection falls back to noble, when ${name}`, () => {
      const err = caught(() => createNativeSigner(load)) as CryptoBackendUnavailableError;
      expect(err).to.be.instanceOf(CryptoBackendUnavailableError);
      expect(err.code).to.equal(ErrorCode.CRYPTO_BACKEND_UNAVAILABLE);
      expect(err.message).to.match(reason);
      expect(selectSignBackend('auto', load)).to.equal(nobleSigner);
      expect(selectSignBackend('native', load)).to.equal(nobleSigner);
    });
  }

  it('selects noble without loading anything when asked to', () => {
    expect(selectSignBackend('noble', () => expect.fail('not loaded'))).to.equal(nobleSigner);
  });
});
