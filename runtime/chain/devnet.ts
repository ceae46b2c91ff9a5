/**
 * The embedded chain of `npm start`: a Hardhat node on loopback as a child process the project
 * manages, the contracts deployed with the Hardhat Ignition module (ignition/modules/Qfs.ts), and the
 * chain configuration written into the data directory. Devnet only: the anchoring key is Hardhat's
 * well-known account #0.
 * @module
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { JsonRpcProvider, Wallet } from 'ethers';
import { PROJECT_ROOT } from '../node/integrity';
import { writeChainConfig, type ChainConfig } from './config';

/** Hardhat's default account #0: public knowledge, for the local devnet only. */
export const HARDHAT_ACCOUNT_0_KEY =
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

const HARDHAT_BIN = path.join(
  PROJECT_ROOT,
  'node_modules',
  'hardhat',
  'internal',
  'cli',
  'bootstrap.js',
);

export type LocalChain = {
  readonly rpcUrl: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
};

/** A free TCP port on loopback (the preferred one when it is free). */
export async function freePort(preferred: number): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number | null>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(null));
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        const got = typeof address === 'object' && address !== null ? address.port : null;
        server.close(() => resolve(got));
      });
    });
  return (await tryListen(preferred)) ?? ((await tryListen(0)) as number);
}

/** Starts `hardhat node` on loopback and waits until it answers JSON-RPC. */
export async function startLocalChain(preferredPort = 8545): Promise<LocalChain> {
  const port = await freePort(preferredPort);
  const child = spawn(
    process.execPath,
    [HARDHAT_BIN, 'node', '--hostname', '127.0.0.1', '--port', String(port)],
    {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true' },
    },
  );
  const rpcUrl = `http://127.0.0.1:${port}`;
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`hardhat node did not start:\n${output}`)),
      120_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Started HTTP')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hardhat node exited with ${code}:\n${output}`));
    });
  });
  child.stdout?.resume();
  child.stderr?.resume();
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { rpcUrl, process: child, stop };
}

/**
 * Deploys the contracts with Hardhat Ignition and returns their addresses. Roles: the anchoring
 * key is both admin and sequencer of the devnet contracts.
 */
export function deployWithIgnition(
  rpcUrl: string,
  roles: { admin: string; sequencer: string },
): ChainConfig['contracts'] {
  const id = `qfs-devnet-${process.pid}-${Date.now()}`;
  const params = path.join(PROJECT_ROOT, 'ignition', `${id}.params.json`);
  fs.writeFileSync(
    params,
    JSON.stringify({ $global: { admin: roles.admin, sequencer: roles.sequencer } }),
  );
  try {
    const run = spawnSync(
      process.execPath,
      [
        HARDHAT_BIN,
        'ignition',
        'deploy',
        'ignition/modules/Qfs.ts',
        '--network',
        'localhost',
        '--parameters',
        params,
        '--deployment-id',
        id,
      ],
      {
        cwd: PROJECT_ROOT,
        env: { ...process.env, QFS_RPC_URL: rpcUrl, HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true' },
        encoding: 'utf8',
      },
    );
    if (run.status !== 0) throw new Error(`ignition deploy failed:\n${run.stdout}\n${run.stderr}`);
    const deployment = path.join(PROJECT_ROOT, 'ignition', 'deployments', id);
    const addresses = JSON.parse(
      fs.readFileSync(path.join(deployment, 'deployed_addresses.json'), 'utf8'),
    ) as Record<string, string>;
    fs.rmSync(deployment, { recursive: true, force: true });
    const pick = (suffix: string) => {
      const key = Object.keys(addresses)
        .sort()
        .find((k) => k.endsWith(suffix));
      if (key === undefined) throw new Error(`ignition did not deploy ${suffix}`);
      return addresses[key] as string;
    };
    return {
      token: pick('#QfsToken'),
      anchor: pick('#SealAnchor'),
      registry: pick('#AllocationRegistry'),
    };
  } finally {
    fs.rmSync(params, { force: true });
  }
}

/** Writes the devnet anchoring key (encrypted) and the chain configuration into the data directory. */
export async function configureDevnetChain(
  dir: string,
  rpcUrl: string,
  passphrase: string,
  epochLength: number,
): Promise<ChainConfig> {
  const wallet = new Wallet(HARDHAT_ACCOUNT_0_KEY);
  const keyFile = path.join(dir, 'keys', 'anchor.json');
  if (!fs.existsSync(keyFile)) fs.writeFileSync(keyFile, await wallet.encrypt(passphrase));
  const evmChainId = Number((await new JsonRpcProvider(rpcUrl).getNetwork()).chainId);
  const contracts = deployWithIgnition(rpcUrl, {
    admin: wallet.address,
    sequencer: wallet.address,
  });
  const config = {
    rpcUrl,
    evmChainId,
    contracts,
    keyFile: 'keys/anchor.json',
    confirmations: 1,
    epochLength,
    pollIntervalMs: 500,
  };
  writeChainConfig(dir, config);
  return { ...config, keyFile };
}
