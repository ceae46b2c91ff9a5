/**
 * `qfs chain deploy`: puts the three contracts on the chain behind an RPC with Hardhat Ignition,
 * gives SEQUENCER_ROLE to the data directory's anchoring key, and writes `D/chain.json`, after which
 * `qfs start` anchors. The deployer key (from an encrypted file or QFS_DEPLOYER_KEY, never a command
 * line argument) becomes the contracts' admin unless another admin is named; the anchoring key is
 * created on the first run (an encrypted keystore, `D/keys/anchor.json`) and is never the admin.
 *
 * Re-running reuses what exists: the contracts of `chain.json` when they are on that chain, else
 * Ignition's own journal, kept in `D/ignition/<deployment id>` (a deployment interrupted half-way
 * resumes where it stopped).
 * @module
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { FetchRequest, Wallet, encryptKeystoreJson, type JsonRpcProvider } from 'ethers';
import {
  CHAIN_DEFAULTS,
  chainConfigPath,
  readChainConfig,
  writeChainConfig,
  type ChainConfig,
  type ChainConfigFile,
} from './config';
import { chainProvider, contractsAt, type AnchorContracts } from './connect';
import { ChainDeployError } from './errors';
import { PROJECT_ROOT, runIgnition } from './local-chain';
import { readChainHeads } from './progress';

export type DeployOptions = {
  readonly dir: string;
  readonly rpcUrl: string;
  /** The deployer's private key (0x-hex). */
  readonly deployerKey: string;
  /** Encrypts (or decrypts) the anchoring key. */
  readonly passphrase: string;
  readonly confirmations?: number;
  readonly epochLength?: number;
  readonly balanceChunkSize?: number;
  /** The contracts' admin (default: the deployer). */
  readonly admin?: string;
  /** Seconds between beginning and accepting an admin transfer (default two days). */
  readonly adminDelaySeconds?: number;
  /** Tops the anchoring key up to this balance (wei) from the deployer. */
  readonly fundAnchorWei?: bigint;
  /** Start a new deployment even where one exists. */
  readonly reset?: boolean;
  /** scrypt cost of a new anchoring key file (ethers' default 2^17; the devnet uses less). */
  readonly scryptN?: number;
  readonly say: (line: string) => void;
};

export type DeployResult = {
  readonly config: ChainConfigFile;
  readonly reused: boolean;
  readonly anchorAccount: string;
  readonly admin: string;
  readonly anchorBalanceWei: bigint;
};

const RPC_TIMEOUT_MS = 30_000;
const ANCHOR_KEY_FILE = CHAIN_DEFAULTS.keyFile;

export async function deployChain(options: DeployOptions): Promise<DeployResult> {
  const evmChainId = await rpcChainId(options.rpcUrl);
  const provider = chainProvider(options.rpcUrl, evmChainId, RPC_TIMEOUT_MS);
  try {
    const deployer = deployerWallet(options.deployerKey, provider);
    const anchorKey = await anchoringKey(options);
    const admin = options.admin ?? deployer.address;
    if (admin.toLowerCase() === anchorKey.address.toLowerCase())
      throw new ChainDeployError('the anchoring key must not be the admin', { admin });
    const previous = readPreviousConfig(options.dir);
    const confirmations = options.confirmations ?? previous?.confirmations ?? 1;
    let contracts = await reusable(previous, evmChainId, provider);
    const reused = contracts !== null && options.reset !== true;
    if (!reused) {
      contracts = deployWithIgnition(options, evmChainId, {
        $global: {
          admin,
          sequencer: anchorKey.address,
          ...(options.adminDelaySeconds === undefined
            ? {}
            : { adminDelay: options.adminDelaySeconds }),
        },
      });
      if ((await missingCode(provider, contracts)).length > 0)
        throw new ChainDeployError(
          'Ignition reports contracts that are not on this chain (was it reset?); run again with --reset',
          { evmChainId },
        );
    }
    const addresses = contracts as ChainConfigFile['contracts'];
    const bound = contractsAt(addresses, deployer);
    const epochLength = await epochLengthFor(options, previous, bound, reused);
    await grantSequencerRole(bound, deployer, anchorKey.address, confirmations, options.say);
    const balance = await fund(provider, deployer, anchorKey.address, options, confirmations);
    const kept = { ...CHAIN_DEFAULTS, ...(previous ?? {}) };
    const config: ChainConfigFile = {
      rpcUrl: options.rpcUrl,
      evmChainId,
      contracts: addresses,
      keyFile: kept.keyFile,
      confirmations,
      epochLength,
      balanceChunkSize: options.balanceChunkSize ?? kept.balanceChunkSize,
      pollIntervalMs: kept.pollIntervalMs,
      retryMaxMs: kept.retryMaxMs,
      rpcTimeoutMs: kept.rpcTimeoutMs,
      txTimeoutMs: kept.txTimeoutMs,
    };
    writeChainConfig(options.dir, config);
    return { config, reused, anchorAccount: anchorKey.address, admin, anchorBalanceWei: balance };
  } finally {
    provider.destroy();
  }
}

/** The chain id the RPC serves (one request, with a timeout). */
async function rpcChainId(rpcUrl: string): Promise<number> {
  const request = new FetchRequest(rpcUrl);
  request.timeout = RPC_TIMEOUT_MS;
  request.body = { jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] };
  let result: unknown;
  try {
    result = ((await request.send()).bodyJson as { result?: unknown }).result;
  } catch (err) {
    throw new ChainDeployError(`cannot reach the RPC: ${(err as Error).message}`, { rpcUrl });
  }
  if (typeof result !== 'string' || !/^0x[0-9a-fA-F]+$/.test(result))
    throw new ChainDeployError('the RPC did not answer eth_chainId', { rpcUrl });
  return Number(BigInt(result));
}

/** The deployer's wallet (a malformed key is a deployment error, with no part of the key shown). */
function deployerWallet(key: string, provider: JsonRpcProvider): Wallet {
  try {
    return new Wallet(key, provider);
  } catch {
    throw new ChainDeployError('the deployer key is not a 32-byte hex private key');
  }
}

/** The data directory's anchoring key, created (and encrypted) on the first run. */
async function anchoringKey(options: DeployOptions): Promise<Wallet> {
  const file = path.resolve(
    options.dir,
    readPreviousConfig(options.dir)?.keyFile ?? ANCHOR_KEY_FILE,
  );
  if (fs.existsSync(file)) {
    try {
      const json = fs.readFileSync(file, 'utf8');
      return (await Wallet.fromEncryptedJson(json, options.passphrase)) as Wallet;
    } catch (err) {
      const reason = (err as Error).message.slice(0, 200);
      throw new ChainDeployError(`cannot decrypt the anchoring key: ${reason}`, { file });
    }
  }
  const wallet = Wallet.createRandom();
  const account = { address: wallet.address, privateKey: wallet.privateKey };
  const json = await encryptKeystoreJson(account, options.passphrase, {
    scrypt: { N: options.scryptN ?? 2 ** 17 },
  });
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, json, { mode: 0o600, flag: 'wx' });
  options.say(`anchoring key ${wallet.address} created in ${file}`);
  return new Wallet(wallet.privateKey);
}

/** The data directory's chain.json (checked like `qfs start` checks it), its key file as written. */
function readPreviousConfig(dir: string): ChainConfigFile | null {
  const file = chainConfigPath(dir);
  if (!fs.existsSync(file)) return null;
  const checked = readChainConfig(dir, {}) as ChainConfig;
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { keyFile?: string };
  return { ...checked, keyFile: raw.keyFile ?? ANCHOR_KEY_FILE };
}

/** The contracts of a previous chain.json when they exist on this chain. */
async function reusable(
  previous: ChainConfigFile | null,
  evmChainId: number,
  provider: JsonRpcProvider,
): Promise<ChainConfigFile['contracts'] | null> {
  if (previous === null || previous.evmChainId !== evmChainId) return null;
  return (await missingCode(provider, previous.contracts)).length === 0 ? previous.contracts : null;
}

async function missingCode(
  provider: JsonRpcProvider,
  contracts: ChainConfigFile['contracts'],
): Promise<string[]> {
  const missing: string[] = [];
  for (const address of [contracts.token, contracts.anchor, contracts.registry])
    if ((await provider.getCode(address)) === '0x') missing.push(address);
  return missing;
}

/**
 * Ignition, with its journal kept in the data directory between runs: brought back into the
 * project's ignition/deployments before the run (so Ignition reuses or resumes it), moved back
 * after.
 */
function deployWithIgnition(
  options: DeployOptions,
  evmChainId: number,
  parameters: Record<string, unknown>,
): ChainConfigFile['contracts'] {
  const dirHash = createHash('sha256').update(path.resolve(options.dir)).digest('hex');
  const deploymentId = `qfs-${evmChainId}-${dirHash.slice(0, 12)}`;
  const kept = path.join(options.dir, 'ignition', deploymentId);
  const live = path.join(PROJECT_ROOT, 'ignition', 'deployments', deploymentId);
  if (fs.existsSync(kept) && !fs.existsSync(live)) {
    fs.mkdirSync(path.dirname(live), { recursive: true });
    fs.cpSync(kept, live, { recursive: true });
  }
  options.say(`deploying with Hardhat Ignition (deployment ${deploymentId}) …`);
  try {
    const run = runIgnition({
      rpcUrl: options.rpcUrl,
      deployerKey: options.deployerKey,
      parameters,
      deploymentId,
      confirmations: options.confirmations ?? 1,
      reset: options.reset === true,
    });
    return run.addresses;
  } finally {
    if (fs.existsSync(live)) {
      fs.rmSync(kept, { recursive: true, force: true });
      fs.mkdirSync(path.dirname(kept), { recursive: true });
      fs.cpSync(live, kept, { recursive: true });
      fs.rmSync(live, { recursive: true, force: true });
    }
  }
}

/**
 * The epoch length: the one asked for, else the previous one. A deployment that anchored epochs
 * already keeps its length (epoch e is heights e·L … (e+1)·L − 1 on-chain); a new length needs new
 * contracts (--reset).
 */
async function epochLengthFor(
  options: DeployOptions,
  previous: ChainConfigFile | null,
  contracts: AnchorContracts,
  reused: boolean,
): Promise<number> {
  const wanted = options.epochLength ?? previous?.epochLength ?? CHAIN_DEFAULTS.epochLength;
  if (!reused || previous === null || wanted === previous.epochLength) return wanted;
  const heads = await readChainHeads(contracts);
  if (heads.coherenceNextHeight === 0 && heads.tokenNextEpoch === 0) return wanted;
  throw new ChainDeployError(
    'the deployment has anchored epochs of another length; a new epoch length needs new contracts (--reset)',
    { epochLength: previous.epochLength, requested: wanted },
  );
}

async function grantSequencerRole(
  contracts: AnchorContracts,
  deployer: Wallet,
  account: string,
  confirmations: number,
  say: (line: string) => void,
): Promise<void> {
  for (const [name, contract] of Object.entries(contracts).sort()) {
    const c = contract as AnchorContracts['token'];
    const role = await c.SEQUENCER_ROLE();
    if (await c.hasRole(role, account)) continue;
    if ((await c.defaultAdmin()).toLowerCase() !== deployer.address.toLowerCase())
      throw new ChainDeployError(
        `the anchoring key lacks SEQUENCER_ROLE on ${name} and the deployer is not its admin`,
        { contract: await c.getAddress(), account },
      );
    await (await c.grantRole(role, account)).wait(confirmations);
    say(`granted SEQUENCER_ROLE on ${name} to ${account}`);
  }
}

/** Tops the anchoring key up to `fundAnchorWei`; returns its balance. */
async function fund(
  provider: JsonRpcProvider,
  deployer: Wallet,
  account: string,
  options: DeployOptions,
  confirmations: number,
): Promise<bigint> {
  const balance = await provider.getBalance(account);
  const target = options.fundAnchorWei ?? 0n;
  if (balance >= target) return balance;
  await (
    await deployer.sendTransaction({ to: account, value: target - balance })
  ).wait(confirmations);
  options.say(`funded the anchoring key with ${target - balance} wei`);
  return provider.getBalance(account);
}
