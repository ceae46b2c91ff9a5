/**
 * One bundle of an export — its `bundle` record, its `tx` records, the `key-entry` records and the
 * `key-seal` record it wrote — verified against signed data and re-execution in the same order as
 * the store verifier (runtime/node/verify/store-verifier.ts): seal, packet, transactions,
 * signatures, re-execution against the seal, then every recomputed value against its record. In
 * the first bundle, a failure only the unsigned genesis can explain names the genesis record.
 * @module
 */
import { hexToBytes } from '../../codec';
import { SignatureContext, verify, type VerifyPool } from '../../crypto';
import { parseTx, type EngineState, type SignedTx } from '../../engine';
import {
  coherenceSealHash,
  coherenceSealSigningBytes,
  computePayloadHash,
  keyLedgerView,
  packetHash,
  parsePacket,
  validatePacket,
  type CoherenceEntry,
  type CoherenceSeal,
  type CoherenceSealBody,
  type DrvPacket,
  type KeyFinalitySeal,
  type KeyLedgerEntry,
} from '../../ledger';
import { isCodedError } from '../../errors';
import {
  parseCoherenceSeal,
  parseOperatorRecord,
  verifyOperatorRecord as operatorSignatureValid,
} from '../records';
import { differ, type LedgerDifference } from '../verify/difference';
import { plainJson, valueDifference } from '../verify/json-text';
import { packetProblem } from '../verify/packet-checks';
import {
  bodyDifference,
  coherenceSealProblem,
  keySealProblem,
  recomputeBundle,
  txSignatureVerdicts,
  type RecomputedBundle,
} from '../verify/recompute';
import { packetSignatureValid } from '../verify/signed-cells';
import type { ExportRecord, RecordReader } from './reader';
import { exportReceipt } from './records';
import { exactFields, field, parsedField } from './record-fields';

/** What is verified after the records read so far. */
export type ExportVerified = {
  readonly state: EngineState;
  readonly entry: CoherenceEntry | null;
  readonly sealHash: string;
  readonly keyEntries: readonly KeyLedgerEntry[];
  readonly txs: number;
  readonly bundles: number;
};

export type BundleContext = {
  readonly reader: RecordReader;
  readonly pool: VerifyPool | undefined;
  /** The genesis record's line, named when only the genesis explains a failure. */
  readonly genesisLine: number;
  /** Seal hashes verified so far, by height (entropy records are anchored to one of them). */
  readonly sealHashes: Map<number, string>;
};

type TxRecord = { readonly record: ExportRecord; readonly tx: SignedTx };

type Blame = {
  /** A difference in the bundle record. */
  readonly at: (name: string, expected: string, actual: string) => LedgerDifference;
  /** A difference only the genesis explains (first bundle). */
  readonly genesis: (expected: string, actual: string) => LedgerDifference;
};

/** Verifies the next bundle's records on top of `v`. */
export async function verifyBundleRecords(
  ctx: BundleContext,
  v: ExportVerified,
): Promise<ExportVerified> {
  const height = Number(v.state.height);
  const record = await ctx.reader.expect('bundle');
  exactFields(record, ['height', 'packet', 'txCount', 'entry', 'seal']);
  const at: Blame['at'] = (name, expected, actual) =>
    field(record, name, expected, actual, { height });
  const blame: Blame = {
    at,
    genesis: (expected, actual) => ({
      ...at('$.genesis', expected, actual),
      rowid: ctx.genesisLine,
      row: `line=${ctx.genesisLine}`,
      column: 'genesis',
      field: '',
    }),
  };
  if (record.fields.height !== String(height))
    differ(at('$.height', String(height), String(record.fields.height)));
  const seal = parsedField(record, 'seal', (value) => parseCoherenceSeal(JSON.stringify(value)));
  const packet = parsedField(record, 'packet', parsePacket);
  const txs = await readTxRecords(ctx.reader, height);
  if (record.fields.txCount !== String(txs.length))
    differ(at('$.txCount', String(txs.length), String(record.fields.txCount)));
  // The seal, under a key holding `sequencer` before the bundle (the genesis keys for the first).
  const sealProblem = coherenceSealProblem(seal, v.state);
  if (sealProblem !== null) {
    if (height === 0 && !packetSignatureValid(packet, v.state))
      differ(blame.genesis('keys that verify the first packet and seal', 'other keys'));
    differ(at(`$.seal${sealProblem.field.slice(1)}`, sealProblem.expected, sealProblem.actual));
  }
  checkPacket(v, packet, seal, height, at, blame.genesis, (h) =>
    h < BigInt(height) ? ctx.sealHashes.get(Number(h)) : undefined,
  );
  const payload = computePayloadHash(
    txs.map((t) => t.tx.hash),
    [],
  );
  if (payload !== packet.payloadHash)
    differ(at('$.packet.payloadHash', payload, packet.payloadHash));
  const preverified = await checkSignatures(ctx, v, { txs, packet, seal }, blame.genesis);
  const recomputed = reexecute(v, { packet, seal, txs, preverified }, blame);
  const entry = valueDifference('$.entry', plainJson(recomputed.entry), record.fields.entry);
  if (entry !== null) differ(at(entry.field, entry.expected, entry.actual));
  txs.forEach(({ record: tx, tx: { hash } }, i) => {
    const d = valueDifference(
      '$.receipt',
      exportReceipt(recomputed.result.receipts[i]!),
      tx.fields.receipt,
    );
    if (d !== null) differ(field(tx, d.field, d.expected, d.actual, { height, txHash: hash }));
  });
  await checkKeyRecords(ctx.reader, recomputed, height);
  return {
    state: recomputed.result.state,
    entry: recomputed.entry,
    sealHash: coherenceSealHash(seal),
    keyEntries: recomputed.keyEntries,
    txs: v.txs + txs.length,
    bundles: v.bundles + 1,
  };
}

/** Re-executes the bundle, which must give what its seal signs. */
function reexecute(
  v: ExportVerified,
  b: {
    packet: DrvPacket;
    seal: CoherenceSeal;
    txs: readonly TxRecord[];
    preverified: ReadonlySet<string>;
  },
  blame: Blame,
): RecomputedBundle {
  const first = v.state.height === 0n;
  let recomputed: RecomputedBundle;
  try {
    const txs = b.txs.map((t) => t.tx);
    recomputed = recomputeBundle(v.state, b.packet, txs, v, b.preverified);
  } catch (err) {
    if (!isCodedError(err)) throw err;
    const actual = `${err.code}: ${err.message}`;
    return differ(
      first
        ? blame.genesis('a genesis the first bundle executes on', actual)
        : blame.at('$.packet', 'a bundle that executes', actual),
    );
  }
  const sealed = bodyDifference(recomputed.sealBody, b.seal);
  if (sealed !== null)
    differ(
      first
        ? blame.genesis(`the sealed ${sealed.field}`, sealed.expected)
        : blame.at(`$.seal${sealed.field.slice(1)}`, sealed.expected, sealed.actual),
    );
  return recomputed;
}

/** The packet the seal names, valid after the verified ledger, with its entropy. */
function checkPacket(
  v: ExportVerified,
  packet: DrvPacket,
  seal: CoherenceSeal,
  height: number,
  at: (name: string, expected: string, actual: string) => LedgerDifference,
  genesis: (expected: string, actual: string) => LedgerDifference,
  sealHashAt: (height: bigint) => string | undefined,
): void {
  const hash = packetHash(packet);
  if (hash !== seal.packetHash)
    differ(at('$.packet', `a packet hashing to ${seal.packetHash}`, hash));
  try {
    validatePacket(packet, v.state.lastPacket, keyLedgerView(v.state.keys), {
      chainId: v.state.chainId,
    });
  } catch (err) {
    if (!isCodedError(err)) throw err;
    if (height === 0 && err.code !== 'DRV_SIGNATURE_INVALID')
      differ(genesis(err.code, err.message));
    differ(at('$.packet', err.code, err.message));
  }
  const problem = packetProblem({
    packet,
    height,
    previousSealHash: v.sealHash,
    state: v.state,
    sealHashAt,
  });
  if (problem !== null)
    differ(at(`$.packet${problem.field.slice(1)}`, problem.expected, problem.actual));
}

/** The bundle's `tx` records, each with its height, index, hash and a parsable transaction. */
async function readTxRecords(reader: RecordReader, height: number): Promise<TxRecord[]> {
  const out: TxRecord[] = [];
  while ((await reader.peek())?.type === 'tx') {
    const record = (await reader.next()) as ExportRecord;
    exactFields(record, ['height', 'index', 'txHash', 'tx', 'receipt']);
    const checks: [string, string][] = [
      ['$.height', String(height)],
      ['$.index', String(out.length)],
    ];
    for (const [name, expected] of checks) {
      const actual = String(record.fields[name.slice(2)]);
      if (actual !== expected) differ(field(record, name, expected, actual, { height }));
    }
    const tx = parsedField(record, 'tx', parseTx, (t) => ({
      chainId: t.chainId,
      from: t.from,
      nonce: t.nonce,
      body: t.wireBody,
      signature: t.signature,
    }));
    if (tx.hash !== record.fields.txHash)
      differ(
        field(record, '$.txHash', tx.hash, String(record.fields.txHash), {
          height,
          txHash: tx.hash,
        }),
      );
    out.push({ record, tx });
  }
  return out;
}

/**
 * Every transaction's signature (see the store verifier: only a receipt that records the engine
 * refusing it may carry an invalid one). In the first bundle, a bundle that gives the sealed root
 * with the signature taken as valid means the genesis keys were changed.
 */
async function checkSignatures(
  ctx: BundleContext,
  v: ExportVerified,
  bundle: { txs: readonly TxRecord[]; packet: DrvPacket; seal: CoherenceSeal },
  genesis: (expected: string, actual: string) => LedgerDifference,
): Promise<Set<string>> {
  const txs = bundle.txs.map((t) => t.tx);
  const verdicts = await txSignatureVerdicts(v.state, txs, ctx.pool);
  const preverified = new Set<string>();
  verdicts.forEach((verdict, i) => {
    const { record, tx } = bundle.txs[i] as TxRecord;
    if (verdict === 'valid') return void preverified.add(tx.hash);
    const code = (record.fields.receipt as { code?: unknown } | undefined)?.code;
    if (verdict === 'invalid' && code === 'TX_BAD_SIGNATURE') return;
    if (verdict === 'no-key' && (code === 'TX_UNKNOWN_SENDER' || code === 'TX_MALFORMED')) return;
    if (v.state.height === 0n) {
      let explained = false;
      try {
        const trial = recomputeBundle(
          v.state,
          bundle.packet,
          txs,
          v,
          new Set(txs.map((t) => t.hash)),
        );
        explained = trial.result.stateRoot !== bundle.seal.stateRoot;
      } catch {
        explained = true;
      }
      if (explained) differ(genesis('the keys that signed', 'other keys'));
    }
    differ(
      field(
        record,
        verdict === 'invalid' ? '$.tx.signature' : '$.tx.from',
        'a valid signature',
        tx.signature.slice(0, 32),
        { height: Number(v.state.height), txHash: tx.hash },
      ),
    );
  });
  return preverified;
}

/** The KeyLedger entries the bundle wrote, then its KeyLedger seal when it must carry one. */
async function checkKeyRecords(
  reader: RecordReader,
  recomputed: RecomputedBundle,
  height: number,
): Promise<void> {
  for (const entry of recomputed.result.keyEntries) {
    const record = await reader.expect('key-entry');
    exactFields(record, ['entry']);
    const d = valueDifference('$.entry', plainJson(entry), record.fields.entry);
    if (d !== null) differ(field(record, d.field, d.expected, d.actual, { height }));
  }
  const next = await reader.peek();
  const body = recomputed.keySealBody;
  if (body === null) {
    if (next?.type === 'key-seal')
      differ(
        field(next, '$', 'no KeyLedger seal after this bundle', 'a key-seal record', { height }),
      );
    return;
  }
  const record = await reader.expect('key-seal');
  exactFields(record, ['height', 'seal']);
  if (record.fields.height !== String(height))
    differ(field(record, '$.height', String(height), String(record.fields.height), { height }));
  const stored = record.fields.seal as { signature?: unknown } | undefined;
  const seal: KeyFinalitySeal = { ...body, signature: String(stored?.signature) };
  const d = valueDifference('$.seal', plainJson(seal), record.fields.seal);
  if (d !== null) differ(field(record, d.field, d.expected, d.actual, { height }));
  const problem = keySealProblem(seal, recomputed.result.state);
  if (problem !== null)
    differ(
      field(record, `$.seal${problem.field.slice(1)}`, problem.expected, problem.actual, {
        height,
      }),
    );
}

/** A halt or resume record: exact, and signed by a key the KeyLedger names. */
export function verifyOperatorRecord(record: ExportRecord, state: EngineState): void {
  exactFields(record, ['operatorRecord']);
  const parsed = parsedField(record, 'operatorRecord', (value) =>
    parseOperatorRecord(JSON.stringify(value)),
  );
  const key = keyLedgerView(state.keys).getKey(parsed.signer);
  let valid = false;
  try {
    valid = key !== undefined && operatorSignatureValid(parsed, hexToBytes(key.publicKey));
  } catch {
    valid = false;
  }
  if (!valid)
    differ(
      field(
        record,
        '$.operatorRecord.signature',
        'a valid signature by a KeyLedger key',
        parsed.signature.slice(0, 32),
      ),
    );
}

/** A checkpoint's seal: its body as the entry implies, its signature by a KeyLedger key. */
export function checkSignedSeal(
  record: ExportRecord,
  seal: CoherenceSeal,
  body: CoherenceSealBody,
  state: EngineState,
): void {
  const d = bodyDifference(body, seal);
  if (d !== null) differ(field(record, `$.seal${d.field.slice(1)}`, d.expected, d.actual));
  const key = keyLedgerView(state.keys).getKey(seal.signer);
  let valid = false;
  try {
    valid =
      key !== undefined &&
      verify(
        hexToBytes(key.publicKey),
        coherenceSealSigningBytes(seal),
        hexToBytes(seal.signature, 4627),
        SignatureContext.COHERENCE_SEAL,
      );
  } catch {
    valid = false;
  }
  if (!valid)
    differ(
      field(
        record,
        '$.seal.signature',
        'a valid signature by a KeyLedger key',
        seal.signature.slice(0, 32),
      ),
    );
}
