/**
 * Where a keystore passphrase comes from: the `QFS_PASSPHRASE` environment variable, else an
 * interactive prompt on the terminal (input hidden), else the first line of stdin when stdin is
 * not a terminal (`… | qfs keygen`). Never from a command-line argument (DESIGN.md §4).
 * @module
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { KeystoreNoPassphraseError } from '../crypto';
import type { CliIo } from './io';

/** The environment variable holding the passphrase. */
export const PASSPHRASE_ENV = 'QFS_PASSPHRASE';

type TtyInput = Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };

/**
 * Resolves the passphrase.
 * @param io - the CLI streams (the prompt goes to stderr)
 * @param env - the environment (QFS_PASSPHRASE)
 * @param options - `confirm`: ask twice on a terminal (new keys)
 * @throws {KeystoreNoPassphraseError} when none is available or the confirmation differs
 */
export async function resolvePassphrase(
  io: CliIo,
  env: NodeJS.ProcessEnv,
  options: { readonly confirm: boolean },
): Promise<string> {
  const fromEnv = env[PASSPHRASE_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const input = io.stdin as TtyInput;
  if (input.isTTY === true && typeof input.setRawMode === 'function') {
    const first = await promptHidden(io, input, 'Passphrase: ');
    if (options.confirm) {
      const second = await promptHidden(io, input, 'Repeat passphrase: ');
      if (first !== second)
        throw new KeystoreNoPassphraseError({ reason: 'the passphrases differ' });
    }
    if (first === '') throw new KeystoreNoPassphraseError({ reason: 'empty passphrase' });
    return first;
  }
  const line = await firstLine(input);
  if (line === undefined || line === '') {
    throw new KeystoreNoPassphraseError({
      reason: `set ${PASSPHRASE_ENV}, run on a terminal, or pipe the passphrase on stdin`,
    });
  }
  return line;
}

async function firstLine(input: Readable): Promise<string | undefined> {
  const lines = createInterface({ input, crlfDelay: Infinity, terminal: false });
  try {
    for await (const line of lines) return line;
    return undefined;
  } finally {
    lines.close();
  }
}

/** Reads one line from a terminal in raw mode without echoing it. */
function promptHidden(io: CliIo, input: TtyInput, prompt: string): Promise<string> {
  io.stderr.write(prompt);
  input.setRawMode?.(true);
  input.resume();
  let value = '';
  return new Promise<string>((resolve, reject) => {
    const finish = (err?: Error): void => {
      input.off('data', onData);
      input.setRawMode?.(false);
      input.pause();
      io.stderr.write('\n');
      if (err === undefined) resolve(value);
      else reject(err);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003')
          return finish(new KeystoreNoPassphraseError({ reason: 'interrupted' }));
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else value += ch;
      }
    };
    input.on('data', onData);
  });
}
