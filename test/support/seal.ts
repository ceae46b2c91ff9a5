/**
 * A coherence seal signed on the spot (what the sequencer's bundle production does with its
 * signing pool), for tests that play a sequencer: an honest one, or one that signs two seals.
 * @module
 */
import { bytesToHex } from '../../runtime/codec';
import { sign, SignatureContext, type KeyPair } from '../../runtime/crypto';
import {
  coherenceSealBody,
  coherenceSealSigningBytes,
  type CoherenceEntry,
  type CoherenceSeal,
} from '../../runtime/ledger';

export function signCoherenceSeal(
  head: CoherenceEntry,
  stamp: { readonly timestamp: bigint; readonly quantumMetadata: Readonly<Record<string, string>> },
  key: KeyPair,
): CoherenceSeal {
  const body = coherenceSealBody(head, stamp, key.address);
  const signature = sign(
    key.secretKey,
    coherenceSealSigningBytes(body),
    SignatureContext.COHERENCE_SEAL,
  );
  return Object.freeze({ ...body, signature: bytesToHex(signature) });
}
