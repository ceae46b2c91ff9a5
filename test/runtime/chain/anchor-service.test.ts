/*
 * Anchoring against a real Hardhat node over JSON-RPC, contracts deployed with the Ignition module
 * ├── sequencer + anchoring: balances read through ethers equal the runtime's, seals and allocation
 * │   roots are on-chain, an allocation verifies with a StandardMerkleTree proof
 * └── a restart in the middle of an epoch (seals anchored, balances not) completes without
 *     anchoring anything twice
 */
import { expect } from 'chai';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { JsonRpcProvider, Wallet } from 'ethers';
import { AnchorService } from '../../../runtime/chain/anchor-service';
import { planEpoch } from '../../../runtime/chain/epochs';
import {
  deployWithIgnition,
  HARDHAT_ACCOUNT_0_KEY,
  startLocalChain,
  type LocalChain,
} from '../../../runtime/chain/devnet';
import { getAccount, TOKEN_IDS, TOKENS } from '../../../runtime/engine';
import type { Sequencer } from '../../../runtime/node/sequencer';
import { actionBody, signTx, transferBody } from '../../../runtime/sdk/tx-builder';
import {
  AllocationRegistry__factory,
  QfsToken__factory,
  SealAnchor__factory,
} from '../../../typechain-types';
import { CHAIN_ID, keys } from '../../support/engine';
import { initStore, openSequencer, silentLog, tempDir } from '../../support/node';

describe('AnchorService on a Hardhat node', function () {
  this.timeout(10 * 60_000);
  let chain: LocalChain;
  let seq: Sequencer;

  before(async () => {
    chain = await startLocalChain(8645);
  });
  after(async () => {
    await seq?.stop();
    await chain?.stop();
  });

  function connect() {
    const provider = new JsonRpcProvider(chain.rpcUrl, 31337, {
      staticNetwork: true,
      cacheTimeout: -1,
    });
    const wallet = new Wallet(HARDHAT_ACCOUNT_0_KEY, provider);
    const addresses = deployWithIgnition(chain.rpcUrl, {
      admin: wallet.address,
      sequencer: wallet.address,
    });
    const contracts = {
      token: QfsToken__factory.connect(addresses.token, wallet),
      anchor: SealAnchor__factory.connect(addresses.anchor, wallet),
      registry: AllocationRegistry__factory.connect(addresses.registry, wallet),
    };
    return { provider, contracts };
  }

  /** A service anchoring every bundle (epochs of one) from the test's sequencer. */
  function anchorService(
    contracts: ReturnType<typeof connect>['contracts'],
    provider: JsonRpcProvider,
  ) {
    return new AnchorService({
      store: seq.store,
      contracts,
      provider,
      epochLength: 1,
      confirmations: 1,
      pollIntervalMs: 100,
      log: silentLog,
    });
  }

  async function bundle(txs: ReturnType<typeof signTx>[]): Promise<void> {
    for (const tx of txs) await seq.submit(tx);
    expect(await seq.produceBundle()).to.not.equal(null);
  }

  it('puts seals, allocation roots and balances on-chain, equal to the runtime', async () => {
    seq = await openSequencer(initStore(tempDir()));
    const [a, b, c] = [keys.user(0), keys.user(1), keys.user(2)];
    await bundle([
      signTx(a, CHAIN_ID, 1n, transferBody('CHR', b.address, '12.5')),
      signTx(b, CHAIN_ID, 1n, actionBody('compute', 4n)),
    ]);
    await bundle([
      signTx(c, CHAIN_ID, 1n, actionBody('storage', 2n)),
      signTx(a, CHAIN_ID, 2n, actionBody('compute', 1n)),
    ]);
    const { provider, contracts } = connect();
    const service = anchorService(contracts, provider);
    await service.sync();
    expect(service.status).to.deep.include({
      localHeight: 1,
      anchoredHeight: 1,
      anchoredEpochs: 2,
      lag: 0,
    });
    for (const key of [a, b, c]) {
      const account = getAccount(seq.state.accounts, key.address)!;
      const ids = TOKENS.map((t) => TOKEN_IDS[t]);
      const onchain = await contracts.token.balanceOfBatch(
        ids.map(() => key.address),
        ids,
      );
      expect(onchain).to.deep.equal(TOKENS.map((t) => account.balances[t] as bigint));
    }
    const head = await contracts.anchor.latestAnchor(0);
    expect(head.latestHeight).to.equal(1n);
    expect(head.latestSealHash).to.equal(`0x${seq.lastSealHash}`);
    const plan = planEpoch(seq.store, 1, 1);
    const tree = StandardMerkleTree.of(
      plan.allocationLeaves.map((l) => [...l]),
      ['address', 'uint256', 'uint256'],
    );
    expect((await contracts.registry.epochAllocation(1)).root).to.equal(tree.root);
    const [leaf] = plan.allocationLeaves;
    expect(
      await contracts.registry.verifyAllocation(1, leaf![0], leaf![1], leaf![2], tree.getProof(0)),
    ).to.equal(true);
    expect(
      await contracts.registry.verifyAllocation(
        1,
        leaf![0],
        leaf![1],
        BigInt(leaf![2]) + 1n,
        tree.getProof(0),
      ),
    ).to.equal(false);
    await service.sync(); // nothing left: no transaction, no revert
    expect(service.status.anchoredEpochs).to.equal(2);
  });

  it('finishes an epoch interrupted after its seals, without anchoring anything twice', async () => {
    await bundle([
      signTx(keys.user(1), CHAIN_ID, 2n, transferBody('FLX', keys.user(2).address, '3')),
    ]);
    const { provider, contracts } = connect();
    const first = anchorService(contracts, provider);
    await first.sync();
    await bundle([
      signTx(keys.user(2), CHAIN_ID, 2n, transferBody('CHR', keys.user(0).address, '1')),
    ]);
    // The "crash": epoch 3's seal reached the chain, its allocation root and balances did not.
    const plan = planEpoch(seq.store, 3, 1);
    const block = await provider.getBlock('latest');
    await (
      await contracts.anchor.anchorSeal(
        0,
        3,
        plan.sealHashes[0]!,
        plan.prevSealHash,
        block!.hash!,
        block!.number,
      )
    ).wait();
    const restarted = anchorService(contracts, provider);
    await restarted.sync();
    expect(restarted.status).to.deep.include({
      anchoredHeight: 3,
      anchoredEpochs: 4,
      lastError: null,
    });
    expect((await contracts.token.balanceHead()).nextEpoch).to.equal(4n);
    const account = getAccount(seq.state.accounts, keys.user(0).address)!;
    expect(await contracts.token.balanceOf(keys.user(0).address, TOKEN_IDS.CHR)).to.equal(
      account.balances.CHR as bigint,
    );
  });
});
