/**
 * `qfs entropy vdf | verify-vdf | verify-beacon`: the auditor's tools for the entropy a packet
 * carries (issue 22). They run the same code packet validation runs, offline.
 *
 *   qfs entropy vdf --input HEX --t T --json        evaluate and prove; print input, T, modulus, x,
 *                                                   y, ℓ and π
 *   qfs entropy verify-vdf --file vdf.json          or --input --t --output --proof
 *   qfs entropy verify-beacon --round R --signature S [--public-key PK | --chain quicknet]
 *   qfs entropy verify-beacon --file round.json     a drand answer, optionally with public_key
 * @module
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import {
  beaconRandomness,
  evaluateVdf,
  QUICKNET,
  RSA_2048_MODULUS,
  VDF_MODULUS_ID,
  verifyBeaconSignature,
  verifyVdf,
} from '../../entropy';
import { EXIT_FAILURE, println, runCommand, usage, type CliIo } from '../io';

type State = { exitCode: number };

const DECIMAL = /^[1-9][0-9]{0,15}$/;

export function registerEntropyCommands(program: Command, io: CliIo, state: State): void {
  const entropy = program
    .command('entropy')
    .description('beacon and VDF tools: evaluate a VDF, verify a VDF proof or a beacon round');
  registerVdf(entropy, io, state);
  registerVerifyVdf(entropy, io, state);
  registerVerifyBeacon(entropy, io, state);
}

function registerVdf(entropy: Command, io: CliIo, state: State): void {
  entropy
    .command('vdf')
    .description('evaluate y = x^(2^T) mod RSA-2048 for an input and prove it (Wesolowski)')
    .requiredOption('--input <hex>', 'input bytes, lowercase hex (1..256 bytes)')
    .requiredOption('--t <n>', 'delay T: sequential squarings (1..16777216)')
    .option('--json', 'print JSON')
    .action(async (o: { input: string; t: string; json?: boolean }) => {
      await runCommand(io, state, async () => {
        if (!DECIMAL.test(o.t)) return usage(io, state, '--t must be a positive integer');
        const e = evaluateVdf(o.input, BigInt(o.t));
        const out = {
          input: e.input,
          t: e.t.toString(),
          modulusId: VDF_MODULUS_ID,
          modulus: RSA_2048_MODULUS.toString(16),
          x: e.x,
          output: e.output,
          challenge: e.challenge,
          proof: e.proof,
        };
        if (o.json === true) return println(io, JSON.stringify(out));
        for (const [k, v] of Object.entries(out)) println(io, `${k}: ${v}`);
      });
    });
}

function registerVerifyVdf(entropy: Command, io: CliIo, state: State): void {
  entropy
    .command('verify-vdf')
    .description('verify a Wesolowski proof (from options or the JSON `qfs entropy vdf` prints)')
    .option('--file <file>', 'a JSON file with input, t, output, proof')
    .option('--input <hex>', 'input bytes, lowercase hex')
    .option('--t <n>', 'delay T')
    .option('--output <hex>', 'y, 256 bytes of hex')
    .option('--proof <hex>', 'π, 256 bytes of hex')
    .option('--json', 'print JSON')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      await runCommand(io, state, async () => {
        const given = o.file === undefined ? o : readJson(String(o.file));
        if (given === null) return usage(io, state, `${String(o.file)}: not a JSON object`);
        const { input, t, output, proof } = given as Record<string, unknown>;
        if (![input, t, output, proof].every((v) => typeof v === 'string'))
          return usage(io, state, 'give --file, or --input, --t, --output and --proof');
        if (!DECIMAL.test(t as string)) return usage(io, state, 't must be a positive integer');
        const valid = verifyVdf(
          input as string,
          BigInt(t as string),
          output as string,
          proof as string,
        );
        println(io, o.json === true ? JSON.stringify({ valid }) : valid ? 'ok' : 'INVALID');
        if (!valid) state.exitCode = EXIT_FAILURE;
      });
    });
}

function registerVerifyBeacon(entropy: Command, io: CliIo, state: State): void {
  entropy
    .command('verify-beacon')
    .description('verify a drand round (bls-unchained-g1-rfc9380) under a public key')
    .option('--file <file>', 'a drand answer {round, signature, randomness?, public_key?}')
    .option('--round <n>', 'the round')
    .option('--signature <hex>', 'the round signature (48 bytes of hex)')
    .option('--public-key <hex>', 'the chain public key (96 bytes of hex)')
    .option('--chain <name>', 'a known chain instead of --public-key', 'quicknet')
    .option('--json', 'print JSON')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      await runCommand(io, state, async () => {
        const file = o.file === undefined ? {} : readJson(String(o.file));
        if (file === null) return usage(io, state, `${String(o.file)}: not a JSON object`);
        const round = String(file.round ?? o.round ?? '');
        const signature = file.signature ?? o.signature;
        const publicKey = file.public_key ?? file.publicKey ?? o.publicKey ?? knownKey(o.chain);
        if (!DECIMAL.test(round) || typeof signature !== 'string' || typeof publicKey !== 'string')
          return usage(
            io,
            state,
            'give --round, --signature and --public-key (or --chain, or --file)',
          );
        const valid = verifyBeaconSignature({ publicKey }, BigInt(round), signature);
        const randomness = beaconRandomness(signature);
        const randomnessOk = file.randomness === undefined || file.randomness === randomness;
        const ok = valid && randomnessOk;
        if (o.json === true) println(io, JSON.stringify({ valid: ok, round, randomness }));
        else
          println(
            io,
            ok
              ? `ok: round ${round} randomness ${randomness}`
              : `INVALID: ${valid ? 'randomness is not SHA-256 of the signature' : 'the signature does not verify'}`,
          );
        if (!ok) state.exitCode = EXIT_FAILURE;
      });
    });
}

function knownKey(name: unknown): string | undefined {
  return name === QUICKNET.name ? QUICKNET.publicKey : undefined;
}

/** A JSON object from a file, or null when the file cannot be read or holds something else. */
function readJson(file: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
    return value as Record<string, unknown>;
  } catch {
    return null;
  }
}
