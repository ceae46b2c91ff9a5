/*
 * executeBundle on a chain whose genesis has an entropy policy (issue 22).
 *
 * loadGenesis
 * ├── reads the `entropy` section into the state (the genesis hash covers it)
 * └── GENESIS_INVALID naming the field for a bad section
 * executeBundle with a policy
 * ├── accepts signed packets whose seeds derive from beacon rounds; the result carries the verdict
 * ├── rejects a packet with a seed the sequencer chose (its own record, or a substituted seed),
 * │   even though the sequencer signed it: DRV_ENTROPY_*
 * └── without a policy, the old records still pass (verdict null)
 */
import { expect } from 'chai';
import { entropyPolicyJson } from '../../../runtime/entropy';
import { executeBundle, loadGenesis, type EngineState } from '../../../runtime/engine';
import {
  computePayloadHash,
  createPacket,
  signPacket,
  type DrvPacket,
} from '../../../runtime/ledger';
import { GENESIS_TIME, keys, runBundle, testGenesis, tx } from '../../support/engine';
import { testPacket, testPolicy, testRound, testRoundMs } from '../../support/entropy';
import { transferBody } from '../../../runtime/sdk/tx-builder';

const policy = testPolicy();
const withPolicy = () => ({ ...testGenesis(2), entropy: entropyPolicyJson(policy) });

/** A signed packet for the next bundle, stamped `ttsTimestamp`, with `seed` and `entropy`. */
function signedPacket(
  state: EngineState,
  ttsTimestamp: bigint,
  seed: string,
  entropy: Record<string, unknown> & { source: string },
): DrvPacket {
  const unsigned = createPacket({
    chainId: state.chainId,
    previous: state.lastPacket,
    ttsTimestamp,
    seed,
    payloadHash: computePayloadHash([], []),
    entropy: entropy as never,
  });
  return signPacket(unsigned, keys.sequencer);
}

describe('loadGenesis with an entropy section', () => {
  it('puts the policy in the state, and the section changes the genesis hash', () => {
    const state = loadGenesis(withPolicy()).state;
    expect(state.entropy).to.deep.equal(policy);
    expect(state.genesisHash).to.not.equal(loadGenesis(testGenesis(2)).state.genesisHash);
    expect(loadGenesis(testGenesis(2)).state.entropy).to.equal(null);
  });
  it('throws GENESIS_INVALID naming the field of a bad section', () => {
    const bad = { ...withPolicy(), entropy: { ...entropyPolicyJson(policy), roundAgeMaxMs: '5' } };
    expect(() => loadGenesis(bad))
      .to.throw()
      .that.satisfies(
        (e: { code: string; details: { field: string } }) =>
          e.code === 'GENESIS_INVALID' && e.details.field === 'entropy.roundAgeMaxMs',
      );
  });
});

describe('executeBundle with an entropy policy', () => {
  const genesis = loadGenesis(withPolicy()).state;
  // Rounds of the test beacon after the genesis time.
  const base = GENESIS_TIME / 1000n - 1_700_000_000n + 10n;
  const r1 = testRound({ round: base });
  const r2 = testRound({ round: base + 2n, anchor: { height: 0n, sealHash: 'a1'.repeat(32) } });

  it('accepts packets whose seeds derive from the beacon and reports each verdict', () => {
    const t0 = testRoundMs(base) + 200n;
    const p0 = testPacket(r1, 0n, t0);
    const first = executeBundle(genesis, {
      packet: signedPacket(genesis, t0, p0.seed, p0.entropy as never),
      txs: [],
    });
    expect(first.entropy).to.deep.include({ source: 'beacon-vdf', round: base, staleRounds: 0n });
    const t1 = testRoundMs(base + 2n) + 100n;
    const p1 = testPacket(r2, 1n, t1);
    const second = executeBundle(first.state, {
      packet: signedPacket(first.state, t1, p1.seed, p1.entropy as never),
      txs: [],
    });
    expect(second.entropy?.round).to.equal(base + 2n);
  });

  it('rejects a signed packet whose seed the sequencer chose (its own record)', () => {
    expect(() => runBundle(genesis, []))
      .to.throw()
      .with.property('code', 'DRV_ENTROPY_SOURCE_MISMATCH');
  });

  it('rejects a signed packet with a substituted seed and a beacon record', () => {
    const t0 = testRoundMs(base) + 200n;
    const p0 = testPacket(r1, 0n, t0);
    const packet = signedPacket(genesis, t0, 'ab'.repeat(32), p0.entropy as never);
    expect(() => executeBundle(genesis, { packet, txs: [] }))
      .to.throw()
      .with.property('code', 'DRV_ENTROPY_SEED_MISMATCH');
  });

  it('without a policy, executes packets with any record and reports no verdict', () => {
    const state = loadGenesis(testGenesis(2)).state;
    const result = runBundle(state, [
      tx(keys.user(0), 1n, transferBody('CHR', keys.user(1).address, '1')),
    ]);
    expect(result.entropy).to.equal(null);
  });
});
