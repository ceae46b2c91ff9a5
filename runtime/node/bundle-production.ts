/**
 * The steps of producing a bundle that are not the engine's: stamp the packet (timestamp and seed),
 * sign it, seal the CoherenceLedger entry and, when the bundle changed keys, the KeyLedger (what
 * the store then commits is bundle-commit.ts's, shared with HolonetSync's replicas). The sequencer runs them in order around `executeBundle` and owns
 * what they read and write (DESIGN.md §3).
 * @module
 */
import { bytesToHex } from '../codec';
import { sign, SignatureContext, type KeyPair, type SignPool } from '../crypto';
import type { BundleResult, EngineState, SignedTx } from '../engine';
import {
  appendCoherenceEntry,
  coherenceSealBody,
  coherenceSealSigningBytes,
  computePayloadHash,
  createKeySeal,
  createPacket,
  keyLedgerView,
  packetBody,
  packetSigningBytes,
  type CoherenceEntry,
  type CoherenceSeal,
  type DrvPacket,
  type EntropyRecord,
  type SealedEntry,
  type KeyFinalitySeal,
} from '../ledger';
import type { Clock, EntropySource } from './clock';

/** The sequencer's key and how it signs: on the signing pool when there is one, else inline. */
export type BundleSigner = {
  readonly key: KeyPair;
  readonly pool?: SignPool;
};

/** Signs `message` under `context` and returns the signature in hex. */
export async function signHex(
  signer: BundleSigner,
  message: Uint8Array,
  context: SignatureContext,
): Promise<string> {
  const signature =
    signer.pool === undefined
      ? sign(signer.key.secretKey, message, context)
      : await signer.pool.sign(signer.key.secretKey, message, context);
  return bytesToHex(signature);
}

export type Stamp = {
  readonly ttsTimestamp: bigint;
  readonly seed: string;
  readonly entropy: EntropyRecord;
};

/**
 * The packet's timestamp and seed: the entropy source may wait (bounded) for a fresh beacon round's
 * VDF first, so the clock is read after it. Null when no seed can be derived now (no verified
 * beacon round yet) or `running` turned false meanwhile: nothing is produced, transactions wait.
 */
export async function stampPacket(
  source: EntropySource,
  clock: Clock,
  state: EngineState,
  lastSealHash: string,
  running: () => boolean,
): Promise<Stamp | null> {
  if (source.prepare !== undefined && !(await source.prepare())) return null;
  if (!running()) return null;
  const last = state.lastPacket?.ttsTimestamp ?? state.genesisTime;
  const now = clock.nowMs();
  const ttsTimestamp = now > last ? now : last + 1n; // strictly increasing even if the clock steps back
  const derived = source.derive({
    height: state.height,
    ttsTimestamp,
    previousSealHash: lastSealHash,
    previous: state.lastPacket,
  });
  return derived === null ? null : { ttsTimestamp, ...derived };
}

/** The signed DRV packet that opens the next bundle of `txs`. */
export async function signPacket(
  state: EngineState,
  txs: readonly SignedTx[],
  stamp: Stamp,
  signer: BundleSigner,
): Promise<DrvPacket> {
  const body = packetBody(
    createPacket({
      chainId: state.chainId,
      previous: state.lastPacket,
      ttsTimestamp: stamp.ttsTimestamp,
      seed: stamp.seed,
      payloadHash: computePayloadHash(
        txs.map((t) => t.hash),
        [],
      ),
      entropy: stamp.entropy,
    }),
    signer.key.address,
  );
  const signature = await signHex(signer, packetSigningBytes(body), SignatureContext.DRV);
  return Object.freeze({ ...body, signature });
}

/** The CoherenceLedger entry of an executed bundle after `head`, and its signed finality seal. */
export async function sealBundle(
  head: CoherenceEntry | null,
  result: BundleResult,
  signer: BundleSigner,
): Promise<{ entry: CoherenceEntry; seal: CoherenceSeal }> {
  const packet = result.state.lastPacket;
  if (packet === null) throw new Error('an executed bundle has a packet');
  const entry = appendCoherenceEntry(head, {
    chainId: result.state.chainId,
    timestamp: packet.ttsTimestamp,
    packetHash: result.packetHash,
    bundleHash: result.bundleHash,
    opLogHash: result.opLogHash,
    stateRoot: result.stateRoot,
    keyLedgerHead: result.state.keys.headHash,
  });
  const body = coherenceSealBody(
    entry,
    {
      timestamp: packet.ttsTimestamp,
      quantumMetadata: { seed: packet.seed, entropySource: packet.entropy.source },
    },
    signer.key.address,
  );
  const signature = await signHex(
    signer,
    coherenceSealSigningBytes(body),
    SignatureContext.COHERENCE_SEAL,
  );
  return { entry, seal: Object.freeze({ ...body, signature }) };
}

/**
 * Seals the KeyLedger after a bundle that changed it (`entries`: every entry so far). Null when the
 * bundle changed no key, or withdrew or revoked this key's `sequencer` capability (`lostCapability`
 * is then true): the key may no longer seal, the entries stay unsealed until the next sequencer
 * seals them, and the next bundle halts (CIR-302).
 */
export function sealKeyLedger(
  result: BundleResult,
  entries: readonly SealedEntry[],
  key: KeyPair,
): { seal: KeyFinalitySeal | null; lostCapability: boolean } {
  if (result.keyEntries.length === 0) return { seal: null, lostCapability: false };
  const view = keyLedgerView(result.state.keys);
  if (!view.hasCapability(key.address, 'sequencer')) return { seal: null, lostCapability: true };
  const timestamp = (result.state.lastPacket as DrvPacket).ttsTimestamp;
  return { seal: createKeySeal(entries, view, { timestamp }, key), lostCapability: false };
}
