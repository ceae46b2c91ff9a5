/**
 * What a bundle's stored or exported records must be, recomputed from signed data: the
 * transaction signatures checked, the bundle re-executed, and the CoherenceLedger entry, the seal
 * body and the KeyLedger seal body it implies. Shared by the store verifier and the export
 * verifier, so both recompute exactly the same things.
 * @module
 */
import { hexToBytes } from '../../codec';
import {
  publicKeyFromHex,
  SignatureContext,
  verify,
  verifyAll,
  type VerifyItem,
  type VerifyPool,
} from '../../crypto';
import {
  claimedKeyOf,
  executeBundle,
  txSignatureBytes,
  txSigningBytes,
  type BundleResult,
  type EngineState,
  type SignedTx,
} from '../../engine';
import {
  appendCoherenceEntry,
  coherenceSealBody,
  coherenceSealSigningBytes,
  keyLedgerView,
  keySealBody,
  keySealSigningBytes,
  type CoherenceEntry,
  type CoherenceSeal,
  type CoherenceSealBody,
  type DrvPacket,
  type KeyFinalitySeal,
  type KeyLedgerEntry,
  type KeySealBody,
} from '../../ledger';
import { plainJson, valueDifference, type TextDifference } from './json-text';

/** A bundle re-executed from verified inputs, and what its ledger records must therefore be. */
export type RecomputedBundle = {
  readonly result: BundleResult;
  readonly entry: CoherenceEntry;
  readonly sealBody: CoherenceSealBody;
  /** The KeyLedger seal the bundle must carry, or null when it carries none. */
  readonly keySealBody: KeySealBody | null;
  /** Every KeyLedger entry after the bundle, from the genesis entry. */
  readonly keyEntries: readonly KeyLedgerEntry[];
};

/**
 * The public key a transaction's signature is checked with: the key it registers, else the
 * KeyLedger's key of its sender in any status (a committed transaction passed admission under
 * that key, and a retired or revoked key stays recorded), or undefined for an unknown sender.
 */
export function txVerifyKey(state: EngineState, tx: SignedTx): string | undefined {
  return claimedKeyOf(state.keys, tx);
}

/** A transaction signature's verdict: valid, invalid, or no key to check it with. */
export type SignatureVerdict = 'valid' | 'invalid' | 'no-key';

/** Checks every transaction's signature (on the pool when given one), in order. */
export async function txSignatureVerdicts(
  state: EngineState,
  txs: readonly SignedTx[],
  pool?: VerifyPool,
): Promise<SignatureVerdict[]> {
  const out: SignatureVerdict[] = txs.map(() => 'no-key');
  const items: VerifyItem[] = [];
  const at: number[] = [];
  txs.forEach((tx, i) => {
    const key = txVerifyKey(state, tx);
    if (key === undefined) return;
    let publicKey: Uint8Array;
    try {
      publicKey = publicKeyFromHex(key);
    } catch {
      return; // a registration of a malformed key: the engine fails it (TX_MALFORMED)
    }
    items.push({
      publicKey,
      message: txSigningBytes(tx),
      signature: txSignatureBytes(tx),
      context: SignatureContext.TX,
    });
    at.push(i);
  });
  const verdicts = await verifyAll(items, pool);
  verdicts.forEach((valid, k) => (out[at[k] as number] = valid ? 'valid' : 'invalid'));
  return out;
}

/**
 * Re-executes a bundle and derives its records. `preverified` holds the hashes of the
 * transactions whose signatures were checked valid; the engine judges the others itself.
 * @throws whatever `executeBundle` throws (DRV errors, CIR-302) for a bundle that does not execute
 */
export function recomputeBundle(
  state: EngineState,
  packet: DrvPacket,
  txs: readonly SignedTx[],
  previous: {
    readonly entry: CoherenceEntry | null;
    readonly keyEntries: readonly KeyLedgerEntry[];
  },
  preverified: ReadonlySet<string>,
): RecomputedBundle {
  const result = executeBundle(state, { packet, txs }, { preverified });
  const entry = appendCoherenceEntry(previous.entry, {
    chainId: result.state.chainId,
    timestamp: packet.ttsTimestamp,
    packetHash: result.packetHash,
    bundleHash: result.bundleHash,
    opLogHash: result.opLogHash,
    stateRoot: result.stateRoot,
    keyLedgerHead: result.state.keys.headHash,
  });
  const sealBody = coherenceSealBody(
    entry,
    {
      timestamp: packet.ttsTimestamp,
      quantumMetadata: { seed: packet.seed, entropySource: packet.entropy.source },
    },
    packet.signer,
  );
  const keyEntries = [...previous.keyEntries, ...result.keyEntries];
  // The sequencer seals the KeyLedger after a bundle that changed it, unless that bundle took the
  // sealing key's `sequencer` capability away (runtime/node/sequencer.ts, #sealKeyLedger).
  const sealsKeys =
    result.keyEntries.length > 0 &&
    keyLedgerView(result.state.keys).hasCapability(packet.signer, 'sequencer');
  return {
    result,
    entry,
    sealBody,
    keySealBody: sealsKeys
      ? keySealBody(keyEntries, { timestamp: packet.ttsTimestamp }, packet.signer)
      : null,
    keyEntries,
  };
}

/**
 * Why a coherence seal's signature cannot be trusted in the state before its bundle (its signer
 * must be an active key holding `sequencer`, like the packet's), or null when it verifies.
 */
export function coherenceSealProblem(
  seal: CoherenceSeal,
  state: EngineState,
): TextDifference | null {
  return signatureProblem(
    state,
    seal.signer,
    seal.signature,
    coherenceSealSigningBytes(seal),
    SignatureContext.COHERENCE_SEAL,
  );
}

/** The same for a KeyLedger seal, in the state after its bundle. */
export function keySealProblem(seal: KeyFinalitySeal, state: EngineState): TextDifference | null {
  return signatureProblem(
    state,
    seal.signer,
    seal.signature,
    keySealSigningBytes(seal),
    SignatureContext.KEY_SEAL,
  );
}

function signatureProblem(
  state: EngineState,
  signer: string,
  signature: string,
  message: Uint8Array,
  context: SignatureContext,
): TextDifference | null {
  const view = keyLedgerView(state.keys);
  const key = view.getKey(signer);
  if (key === undefined || key.status !== 'active' || !view.hasCapability(signer, 'sequencer'))
    return { field: '$.signer', expected: 'an active key holding sequencer', actual: signer };
  let bytes: Uint8Array;
  try {
    bytes = hexToBytes(signature, 4627);
  } catch {
    return { field: '$.signature', expected: '4627 bytes of lowercase hex', actual: signature };
  }
  return verify(hexToBytes(key.publicKey), message, bytes, context)
    ? null
    : { field: '$.signature', expected: 'a valid ML-DSA-87 signature', actual: signature };
}

/** The first field where a signed body differs from the recomputed one (signature excluded). */
export function bodyDifference(expected: object, actual: object): TextDifference | null {
  const strip = (value: object): Record<string, unknown> => {
    const copy = { ...(plainJson(value) as Record<string, unknown>) };
    delete copy.signature;
    return copy;
  };
  return valueDifference('$', strip(expected), strip(actual));
}
