/**
 * What the commands that talk to a running node share: the node URL (`--url`, else QFS_URL,
 * else the default), unlocking a key file, and turning coded errors into exit codes.
 * @module
 */
import { decryptKey, readKeyFile, type KeyPair } from '../crypto';
import { DEFAULT_NODE_URL, NodeApiError, QfsClient } from '../sdk';
import { runCommand, type CliIo } from './io';
import { resolvePassphrase } from './passphrase';

/** The environment variable naming the node API (`http://host:port`). */
export const NODE_URL_ENV = 'QFS_URL';

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

/** Runs a command body like {@link runCommand}, adding the node's error details when it sent any. */
export function runNodeCommand(
  io: CliIo,
  state: { exitCode: number },
  body: () => Promise<void>,
): Promise<void> {
  return runCommand(io, state, body, (err) =>
    err instanceof NodeApiError && Object.keys(err.details).length > 0
      ? `details: ${JSON.stringify(err.toJSON().details)}`
      : null,
  );
}
