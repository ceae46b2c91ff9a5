import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import {
  createKeyFile,
  CryptoInvalidInputError,
  decryptKey,
  encryptKey,
  generateKeyPair,
  keyFingerprint,
  KeystoreBadPassphraseError,
  KeystoreCorruptError,
  KeystoreExistsError,
  KeystoreNoPassphraseError,
  KeystoreNotFoundError,
  parseKeyFile,
  readKeyFile,
  serializeKeyFile,
  writeKeyFile,
  type KeyFile,
} from '../../../runtime/crypto';
import { bytesToHex, sha256Hex, canonicalBytes } from '../../../runtime/codec';
import { ErrorCode } from '../../../runtime/errors';
import { caught } from '../../support/keys';

const CHEAP = { scryptN: 2 ** 10 };
const SEED = new Uint8Array(32).fill(3);

/** Replaces fields of a key file and recomputes its checksum (a deliberate, consistent edit). */
function rewrite(file: KeyFile, patch: Partial<Record<keyof KeyFile, unknown>>): string {
  const { checksum: _checksum, ...body } = { ...file, ...patch } as Record<string, unknown>;
  return JSON.stringify({ ...body, checksum: sha256Hex(canonicalBytes(body)) });
}

describe('keystore', function () {
  this.timeout(30_000);
  const file = encryptKey(SEED, 'correct horse', CHEAP);
  const text = serializeKeyFile(file);

  describe('encryptKey / decryptKey', () => {
    it('round-trips the key through the file text', () => {
      const { keyPair, seed } = decryptKey(parseKeyFile(text), 'correct horse');
      const expected = generateKeyPair(SEED);
      expect(keyPair.address).to.equal(expected.address);
      expect(bytesToHex(seed)).to.equal(bytesToHex(SEED));
      expect(file.address).to.equal(expected.address);
      expect(file.publicKey).to.equal(bytesToHex(expected.publicKey));
    });

    it('does not store the seed in the clear', () => {
      expect(text).to.not.include(bytesToHex(SEED));
    });

    it('uses a fresh salt and nonce each time', () => {
      const again = encryptKey(SEED, 'correct horse', CHEAP);
      expect(again.kdf.salt).to.not.equal(file.kdf.salt);
      expect(again.cipher.nonce).to.not.equal(file.cipher.nonce);
    });

    it('normalises the passphrase (NFKC): composed and decomposed forms unlock the same key', () => {
      const accented = encryptKey(SEED, 'caf\u00e9', CHEAP);
      expect(decryptKey(accented, 'cafe\u0301').keyPair.address).to.equal(file.address);
    });

    it('defaults to scrypt N = 2^18, r = 8, p = 1', () => {
      const strong = createKeyFile('pw', {});
      expect(strong.file.kdf).to.include({ N: 2 ** 18, r: 8, p: 1, dkLen: 32 });
    });

    it('throws KEYSTORE_BAD_PASSPHRASE for a wrong passphrase', () => {
      const err = caught(() => decryptKey(file, 'wrong horse')) as KeystoreBadPassphraseError;
      expect(err).to.be.instanceOf(KeystoreBadPassphraseError);
      expect(err.code).to.equal(ErrorCode.KEYSTORE_BAD_PASSPHRASE);
      expect(err.details.address).to.equal(file.address);
    });

    it('throws CRYPTO_INVALID_INPUT for a scrypt cost that is not a power of two in range', () => {
      for (const scryptN of [1000, 2 ** 9, 2 ** 21]) {
        expect(() => encryptKey(SEED, 'x', { scryptN }))
          .to.throw(CryptoInvalidInputError)
          .with.nested.property('details.field', 'scryptN');
      }
    });

    it('throws KEYSTORE_NO_PASSPHRASE for an empty passphrase', () => {
      expect(() => encryptKey(SEED, '', CHEAP)).to.throw(KeystoreNoPassphraseError);
    });
  });

  describe('parseKeyFile', () => {
    const flipHex = (hex: string, at: number) =>
      hex.slice(0, at) + (hex[at] === '0' ? '1' : '0') + hex.slice(at + 1);
    const corruptions: [string, string, string | null][] = [
      ['a truncated file', text.slice(0, text.length / 2), null],
      ['an empty file', '', null],
      [
        'an altered ciphertext',
        text.replace(file.ciphertext, flipHex(file.ciphertext, 5)),
        'checksum',
      ],
      ['an altered salt', text.replace(file.kdf.salt, flipHex(file.kdf.salt, 0)), 'checksum'],
      [
        'an altered nonce',
        text.replace(file.cipher.nonce, flipHex(file.cipher.nonce, 3)),
        'checksum',
      ],
      [
        'an altered address',
        text.replace(file.address, '0x0000000000000000000000000000000000000000'),
        'checksum',
      ],
      [
        'a truncated public key',
        rewrite(file, { publicKey: file.publicKey.slice(2) }),
        'publicKey',
      ],
      [
        'an address that is not the key’s (checksum recomputed)',
        rewrite(file, { address: '0x0000000000000000000000000000000000000001' }),
        'address',
      ],
      ['an extra field', rewrite(file, { note: 'x' } as never), 'file'],
      ['an unsupported version', rewrite(file, { version: 2 }), 'version'],
      [
        'an unsupported cipher',
        rewrite(file, { cipher: { name: 'aes-128-ctr', nonce: file.cipher.nonce } }),
        'cipher.name',
      ],
      [
        'a memory-exhausting scrypt N',
        rewrite(file, { kdf: { ...file.kdf, N: 2 ** 30 } }),
        'kdf.N',
      ],
      ['a non-power-of-two N', rewrite(file, { kdf: { ...file.kdf, N: 1000 } }), 'kdf.N'],
      ['a malformed salt', rewrite(file, { kdf: { ...file.kdf, salt: 'zz' } }), 'kdf.salt'],
      ['a JSON array', '[]', 'file'],
    ];
    for (const [name, corrupted, field] of corruptions) {
      it(`throws KEYSTORE_CORRUPT for ${name}`, () => {
        const err = caught(() => parseKeyFile(corrupted)) as KeystoreCorruptError;
        expect(err).to.be.instanceOf(KeystoreCorruptError);
        expect(err.code).to.equal(ErrorCode.KEYSTORE_CORRUPT);
        expect(err.details.field).to.equal(field);
      });
    }

    it('throws KEYSTORE_CORRUPT when a consistent rewrite swaps in another public key', () => {
      const other = generateKeyPair(new Uint8Array(32).fill(4));
      const swapped = parseKeyFile(
        rewrite(file, { publicKey: bytesToHex(other.publicKey), address: other.address }),
      );
      const err = caught(() => decryptKey(swapped, 'correct horse')) as KeystoreCorruptError;
      expect(err).to.be.instanceOf(KeystoreCorruptError);
      expect(err.details.field).to.equal('publicKey');
    });
  });

  describe('writeKeyFile / readKeyFile', () => {
    let dir: string;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qfs-keystore-'));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('writes a file readable only by its owner and reads it back', () => {
      const target = path.join(dir, 'a.json');
      writeKeyFile(target, file);
      expect(fs.statSync(target).mode & 0o777).to.equal(0o600);
      expect(readKeyFile(target)).to.deep.equal(file);
    });

    it('throws KEYSTORE_EXISTS instead of overwriting, and leaves the file unchanged', () => {
      const target = path.join(dir, 'b.json');
      writeKeyFile(target, file);
      const other = encryptKey(new Uint8Array(32).fill(5), 'x', CHEAP);
      expect(() => writeKeyFile(target, other)).to.throw(KeystoreExistsError);
      expect(readKeyFile(target).address).to.equal(file.address);
    });

    it('throws KEYSTORE_NOT_FOUND for a missing file', () => {
      const err = caught(() =>
        readKeyFile(path.join(dir, 'missing.json')),
      ) as KeystoreNotFoundError;
      expect(err.code).to.equal(ErrorCode.KEYSTORE_NOT_FOUND);
      expect(err.details.reason).to.equal('ENOENT');
    });
  });

  describe('keyFingerprint', () => {
    it('is the first 16 hex digits of SHA-256(public key)', () => {
      const { publicKey } = generateKeyPair(SEED);
      expect(keyFingerprint(publicKey)).to.equal(sha256Hex(publicKey).slice(0, 16));
      expect(keyFingerprint(publicKey)).to.have.length(16);
    });
  });
});
