/**
 * The auditor's commands: `qfs verify` (a data directory or an export) and `qfs export` (a data
 * directory's ledger as documented JSON-lines records, docs/ledger-format.md). Issue 19.
 * @module
 */
import { once } from 'node:events';
import fs from 'node:fs';
import { finished } from 'node:stream/promises';
import type { Command } from 'commander';
import { VerifyPool } from '../../crypto';
import { paths } from '../../node/data-dir';
import { exportLines, exportRange, ExportRangeError } from '../../node/export/export-store';
import { verifyExportFile } from '../../node/export/verify-export';
import { NodeStore } from '../../node/store';
import {
  formatDifference,
  verifyStore,
  type LedgerDifference,
  type VerifyResult,
} from '../../node/verify';
import { println, runCommand, usage, type CliIo } from '../io';

type State = { exitCode: number };

export function registerLedgerCommands(program: Command, io: CliIo, state: State): void {
  program
    .command('verify')
    .description(
      'check a ledger against its signed data: every signature, hash link and seal, every stored ' +
        'value, every bundle re-executed from the genesis (a data directory, or an export)',
    )
    .option('--dir <dir>', 'data directory (the node stopped or running)')
    .option('--export <file>', 'an export written by `qfs export` (no store, no node)')
    .option('--quiet', 'no progress bar')
    .action(async (o: { dir?: string; export?: string; quiet?: boolean }) => {
      if ((o.dir === undefined) === (o.export === undefined))
        return usage(io, state, 'give exactly one of --dir and --export');
      await runCommand(io, state, async () => {
        const pool = VerifyPool.create({ log: () => undefined });
        try {
          const result =
            o.export === undefined
              ? await verifyDir(o.dir as string, pool, o.quiet === true ? null : io)
              : await verifyExportFile(o.export, { pool });
          report(io, state, result);
        } finally {
          await pool.close();
        }
      });
    });

  program
    .command('export')
    .description(
      'write the ledger as JSON-lines records (docs/ledger-format.md) for `qfs verify --export`',
    )
    .requiredOption('--dir <dir>', 'data directory')
    .requiredOption('--out <file>', 'the file to write (not overwritten)')
    .option(
      '--from <height>',
      'first bundle (a slice starts with a checkpoint of the state before it)',
    )
    .option('--to <height>', 'last bundle (default: the head)')
    .action(async (o: { dir: string; out: string; from?: string; to?: string }) => {
      const from = heightOption(o.from);
      const to = heightOption(o.to);
      if (from === null || to === null) return usage(io, state, '--from and --to take a height');
      if (fs.existsSync(o.out)) return usage(io, state, `${o.out} exists; not overwritten`);
      const store = NodeStore.open(paths(o.dir).db);
      try {
        const range = exportRange(store, {
          ...(from === undefined ? {} : { from }),
          ...(to === undefined ? {} : { to }),
        });
        const written = await store.readSnapshot(() =>
          writeLines(o.out, exportLines(store, range)),
        );
        println(io, `wrote ${written} records to ${o.out}`);
      } catch (err) {
        if (!(err instanceof ExportRangeError)) throw err;
        usage(io, state, err.message);
      } finally {
        store.close();
      }
    });
}

async function verifyDir(dir: string, pool: VerifyPool, io: CliIo | null): Promise<VerifyResult> {
  const store = NodeStore.open(paths(dir).db);
  try {
    const result = await store.readSnapshot(() =>
      verifyStore(store, {
        pool,
        ...(io === null ? {} : { onProgress: progress(io, store.headHeight()) }),
      }),
    );
    if (io !== null) io.stderr.write('\n');
    return result;
  } finally {
    store.close();
  }
}

function report(io: CliIo, state: State, result: VerifyResult): void {
  if (result.difference !== null) {
    println(io, mismatchLine(result.difference));
    state.exitCode = 1;
    return;
  }
  println(
    io,
    `ok: ${result.bundles} bundles, ${result.txs} transactions verified; head ${result.height} stateRoot ${result.stateRoot}`,
  );
}

/** `MISMATCH at height H: <table> <row>, …: <column> <field>: expected …, found …`. */
export function mismatchLine(d: LedgerDifference): string {
  return `MISMATCH${d.height === null ? '' : ` at height ${d.height}`}: ${formatDifference(d)}`;
}

/** A height option: undefined when absent, null when not a height. */
function heightOption(text: string | undefined): number | undefined | null {
  if (text === undefined) return undefined;
  return /^(0|[1-9]\d{0,15})$/.test(text) ? Number(text) : null;
}

/** Writes lines to a new file, waiting for the stream when it is full. */
async function writeLines(file: string, lines: Iterable<string>): Promise<number> {
  const out = fs.createWriteStream(file, { flags: 'wx' });
  let count = 0;
  try {
    for (const line of lines) {
      count++;
      if (!out.write(`${line}\n`)) await once(out, 'drain');
    }
  } finally {
    out.end();
    await finished(out);
  }
  return count;
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
