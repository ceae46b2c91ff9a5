/**
 * `qfs keygen --out FILE` and `qfs key show FILE`: create an encrypted ML-DSA-87 key file and
 * inspect one. The passphrase comes from QFS_PASSPHRASE, a prompt, or stdin (passphrase.ts).
 * @module
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { hexToBytes } from '../../codec';
import {
  createKeyFile,
  keyFingerprint,
  KeystoreExistsError,
  readKeyFile,
  writeKeyFile,
} from '../../crypto';
import { println, runCommand, type CliIo } from '../io';
import { resolvePassphrase } from '../passphrase';

/** scrypt cost accepted on the command line: log2(N) in [14, 20]; default 18. */
export const KDF_LOG_N = Object.freeze({ min: 14, max: 20, default: 18 });

export function registerKeysCommands(
  program: Command,
  io: CliIo,
  state: { exitCode: number },
): void {
  program
    .command('keygen')
    .description(
      'generate an ML-DSA-87 key, encrypt it (scrypt + AES-256-GCM) and print its address',
    )
    .requiredOption('--out <file>', 'key file to create (never overwritten)')
    .option(
      '--kdf-log-n <n>',
      `scrypt cost log2(N), ${KDF_LOG_N.min}..${KDF_LOG_N.max}`,
      String(KDF_LOG_N.default),
    )
    .action(async (options: { out: string; kdfLogN: string }) => {
      await runCommand(io, state, async () => {
        const logN = Number(options.kdfLogN);
        if (!Number.isInteger(logN) || logN < KDF_LOG_N.min || logN > KDF_LOG_N.max) {
          io.stderr.write(
            `error: --kdf-log-n must be an integer in [${KDF_LOG_N.min}, ${KDF_LOG_N.max}]\n`,
          );
          state.exitCode = 2;
          return;
        }
        // Fail before asking for a passphrase; writeKeyFile still refuses atomically (O_EXCL).
        if (fs.existsSync(options.out)) throw new KeystoreExistsError({ path: options.out });
        const passphrase = await resolvePassphrase(io, process.env, { confirm: true });
        const { file } = createKeyFile(passphrase, { scryptN: 2 ** logN });
        writeKeyFile(options.out, file);
        println(io, `address: ${file.address}`);
        println(io, `fingerprint: ${keyFingerprint(hexToBytes(file.publicKey))}`);
      });
    });

  const key = program.command('key').description('key file tools');
  key
    .command('show')
    .description(
      'print the address and public-key fingerprint of a key file (no passphrase needed)',
    )
    .argument('<file>', 'key file')
    .action(async (file: string) => {
      await runCommand(io, state, async () => {
        const keyFile = readKeyFile(file);
        println(io, `address: ${keyFile.address}`);
        println(io, `fingerprint: ${keyFingerprint(hexToBytes(keyFile.publicKey))}`);
        println(io, `kdf: scrypt N=${keyFile.kdf.N} r=${keyFile.kdf.r} p=${keyFile.kdf.p}`);
      });
    });
}
