/**
 * A real ledger for the verifier's tests, built once per test process: four bundles on a real
 * SQLite store with transfers, actions, a failed transfer, oracle guidance, a key rotation (with
 * its KeyLedger entry and seal), and a halt and its resume. Tests copy the file and change the
 * copy.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseGuidance } from '../../runtime/engine';
import { HEALTHY_GUIDANCE } from '../../runtime/sdk/devnet';
import {
  actionBody,
  guidanceBody,
  rotateBody,
  signTx,
  transferBody,
} from '../../runtime/sdk/tx-builder';
import { CHAIN_ID, keys } from './engine';
import { testKey } from './keys';
import { initStore, openSequencer, tempDir } from './node';

/** The key user 1 rotates to in bundle 1. */
export const ROTATED_KEY = () => testKey(300);

let built: Promise<string> | null = null;

/** The path of the shared ledger (never change it: copy it with {@link ledgerCopy}). */
export function sharedLedger(): Promise<string> {
  built ??= buildLedger();
  return built;
}

/** A fresh copy of the shared ledger's store file. */
export async function ledgerCopy(): Promise<string> {
  const source = await sharedLedger();
  const file = path.join(tempDir('qfs-ledger-copy-'), 'qfs.db');
  fs.copyFileSync(source, file);
  return file;
}

async function buildLedger(): Promise<string> {
  const file = initStore(tempDir('qfs-ledger-'));
  const seq = await openSequencer(file);
  const [a, b, c] = [keys.user(0), keys.user(1), keys.user(2)];
  const guidance = parseGuidance({
    ...HEALTHY_GUIDANCE,
    sequence: '2',
    forPacket: '1',
    sChr: '0.97',
  });
  if (!guidance.ok) throw new Error(guidance.reason);
  const bundle = async (wires: Record<string, unknown>[]): Promise<void> => {
    for (const wire of wires) await seq.submit(wire);
    const result = await seq.produceBundle();
    if (result === null) throw new Error('the fixture bundle was not committed');
  };
  await bundle([
    signTx(a, CHAIN_ID, 1n, transferBody('CHR', b.address, '3')),
    signTx(b, CHAIN_ID, 1n, actionBody('compute', 4n, 'job-1')),
    signTx(keys.oracle, CHAIN_ID, 1n, guidanceBody(guidance.guidance)),
  ]);
  await bundle([
    signTx(c, CHAIN_ID, 1n, actionBody('storage', 2n)),
    signTx(a, CHAIN_ID, 2n, transferBody('FLX', c.address, '5000')), // fails: insufficient balance
    signTx(b, CHAIN_ID, 2n, rotateBody(CHAIN_ID, b, ROTATED_KEY())),
  ]);
  seq.halt(302, 'fixture halt', { reason: 'a recorded halt for the verifier tests' });
  seq.resume('fixture resume');
  await bundle([
    signTx(ROTATED_KEY(), CHAIN_ID, 3n, actionBody('compute', 7n)),
    signTx(a, CHAIN_ID, 3n, transferBody('FLX', c.address, '0.25')),
  ]);
  await bundle([signTx(c, CHAIN_ID, 2n, transferBody('RES', a.address, '1.5'))]);
  seq.store.close();
  return file;
}
