/**
 * `qfs balance ADDRESS`: the five balances, nonce and key status of an address on a running node.
 * @module
 */
import type { Command } from 'commander';
import { TOKENS } from '../../engine';
import { println, type CliIo } from '../io';
import { clientFor, runNodeCommand } from '../node-client';

export function registerBalanceCommands(
  program: Command,
  io: CliIo,
  state: { exitCode: number },
): void {
  program
    .command('balance')
    .description('print the balances, nonce and key status of an address')
    .argument('<address>', 'account address (0x + 40 hex digits)')
    .option('--url <url>', 'node API (default: $QFS_URL or http://127.0.0.1:7545)')
    .option('--json', 'print the API answer as JSON')
    .action(async (address: string, options: { url?: string; json?: boolean }) => {
      await runNodeCommand(io, state, async () => {
        const account = await clientFor(options.url).account(address);
        if (options.json === true) {
          println(io, JSON.stringify(account));
          return;
        }
        println(io, `address: ${account.address}`);
        println(io, `height: ${account.height}`);
        println(io, `nonce: ${account.nonce}`);
        for (const token of TOKENS) println(io, `${token}: ${account.balances[token]}`);
        const key = account.key;
        const capabilities =
          key === null || key.capabilities.length === 0 ? 'none' : key.capabilities.join(', ');
        println(
          io,
          `key: ${key === null ? 'none' : `${key.status} (capabilities: ${capabilities})`}`,
        );
      });
    });
}
