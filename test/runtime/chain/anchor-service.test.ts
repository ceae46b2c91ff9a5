/*
 * The anchoring service against a real Hardhat node over JSON-RPC, reading a real sequencer's store
 * ├── seals, allocation roots and balances on-chain: balances read through ethers equal the
 * │   runtime's, an allocation verifies with a StandardMerkleTree proof, a second pass sends nothing
 * ├── an epoch's balance changes go out in chunks; a service restarted after a crash between two
 * │   chunks (seals, root and the first chunks on-chain) sends only the rest: each chunk once
 * ├── a later epoch's full chunk of 400 new balances goes out in one transaction under the cap, though
 * │   Hardhat's gas estimate for it overshoots the cap
 * ├── an unreachable RPC: the failure is recorded (status and store), the next try waits (backoff),
 * │   and the sequencer keeps committing
 * ├── stop() does not wait for a pass stuck on an RPC that never answers (and records no error)
 * ├── a key without ETH: recorded the same way; once funded, anchoring catches up
 * └── contracts that hold another ledger's seals, or an RPC of another chain, are refused
 */
import { expect } from 'chai';
import net from 'node:net';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { dataSlice, getAddress, id, parseEther, Wallet, type JsonRpcProvider } from 'ethers';
import { AnchorService } from '../../../runtime/chain/anchor-service';
import { chainProvider, contractsAt, type AnchorContracts } from '../../../runtime/chain/connect';
import { planEpoch } from '../../../runtime/chain/epochs';
import {
  freePort,
  HARDHAT_ACCOUNT_0_KEY,
  startLocalChain,
  type LocalChain,
} from '../../../runtime/chain/local-chain';
import { getAccount, TOKEN_IDS, TOKENS } from '../../../runtime/engine';
import { isCodedError } from '../../../runtime/errors';
import type { Sequencer } from '../../../runtime/node';
import { actionBody, signTx, transferBody } from '../../../runtime/sdk/tx-builder';
import {
  AllocationRegistry__factory,
  QfsToken__factory,
  SealAnchor__factory,
} from '../../../typechain-types';
import { CHAIN_ID, keys } from '../../support/engine';
import { initStore, openSequencer, silentLog, tempDir } from '../../support/node';

const EVM_CHAIN_ID = 31337;

/** Polls `done` every 20 ms, at most 30 s. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1500 && !done(); i++) await new Promise((r) => setTimeout(r, 20));
  expect(done(), 'condition reached').to.equal(true);
}

describe('AnchorService on a Hardhat node', function () {
  this.timeout(10 * 60_000);
  let chain: LocalChain;
  let provider: JsonRpcProvider;
  const sequencers: Sequencer[] = [];

  before(async () => {
    chain = await startLocalChain(0);
    provider = chainProvider(chain.rpcUrl, EVM_CHAIN_ID, 10_000);
  });
  after(async () => {
    for (const seq of sequencers) await seq.stop();
    provider?.destroy();
    await chain?.stop();
  });

  /** Fresh contracts: Hardhat's account #0 deploys and administers, a new funded key anchors. */
  async function deployFresh(): Promise<{ contracts: AnchorContracts; anchorKey: Wallet }> {
    const admin = new Wallet(HARDHAT_ACCOUNT_0_KEY, provider);
    const anchorKey = Wallet.createRandom().connect(provider) as unknown as Wallet;
    await (await admin.sendTransaction({ to: anchorKey.address, value: parseEther('10') })).wait();
    const anchor = await new SealAnchor__factory(admin).deploy(3600, admin, anchorKey);
    const token = await new QfsToken__factory(admin).deploy(3600, admin, anchorKey, anchor, '');
    const registry = await new AllocationRegistry__factory(admin).deploy(
      3600,
      admin,
      anchorKey,
      anchor,
    );
    for (const c of [anchor, token, registry]) await c.waitForDeployment();
    const addresses = {
      token: await token.getAddress(),
      anchor: await anchor.getAddress(),
      registry: await registry.getAddress(),
    };
    return { contracts: contractsAt(addresses, anchorKey), anchorKey };
  }

  function service(
    seq: Sequencer,
    deployed: { contracts: AnchorContracts; anchorKey: Wallet },
    options: { chunk?: number; provider?: JsonRpcProvider; evmChainId?: number } = {},
  ): AnchorService {
    return new AnchorService({
      source: seq.store,
      contracts: deployed.contracts,
      provider: options.provider ?? provider,
      account: deployed.anchorKey.address,
      evmChainId: options.evmChainId ?? EVM_CHAIN_ID,
      epochLength: 1,
      confirmations: 1,
      balanceChunkSize: options.chunk ?? 400,
      pollIntervalMs: 100,
      retryMaxMs: 60_000,
      txTimeoutMs: 60_000,
      log: silentLog,
    });
  }

  async function newSequencer(): Promise<Sequencer> {
    const seq = await openSequencer(initStore(tempDir()));
    sequencers.push(seq);
    return seq;
  }

  async function bundle(seq: Sequencer, txs: ReturnType<typeof signTx>[]): Promise<void> {
    for (const tx of txs) await seq.submit(tx);
    expect(await seq.produceBundle()).to.not.equal(null);
  }

  async function expectBalancesEqual(seq: Sequencer, token: AnchorContracts['token']) {
    for (const key of [keys.user(0), keys.user(1), keys.user(2)]) {
      const account = getAccount(seq.state.accounts, key.address)!;
      const ids = TOKENS.map((t) => TOKEN_IDS[t]);
      const onchain = await token.balanceOfBatch(
        ids.map(() => key.address),
        ids,
      );
      expect(onchain, key.address).to.deep.equal(TOKENS.map((t) => account.balances[t] as bigint));
    }
  }

  it('puts seals, allocation roots and balances on-chain, equal to the runtime', async () => {
    const seq = await newSequencer();
    const [a, b, c] = [keys.user(0), keys.user(1), keys.user(2)];
    await bundle(seq, [
      signTx(a, CHAIN_ID, 1n, transferBody('CHR', b.address, '12.5')),
      signTx(b, CHAIN_ID, 1n, actionBody('compute', 4n)),
    ]);
    await bundle(seq, [
      signTx(c, CHAIN_ID, 1n, actionBody('storage', 2n)),
      signTx(a, CHAIN_ID, 2n, actionBody('compute', 1n)),
    ]);
    const deployed = await deployFresh();
    const { contracts } = deployed;
    const anchoring = service(seq, deployed);
    await anchoring.sync();
    expect(anchoring.status).to.deep.include({
      localHeight: 1,
      anchoredHeight: 1,
      anchoredEpochs: 2,
      lag: 0,
    });
    await expectBalancesEqual(seq, contracts.token);
    const head = await contracts.anchor.latestAnchor(0);
    expect(head.latestHeight).to.equal(1n);
    expect(head.latestSealHash).to.equal(`0x${seq.lastSealHash}`);
    const plan = planEpoch(seq.store.epoch(1, 1), 1);
    const tree = StandardMerkleTree.of(
      plan.allocationLeaves.map((l) => [...l]),
      ['address', 'uint256', 'uint256'],
    );
    expect((await contracts.registry.epochAllocation(1)).root).to.equal(tree.root);
    const [leaf] = plan.allocationLeaves;
    const proof = tree.getProof(0);
    expect(
      await contracts.registry.verifyAllocation(1, leaf![0], leaf![1], leaf![2], proof),
    ).to.equal(true);
    expect(
      await contracts.registry.verifyAllocation(
        1,
        leaf![0],
        leaf![1],
        BigInt(leaf![2]) + 1n,
        proof,
      ),
    ).to.equal(false);
    const nonce = await provider.getTransactionCount(deployed.anchorKey.address);
    await anchoring.sync(); // nothing left: no transaction
    expect(await provider.getTransactionCount(deployed.anchorKey.address)).to.equal(nonce);
    expect(seq.store.anchorReport().lastAnchorAtMs).to.be.a('number');
  });

  it('sends an epoch in chunks and, restarted between two chunks, sends only the rest', async () => {
    const seq = await newSequencer();
    await bundle(seq, [
      signTx(keys.user(1), CHAIN_ID, 1n, transferBody('FLX', keys.user(2).address, '3')),
      signTx(keys.user(0), CHAIN_ID, 1n, actionBody('compute', 2n)),
    ]);
    const deployed = await deployFresh();
    const { contracts } = deployed;
    // The "crash": epoch 0's seal, allocation root and its first two chunks of two changes
    // reached the chain, the rest did not.
    const plan = planEpoch(seq.store.epoch(0, 0), 0);
    expect(plan.balanceChanges.length).to.be.above(8); // genesis balances and the bundle's
    const block = (await provider.getBlock('latest'))!;
    const seal = plan.sealHashes[0]!;
    await (
      await contracts.anchor.anchorSeal(0, 0, seal, plan.prevSealHash, block.hash!, block.number)
    ).wait();
    await (await contracts.registry.anchorAllocationRoot(0, plan.allocationRoot, seal, 0)).wait();
    for (const chunk of [0, 1]) {
      const part = plan.balanceChanges.slice(chunk * 2, chunk * 2 + 2).map((c) => ({ ...c }));
      await (await contracts.token.applyBalanceChunk(0, chunk, false, 0, seal, part)).wait();
    }
    expect((await contracts.token.balanceHead()).changesApplied).to.equal(4n);
    const restarted = service(seq, deployed, { chunk: 3 });
    await restarted.sync();
    expect(restarted.status).to.deep.include({
      anchoredHeight: 0,
      anchoredEpochs: 1,
      lastError: null,
    });
    const applied = await contracts.token.queryFilter(
      contracts.token.filters.BalanceChunkApplied(0),
    );
    const chunks = applied.map((e) => Number(e.args.chunk));
    const expected = 2 + Math.ceil((plan.balanceChanges.length - 4) / 3);
    expect(chunks).to.deep.equal(Array.from({ length: expected }, (_, i) => i));
    const completed = await contracts.token.queryFilter(
      contracts.token.filters.BalanceEpochApplied(),
    );
    expect(completed.map((e) => [e.args.epoch, e.args.changeCount])).to.deep.equal([
      [0n, BigInt(plan.balanceChanges.length)],
    ]);
    await expectBalancesEqual(seq, contracts.token);
  });

  it('sends a full chunk of 400 new balances in a later epoch, though the node cannot estimate its gas under the cap', async () => {
    // Found by the scale benchmark: Hardhat's eth_estimateGas answers "transaction gas limit
    // (~31M) is greater than the cap" for such a chunk, which needs ~11M gas and fits.
    const seq = await openSequencer(initStore(tempDir(), 60));
    sequencers.push(seq);
    const senders = Array.from({ length: 60 }, (_, i) => keys.user(i));
    const nonces = senders.map(() => 1n);
    // Addresses spread over the key space, so each chunk mixes new balances with the senders'.
    const receiver = (i: number) => getAddress(dataSlice(id(`receiver ${i}`), 12));
    const transfers = (first: number) =>
      Array.from({ length: 400 }, (_, i) => {
        const s = i % 60;
        return signTx(
          senders[s]!,
          CHAIN_ID,
          nonces[s]!++,
          transferBody('CHR', receiver(first + i), '1'),
        );
      });
    await bundle(seq, transfers(0));
    await bundle(seq, transfers(400));
    expect(seq.state.height).to.equal(2n);
    const deployed = await deployFresh();
    const anchoring = service(seq, deployed);
    await anchoring.sync();
    expect(anchoring.status).to.deep.include({ anchoredHeight: 1, lastError: null });
    const applied = await deployed.contracts.token.queryFilter(
      deployed.contracts.token.filters.BalanceChunkApplied(1),
    );
    expect(applied.map((e) => Number(e.args.chunk))).to.deep.equal([0, 1]);
    for (const e of applied) {
      const receipt = await provider.getTransactionReceipt(e.transactionHash);
      expect(receipt!.gasUsed <= 16_777_216n, String(receipt!.gasUsed)).to.equal(true);
    }
    const last = receiver(799);
    expect(await deployed.contracts.token.balanceOf(last, TOKEN_IDS.CHR)).to.equal(
      getAccount(seq.state.accounts, last)!.balances.CHR,
    );
  });

  it('records an unreachable RPC as its last error, waits before retrying, and never stops the sequencer', async () => {
    const seq = await newSequencer();
    const deployed = await deployFresh();
    const closed = chainProvider(`http://127.0.0.1:${await freePort()}`, EVM_CHAIN_ID, 2000);
    const anchoring = service(seq, deployed, { provider: closed });
    try {
      await anchoring.tick();
      const failed = anchoring.status;
      expect(failed.lastError).to.be.a('string').and.not.equal('');
      expect(failed.consecutiveFailures).to.equal(1);
      expect(failed.nextRetryAtMs).to.be.a('number');
      expect(failed.nextRetryAtMs! - failed.lastErrorAtMs!).to.equal(1000);
      expect(seq.store.anchorReport().lastError).to.equal(failed.lastError);
      await anchoring.tick(); // not due yet: no second attempt
      expect(anchoring.status.consecutiveFailures).to.equal(1);
      await bundle(seq, [signTx(keys.user(0), CHAIN_ID, 1n, actionBody('compute', 1n))]);
      expect(anchoring.status).to.deep.include({ localHeight: 0, lag: 1, anchoredHeight: null });
    } finally {
      closed.destroy();
    }
  });

  it('stops without waiting for a pass stuck on an RPC that never answers', async () => {
    const seq = await newSequencer();
    await bundle(seq, [signTx(keys.user(0), CHAIN_ID, 1n, actionBody('compute', 1n))]);
    const deployed = await deployFresh();
    // Accepts connections and never answers: every request hangs until its (long) timeout.
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    const stuck = chainProvider(`http://127.0.0.1:${port}`, EVM_CHAIN_ID, 600_000);
    const anchoring = service(seq, deployed, { provider: stuck });
    try {
      let settled = false;
      const pass = anchoring.tick().then(() => (settled = true));
      await until(() => sockets.length > 0);
      await anchoring.stop();
      expect(settled, 'stop() returned while the pass still waits on the RPC').to.equal(false);
      expect(anchoring.status.lastError).to.equal(null);
      void pass;
    } finally {
      stuck.destroy();
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it('records a key without ETH as its last error, and catches up once the key is funded', async () => {
    const seq = await newSequencer();
    await bundle(seq, [signTx(keys.user(0), CHAIN_ID, 1n, actionBody('compute', 1n))]);
    const deployed = await deployFresh();
    const pauper = Wallet.createRandom().connect(provider) as unknown as Wallet;
    const admin = new Wallet(HARDHAT_ACCOUNT_0_KEY, provider);
    const role = await deployed.contracts.token.SEQUENCER_ROLE();
    for (const c of Object.values(deployed.contracts))
      await (await c.connect(admin).grantRole(role, pauper.address)).wait();
    const unfunded = {
      contracts: contractsAt(
        {
          token: await deployed.contracts.token.getAddress(),
          anchor: await deployed.contracts.anchor.getAddress(),
          registry: await deployed.contracts.registry.getAddress(),
        },
        pauper,
      ),
      anchorKey: pauper,
    };
    const anchoring = service(seq, unfunded);
    await anchoring.tick();
    expect(anchoring.status.lastError).to.match(/^Sender doesn't have enough funds/);
    expect(anchoring.status).to.deep.include({ anchoredHeight: null, consecutiveFailures: 1 });
    await bundle(seq, [signTx(keys.user(1), CHAIN_ID, 1n, actionBody('storage', 2n))]);
    await (await admin.sendTransaction({ to: pauper.address, value: parseEther('1') })).wait();
    await anchoring.sync(); // what the next due attempt runs
    expect(anchoring.status).to.deep.include({ localHeight: 1, anchoredHeight: 1, lag: 0 });
    await expectBalancesEqual(seq, deployed.contracts.token);
  });

  it('refuses contracts that hold another ledger, and an RPC of another chain', async () => {
    const first = await newSequencer();
    await bundle(first, [signTx(keys.user(0), CHAIN_ID, 1n, actionBody('compute', 1n))]);
    const deployed = await deployFresh();
    await service(first, deployed).sync();
    const other = await newSequencer();
    await bundle(other, [signTx(keys.user(1), CHAIN_ID, 1n, actionBody('storage', 3n))]);
    const refusals: unknown[] = [];
    for (const anchoring of [
      service(other, deployed),
      service(first, deployed, { evmChainId: 1 }),
    ]) {
      refusals.push(
        await anchoring.sync().then(
          () => null,
          (err: unknown) => err,
        ),
      );
    }
    expect(refusals.map((e) => isCodedError(e, 'CHAIN_WRONG_NETWORK'))).to.deep.equal([true, true]);
    expect(String((refusals[0] as Error).message)).to.match(/another ledger's seal at height 0/);
    expect(String((refusals[1] as Error).message)).to.match(/expected 1, got 31337/);
  });
});
