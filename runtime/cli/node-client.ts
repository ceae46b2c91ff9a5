/**
 * What the commands that talk to a running node share: the node URL (`--url`, else QFS_URL,
 * else the default), unlocking a key file, and turning coded errors into exit codes.
 * @module
 */
import { decryptKey, readKeyFile, type KeyPair } from '../crypto';
import { isCodedError } from '../errors';
import { DEFAULT_NODE_URL, NodeApiError, QfsClient } from '../sdk';
import type { CliIo } from './io';
import { resolvePassphrase } from './passphrase';

/** The environment variable naming the node API (`http://host:port`). */
export const NODE_URL_ENV = 'QFS_URL';

/** Exit codes: 0 success, 1 failure (refused, failed receipt, unreachable), 2 usage. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** The node URL: the option, else QFS_URL, else {@link DEFAULT_NODE_URL}. */
export function nodeUrl(option: string | undefined, env: NodeJS.ProcessEnv): string {
  if (option !== undefined && option !== '') return option;
  const fromEnv = env[NODE_URL_ENV];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_NODE_URL;
}

export function clientFor(option: string | undefined): QfsClient {
  return new QfsClient(nodeUrl(option, process.env));
}

/**
 * Reads and decrypts a key file (passphrase from QFS_PASSPHRASE, a prompt or stdin).
 * @throws {KeystoreNotFoundError} {KeystoreCorruptError} {KeystoreBadPassphraseError}
 */
export async function unlockKey(io: CliIo, file: string): Promise<KeyPair> {
  const keyFile = readKeyFile(file);
  const passphrase = await resolvePassphrase(io, process.env, { confirm: false });
  const { keyPair, seed } = decryptKey(keyFile, passphrase);
  seed.fill(0);
  return keyPair;
}

/** A usage error: message on stderr, exit code 2. */
export function usage(io: CliIo, state: { exitCode: number }, message: string): void {
  io.stderr.write(`error: ${message}\n`);
  state.exitCode = EXIT_USAGE;
}

/**
 * Runs a command body; a coded error becomes `error: CODE: message` (and the node's details) on
 * stderr and exit code 1.
 */
export async function runNodeCommand(
  io: CliIo,
  state: { exitCode: number },
  body: () => Promise<void>,
): Promise<void> {
  try {
    await body();
  } catch (err) {
    if (!isCodedError(err)) throw err;
    io.stderr.write(`error: ${err.code}: ${err.message}\n`);
    if (err instanceof NodeApiError && Object.keys(err.details).length > 0)
      io.stderr.write(`details: ${JSON.stringify(err.toJSON().details)}\n`);
    state.exitCode = EXIT_FAILURE;
  }
}
