/**
 * The operator's chain commands: `qfs chain deploy` (contracts, roles, the anchoring key and
 * `D/chain.json`) and `qfs anchor status` (the local ledger against what the contracts hold).
 * @module
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { formatEther, parseEther, Wallet } from 'ethers';
import { chainConfigPath, readChainConfig } from '../../chain/config';
import { readChain } from '../../chain/connect';
import { deployChain, type DeployResult } from '../../chain/deploy';
import { ChainDeployError } from '../../chain/errors';
import { anchoredEpochs, anchoredHeightOf, readChainHeads } from '../../chain/progress';
import { NodeStore, paths } from '../../node';
import { println, runCommand, usage, type CliIo } from '../io';
import { resolvePassphrase } from '../passphrase';

type State = { exitCode: number };

type DeployFlags = {
  dir: string;
  rpc: string;
  confirmations?: string;
  epochLength?: string;
  balanceChunk?: string;
  deployerKeyFile?: string;
  admin?: string;
  adminDelay?: string;
  fundAnchor?: string;
  reset?: boolean;
  json?: boolean;
};

export function registerChainCommands(program: Command, io: CliIo, state: State): void {
  registerDeploy(program, io, state);
  registerAnchorStatus(program, io, state);
}

function registerDeploy(program: Command, io: CliIo, state: State): void {
  program
    .command('chain')
    .description('the EVM chain the node anchors to')
    .command('deploy')
    .description(
      'deploy the contracts with Hardhat Ignition (or reuse them), give the anchoring key SEQUENCER_ROLE, write D/chain.json',
    )
    .requiredOption('--dir <dir>', 'data directory')
    .requiredOption('--rpc <url>', 'JSON-RPC endpoint of the chain')
    .option('--confirmations <n>', 'confirmations to wait for, deploying and anchoring (1..64)')
    .option('--epoch-length <n>', 'bundles per anchoring epoch (1..1024, default 4)')
    .option('--balance-chunk <n>', 'balance changes per token transaction (1..500, default 400)')
    .option(
      '--deployer-key-file <file>',
      'deployer key, an encrypted JSON keystore (else QFS_DEPLOYER_KEY)',
    )
    .option('--admin <address>', 'the contracts’ admin (default: the deployer)')
    .option('--admin-delay <seconds>', 'delay of an admin transfer (default 172800, two days)')
    .option('--fund-anchor <eth>', 'top the anchoring key up to this balance from the deployer')
    .option('--reset', 'deploy new contracts even where a deployment exists')
    .option('--json', 'print JSON')
    .action(async (o: DeployFlags) => {
      await runCommand(io, state, async () => {
        const numbers = deployNumbers(o);
        if (typeof numbers === 'string') return usage(io, state, numbers);
        const passphrase = await resolvePassphrase(io, process.env, { confirm: false });
        const deployerKey = await resolveDeployerKey(o.deployerKeyFile, passphrase);
        if (deployerKey === null)
          return usage(io, state, 'give --deployer-key-file or set QFS_DEPLOYER_KEY');
        const say = (line: string) => (o.json === true ? undefined : println(io, line));
        printDeployment(
          io,
          o,
          await deployChain({
            dir: o.dir,
            rpcUrl: o.rpc,
            deployerKey,
            passphrase,
            ...numbers,
            ...(o.admin === undefined ? {} : { admin: o.admin }),
            ...(o.reset === true ? { reset: true } : {}),
            say,
          }),
        );
      });
    });
}

function printDeployment(io: CliIo, o: DeployFlags, result: DeployResult): void {
  const out = {
    reused: result.reused,
    evmChainId: result.config.evmChainId,
    contracts: result.config.contracts,
    admin: result.admin,
    anchorAccount: result.anchorAccount,
    anchorBalanceEth: formatEther(result.anchorBalanceWei),
    epochLength: result.config.epochLength,
    confirmations: result.config.confirmations,
    chainJson: chainConfigPath(o.dir),
  };
  if (o.json === true) return println(io, JSON.stringify(out));
  println(io, `${out.reused ? 'reused' : 'deployed'} on EVM chain ${out.evmChainId}`);
  for (const [name, address] of Object.entries(out.contracts))
    println(io, `  ${name.padEnd(8)} ${address}`);
  println(io, `admin     ${out.admin}`);
  println(io, `anchoring ${out.anchorAccount} (${out.anchorBalanceEth} ETH, SEQUENCER_ROLE)`);
  println(io, `wrote     ${out.chainJson}; \`qfs start --dir ${o.dir}\` anchors`);
  if (result.anchorBalanceWei === 0n)
    println(io, 'note: the anchoring key holds no ETH yet; fund it (or use --fund-anchor)');
}

function registerAnchorStatus(program: Command, io: CliIo, state: State): void {
  program
    .command('anchor')
    .description('anchoring tools')
    .command('status')
    .description('the local ledger against the contracts: anchored heights, lag, last error')
    .requiredOption('--dir <dir>', 'data directory')
    .option('--json', 'print JSON')
    .action(async (o: { dir: string; json?: boolean }) => {
      await runCommand(io, state, async () => {
        const out = await anchorStatus(o.dir);
        if (out === null) {
          println(io, 'no chain configured (D/chain.json or QFS_RPC_URL)');
          state.exitCode = 1;
          return;
        }
        if (out.chainError !== null) state.exitCode = 1;
        println(
          io,
          o.json === true
            ? JSON.stringify(out)
            : Object.entries(out)
                .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`)
                .join('\n'),
        );
      });
    });
}

/** The numeric deploy options, checked; a string is the usage error. */
function deployNumbers(o: DeployFlags) {
  const int = (v: string | undefined, name: string, min: number, max: number) => {
    if (v === undefined) return undefined;
    const n = /^\d{1,16}$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max)
      throw new Error(`${name} must be an integer in [${min}, ${max}]`);
    return n;
  };
  try {
    const confirmations = int(o.confirmations, '--confirmations', 1, 64);
    const epochLength = int(o.epochLength, '--epoch-length', 1, 1024);
    const balanceChunkSize = int(o.balanceChunk, '--balance-chunk', 1, 500);
    const adminDelaySeconds = int(o.adminDelay, '--admin-delay', 0, 2 ** 48 - 1);
    if (o.fundAnchor !== undefined && !/^\d{1,12}(\.\d{1,18})?$/.test(o.fundAnchor))
      throw new Error('--fund-anchor must be an amount of ETH, e.g. 0.5');
    if (o.admin !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(o.admin))
      throw new Error('--admin must be a 0x address');
    return {
      ...(confirmations === undefined ? {} : { confirmations }),
      ...(epochLength === undefined ? {} : { epochLength }),
      ...(balanceChunkSize === undefined ? {} : { balanceChunkSize }),
      ...(adminDelaySeconds === undefined ? {} : { adminDelaySeconds }),
      ...(o.fundAnchor === undefined ? {} : { fundAnchorWei: parseEther(o.fundAnchor) }),
    };
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * The deployer's key: from an encrypted keystore (QFS_DEPLOYER_PASSPHRASE, else the node's
 * passphrase) or QFS_DEPLOYER_KEY; never from the command line.
 */
async function resolveDeployerKey(
  file: string | undefined,
  passphrase: string,
): Promise<string | null> {
  if (file !== undefined) {
    try {
      const json = fs.readFileSync(file, 'utf8');
      const secret = process.env.QFS_DEPLOYER_PASSPHRASE ?? passphrase;
      return (await Wallet.fromEncryptedJson(json, secret)).privateKey;
    } catch (err) {
      const reason = (err as Error).message.slice(0, 200);
      throw new ChainDeployError(`cannot read the deployer key file: ${reason}`, { file });
    }
  }
  const key = process.env.QFS_DEPLOYER_KEY;
  return key === undefined || key === '' ? null : key;
}

/** What `qfs anchor status` prints (null: no chain configured). */
async function anchorStatus(dir: string) {
  const config = readChainConfig(dir);
  if (config === null) return null;
  const store = NodeStore.open(paths(dir).db);
  const { provider, contracts } = readChain(config);
  try {
    const localHeight = store.headHeight();
    const report = store.anchorReport();
    const local = { localHeight, epochLength: config.epochLength, ...report };
    try {
      const heads = await readChainHeads(contracts);
      const epochs = anchoredEpochs(heads, config.epochLength);
      const anchoredHeight = anchoredHeightOf(epochs, config.epochLength);
      return {
        ...local,
        anchoredHeight,
        anchoredEpochs: epochs,
        lag: localHeight - (anchoredHeight ?? -1),
        onChain: {
          coherenceHeight: heads.coherenceNextHeight === 0 ? null : heads.coherenceNextHeight - 1,
          keySeals: heads.keyNextOrdinal,
          balanceEpochs: heads.tokenNextEpoch,
          balanceChunks: heads.tokenNextChunk,
          allocationEpochs: heads.registryNextEpoch,
          certificateHeight:
            heads.certificateNextHeight === null ? null : heads.certificateNextHeight - 1,
        },
        evmBlock: await provider.getBlockNumber(),
        chainError: null as string | null,
      };
    } catch (err) {
      const chainError = err instanceof Error ? err.message.slice(0, 500) : String(err);
      return {
        ...local,
        anchoredHeight: null,
        anchoredEpochs: null,
        lag: null,
        onChain: null,
        evmBlock: null,
        chainError,
      };
    }
  } finally {
    provider.destroy();
    store.close();
  }
}
