/*
 * Backend equivalence and fallback.
 * - both backends accept the same valid signatures (keys × contexts × message sizes)
 * - both reject the same corrupted ones: a flipped byte in each signature region (c̃, z, hint),
 *   structurally invalid hints and z, a flipped message byte, a flipped public-key byte (ρ, t1),
 *   another context, and random single-byte mutations
 * - selection: native when present; noble with one log line when pqclean is missing, is pqclean's
 *   WebAssembly fallback, or fails the self-test; `native` required and missing throws
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import {
  backendPreferenceFromEnv,
  contextMessage,
  createNativeBackend,
  CryptoBackendUnavailableError,
  CryptoInvalidInputError,
  KEY_CACHE_DEFAULT,
  keyCacheFromEnv,
  nobleBackend,
  selectVerifyBackend,
  sign,
  SignatureContext,
  type SignatureContext as Context,
  type VerifyBackend,
} from '../../../runtime/crypto';
import { ErrorCode } from '../../../runtime/errors';
import { scaledRuns } from '../../support/num-runs';
import { caught, flipByte, testKey } from '../../support/keys';

const utf8 = (s: string) => new TextEncoder().encode(s);
// ML-DSA-87 signature layout: c̃ (64 bytes) ‖ z (7 × 640 bytes) ‖ h (ω + k = 75 + 8 bytes).
const Z_START = 64;
const H_START = 64 + 7 * 640;
const SIGNATURE_BYTES = 4627;

function nativeOrSkip(ctx: Mocha.Context): VerifyBackend {
  try {
    return createNativeBackend();
  } catch (err) {
    if (err instanceof CryptoBackendUnavailableError) ctx.skip();
    throw err;
  }
}

describe('verification backends', function () {
  this.timeout(60_000);
  let native: VerifyBackend;
  before(function () {
    native = nativeOrSkip(this);
  });

  /** Both backends' verdicts on the framed message; they must agree. */
  function verdicts(
    publicKey: Uint8Array,
    message: Uint8Array,
    signature: Uint8Array,
    context: Context,
  ) {
    const d = contextMessage(context, message);
    return {
      noble: nobleBackend.verify(publicKey, d, signature),
      native: native.verify(publicKey, d, signature),
    };
  }

  describe('when the signature is valid', () => {
    const messages = [
      new Uint8Array(0),
      utf8('x'),
      Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 255),
    ];
    it('both accept it, for every context, several keys and message sizes', () => {
      for (const n of [1, 2]) {
        const key = testKey(n);
        for (const context of Object.values(SignatureContext)) {
          const message = messages[(n + context.length) % messages.length] as Uint8Array;
          const signature = sign(key.secretKey, message, context);
          expect(verdicts(key.publicKey, message, signature, context)).to.deep.equal({
            noble: true,
            native: true,
          });
        }
      }
    });
  });

  describe('when something is corrupted', () => {
    const key = testKey(3);
    const message = utf8('{"kind":"corruption-target","n":"42"}');
    const context = SignatureContext.DRV;
    const signature = sign(key.secretKey, message, context);
    const rejected = { noble: false, native: false };

    const regions: [string, number[]][] = [
      ['c̃ (challenge seed)', [0, 31, 63]],
      ['z (response)', [Z_START, Z_START + 1, 1000, 2500, H_START - 1]],
      ['h (hint positions)', [H_START, H_START + 40, H_START + 74]],
      ['h (hint counts)', [H_START + 75, H_START + 80, SIGNATURE_BYTES - 1]],
    ];
    for (const [region, offsets] of regions) {
      it(`both reject a flipped byte in ${region}`, () => {
        for (const offset of offsets) {
          expect(
            verdicts(key.publicKey, message, flipByte(signature, offset), context),
            `offset ${offset}`,
          ).to.deep.equal(rejected);
        }
      });
    }

    it('both reject structurally invalid hints (counts out of order, beyond ω)', () => {
      const unordered = Uint8Array.from(signature);
      unordered[H_START + 75] = 60;
      unordered[H_START + 76] = 10;
      const beyond = Uint8Array.from(signature);
      beyond[SIGNATURE_BYTES - 1] = 200;
      for (const bad of [unordered, beyond])
        expect(verdicts(key.publicKey, message, bad, context)).to.deep.equal(rejected);
    });

    it('both reject an out-of-range z and an all-zero or all-ones signature', () => {
      const bigZ = Uint8Array.from(signature);
      bigZ.fill(0xff, Z_START, Z_START + 40);
      for (const bad of [
        bigZ,
        new Uint8Array(SIGNATURE_BYTES),
        new Uint8Array(SIGNATURE_BYTES).fill(0xff),
      ]) {
        expect(verdicts(key.publicKey, message, bad, context)).to.deep.equal(rejected);
      }
    });

    it('both reject a flipped message byte (first, middle, last) and an extended message', () => {
      for (const i of [0, 18, message.length - 1]) {
        expect(verdicts(key.publicKey, flipByte(message, i), signature, context)).to.deep.equal(
          rejected,
        );
      }
      const longer = new Uint8Array([...message, 0]);
      expect(verdicts(key.publicKey, longer, signature, context)).to.deep.equal(rejected);
    });

    it('both reject a flipped public-key byte in ρ and in t1', () => {
      for (const i of [0, 31, 32, 1300, 2591]) {
        expect(
          verdicts(flipByte(key.publicKey, i), message, signature, context),
          `pk byte ${i}`,
        ).to.deep.equal(rejected);
      }
    });

    it('both reject the signature under every other context', () => {
      for (const other of Object.values(SignatureContext)) {
        if (other === context) continue;
        expect(verdicts(key.publicKey, message, signature, other)).to.deep.equal(rejected);
      }
    });

    it('both reject any random single-byte mutation of the signature', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: SIGNATURE_BYTES - 1 }),
          fc.integer({ min: 1, max: 255 }),
          (at, xor) => {
            const bad = Uint8Array.from(signature);
            bad[at] = (bad[at] as number) ^ xor;
            expect(verdicts(key.publicKey, message, bad, context)).to.deep.equal(rejected);
          },
        ),
        { numRuns: scaledRuns(0.3) },
      );
    });
  });
});

describe('selectVerifyBackend', () => {
  const missing = () => {
    throw new Error("Cannot find module 'pqclean'");
  };

  it('selects native when pqclean is present', function () {
    nativeOrSkip(this);
    expect(selectVerifyBackend({ log: () => expect.fail('no log expected') }).name).to.equal(
      'native',
    );
  });

  const fallbacks: [string, () => unknown, RegExp][] = [
    ['pqclean is missing', missing, /cannot load pqclean.*falling back to @noble\/post-quantum/],
    ['pqclean has no Sign class', () => ({}), /no Sign class/],
    [
      'pqclean loaded its WebAssembly fallback',
      () => ({ Sign: class Sign {} }),
      /WebAssembly fallback/,
    ],
    [
      'the native module fails the known-answer self-test',
      // A bound function prints as native code; this one accepts every signature.
      () => ({
        Sign: class {
          publicKeySize = 2592;
          signatureSize = 4627;
          verify = () => true;
        }.bind(null),
      }),
      /self-test failed/,
    ],
    [
      'the QFS verifier module is not native code',
      () => ({ verify: () => true, createCache: () => ({}) }),
      /QFS verifier module is not native code/,
    ],
    [
      'the QFS verifier fails the known-answer self-test',
      () => ({ verify: (() => true).bind(null), createCache: (() => ({})).bind(null) }),
      /self-test failed/,
    ],
  ];
  for (const [name, loadNative, line] of fallbacks) {
    it(`falls back to noble with one log line when ${name}`, () => {
      const lines: string[] = [];
      const backend = selectVerifyBackend({ loadNative, log: (l) => lines.push(l) });
      expect(backend.name).to.equal('noble');
      expect(lines).to.have.length(1);
      expect(lines[0]).to.match(line);
    });
  }

  it('throws CRYPTO_BACKEND_UNAVAILABLE when native is required and missing', () => {
    const err = caught(() =>
      selectVerifyBackend({ preference: 'native', loadNative: missing }),
    ) as CryptoBackendUnavailableError;
    expect(err.code).to.equal(ErrorCode.CRYPTO_BACKEND_UNAVAILABLE);
  });

  it('selects noble without loading pqclean when asked to', () => {
    expect(
      selectVerifyBackend({ preference: 'noble', loadNative: () => expect.fail('not loaded') })
        .name,
    ).to.equal('noble');
  });

  it('falls back in a real process where pqclean cannot be loaded, logs once, and still verifies', function () {
    this.timeout(60_000);
    const root = path.resolve(__dirname, '../../..');
    const script = [
      "const c = require('./runtime/crypto');",
      'const k = c.generateKeyPair(new Uint8Array(32).fill(9));',
      "const m = new TextEncoder().encode('m');",
      'const s = c.sign(k.secretKey, m, c.SignatureContext.TX);',
      'const ok = c.verify(k.publicKey, m, s, c.SignatureContext.TX);',
      'const bad = c.verify(k.publicKey, m, s, c.SignatureContext.DRV);',
      'process.stdout.write(JSON.stringify({ backend: c.getVerifyBackend().name, ok, bad }));',
    ].join('\n');
    const run = spawnSync(
      process.execPath,
      [
        '-r',
        './test/support/block-pqclean.js',
        '-r',
        'ts-node/register/transpile-only',
        '-e',
        script,
      ],
      { cwd: root, encoding: 'utf8', env: { ...process.env, QFS_PQC_BACKEND: '' } },
    );
    expect(run.status, run.stderr).to.equal(0);
    const logLines = run.stderr.split('\n').filter((l) => l.includes('falling back'));
    expect(logLines).to.have.length(1);
    expect(logLines[0]).to.match(/^qfs: native ML-DSA backend unavailable: cannot load pqclean/);
    const out = run.stdout;
    expect(JSON.parse(out)).to.deep.equal({ backend: 'noble', ok: true, bad: false });
  });
});

describe('backendPreferenceFromEnv', () => {
  it('reads auto, native and noble; unset is auto', () => {
    expect(backendPreferenceFromEnv(undefined)).to.equal('auto');
    expect(backendPreferenceFromEnv('native')).to.equal('native');
    expect(backendPreferenceFromEnv('noble')).to.equal('noble');
  });
  it('throws CRYPTO_BACKEND_UNAVAILABLE for anything else', () => {
    expect(() => backendPreferenceFromEnv('wasm')).to.throw(CryptoBackendUnavailableError);
  });
});

describe('keyCacheFromEnv', () => {
  it('reads an integer in [0, 4096]; unset or empty is the default', () => {
    expect(keyCacheFromEnv(undefined)).to.equal(KEY_CACHE_DEFAULT);
    expect(keyCacheFromEnv('')).to.equal(KEY_CACHE_DEFAULT);
    expect(keyCacheFromEnv('0')).to.equal(0);
    expect(keyCacheFromEnv('4096')).to.equal(4096);
  });
  it('throws CRYPTO_INVALID_INPUT naming the value for anything else', () => {
    for (const bad of ['4097', '-1', '1.5', '1e3', ' 8', 'many']) {
      const err = caught(() => keyCacheFromEnv(bad)) as CryptoInvalidInputError;
      expect(err.code, bad).to.equal(ErrorCode.CRYPTO_INVALID_INPUT);
      expect(err.message, bad).to.include(`"${bad}"`).and.include('QFS_PQC_KEY_CACHE');
    }
  });
  it('is a configuration error, not a reason to fall back to noble', () => {
    const err = caught(() => createNativeBackend(undefined, 4097)) as CryptoInvalidInputError;
    expect(err.code).to.equal(ErrorCode.CRYPTO_INVALID_INPUT);
    const saved = process.env.QFS_PQC_KEY_CACHE;
    process.env.QFS_PQC_KEY_CACHE = 'lots';
    try {
      const lines: string[] = [];
      const selected = caught(() => selectVerifyBackend({ log: (l) => lines.push(l) }));
      expect((selected as CryptoInvalidInputError).code).to.equal(ErrorCode.CRYPTO_INVALID_INPUT);
      expect(lines).to.deep.equal([]);
    } finally {
      if (saved === undefined) delete process.env.QFS_PQC_KEY_CACHE;
      else process.env.QFS_PQC_KEY_CACHE = saved;
    }
  });
});
