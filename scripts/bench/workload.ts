/**
 * The benchmark workload: M accounts registered at genesis and N signed transactions mixed like a
 * real load — transfers (~60 %), actions (~37 %), oracle guidance updates and a few key events —
 * in per-sender nonce order. Generated once and cached on disk (.bench-cache/); signing is the
 * slow part (noble ≈ 55–120 signatures/s; the native PQClean signer ≈ 570/s per thread, randomised
 * but valid ML-DSA-87 signatures of exactly the bytes QFS signs).
 * @module
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { bytesToHex } from '../../runtime/codec';
import {
  contextMessage,
  generateKeyPair,
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

type Signer = (key: KeyPair, message: Uint8Array) => Promise<string>;

/** PQClean's native signer when available (async, on libuv's pool), else noble. */
function makeSigner(): { sign: Signer; name: string } {
  try {
    const pq = require('pqclean') as {
      Sign: new (alg: string) => {
        sign(sk: Uint8Array, m: Uint8Array, cb: (err: Error | null, sig: Uint8Array) => void): void;
      };
    };
    const signer = new pq.Sign('ml-dsa-87');
    return {
      name: 'native',
      sign: (k, message) =>
        new Promise((resolve, reject) =>
          signer.sign(k.secretKey, contextMessage(SignatureContext.TX, message), (err, sig) =>
            err ? reject(err) : resolve(bytesToHex(new Uint8Array(sig))),
          ),
        ),
    };
  } catch {
    return {
      name: 'noble',
      sign: async (k, message) => bytesToHex(sign(k.secretKey, message, SignatureContext.TX)),
    };
  }
}

/** Loads the cached workload for (n, m) or generates and caches it. */
export async function loadWorkload(
  n: number,
  m: number,
  log: (line: string) => void,
): Promise<Workload> {
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
  const signer = makeSigner();
  log(
    `generating ${n} signed transactions from ${m} accounts with the ${signer.name} signer (cached in ${path.relative(process.cwd(), file)})`,
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
  const txs = await Promise.all(
    plan.map(async ({ key: k, body }) => {
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
        signature: await signer.sign(k, bytes),
      };
    }),
  );
  fs.mkdirSync(CACHE, { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ genesis, txs }));
  log(`generated in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { genesis, txs };
}

/** The sequencer key of the workload's genesis. */
export function benchSequencerKey(): KeyPair {
  return key('sequencer');
}
