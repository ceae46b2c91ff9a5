/**
 * Operator and auditor commands: `qfs init`, `qfs start`, `qfs verify`, `qfs replay`, `qfs resume`.
 * @module
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { VerifyPool } from '../../crypto';
import { replayLedger } from '../../node/audit';
import { systemClock } from '../../node/clock';
import { initDataDir, loadKey, paths, readConfig } from '../../node/data-dir';
import { parseOperatorRecord, signOperatorRecord } from '../../node/records';
import { NodeStore, toText } from '../../node/store';
import { startNode } from '../../node/node';
import { println, runCommand, usage, type CliIo } from '../io';
import { resolvePassphrase } from '../passphrase';

type State = { exitCode: number };

export function registerNodeCommands(program: Command, io: CliIo, state: State): void {
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
    .option(
      '--replicas <n>',
      'devnet genesis: make N HolonetSync replica keys (keys/replica-1.key …) holding `replica`',
      '0',
    )
    .action(
      async (o: {
        dir: string;
        genesis?: string;
        sequencerKey?: string;
        chainId: string;
        kdfLogN: string;
        replicas: string;
      }) => {
        await runCommand(io, state, async () => {
          const passphrase = await resolvePassphrase(io, process.env, { confirm: true });
          const logN = Number(o.kdfLogN);
          if (!Number.isInteger(logN) || logN < 14 || logN > 20)
            return usage(io, state, '--kdf-log-n must be an integer in [14, 20]');
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
            replicas,
          });
          println(io, `initialised ${o.dir} (chain ${result.chainId})`);
          println(io, `sequencer: ${result.sequencer}`);
          for (const a of result.accounts)
            println(io, `${a.name}: ${a.address} (${paths(o.dir).key(a.name)})`);
        });
      },
    );

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
    .action(async (o: { dir: string; port?: string; host?: string; daemon?: boolean }) => {
      await runCommand(io, state, async () => {
        const passphrase = await resolvePassphrase(io, process.env, { confirm: false });
        const node = await startNode({
          dir: o.dir,
          passphrase,
          ...(o.port === undefined ? {} : { port: Number(o.port) }),
          ...(o.host === undefined ? {} : { host: o.host }),
          daemon: o.daemon === true,
          handleSignals: true,
        });
        println(io, `qfs node listening on ${node.url} (docs: ${node.url}/docs)`);
        println(io, `explorer ${node.url}/`);
        const code = await node.closed;
        if (code !== 0) {
          const halt = node.sequencer.halted;
          io.stderr.write(
            `halted: CIR-${code}${halt === null ? '' : ` (${halt.reason})`}; exit status ${code % 256}\n`,
          );
        }
        // POSIX exit statuses are 8 bits: CIR-302 exits 46 (302 mod 256), CIR-412 exits 156.
        state.exitCode = code % 256;
      });
    });

  program
    .command('verify')
    .description('check every hash link, signature and seal, and replay every bundle from genesis')
    .requiredOption('--dir <dir>', 'data directory')
    .option('--quiet', 'no progress bar')
    .action(async (o: { dir: string; quiet?: boolean }) => {
      await runCommand(io, state, async () => {
        const store = NodeStore.open(paths(o.dir).db);
        const pool = VerifyPool.create({ log: () => undefined });
        try {
          const head = store.headHeight();
          const result = await replayLedger(store, {
            pool,
            checkSeals: true,
            ...(o.quiet === true ? {} : { onProgress: progress(io, head) }),
          });
          if (o.quiet !== true) io.stderr.write('\n');
          if (result.mismatch !== null) {
            const m = result.mismatch;
            println(
              io,
              `MISMATCH at height ${m.height}: ${m.what}: expected ${m.expected}, got ${m.actual}`,
            );
            state.exitCode = 1;
            return;
          }
          println(
            io,
            `ok: ${result.bundles} bundles, ${result.txs} transactions verified; head ${result.height} stateRoot ${result.stateRoot}`,
          );
        } finally {
          await pool.close();
          store.close();
        }
      });
    });

  program
    .command('replay')
    .description('re-execute the ledger from genesis and print the recomputed head')
    .requiredOption('--dir <dir>', 'data directory')
    .option('--to <height>', 'last height to replay')
    .option('--json', 'print JSON')
    .action(async (o: { dir: string; to?: string; json?: boolean }) => {
      await runCommand(io, state, async () => {
        const store = NodeStore.open(paths(o.dir).db);
        const pool = VerifyPool.create({ log: () => undefined });
        try {
          const started = process.hrtime.bigint();
          const result = await replayLedger(store, {
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
            mismatch: result.mismatch,
          };
          println(
            io,
            o.json === true
              ? JSON.stringify(out)
              : `height ${out.height} stateRoot ${out.stateRoot} headHash ${out.headHash}`,
          );
          if (result.mismatch !== null) state.exitCode = 1;
        } finally {
          await pool.close();
          store.close();
        }
      });
    });

  program
    .command('resume')
    .description(
      'clear a halt with a signed, recorded resume entry (run while the node is stopped)',
    )
    .requiredOption('--dir <dir>', 'data directory')
    .requiredOption('--reason <text>', 'why the operator resumes')
    .action(async (o: { dir: string; reason: string }) => {
      await runCommand(io, state, async () => {
        const passphrase = await resolvePassphrase(io, process.env, { confirm: false });
        const key = loadKey(o.dir, 'sequencer', passphrase);
        const store = NodeStore.open(paths(o.dir).db);
        try {
          const last = store.lastHaltRecord();
          if (last === undefined || last.kind !== 'halt') {
            println(io, 'not halted');
            return;
          }
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
          println(io, `resumed from CIR-${halt.cir} (${halt.reason})`);
        } finally {
          store.close();
        }
      });
    });
  void readConfig;
}

function progress(io: CliIo, head: number): (height: number) => void {
  let last = -1;
  return (height) => {
    const pct = head <= 0 ? 100 : Math.floor(((height + 1) * 100) / (head + 1));
    if (pct === last) return;
    last = pct;
    const bar = '#'.repeat(Math.floor(pct / 4)).padEnd(25, '.');
    io.stderr.write(`\rverifying [${bar}] ${pct}% (${height + 1}/${head + 1} bundles)`);
  };
}
