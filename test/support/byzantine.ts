/**
 * A byzantine sequencer for tests: with the sequencer's own key and the state of its (stopped)
 * store, it makes a valid sealed bundle for the next height from any transactions — so two
 * different ones for one height are two validly signed seals (equivocation).
 * @module
 */
import { signTx, transferBody } from '../../runtime/sdk/tx-builder';
import { executeBundle, getAccount, parseTx } from '../../runtime/engine';
import type { KeyPair } from '../../runtime/crypto';
import {
  appendCoherenceEntry,
  computePayloadHash,
  createCoherenceSeal,
  createPacket,
  signPacket,
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
          seed: 'ab'.repeat(32),
          payloadHash: computePayloadHash([tx.hash], []),
          entropy: { source: 'byzantine-test' },
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
      const seal = createCoherenceSeal(
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
