/**
 * Operator and auditor commands: `qfs init`, `qfs start`, `qfs replay`, `qfs resume` (`qfs verify`
 * and `qfs export`: ledger.ts).
 * @module
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { VerifyPool } from '../../crypto';
import { systemClock } from '../../node/clock';
import { initDataDir, loadKey, paths } from '../../node/data-dir';
import { signOperatorRecord } from '../../node/records';
import { NodeStore } from '../../node/store';
import { publicChainInfo, startNode } from '../../node';
import { verifyStore } from '../../node/verify';
import { holonetSync } from '../../sync/attach';
import { startAnchoring, type Anchoring } from '../../chain/anchoring';
import { readChainConfig } from '../../chain/config';
import { connectChain } from '../../chain/connect';
import { println, runCommand, usage, type CliIo } from '../io';
import { resolvePassphrase } from '../passphrase';

type State = { exitCode: number };

export function registerNodeCommands(program: Command, io: CliIo, state: State): void {
  registerInit(program, io, state);
  registerStart(program, io, state);
  registerReplay(program, io, state);
  registerResume(program, io, state);
}

type InitArgs = {
  dir: string;
  genesis?: string;
  sequencerKey?: string;
  chainId: string;
  kdfLogN: string;
  vdfT?: string;
  beaconPeriod: string;
  replicas: string;
};

function registerInit(program: Command, io: CliIo, state: State): void {
  program
    .command('init')
    .description('create a data directory: keys, devnet genesis (or --genesis), config and store')
    .requiredOption('--dir <dir>', 'data directory')
    .option(
      '--genesis <file>',
      'genesis document (default: a devnet genesis with funded demo accounts)',
    )
    .option('--sequencer-key <file>', 'encrypted sequencer key (required with --genesis)')
    .option('--chain-id <id>', 'chain id of the devnet genesis', 'qfs-devnet')
    .option('--kdf-log-n <n>', 'scrypt cost log2(N) of the new key files (14..20)', '18')
    .option('--vdf-t <n>', 'VDF delay T of the devnet genesis (squarings per beacon round)')
    .option('--beacon-period <s>', 'period of the devnet beacon in seconds (1..60)', '3')
    .option(
      '--replicas <n>',
      'devnet genesis: make N HolonetSync replica keys (keys/replica-1.key …) holding `replica`',
      '0',
    )
    .action(async (o: InitArgs) => runCommand(io, state, () => runInit(io, state, o)));
}

async function runInit(io: CliIo, state: State, o: InitArgs): Promise<void> {
  const passphrase = await resolvePassphrase(io, process.env, { confirm: true });
  const logN = Number(o.kdfLogN);
  if (!Number.isInteger(logN) || logN < 14 || logN > 20)
    return usage(io, state, '--kdf-log-n must be an integer in [14, 20]');
  if (o.vdfT !== undefined && !/^[1-9][0-9]{0,7}$/.test(o.vdfT))
    return usage(io, state, '--vdf-t must be a positive integer');
  if (!/^[1-9][0-9]?$/.test(o.beaconPeriod) || Number(o.beaconPeriod) > 60)
    return usage(io, state, '--beacon-period must be an integer in [1, 60]');
  const replicas = Number(o.replicas);
  if (!Number.isInteger(replicas) || replicas < 0 || replicas > 16)
    return usage(io, state, '--replicas must be an integer in [0, 16]');
  const result = initDataDir({
    dir: o.dir,
    passphrase,
    chainId: o.chainId,
    ...(o.genesis === undefined
      ? {}
      : { genesis: JSON.parse(fs.readFileSync(o.genesis, 'utf8')) as unknown }),
    ...(o.sequencerKey === undefined ? {} : { sequencerKeyFile: o.sequencerKey }),
    scryptN: 2 ** logN,
    nowMs: systemClock.nowMs(),
    ...(o.vdfT === undefined ? {} : { vdfT: BigInt(o.vdfT) }),
    beaconPeriodSeconds: BigInt(o.beaconPeriod),
    replicas,
  });
  println(io, `initialised ${o.dir} (chain ${result.chainId})`);
  println(io, `sequencer: ${result.sequencer}`);
  for (const a of result.accounts)
    println(io, `${a.name}: ${a.address} (${paths(o.dir).key(a.name)})`);
}

type StartArgs = { dir: string; port?: string; host?: string; daemon?: boolean; anchor: boolean };

function registerStart(program: Command, io: CliIo, state: State): void {
  program
    .command('start')
    .description('run the sequencer: HTTP API, mempool, bundle loop, seals')
    .requiredOption('--dir <dir>', 'data directory')
    .option('--port <port>', 'API port (overrides config.json)')
    .option('--host <host>', 'API address (overrides config.json)')
    .option(
      '--daemon',
      'exit when the sequencer halts, with status CIR mod 256 (302 → 46, 412 → 156)',
    )
    .option(
      '--no-anchor',
      'do not anchor, even with a chain configured (D/chain.json or QFS_RPC_URL)',
    )
    .action(async (o: StartArgs) => runCommand(io, state, () => runStart(io, state, o)));
}

async function runStart(io: CliIo, state: State, o: StartArgs): Promise<void> {
  const passphrase = await resolvePassphrase(io, process.env, { confirm: false });
  // A configured chain is read (and checked) before the node starts: a broken chain.json or
  // anchoring key stops `qfs start`; an unreachable RPC does not (anchoring retries beside the node).
  const chain = o.anchor ? readChainConfig(o.dir) : null;
  const connection = chain === null ? null : await connectChain(chain, passphrase);
  let anchoring: Anchoring | null = null;
  const sync = holonetSync();
  const node = await startNode({
    dir: o.dir,
    passphrase,
    ...(o.port === undefined ? {} : { port: Number(o.port) }),
    ...(o.host === undefined ? {} : { host: o.host }),
    daemon: o.daemon === true,
    handleSignals: true,
    anchorStatus: () => anchoring?.service.status ?? null,
    explorerChain: () => publicChainInfo(chain, process.env),
    extend: sync.extend,
  });
  if (chain !== null && connection !== null) {
    anchoring = startAnchoring(node, chain, connection, node.log, sync.confirmations());
    node.onClose((anchoring as Anchoring).stop);
  }
  println(io, `qfs node listening on ${node.url} (docs: ${node.url}/docs)`);
  println(io, `explorer ${node.url}/`);
  println(
    io,
    anchoring === null
      ? 'anchoring off'
      : `anchoring to ${chain?.rpcUrl} (EVM chain ${chain?.evmChainId}) as ${anchoring.account}`,
  );
  const code = await node.closed;
  if (code !== 0) {
    const halt = node.sequencer.halted;
    io.stderr.write(
      `halted: CIR-${code}${halt === null ? '' : ` (${halt.reason})`}; exit status ${code % 256}\n`,
    );
  }
  // POSIX exit statuses are 8 bits: CIR-302 exits 46 (302 mod 256), CIR-412 exits 156.
  state.exitCode = code % 256;
}

function registerReplay(program: Command, io: CliIo, state: State): void {
  program
    .command('replay')
    .description('re-execute the ledger from genesis and print the recomputed head')
    .requiredOption('--dir <dir>', 'data directory')
    .option('--to <height>', 'last height to replay')
    .option('--json', 'print JSON')
    .action(async (o: { dir: string; to?: string; json?: boolean }) =>
      runCommand(io, state, () => runReplay(io, state, o)),
    );
}

async function runReplay(
  io: CliIo,
  state: State,
  o: { dir: string; to?: string; json?: boolean },
): Promise<void> {
  const store = NodeStore.open(paths(o.dir).db);
  const pool = VerifyPool.create({ log: () => undefined });
  try {
    const started = process.hrtime.bigint();
    const result = await verifyStore(store, {
      pool,
      ...(o.to === undefined ? {} : { to: Number(o.to) }),
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const out = {
      height: result.height,
      stateRoot: result.stateRoot,
      headHash: result.headHash,
      bundles: result.bundles,
      txs: result.txs,
      txsPerSecond: seconds > 0 ? Math.round(result.txs / seconds) : 0,
      mismatch: result.difference,
    };
    println(
      io,
      o.json === true
        ? JSON.stringify(out)
        : `height ${out.height} stateRoot ${out.stateRoot} headHash ${out.headHash}`,
    );
    if (result.difference !== null) state.exitCode = 1;
  } finally {
    await pool.close();
    store.close();
  }
}

function registerResume(program: Command, io: CliIo, state: State): void {
  program
    .command('resume')
    .description(
      'clear a halt with a signed, recorded resume entry (run while the node is stopped)',
    )
    .requiredOption('--dir <dir>', 'data directory')
    .requiredOption('--reason <text>', 'why the operator resumes')
    .action(async (o: { dir: string; reason: string }) =>
      runCommand(io, state, () => runResume(io, o)),
    );
}

async function runResume(io: CliIo, o: { dir: string; reason: string }): Promise<void> {
  const passphrase = await resolvePassphrase(io, process.env, { confirm: false });
  const key = loadKey(o.dir, 'sequencer', passphrase);
  const store = NodeStore.open(paths(o.dir).db);
  try {
    const halt = store.lastOperatorRecord();
    if (halt === undefined || halt.kind !== 'halt') {
      println(io, 'not halted');
      return;
    }
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
    store.insertOperatorRecord(record);
    println(io, `resumed from CIR-${halt.cir} (${halt.reason})`);
  } finally {
    store.close();
  }
}
