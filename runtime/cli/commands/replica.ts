/**
 * `qfs replica init|start|register|grant|withdraw|resume`: run a HolonetSync replica that follows a
 * sequencer, re-executes and cosigns every bundle; put its key on the KeyLedger and give it (or take
 * away) the `replica` capability. docs/sync.md, Operating a replica.
 * @module
 */
import type { Command } from 'commander';
import { parseAddress } from '../../codec';
import { requestJson } from '../../sync/http-json';
import {
  initReplicaDir,
  loadReplicaKey,
  readReplicaConfig,
  replicaPaths,
} from '../../sync/replica-dir';
import { systemClock } from '../../node/clock';
import { parseOperatorRecord, signOperatorRecord } from '../../node/records';
import { NodeStore, toText } from '../../node/store';
import { startReplica } from '../../sync/replica-node';
import { capabilityBody, registerBody } from '../../sdk/tx-builder';
import { QfsClient } from '../../sdk';
import { ConfigError } from '../../node/config-errors';
import { println, runCommand, usage, type CliIo } from '../io';
import { clientFor, runNodeCommand, unlockKey } from '../node-client';
import { resolvePassphrase } from '../passphrase';

type State = { exitCode: number };

const HASH = /^[0-9a-f]{64}$/;

export function registerReplicaCommands(program: Command, io: CliIo, state: State): void {
  const replica = program
    .command('replica')
    .description('HolonetSync replicas: re-execute, cosign and confirm the bundles of a sequencer');
  registerInitCommand(replica, io, state);
  registerStartCommand(replica, io, state);
  registerRegisterCommand(replica, io, state);
  registerResumeCommand(replica, io, state);
  registerCapabilityCommand(replica, io, state);
}

function registerInitCommand(replica: Command, io: CliIo, state: State): void {
  replica
    .command('init')
    .description(
      'create a replica data directory: its key, the genesis fetched from the sequencer and checked',
    )
    .requiredOption('--dir <dir>', 'data directory')
    .requiredOption('--follow <url>', 'the sequencer API to follow')
    .requiredOption(
      '--genesis-hash <hash>',
      'the genesis hash the sequencer must serve (its /v1/sync/genesis)',
    )
    .option('--key <file>', 'an existing encrypted key file to use (default: a new key)')
    .option(
      '--peer <url...>',
      'other replicas (asked before cosigning; followed when the sequencer is away)',
    )
    .option('--port <port>', 'API port of the replica', '7546')
    .option('--kdf-log-n <n>', 'scrypt cost log2(N) of a new key file (14..20)', '18')
    .action(async (o: InitOptions) => {
      if (!HASH.test(o.genesisHash))
        return usage(io, state, '--genesis-hash must be 64 lowercase hex digits');
      const logN = Number(o.kdfLogN);
      if (!Number.isInteger(logN) || logN < 14 || logN > 20)
        return usage(io, state, '--kdf-log-n must be an integer in [14, 20]');
      if (!/^[0-9]{1,5}$/.test(o.port) || Number(o.port) > 65535)
        return usage(io, state, '--port must be a port number');
      await runCommand(io, state, async () => {
        const passphrase = await resolvePassphrase(io, process.env, {
          confirm: o.key === undefined,
        });
        const answer = await requestJson('GET', new URL('/v1/sync/genesis', o.follow).toString(), {
          timeoutMs: 10_000,
          bytesMax: 16 * 2 ** 20,
        });
        if (answer.status !== 200)
          throw new ConfigError(o.follow, 'genesis', `the sequencer answered ${answer.status}`);
        const result = initReplicaDir({
          dir: o.dir,
          passphrase,
          follow: o.follow,
          genesis: (answer.body as { genesis: unknown }).genesis,
          genesisHash: o.genesisHash,
          peers: o.peer ?? [],
          port: Number(o.port),
          ...(o.key === undefined ? {} : { keyFile: o.key }),
          scryptN: 2 ** logN,
        });
        println(
          io,
          `initialised replica ${o.dir} (chain ${result.chainId}, genesis ${result.genesisHash})`,
        );
        println(io, `replica: ${result.address}`);
        println(
          io,
          'it cosigns once its key is registered and holds `replica` (qfs replica register, qfs replica grant)',
        );
      });
    });
}

function registerStartCommand(replica: Command, io: CliIo, state: State): void {
  replica
    .command('start')
    .description(
      'run a replica: follow, re-execute, cosign; serve the read API and the sync routes',
    )
    .requiredOption('--dir <dir>', 'data directory')
    .option('--port <port>', 'API port (overrides config.json)')
    .option('--host <host>', 'API address (overrides config.json)')
    .option('--daemon', 'exit when the replica halts, with status CIR mod 256')
    .action(async (o: { dir: string; port?: string; host?: string; daemon?: boolean }) => {
      await runCommand(io, state, async () => {
        const passphrase = await resolvePassphrase(io, process.env, { confirm: false });
        const running = await startReplica({
          dir: o.dir,
          passphrase,
          ...(o.port === undefined ? {} : { port: Number(o.port) }),
          ...(o.host === undefined ? {} : { host: o.host }),
          daemon: o.daemon === true,
          handleSignals: true,
        });
        println(
          io,
          `qfs replica ${running.replica.key.address} listening on ${running.url} (following ${running.config.follow})`,
        );
        const code = await running.closed;
        if (code !== 0) io.stderr.write(`halted: CIR-${code}; exit status ${code % 256}\n`);
        state.exitCode = code % 256;
      });
    });
}

function registerRegisterCommand(replica: Command, io: CliIo, state: State): void {
  replica
    .command('register')
    .description('put the replica key on the KeyLedger (a registration it signs itself)')
    .requiredOption('--dir <dir>', 'replica data directory')
    .option('--url <url>', 'the sequencer API (default: the one the replica follows)')
    .action(async (o: { dir: string; url?: string }) => {
      await runNodeCommand(io, state, async () => {
        const passphrase = await resolvePassphrase(io, process.env, { confirm: false });
        const key = loadReplicaKey(o.dir, passphrase);
        const client = new QfsClient(o.url ?? readReplicaConfig(o.dir).follow);
        const chainId = (await client.status()).chainId;
        const sent = await client.signAndSubmit(key, registerBody(chainId, key));
        const view = await client.waitForTx(sent.txHash, { timeoutMs: 60_000 });
        println(
          io,
          `register ${key.address}: ${view.status}${view.status === 'committed' ? ` (${view.receipt.status})` : ''}`,
        );
        if (view.status !== 'committed' || view.receipt.status !== 'ok') state.exitCode = 1;
      });
    });
}

function registerResumeCommand(replica: Command, io: CliIo, state: State): void {
  replica
    .command('resume')
    .description('clear a replica halt with a signed, recorded resume entry (replica stopped)')
    .requiredOption('--dir <dir>', 'replica data directory')
    .requiredOption('--reason <text>', 'why the operator resumes')
    .action(async (o: { dir: string; reason: string }) => {
      await runCommand(io, state, async () => {
        const passphrase = await resolvePassphrase(io, process.env, { confirm: false });
        const key = loadReplicaKey(o.dir, passphrase);
        const store = NodeStore.open(replicaPaths(o.dir).db);
        try {
          const last = store.lastHaltRecord();
          if (last === undefined || last.kind !== 'halt') return println(io, 'not halted');
          const halt = parseOperatorRecord(last.record);
          const record = signOperatorRecord(
            {
              kind: 'resume',
              cir: halt.cir,
              reason: o.reason,
              evidence: { haltReason: halt.reason },
              height: halt.height,
              timestamp: systemClock.nowMs(),
            },
            key,
          );
          store.insertHalt('resume', toText(record), Number(halt.height));
          println(
            io,
            `resumed from CIR-${halt.cir} (${halt.reason}); a store that fails its checks quarantines again at start`,
          );
        } finally {
          store.close();
        }
      });
    });
}

function registerCapabilityCommand(replica: Command, io: CliIo, state: State): void {
  for (const type of ['grant', 'withdraw'] as const)
    replica
      .command(type)
      .description(`${type} the replica capability (an admin key signs)`)
      .requiredOption('--key <file>', 'the admin key file')
      .requiredOption('--address <address>', 'the replica key address')
      .option('--url <url>', 'node API (default: $QFS_URL or http://127.0.0.1:7545)')
      .action(async (o: { key: string; address: string; url?: string }) => {
        await runNodeCommand(io, state, async () => {
          const address = parseAddress(o.address);
          const admin = await unlockKey(io, o.key);
          const client = clientFor(o.url);
          const chainId = (await client.status()).chainId;
          const sent = await client.signAndSubmit(
            admin,
            capabilityBody(chainId, type, address, 'replica', admin),
          );
          const view = await client.waitForTx(sent.txHash, { timeoutMs: 60_000 });
          const receipt = view.status === 'committed' ? view.receipt : null;
          println(
            io,
            `${type} replica ${address}: ${view.status}${receipt === null ? '' : ` (${receipt.status}${receipt.code === undefined ? '' : ` ${receipt.code}`})`}`,
          );
          if (receipt?.status !== 'ok') state.exitCode = 1;
        });
      });
}

type InitOptions = {
  dir: string;
  follow: string;
  genesisHash: string;
  key?: string;
  peer?: string[];
  port: string;
  kdfLogN: string;
};
