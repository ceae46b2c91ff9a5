/**
 * The benchmark workload: M accounts registered at genesis and N signed transactions mixed like a
 * real load — transfers (~60 %), actions (~37 %), oracle guidance updates and a few key events —
 * in per-sender nonce order. Generated once and cached on disk (.bench-cache/); signing is the
 * slow part: ~20 s with QFS's native signer (~1,200 signatures/s), minutes with noble (~100/s).
 * Signing is deterministic, so a generated workload is the same bytes on every machine.
 * @module
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { bytesToHex } from '../../runtime/codec';
import {
  generateKeyPair,
  getSignBackend,
  SignatureContext,
  sign,
  type KeyPair,
} from '../../runtime/crypto';
import { parseGuidance, txSigningBytes } from '../../runtime/engine';
import { devnetGenesis, HEALTHY_GUIDANCE } from '../../runtime/sdk/devnet';
import {
  actionBody,
  guidanceBody,
  registerBody,
  transferBody,
  type TxWire,
} from '../../runtime/sdk/tx-builder';

export const BENCH_CHAIN_ID = 'qfs-bench';
export const BENCH_GENESIS_TIME = 1_767_225_600_000n;
const CACHE = path.join(__dirname, '..', '..', '.bench-cache');

export type Workload = {
  readonly genesis: Record<string, unknown>;
  readonly txs: readonly TxWire[];
};

function key(label: string): KeyPair {
  return generateKeyPair(
    new Uint8Array(createHash('sha256').update(`qfs-bench-${label}`).digest()),
  );
}

/** Loads the cached workload for (n, m) or generates and caches it. */
export function loadWorkload(n: number, m: number, log: (line: string) => void): Workload {
  const file = path.join(CACHE, `workload-v1-${n}-${m}.json`);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as Workload;
  const started = Date.now();
  const users = Array.from({ length: m }, (_, i) => key(`user-${i}`));
  const sequencer = key('sequencer');
  const oracle = key('oracle');
  const admin = key('admin');
  const genesis = devnetGenesis({
    chainId: BENCH_CHAIN_ID,
    genesisTime: BENCH_GENESIS_TIME,
    sequencer,
    oracle,
    admin,
    users,
    accounts: users.map((u) => ({
      address: u.address,
      balances: { CHR: '1000000', FLX: '1000000', PSI: '1000', ATR: '1000', RES: '1000' },
    })),
    treasury: admin.address,
  });
  log(
    `generating ${n} signed transactions from ${m} accounts with the ${getSignBackend().name} signer (cached in ${path.relative(process.cwd(), file)})`,
  );
  const nonces = new Map<string, bigint>();
  const plan: { key: KeyPair; body: Record<string, unknown> }[] = [];
  let guidanceSequence = 1n;
  let newKeys = 0;
  for (let i = 0; i < n; i++) {
    if (i % 1000 === 500) {
      const g = parseGuidance({
        ...HEALTHY_GUIDANCE,
        sequence: String(++guidanceSequence),
        forPacket: '0',
      });
      if (g.ok) plan.push({ key: oracle, body: guidanceBody(g.guidance) });
      continue;
    }
    if (i % 2500 === 1250) {
      const fresh = key(`new-${newKeys++}`);
      plan.push({ key: fresh, body: registerBody(BENCH_CHAIN_ID, fresh) });
      continue;
    }
    const from = users[i % m] as KeyPair;
    const to = users[(i * 7 + 3) % m] as KeyPair;
    plan.push({
      key: from,
      body:
        i % 8 < 5
          ? transferBody('CHR', to.address, `${1 + (i % 97)}.${i % 10}`)
          : actionBody(i % 3 === 0 ? 'compute' : 'storage', BigInt(1 + (i % 9)), `bench-${i}`),
    });
  }
  const txs = plan.map(({ key: k, body }) => {
    const nonce = (nonces.get(k.address) ?? 0n) + 1n;
    nonces.set(k.address, nonce);
    const bytes = txSigningBytes({
      chainId: BENCH_CHAIN_ID,
      from: k.address,
      nonce,
      wireBody: body,
    });
    return {
      chainId: BENCH_CHAIN_ID,
      from: k.address,
      nonce: nonce.toString(),
      body,
      signature: bytesToHex(sign(k.secretKey, bytes, SignatureContext.TX)),
    };
  });
  fs.mkdirSync(CACHE, { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ genesis, txs }));
  log(`generated in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { genesis, txs };
}

/** The sequencer key of the workload's genesis. */
export function benchSequencerKey(): KeyPair {
  return key('sequencer');
}
