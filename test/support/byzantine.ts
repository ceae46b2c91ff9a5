/**
 * A byzantine sequencer for tests: with the sequencer's own key and the state of its (stopped)
 * store, it makes a valid sealed bundle for the next height from any transactions — so two
 * different ones for one height are two validly signed seals (equivocation).
 * @module
 */
import {
  anchorSealHash,
  entropyRecordJson,
  getQuantumEnhancedSeed,
  parseEntropyRecord,
} from '../../runtime/entropy';
import { signCoherenceSeal } from './seal';
import { signTx, transferBody } from '../../runtime/sdk/tx-builder';
import { executeBundle, getAccount, parseTx, type EngineState } from '../../runtime/engine';
import type { KeyPair } from '../../runtime/crypto';
import {
  appendCoherenceEntry,
  computePayloadHash,
  createPacket,
  signPacket,
  type EntropyRecord,
} from '../../runtime/ledger';
import { loadState } from '../../runtime/node/state-loader';
import { NodeStore } from '../../runtime/node/store';
import { packetJson, sealJson } from '../../runtime/sync/protocol';

/** Two sealed bundles (JSON) for the height after the store's head, each a different transfer. */
export function equivocate(
  dbFile: string,
  sequencer: KeyPair,
  from: KeyPair,
  to: string,
): { height: number; a: Record<string, unknown>; b: Record<string, unknown> } {
  const store = NodeStore.open(dbFile);
  try {
    const loaded = loadState(store);
    if (!loaded.ok) throw new Error(`store: ${loaded.reason}`);
    const { state, coherenceHead } = loaded.loaded;
    const nonce = (getAccount(state.accounts, from.address)?.nonce ?? 0n) + 1n;
    const make = (amount: string) => {
      const wire = signTx(from, state.chainId, nonce, transferBody('CHR', to, amount));
      const tx = parseTx(JSON.parse(JSON.stringify(wire)));
      const last = state.lastPacket?.ttsTimestamp ?? state.genesisTime;
      const packet = signPacket(
        createPacket({
          chainId: state.chainId,
          previous: state.lastPacket,
          ttsTimestamp: last + 1n > BigInt(Date.now()) ? last + 1n : BigInt(Date.now()),
          ...reusedEntropy(state),
          payloadHash: computePayloadHash([tx.hash], []),
        }),
        sequencer,
      );
      const result = executeBundle(state, { packet, txs: [tx] });
      const entry = appendCoherenceEntry(coherenceHead, {
        chainId: state.chainId,
        timestamp: packet.ttsTimestamp,
        packetHash: result.packetHash,
        bundleHash: result.bundleHash,
        opLogHash: result.opLogHash,
        stateRoot: result.stateRoot,
        keyLedgerHead: result.state.keys.headHash,
      });
      const seal = signCoherenceSeal(
        entry,
        {
          timestamp: packet.ttsTimestamp,
          quantumMetadata: { seed: packet.seed, entropySource: packet.entropy.source },
        },
        sequencer,
      );
      return {
        height: String(result.height),
        packet: packetJson(packet),
        txs: [wire],
        seal: sealJson(seal),
        keySeal: null,
      };
    };
    return { height: Number(state.height), a: make('1'), b: make('2') };
  } finally {
    store.close();
  }
}

/**
 * The seed and record of the next packet from the last packet's beacon round: what an honest
 * sequencer derives when no newer round arrived (the round's VDF output, the next height, the same
 * anchor). Both bundles of an equivocation carry valid entropy, so only the equivocation is wrong.
 */
function reusedEntropy(state: EngineState): { seed: string; entropy: EntropyRecord } {
  const previous = state.lastPacket;
  if (previous === null) throw new Error('equivocate after at least one bundle');
  const round = parseEntropyRecord(previous.entropy, previous.sequence);
  const seed = getQuantumEnhancedSeed({
    vdfOutput: round.vdf.output,
    height: state.height,
    anchorSealHash: anchorSealHash(round.anchor),
    osRandom: round.osRandom,
  });
  return { seed, entropy: entropyRecordJson(round, round.osRandom) as EntropyRecord };
}
