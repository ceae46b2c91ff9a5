/*
 * docs/ledger-format.md and test/vectors/ledger.json keep each other honest (issue 19, point 3).
 * ├── the vectors are what the code produces now (scripts/gen-ledger-vectors.ts regenerates them)
 * ├── a second implementation of the document's rules, written with node:crypto, canonicalize and
 * │   noble only (nothing from runtime/), recomputes every hash, root and signature of the vectors
 * └── the vectors' export verifies with `qfs verify --export`'s verifier to the same state root
 */
import { ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import canonicalize from 'canonicalize';
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { verifyExport } from '../../../../runtime/node/export/verify-export';
import { ledgerVectors } from '../../../../scripts/gen-ledger-vectors';
import committed from '../../../vectors/ledger.json';

type Json = Record<string, unknown>;
type Bundle = Json & {
  packet: Json;
  txs: { wire: Json; signingText: string; txHash: string }[];
  bundleHashBody: Json & { txHashes: string[]; receipts: string[][] };
  stateRootBody: Json & { accountsRoot: string };
  accounts: { address: string; balances: Json; nonce: string }[];
  accountLeaves: { address: string; text: string }[];
  entry: Json;
  seal: Json;
  keyEntries: Json[];
  keySeal?: Json;
};
const vectors = committed as unknown as Json & {
  genesis: Json;
  keys: Record<string, { seed: string; address: string; publicKey: string }>;
  keyGenesisEntry: Json;
  bundles: Bundle[];
  export: string[];
};

// The document's rules, implemented from the text (docs/ledger-format.md §2–§4).
const canonical = (value: unknown): string => canonicalize(value) as string;
const sha256 = (data: string | Uint8Array): string =>
  createHash('sha256').update(data).digest('hex');
const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts));
/** hashDomain(tag, data) = SHA-256(len(tag) ‖ tag ‖ data). */
const hashDomain = (tag: string, data: Uint8Array): string =>
  sha256(concat(Uint8Array.of(tag.length), utf8(tag), data));
/** A text-prefixed hash: SHA-256(UTF-8(prefix ‖ "\n" ‖ text)). */
const hashText = (prefix: string, text: string): string => sha256(`${prefix}\n${text}`);
const without = (o: Json, ...keys: string[]): Json =>
  Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
/** ML-DSA-87 verification of a QFS signature: D = 0x00 ‖ len(ctx) ‖ ctx ‖ M, empty FIPS 204 ctx. */
function signed(publicKey: string, context: string, message: string, signature: string): boolean {
  const d = concat(Uint8Array.of(0, context.length), utf8(context), utf8(message));
  return ml_dsa87.verify(hex(signature), d, hex(publicKey));
}
function eip55(publicKey: string): string {
  const lower = Buffer.from(keccak_256(hex(publicKey)))
    .subarray(12)
    .toString('hex');
  const h = Buffer.from(keccak_256(utf8(lower))).toString('hex');
  return `0x${[...lower].map((c, i) => (parseInt(h[i] as string, 16) >= 8 ? c.toUpperCase() : c)).join('')}`;
}
function merkleRoot(hashes: string[]): string {
  let level = hashes.map((h) => hashDomain('QFS/merkle/leaf/v1', hex(h)));
  while (level.length > 1) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2)
      next.push(
        i + 1 < level.length
          ? hashDomain(
              'QFS/merkle/node/v1',
              concat(hex(level[i] as string), hex(level[i + 1] as string)),
            )
          : (level[i] as string),
      );
    level = next;
  }
  return level[0] as string;
}
function accountsRoot(accounts: Bundle['accounts']): string {
  const buckets: string[][] = Array.from({ length: 4096 }, () => []);
  for (const a of [...accounts].sort((x, y) =>
    x.address.toLowerCase() < y.address.toLowerCase() ? -1 : 1,
  ))
    buckets[parseInt(a.address.slice(2, 5), 16)]?.push(hashText('QFS/account/v1', canonical(a)));
  const nodes: string[] = new Array<string>(8192);
  buckets.forEach((leaves, i) => (nodes[4096 + i] = hashText('QFS/bucket/v1', leaves.join(''))));
  for (let i = 4095; i >= 1; i--)
    nodes[i] = hashText('QFS/node/v1', `${nodes[2 * i] as string}${nodes[2 * i + 1] as string}`);
  return nodes[1] as string;
}
const keyEntryHash = (entry: Json): string =>
  sha256(canonical(without(entry, 'entryHash', 'pqcCid')));

describe('docs/ledger-format.md and test/vectors/ledger.json', function () {
  this.timeout(120_000);

  it('the vectors are what the code produces', async () => {
    expect(await ledgerVectors()).to.deep.equal(committed);
  });

  it('every key address is the EIP-55 keccak address of its public key, and derives from its seed', () => {
    for (const key of Object.values(vectors.keys)) {
      expect(eip55(key.publicKey)).to.equal(key.address);
      expect(Buffer.from(ml_dsa87.keygen(hex(key.seed)).publicKey).toString('hex')).to.equal(
        key.publicKey,
      );
    }
  });

  it('recomputes the genesis hash and the genesis KeyLedger entry', () => {
    expect(hashText('QFS/genesis/v1', canonical(vectors.genesis))).to.equal(vectors.genesisHash);
    const entry = vectors.keyGenesisEntry;
    expect(keyEntryHash(entry)).to.equal(entry.entryHash);
    expect(entry.pqcCid).to.equal(String(entry.entryHash).slice(0, 32));
    expect(entry.previousHash).to.equal('0'.repeat(64));
  });

  it('recomputes every transaction hash, payload hash, packet hash, seed and signature', () => {
    const sequencer = vectors.keys.sequencer?.publicKey as string;
    const publicKeys = new Map(Object.values(vectors.keys).map((k) => [k.address, k.publicKey]));
    vectors.bundles.forEach((b, height) => {
      for (const tx of b.txs) {
        const { signature, ...unsigned } = tx.wire as Json & { signature: string };
        expect(canonical(unsigned)).to.equal(tx.signingText);
        expect(hashDomain('QFS/tx/v1', utf8(tx.signingText))).to.equal(tx.txHash);
        expect(
          signed(
            publicKeys.get(String(unsigned.from)) as string,
            'QFS/tx/v1',
            tx.signingText,
            signature,
          ),
        ).to.equal(true);
      }
      const payload = canonical({ transactions: b.txs.map((t) => t.txHash), guidance: [] });
      expect(hashDomain('QFS/drv/payload/v1', utf8(payload))).to.equal(b.packet.payloadHash);
      const packetText = canonical(without(b.packet, 'signature'));
      expect(packetText).to.equal(b.packetSigningText);
      expect(sha256(packetText)).to.equal(b.packetHash);
      expect(signed(sequencer, 'QFS/drv/v1', packetText, String(b.packet.signature))).to.equal(
        true,
      );
      const entropy = b.packet.entropy as { previousSealHash: string; random: string };
      expect(entropy.previousSealHash).to.equal(b.previousSealHash);
      expect(sha256(`${entropy.previousSealHash}${entropy.random}`)).to.equal(b.packet.seed);
      expect(b.packet.previousHash).to.equal(
        height === 0 ? '0'.repeat(64) : vectors.bundles[height - 1]?.packetHash,
      );
    });
  });

  it('recomputes every bundle hash, account leaf, accounts root and state root', () => {
    for (const b of vectors.bundles) {
      expect(b.bundleHashBody.txHashes).to.deep.equal(b.txs.map((t) => t.txHash));
      expect(b.bundleHashBody).to.deep.include({
        packetHash: b.packetHash,
        opLogHash: b.opLogHash,
        stateRoot: b.stateRoot,
      });
      expect(hashText('QFS/bundle/v1', canonical(b.bundleHashBody))).to.equal(b.bundleHash);
      for (const leaf of b.accountLeaves)
        expect(leaf.text).to.equal(canonical(b.accounts.find((a) => a.address === leaf.address)));
      expect(accountsRoot(b.accounts)).to.equal(b.stateRootBody.accountsRoot);
      expect(hashText('QFS/state/v1', canonical(b.stateRootBody))).to.equal(b.stateRoot);
    }
  });

  it('recomputes every CoherenceLedger entry and seal, KeyLedger entry and KeyLedger seal', () => {
    const sequencer = vectors.keys.sequencer?.publicKey as string;
    const publicKeys = new Map(Object.values(vectors.keys).map((k) => [k.address, k.publicKey]));
    let previous = '0'.repeat(64);
    let keyEntries: Json[] = [vectors.keyGenesisEntry];
    for (const b of vectors.bundles) {
      expect(b.entry).to.deep.include({
        packetHash: b.packetHash,
        bundleHash: b.bundleHash,
        stateRoot: b.stateRoot,
        previousHash: previous,
      });
      expect(sha256(canonical(without(b.entry, 'entryHash'))))
        .to.equal(b.entry.entryHash)
        .and.equal(b.entryHash);
      const sealText = canonical(without(b.seal, 'signature'));
      expect(sealText).to.equal(b.sealSigningText);
      expect(sha256(sealText)).to.equal(b.sealHash);
      expect(b.seal).to.deep.include({
        headHash: b.entryHash,
        stateRoot: b.stateRoot,
        packetHash: b.packetHash,
      });
      expect(
        signed(sequencer, 'QFS/seal/coherence/v1', sealText, String(b.seal.signature)),
      ).to.equal(true);
      for (const entry of b.keyEntries) {
        expect(entry.previousHash).to.equal(keyEntries[keyEntries.length - 1]?.entryHash);
        expect(keyEntryHash(entry)).to.equal(entry.entryHash);
        const event = canonical({ chainId: entry.chainId, type: entry.type, data: entry.data });
        for (const s of entry.signatures as { signer: string; signature: string }[])
          expect(
            signed(publicKeys.get(s.signer) as string, 'QFS/keyledger/v1', event, s.signature),
          ).to.equal(true);
        keyEntries = [...keyEntries, entry];
      }
      expect(b.entry.keyLedgerHead).to.equal(keyEntries[keyEntries.length - 1]?.entryHash);
      if (b.keySeal !== undefined) {
        expect(b.keySeal.entriesRoot).to.equal(
          merkleRoot(keyEntries.map((e) => String(e.entryHash))),
        );
        const keySealText = canonical(without(b.keySeal, 'signature'));
        expect(sha256(keySealText)).to.equal(b.keySealHash);
        expect(
          signed(sequencer, 'QFS/seal/key/v1', keySealText, String(b.keySeal.signature)),
        ).to.equal(true);
      }
      previous = b.entryHash as string;
    }
    expect(
      vectors.bundles.some((b) => b.keySeal !== undefined),
      'the example has a KeyLedger seal',
    ).to.equal(true);
  });

  it('its export verifies, with no store and no node, to the last bundle’s state root', async () => {
    const lines = (async function* () {
      for (const line of vectors.export) yield new TextEncoder().encode(line);
    })();
    const result = await verifyExport(lines);
    expect(result.difference).to.equal(null);
    expect(result.stateRoot).to.equal(vectors.bundles[vectors.bundles.length - 1]?.stateRoot);
  });
});
