/*
 * DRV packets
 * ├── createPacket / signPacket: genesis links to 64 zeros, then to packetHash(previous);
 * │   the signed bytes are the hashed bytes; the hash covers the signer; deterministic (pinned)
 * ├── computePayloadHash: order-sensitive, tx and guidance lists kept apart
 * ├── validatePacket accepts a valid chain; every rejection has its code and offending values:
 * │   malformed, version, chain, seed, sequence, timestamp (range, order, jump), previousHash,
 * │   payloadHash, signer (unknown, revoked, retired, no sequencer), signature (flipped,
 * │   wrong key, malformed, other context)
 * └── parsePacket round-trips the JSON form
 */
import { expect } from 'chai';
import {
  bytesToHex,
  canonicalString,
  hexToBytes,
  sha256Hex,
  ZERO_HASH,
} from '../../../runtime/codec';
import { sign, SignatureContext, verify, type KeyPair } from '../../../runtime/crypto';
import { BaseError, ErrorCode } from '../../../runtime/errors';
import {
  computePayloadHash,
  createPacket,
  DRV_TIMESTAMP_JUMP_MAX_MS,
  packetHash,
  packetSigningBytes,
  parsePacket,
  replayKeyLedger,
  signPacket,
  validatePacket,
  type DrvPacket,
  type DrvPacketBody,
  type KeyLedgerView,
  type UnsignedDrvPacket,
} from '../../../runtime/ledger';
import { caught, flipByte } from '../../support/keys';
import { buildScenario, CHAIN, keys } from './scenario';

const TX = ['11', '22', '33'].map((b) => b.repeat(32));
const GUIDANCE = ['44'.repeat(32)];
const EXPECT = { chainId: CHAIN };

function withoutMetadata(packet: DrvPacket): Omit<DrvPacket, 'metadata'> {
  const { metadata: _metadata, ...rest } = packet;
  return rest;
}

function rejects(fn: () => unknown, code: string, details: Record<string, unknown> = {}): void {
  const err = caught(fn) as BaseError;
  expect(err, String(err)).to.be.instanceOf(BaseError);
  expect(err.code, err.message).to.equal(code);
  expect(err.details).to.include(details);
}

describe('DRV packets', function () {
  this.timeout(60_000);
  let view: KeyLedgerView;
  let p0: DrvPacket;
  let p1: DrvPacket;
  const { S2, A, S, U, W } = keys;

  /** `packet` with `changes`, signed again by `key` (so only the change can be at fault). */
  const resign = (packet: DrvPacket, changes: Partial<UnsignedDrvPacket>, key: KeyPair = S2) =>
    signPacket({ ...packet, ...changes }, key);

  before(() => {
    view = replayKeyLedger(buildScenario().entries).view;
    p0 = signPacket(
      createPacket({
        chainId: CHAIN,
        previous: null,
        ttsTimestamp: 1_700_000_000_000n,
        seed: 'aa'.repeat(32),
        payloadHash: computePayloadHash(TX, GUIDANCE),
        entropy: {
          source: 'os-csprng',
          prevSealHash: ZERO_HASH,
          detail: { bytes: '32', parts: ['a', 'b'] },
        },
        metadata: { bundle: '0' },
      }),
      S2,
    );
    p1 = signPacket(
      createPacket({
        chainId: CHAIN,
        previous: p0,
        ttsTimestamp: 1_700_000_000_500n,
        seed: 'bb'.repeat(32),
        payloadHash: computePayloadHash([], []),
        entropy: { source: 'drand', round: '1234' },
      }),
      S2,
    );
  });

  describe('createPacket / signPacket', () => {
    it('starts at sequence 0 linked to 64 zeros, then links each packet to the previous hash', () => {
      expect(p0.sequence).to.equal(0n);
      expect(p0.previousHash).to.equal(ZERO_HASH);
      expect(p1.sequence).to.equal(1n);
      expect(p1.previousHash).to.equal(packetHash(p0));
      expect(p0.signer).to.equal(S2.address);
    });

    it('signs exactly the bytes it hashes (the packet without its signature, signer included)', () => {
      const bytes = packetSigningBytes(p0);
      expect(packetHash(p0)).to.equal(sha256Hex(bytes));
      expect(verify(S2.publicKey, bytes, hexToBytes(p0.signature), SignatureContext.DRV)).to.equal(
        true,
      );
      expect(Buffer.from(bytes).toString()).to.not.include('"signature"');
      expect(Buffer.from(bytes).toString()).to.include(`"signer":"${S2.address}"`);
      expect(packetHash({ ...p0, signer: A.address })).to.not.equal(packetHash(p0));
      const resigned: DrvPacket = { ...p0, signature: '00' };
      expect(packetHash(resigned)).to.equal(packetHash(p0));
    });

    it('is deterministic: the pinned packet hash and signature digest', () => {
      expect(packetHash(p0)).to.equal(
        '1add8f283ba3f731131902e378f0e68c1804d489e75bbec8819f6983563573bf',
      );
      expect(sha256Hex(hexToBytes(p0.signature))).to.equal(
        'af92de2dd09f957f88545b2b73182da0ebfe51faea17424376609aa04dc73be6',
      );
    });

    it('throws DRV_BAD_SEED / DRV_MALFORMED / DRV_TIMESTAMP_OUT_OF_RANGE for bad inputs', () => {
      const base = {
        chainId: CHAIN,
        previous: null,
        ttsTimestamp: 1n,
        seed: 'aa'.repeat(32),
        payloadHash: ZERO_HASH,
        entropy: { source: 'x' },
      };
      rejects(() => createPacket({ ...base, seed: 'AA'.repeat(32) }), ErrorCode.DRV_BAD_SEED);
      rejects(() => createPacket({ ...base, chainId: 'Bad Chain' }), ErrorCode.DRV_MALFORMED, {
        field: 'chainId',
      });
      rejects(
        () => createPacket({ ...base, ttsTimestamp: -1n }),
        ErrorCode.DRV_TIMESTAMP_OUT_OF_RANGE,
      );
      rejects(
        () => createPacket({ ...base, entropy: { source: 'x', jitter: 0.5 } as never }),
        ErrorCode.DRV_MALFORMED,
        { field: 'entropy' },
      );
    });
  });

  describe('computePayloadHash', () => {
    it('is order-sensitive and keeps transactions and guidance apart', () => {
      const hashes = [
        computePayloadHash(TX, GUIDANCE),
        computePayloadHash([...TX].reverse(), GUIDANCE),
        computePayloadHash([...TX, ...GUIDANCE], []),
        computePayloadHash(TX, []),
        computePayloadHash(GUIDANCE, TX),
      ];
      expect(new Set(hashes).size).to.equal(hashes.length);
    });
    it('throws DRV_MALFORMED for a hash that is not 32 bytes of hex, naming it', () => {
      rejects(() => computePayloadHash(['ab'], []), ErrorCode.DRV_MALFORMED, {
        field: 'transactions/0',
      });
      rejects(() => computePayloadHash([], ['AB'.repeat(32)]), ErrorCode.DRV_MALFORMED, {
        field: 'guidance/0',
      });
    });
  });

  describe('validatePacket', () => {
    it('accepts a valid genesis and its successor', () => {
      validatePacket(p0, null, view, { ...EXPECT, payloadHash: computePayloadHash(TX, GUIDANCE) });
      validatePacket(p1, p0, view, EXPECT);
    });

    const cases: [string, () => unknown, string, Record<string, unknown>][] = [];
    const add = (
      name: string,
      fn: () => unknown,
      code: string,
      details: Record<string, unknown> = {},
    ) => cases.push([name, fn, code, details]);

    add(
      'a missing field',
      () => validatePacket(withoutMetadata(p1) as never, p0, view, EXPECT),
      ErrorCode.DRV_MALFORMED,
      { field: 'packet' },
    );
    add(
      'an extra field',
      () => validatePacket({ ...p1, extra: '1' } as never, p0, view, EXPECT),
      ErrorCode.DRV_MALFORMED,
      { field: 'packet' },
    );
    add(
      'a malformed previousHash',
      () => validatePacket({ ...p1, previousHash: 'x' }, p0, view, EXPECT),
      ErrorCode.DRV_MALFORMED,
      { field: 'previousHash' },
    );
    add(
      'a non-string metadata value',
      () => validatePacket({ ...p1, metadata: { a: 1 } as never }, p0, view, EXPECT),
      ErrorCode.DRV_MALFORMED,
      { field: 'metadata' },
    );
    add(
      'an entropy record without source',
      () => validatePacket({ ...p1, entropy: { round: '1' } as never }, p0, view, EXPECT),
      ErrorCode.DRV_MALFORMED,
      { field: 'entropy/source' },
    );
    add(
      'a sequence that is a number',
      () => validatePacket({ ...p1, sequence: 1 } as never, p0, view, EXPECT),
      ErrorCode.DRV_MALFORMED,
      { field: 'sequence' },
    );
    add(
      'a lowercase (unchecksummed) signer',
      () => validatePacket({ ...p1, signer: S2.address.toLowerCase() }, p0, view, EXPECT),
      ErrorCode.DRV_MALFORMED,
      { field: 'signer' },
    );
    add(
      'version "2"',
      () => validatePacket(resign(p1, { version: '2' }), p0, view, EXPECT),
      ErrorCode.DRV_BAD_VERSION,
      { expected: '1', actual: '2' },
    );
    add(
      'another chain',
      () => validatePacket(resign(p1, { chainId: 'qfs-other' }), p0, view, EXPECT),
      ErrorCode.DRV_WRONG_CHAIN,
      { expected: CHAIN, actual: 'qfs-other' },
    );
    add(
      'an uppercase seed',
      () => validatePacket(resign(p1, { seed: 'BB'.repeat(32) }), p0, view, EXPECT),
      ErrorCode.DRV_BAD_SEED,
      { sequence: 1n },
    );
    add(
      'a 31-byte seed',
      () => validatePacket(resign(p1, { seed: 'bb'.repeat(31) }), p0, view, EXPECT),
      ErrorCode.DRV_BAD_SEED,
    );
    add(
      'a genesis with sequence 1',
      () => validatePacket(resign(p0, { sequence: 1n }), null, view, EXPECT),
      ErrorCode.DRV_BAD_SEQUENCE,
      { expected: 0n, actual: 1n },
    );
    add(
      'a skipped sequence',
      () => validatePacket(resign(p1, { sequence: 2n }), p0, view, EXPECT),
      ErrorCode.DRV_BAD_SEQUENCE,
      { expected: 1n, actual: 2n },
    );
    add(
      'a replayed packet',
      () => validatePacket(p0, p0, view, EXPECT),
      ErrorCode.DRV_BAD_SEQUENCE,
      { expected: 1n, actual: 0n },
    );
    add(
      'a timestamp past 2^53 − 1',
      () => validatePacket(resign(p1, { ttsTimestamp: 2n ** 53n }), p0, view, EXPECT),
      ErrorCode.DRV_TIMESTAMP_OUT_OF_RANGE,
      { ttsTimestamp: 2n ** 53n, max: 2n ** 53n - 1n },
    );
    add(
      'a negative timestamp',
      () => validatePacket(resign(p0, { ttsTimestamp: -1n }), null, view, EXPECT),
      ErrorCode.DRV_TIMESTAMP_OUT_OF_RANGE,
    );
    add(
      'an equal timestamp',
      () => validatePacket(resign(p1, { ttsTimestamp: p0.ttsTimestamp }), p0, view, EXPECT),
      ErrorCode.DRV_TIMESTAMP_NOT_INCREASING,
      { previous: 1_700_000_000_000n, actual: 1_700_000_000_000n },
    );
    add(
      'an earlier timestamp',
      () => validatePacket(resign(p1, { ttsTimestamp: p0.ttsTimestamp - 1n }), p0, view, EXPECT),
      ErrorCode.DRV_TIMESTAMP_NOT_INCREASING,
    );
    add(
      'a jump past 30 days',
      () =>
        validatePacket(
          resign(p1, { ttsTimestamp: p0.ttsTimestamp + DRV_TIMESTAMP_JUMP_MAX_MS + 1n }),
          p0,
          view,
          EXPECT,
        ),
      ErrorCode.DRV_TIMESTAMP_JUMP,
      { jumpMaxMs: DRV_TIMESTAMP_JUMP_MAX_MS },
    );
    add(
      'a jump past a configured bound',
      () => validatePacket(p1, p0, view, { ...EXPECT, timestampJumpMaxMs: 499n }),
      ErrorCode.DRV_TIMESTAMP_JUMP,
      { jumpMaxMs: 499n },
    );
    add(
      'a genesis that links to something',
      () => validatePacket(resign(p0, { previousHash: '01'.repeat(32) }), null, view, EXPECT),
      ErrorCode.DRV_PREVIOUS_HASH_MISMATCH,
      { expected: ZERO_HASH, actual: '01'.repeat(32) },
    );
    add(
      'a broken link',
      () => validatePacket(resign(p1, { previousHash: ZERO_HASH }), p0, view, EXPECT),
      ErrorCode.DRV_PREVIOUS_HASH_MISMATCH,
      { actual: ZERO_HASH },
    );
    add(
      'a payload that is not the bundle',
      () =>
        validatePacket(p0, null, view, {
          ...EXPECT,
          payloadHash: computePayloadHash(TX.slice(1), GUIDANCE),
        }),
      ErrorCode.DRV_PAYLOAD_HASH_MISMATCH,
      { expected: computePayloadHash(TX.slice(1), GUIDANCE) },
    );
    add(
      'an unknown signer',
      () => validatePacket(resign(p1, {}, W), p0, view, EXPECT),
      ErrorCode.DRV_SIGNER_UNAUTHORIZED,
      { signer: W.address, reason: 'unknown key' },
    );
    add(
      'a revoked signer',
      () => validatePacket(resign(p1, {}, U), p0, view, EXPECT),
      ErrorCode.DRV_SIGNER_UNAUTHORIZED,
      { reason: 'key is revoked' },
    );
    add(
      'a retired (rotated-away) sequencer',
      () => validatePacket(resign(p1, {}, S), p0, view, EXPECT),
      ErrorCode.DRV_SIGNER_UNAUTHORIZED,
      { signer: S.address, reason: 'key is retired' },
    );
    add(
      'a signer without sequencer',
      () => validatePacket(resign(p1, {}, A), p0, view, EXPECT),
      ErrorCode.DRV_SIGNER_UNAUTHORIZED,
      { signer: A.address, reason: 'key does not hold sequencer' },
    );
    add(
      'a flipped signature byte',
      () =>
        validatePacket(
          { ...p1, signature: bytesToHex(flipByte(hexToBytes(p1.signature), 99)) },
          p0,
          view,
          EXPECT,
        ),
      ErrorCode.DRV_SIGNATURE_INVALID,
      { reason: 'does not verify' },
    );
    add(
      'another key’s signature under the sequencer’s name',
      () => validatePacket({ ...resign(p1, {}, A), signer: S2.address }, p0, view, EXPECT),
      ErrorCode.DRV_SIGNATURE_INVALID,
      { signer: S2.address },
    );
    add(
      'a truncated signature',
      () => validatePacket({ ...p1, signature: p1.signature.slice(2) }, p0, view, EXPECT),
      ErrorCode.DRV_SIGNATURE_INVALID,
      { reason: 'not 4627 bytes of hex' },
    );
    add(
      'a tx-context signature over the same bytes',
      () =>
        validatePacket(
          {
            ...p1,
            signature: bytesToHex(sign(S2.secretKey, packetSigningBytes(p1), SignatureContext.TX)),
          },
          p0,
          view,
          EXPECT,
        ),
      ErrorCode.DRV_SIGNATURE_INVALID,
    );
    add(
      'a changed field under the old signature',
      () => validatePacket({ ...p1, metadata: { bundle: '9' } }, p0, view, EXPECT),
      ErrorCode.DRV_SIGNATURE_INVALID,
    );

    for (const [name, fn, code, details] of cases) {
      it(`throws ${code} for ${name}`, () => rejects(fn, code, details));
    }
  });

  describe('parsePacket', () => {
    it('round-trips the JSON form (integers as decimal strings)', () => {
      const json: unknown = JSON.parse(canonicalString(p1));
      expect((json as Record<string, unknown>).sequence).to.equal('1');
      const parsed = parsePacket(json);
      expect(parsed).to.deep.equal(p1);
      validatePacket(parsed, p0, view, EXPECT);
    });
    it('throws DRV_MALFORMED for a non-canonical decimal or a missing field', () => {
      const json = JSON.parse(canonicalString(p1)) as Record<string, unknown>;
      rejects(() => parsePacket({ ...json, sequence: '01' }), ErrorCode.DRV_MALFORMED, {
        field: 'sequence',
      });
      rejects(() => parsePacket({ ...json, ttsTimestamp: 5 }), ErrorCode.DRV_MALFORMED, {
        field: 'ttsTimestamp',
      });
      const { seed: _seed, ...noSeed } = json;
      rejects(() => parsePacket(noSeed), ErrorCode.DRV_MALFORMED, { field: 'packet' });
    });
  });

  it('types the packet body as the signed part', () => {
    const body: DrvPacketBody = { ...p0 };
    expect(packetHash(body)).to.equal(packetHash(p0));
  });
});
