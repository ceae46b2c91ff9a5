/**
 * Hardhat as a tool of the chain adapter: a `hardhat node` on loopback as a child process (the chain
 * of `npm start` and of the end-to-end tests), and Hardhat Ignition runs of `ignition/modules/Qfs.ts`
 * against any JSON-RPC endpoint. Both run the project's own Hardhat, from its root.
 * @module
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ChainDeployError } from './errors';

/** The project root (hardhat.config.ts, ignition/, artifacts/). */
export const PROJECT_ROOT = path.join(__dirname, '..', '..');

/** Hardhat's default account #0: public knowledge, for a local devnet only. */
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
/** Where Ignition keeps its deployment journals (ignition/deployments/<id>). */
const IGNITION_DEPLOYMENTS = path.join(PROJECT_ROOT, 'ignition', 'deployments');
/** A whole deployment (three contracts, Hardhat starting up) takes seconds; a stuck one is stopped. */
const IGNITION_TIMEOUT_MS = 15 * 60_000;
const NODE_START_TIMEOUT_MS = 120_000;

export type LocalChain = {
  readonly rpcUrl: string;
  readonly port: number;
  readonly process: ChildProcess;
  stop(): Promise<void>;
};

/** A free TCP port on loopback (the preferred one when it is free). */
export async function freePort(preferred = 0): Promise<number> {
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

/** Attempts at starting the chain: another process may take the port between check and bind. */
const START_ATTEMPTS = 3;

/**
 * Starts `hardhat node` on loopback (the preferred port if free, else any free one) and waits until
 * it listens. A port taken between the check and Hardhat's bind (another process on a shared
 * machine) is retried on another free port, at most {@link START_ATTEMPTS} times.
 */
export async function startLocalChain(preferredPort = 8545): Promise<LocalChain> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort(attempt === 1 ? preferredPort : 0);
    try {
      return await startHardhatNode(port);
    } catch (err) {
      const taken = err instanceof Error && err.message.includes('EADDRINUSE');
      if (!taken || attempt >= START_ATTEMPTS) throw err;
    }
  }
}

async function startHardhatNode(port: number): Promise<LocalChain> {
  const child = spawn(
    process.execPath,
    [HARDHAT_BIN, 'node', '--hostname', '127.0.0.1', '--port', String(port)],
    {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true' },
    },
  );
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`hardhat node did not start:\n${output}`)),
      NODE_START_TIMEOUT_MS,
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
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGCONT'); // a test may have stopped it
      child.kill('SIGTERM');
    });
  return { rpcUrl: `http://127.0.0.1:${port}`, port, process: child, stop };
}

export type IgnitionRun = {
  readonly rpcUrl: string;
  /** The deployer's private key: handed to Hardhat in its environment, never on a command line. */
  readonly deployerKey: string;
  readonly parameters: Record<string, unknown>;
  readonly deploymentId: string;
  readonly confirmations: number;
  /** Wipe the deployment's journal first (a new deployment instead of resuming one). */
  readonly reset: boolean;
};

/**
 * Runs `hardhat ignition deploy ignition/modules/Qfs.ts` against `rpcUrl` (the "testnet" network of
 * hardhat.config.ts: QFS_RPC_URL and QFS_DEPLOYER_KEY). Ignition keeps a journal under
 * ignition/deployments/<deploymentId>: a run interrupted half-way resumes where it stopped, and a
 * finished one is reused. Returns the journal's directory and the three addresses.
 */
export function runIgnition(run: IgnitionRun): {
  journal: string;
  addresses: { token: string; anchor: string; registry: string };
} {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'qfs-ignition-'));
  const params = path.join(scratch, 'params.json');
  fs.writeFileSync(params, JSON.stringify(run.parameters));
  try {
    const args = [HARDHAT_BIN, 'ignition', 'deploy', 'ignition/modules/Qfs.ts'];
    args.push('--network', 'testnet', '--parameters', params, '--deployment-id', run.deploymentId);
    if (run.reset) args.push('--reset');
    const result = spawnSync(process.execPath, args, {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      timeout: IGNITION_TIMEOUT_MS,
      env: {
        ...process.env,
        QFS_RPC_URL: run.rpcUrl,
        QFS_DEPLOYER_KEY: run.deployerKey,
        QFS_DEPLOY_CONFIRMATIONS: String(run.confirmations),
        HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true',
        // The operator asked for this deployment by running `qfs chain deploy`.
        HARDHAT_IGNITION_CONFIRM_DEPLOYMENT: 'true',
        HARDHAT_IGNITION_CONFIRM_RESET: 'true',
      },
    });
    if (result.status !== 0) {
      const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim().slice(-2000);
      throw new ChainDeployError(`hardhat ignition deploy failed:\n${output}`, {
        status: String(result.status ?? result.signal),
      });
    }
    const journal = path.join(IGNITION_DEPLOYMENTS, run.deploymentId);
    const deployed = JSON.parse(
      fs.readFileSync(path.join(journal, 'deployed_addresses.json'), 'utf8'),
    ) as Record<string, string>;
    const pick = (id: string) => {
      const address = deployed[id];
      if (address === undefined) throw new ChainDeployError(`ignition did not deploy ${id}`);
      return address;
    };
    return {
      journal,
      addresses: {
        token: pick('QfsToken#QfsToken'),
        anchor: pick('SealAnchor#SealAnchor'),
        registry: pick('AllocationRegistry#AllocationRegistry'),
      },
    };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
