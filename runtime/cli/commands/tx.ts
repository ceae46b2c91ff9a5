/**
 * `qfs tx transfer|action|status`: build a transaction, sign it with an encrypted key file and
 * submit it to a running node; or look one up. With `--wait`, wait for the receipt and exit 1 if
 * the transaction failed or was rejected.
 * @module
 */
import type { Command } from 'commander';
import { parseAddress } from '../../codec';
import { isToken, TOKENS } from '../../engine';
import { UD } from '../../math';
import type { QfsClient, SettledTx, Submitted, TxView } from '../../sdk';
import { EXIT_FAILURE, println, usage, type CliIo } from '../io';
import { clientFor, runNodeCommand, unlockKey } from '../node-client';

type CommonOptions = {
  key: string;
  url?: string;
  wait?: boolean | string;
  timeout: string;
  json?: boolean;
};

/** Default `--timeout` of `--wait`, in ms. */
export const WAIT_TIMEOUT_MS_DEFAULT = 60_000;

const UNITS = /^[1-9][0-9]{0,18}$/;
const TIMEOUT = /^[1-9][0-9]{0,8}$/;

export function registerTxCommands(program: Command, io: CliIo, state: { exitCode: number }): void {
  const tx = program.command('tx').description('build, sign and submit transactions to a node');

  const transfer = tx
    .command('transfer')
    .description('transfer tokens to an address')
    .requiredOption('--to <address>', 'recipient address')
    .requiredOption('--token <token>', TOKENS.join(' | '))
    .requiredOption('--amount <decimal>', 'amount, up to 18 fractional digits (e.g. 1.5)');
  common(transfer).action(
    async (options: CommonOptions & { to: string; token: string; amount: string }) => {
      if (!isToken(options.token))
        return usage(io, state, `--token must be one of ${TOKENS.join(', ')}`);
      const token = options.token;
      if (!checkTimeout(io, state, options.timeout) || !checkWait(io, state, options.wait)) return;
      await runNodeCommand(io, state, async () => {
        const to = parseAddress(options.to);
        const amount = UD.parse(options.amount);
        const key = await unlockKey(io, options.key);
        const client = clientFor(options.url);
        const submitted = await client.transfer(key, to, token, amount);
        await report(io, state, client, submitted, options);
      });
    },
  );

  const action = tx
    .command('action')
    .description('declare work (rewarded in proportion to units)')
    .requiredOption('--kind <kind>', 'action kind, lowercase [a-z0-9._-] (e.g. compute)')
    .requiredOption('--units <n>', 'whole units, at least 1')
    .option('--ref <text>', 'printable ASCII reference (up to 128 characters)', '');
  common(action).action(
    async (options: CommonOptions & { kind: string; units: string; ref: string }) => {
      if (!UNITS.test(options.units))
        return usage(io, state, '--units must be a whole number of at least 1');
      if (!checkTimeout(io, state, options.timeout) || !checkWait(io, state, options.wait)) return;
      await runNodeCommand(io, state, async () => {
        const key = await unlockKey(io, options.key);
        const client = clientFor(options.url);
        const submitted = await client.action(
          key,
          options.kind,
          BigInt(options.units),
          options.ref,
        );
        await report(io, state, client, submitted, options);
      });
    },
  );

  tx.command('status')
    .description('print where a transaction stands')
    .argument('<hash>', 'transaction hash (64 hex digits)')
    .option('--url <url>', 'node API (default: $QFS_URL or http://127.0.0.1:7545)')
    .option('--json', 'print JSON')
    .action(async (hash: string, options: { url?: string; json?: boolean }) => {
      await runNodeCommand(io, state, async () => {
        const view = await clientFor(options.url).tx(hash);
        if (options.json === true) println(io, JSON.stringify(view));
        else printView(io, view);
      });
    });
}

function common(command: Command): Command {
  return command
    .requiredOption('--key <file>', 'encrypted key file (passphrase: QFS_PASSPHRASE or prompt)')
    .option('--url <url>', 'node API (default: $QFS_URL or http://127.0.0.1:7545)')
    .option(
      '--wait [stage]',
      'wait until the transaction is committed (or rejected); `--wait confirmed`: until its bundle has a quorum certificate (HolonetSync)',
    )
    .option('--timeout <ms>', 'how long --wait waits', String(WAIT_TIMEOUT_MS_DEFAULT))
    .option('--json', 'print JSON');
}

function checkWait(
  io: CliIo,
  state: { exitCode: number },
  wait: boolean | string | undefined,
): boolean {
  if (wait === undefined || wait === true || wait === 'committed' || wait === 'confirmed')
    return true;
  usage(io, state, '--wait takes no value, `committed` or `confirmed`');
  return false;
}

function checkTimeout(io: CliIo, state: { exitCode: number }, timeout: string): boolean {
  if (TIMEOUT.test(timeout)) return true;
  usage(io, state, '--timeout must be a whole number of milliseconds');
  return false;
}

/** Prints the submission and, with --wait, the outcome (exit 1 unless committed with ok). */
async function report(
  io: CliIo,
  state: { exitCode: number },
  client: QfsClient,
  submitted: Submitted,
  options: CommonOptions,
): Promise<void> {
  let settled: SettledTx | undefined;
  const timeoutMs = Number(options.timeout);
  if (options.wait === 'confirmed') {
    settled = await client.waitForConfirmation(submitted.txHash, { timeoutMs });
  } else if (options.wait !== undefined && submitted.status === 'pending') {
    settled = await client.waitForTx(submitted.txHash, { timeoutMs });
  } else if (options.wait !== undefined) {
    settled = (await client.tx(submitted.txHash)) as SettledTx;
  }
  const view: TxView = settled ?? { txHash: submitted.txHash, status: 'pending' };
  if (options.json === true) {
    println(io, JSON.stringify({ ...view, nonce: submitted.nonce.toString() }));
  } else {
    println(io, `tx: ${submitted.txHash}`);
    println(io, `nonce: ${submitted.nonce}`);
    if (settled === undefined) println(io, `status: ${submitted.status}`);
    else printView(io, settled, false);
  }
  const failed =
    view.status === 'rejected' || (view.status === 'committed' && view.receipt.status !== 'ok');
  if (failed || (options.wait === undefined && submitted.status === 'rejected'))
    state.exitCode = EXIT_FAILURE;
}

function printView(io: CliIo, view: TxView, withHash = true): void {
  if (withHash) println(io, `tx: ${view.txHash}`);
  println(io, `status: ${view.status}`);
  if (view.status === 'committed') {
    println(io, `height: ${view.height}`);
    println(io, `index: ${view.index}`);
    const r = view.receipt;
    println(
      io,
      `receipt: ${r.status}${r.code === undefined ? '' : ` ${r.code}: ${r.reason ?? ''}`}`,
    );
    if (r.fee !== undefined) println(io, `fee: ${r.fee} FLX`);
    if (view.confirmed !== undefined)
      println(
        io,
        `confirmed: ${view.confirmed ? `yes (certificate ${view.certificateHash})` : 'no'}`,
      );
  } else if (view.status === 'rejected') {
    println(io, `reason: ${view.code}: ${view.reason}`);
  }
}
