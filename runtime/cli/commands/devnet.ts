/**
 * `qfs devnet` (what `npm start` runs) and `qfs demo`.
 * @module
 */
import type { Command } from 'commander';
import { pino } from 'pino';
import {
  DEVNET_PASSPHRASE,
  runDemoWorkload,
  startDevnet,
  type DemoReport,
  type Devnet,
} from '../devnet';
import { certificateHash, type QuorumCertificate } from '../../sync/protocol';
import { println, runCommand, usage, type CliIo } from '../io';

type State = { exitCode: number };

export function registerDevnetCommands(program: Command, io: CliIo, state: State): void {
  program
    .command('devnet')
    .description(
      'run the whole system locally: Hardhat chain, contracts, sequencer, API, anchoring, demo workload',
    )
    .option('--dir <dir>', 'data directory (default .qfs/devnet)')
    .option('--no-demo', 'do not drive the demo workload')
    .option('--txs <n>', 'demo transactions', '24')
    .option(
      '--replicas <n>',
      'HolonetSync replicas that re-execute, cosign and confirm (0..8)',
      '2',
    )
    .action(async (o: { dir?: string; demo: boolean; txs: string; replicas: string }) => {
      const replicas = replicaCount(io, state, o.replicas);
      if (replicas === null) return;
      await runCommand(io, state, async () => {
        if (process.env.QFS_PASSPHRASE === undefined)
          io.stderr.write(
            `note: QFS_PASSPHRASE unset; the devnet keys use the throwaway passphrase "${DEVNET_PASSPHRASE}"\n`,
          );
        const log = pino({ level: process.env.QFS_LOG_LEVEL ?? 'warn' });
        const devnet = await startDevnet({
          ...(o.dir === undefined ? {} : { dir: o.dir }),
          log,
          replicas,
        });
        println(
          io,
          `chain     ${devnet.chain.rpcUrl} (Hardhat, EVM chain id ${devnet.evmChainId})`,
        );
        println(
          io,
          `contracts token ${await devnet.contracts.token.getAddress()}  anchor ${await devnet.contracts.anchor.getAddress()}  registry ${await devnet.contracts.registry.getAddress()}`,
        );
        println(io, `api       ${devnet.node.url}   docs ${devnet.node.url}/docs`);
        println(io, `explorer  ${devnet.node.url}/`);
        println(io, `data      ${devnet.dir}`);
        for (const r of devnet.replicas.replicas)
          println(io, `replica   ${r.url}   ${r.replica.key.address}`);
        if (o.demo) printReport(io, await runDemoWorkload(devnet, Number(o.txs)));
        const stopPrinting = printConfirmations(io, devnet);
        println(io, 'running; Ctrl-C stops everything');
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        stopPrinting();
        await devnet.stop();
        println(io, 'stopped');
      });
    });

  program
    .command('demo')
    .description(
      'start the devnet, drive N signed transactions, anchor, print one JSON report and exit',
    )
    .option('--txs <n>', 'demo transactions', '24')
    .option('--dir <dir>', 'data directory to keep (default: a fresh temporary one)')
    .option('--json', 'print JSON (the only output; accepted for scripts)', true)
    .option('--replicas <n>', 'HolonetSync replicas (0..8)', '0')
    .action(async (o: { txs: string; dir?: string; replicas: string }) => {
      const replicas = replicaCount(io, state, o.replicas);
      if (replicas === null) return;
      await runCommand(io, state, async () => {
        const log = pino({ level: process.env.QFS_LOG_LEVEL ?? 'silent' });
        const dir =
          o.dir ??
          (await import('node:fs')).mkdtempSync(`${(await import('node:os')).tmpdir()}/qfs-demo-`);
        const devnet = await startDevnet({ dir, log, replicas });
        try {
          println(io, JSON.stringify({ dir, ...(await runDemoWorkload(devnet, Number(o.txs))) }));
        } finally {
          await devnet.stop();
        }
      });
    });
}

function replicaCount(io: CliIo, state: State, text: string): number | null {
  const n = Number(text);
  if (/^[0-9]$/.test(text) && n <= 8) return n;
  usage(io, state, '--replicas must be an integer in [0, 8]');
  return null;
}

/**
 * While the devnet runs: one line per confirmed height, its certificate next to the heights the
 * anchoring service has on-chain.
 */
function printConfirmations(io: CliIo, devnet: Devnet): () => void {
  const onConfirmed = (c: QuorumCertificate) => {
    const anchored = devnet.anchoring.service.status.anchoredHeight;
    println(
      io,
      `confirmed height ${c.height} by ${c.attestations.length}/${c.members} replicas (certificate ${certificateHash(c).slice(0, 16)}…)   anchored on-chain up to ${anchored ?? 'none yet'}`,
    );
  };
  devnet.sync.hub().on('confirmed', onConfirmed);
  return () => devnet.sync.hub().off('confirmed', onConfirmed);
}

function printReport(io: CliIo, r: DemoReport): void {
  println(
    io,
    `demo      ${r.txs} signed transactions (${r.failedTxs} failed), committed height ${r.committedHeight}, anchored height ${r.anchoredHeight}${r.confirmedHeight === null ? '' : `, confirmed height ${r.confirmedHeight}`}`,
  );
  for (const [name, a] of Object.entries(r.accounts)) {
    println(io, `  ${name.padEnd(6)} ${a.address}`);
    for (const token of Object.keys(a.runtime)) {
      const runtime = a.runtime[token as keyof typeof a.runtime];
      const onchain = a.onchain[token as keyof typeof a.onchain];
      println(
        io,
        `    ${token}  runtime ${runtime.padStart(32)}  on-chain ${onchain.padStart(32)}  ${runtime === onchain ? 'ok' : 'DIFFERS'}`,
      );
    }
  }
}
