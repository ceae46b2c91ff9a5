/**
 * A bundle's transactions as stored: which `txs` rows belong to it, in which order, and the bytes
 * each one carries. The truth is the signed packet's `payloadHash`, which commits to the ordered
 * transaction hashes; when the stored rows do not hash to it, the verifier looks for the one cell
 * that explains it (a changed hash, index or height) and names that cell.
 * @module
 */
import { bytesToHex } from '../../codec';
import { isCodedError } from '../../errors';
import { parseTx, type SignedTx } from '../../engine';
import { computePayloadHash, type DrvPacket } from '../../ledger';
import type { NodeStore } from '../store';
import { differ, type LedgerDifference } from './difference';
import { jsonTextDifference, parseNormalJson } from './json-text';
import { readBundleTxs, readTxsAfter, type TxCells } from './store-rows';

/** A verified transaction row and the transaction its bytes hold. */
export type BundleTx = { readonly cells: TxCells; readonly tx: SignedTx };

/**
 * The rows of bundle `height`, verified against the packet's payload commitment and decoded.
 * @throws {DifferenceFound} naming the first wrong cell
 */
export function bundleTxs(store: NodeStore, height: number, packet: DrvPacket): BundleTx[] {
  const rows = orderedRows(store, height, packet);
  rows.forEach((row, i) => {
    if (row.idx !== i) differ(txDifference(row, 'idx', String(i), String(row.idx)));
  });
  return rows.map((row) => ({ cells: row, tx: decodeTx(store, row) }));
}

/** The cells of the rows at `height`, once their hashes in idx order match the payload. */
function orderedRows(store: NodeStore, height: number, packet: DrvPacket): TxCells[] {
  const rows = readBundleTxs(store, height);
  if (payloadOf(rows.map((r) => r.txHash)) === packet.payloadHash) return rows;
  const culprit = locate(store, height, rows, packet.payloadHash);
  if (culprit !== null) differ(culprit);
  return differ({
    table: 'txs',
    row: `height=${height}`,
    rowid: rows[0]?.rowid ?? null,
    column: 'tx_hash',
    field: '',
    height,
    expected: `rows whose hashes give payloadHash ${packet.payloadHash}`,
    actual: `${rows.length} rows giving ${payloadOf(rows.map((r) => r.txHash))}`,
  });
}

/**
 * The one cell that explains a payload mismatch: a row whose hash differs from its receipt's, a
 * row whose index differs from its receipt's, a row that does not belong here (its height was
 * changed to this one), or a row of a later height that belongs here (its height was changed away).
 */
function locate(
  store: NodeStore,
  height: number,
  rows: readonly TxCells[],
  payloadHash: string,
): LedgerDifference | null {
  const receipts = rows.map((r) => receiptKeys(r.receipt));
  for (let i = 0; i < rows.length; i++) {
    const own = receipts[i]?.txHash;
    if (own === undefined || own === rows[i]?.txHash) continue;
    const hashes = rows.map((r, k) => (k === i ? own : r.txHash));
    if (payloadOf(hashes) === payloadHash)
      return txDifference(rows[i] as TxCells, 'tx_hash', own, (rows[i] as TxCells).txHash);
  }
  const byReceipt = rows
    .map((row, i) => ({ row, index: receipts[i]?.index ?? row.idx }))
    .sort((a, b) => a.index - b.index);
  if (payloadOf(byReceipt.map((r) => r.row.txHash)) === payloadHash) {
    const moved = byReceipt.find((r) => r.row.idx !== r.index);
    if (moved !== undefined)
      return txDifference(moved.row, 'idx', String(moved.index), String(moved.row.idx));
  }
  for (let i = 0; i < rows.length; i++) {
    const hashes = rows.filter((_, k) => k !== i).map((r) => r.txHash);
    if (payloadOf(hashes) === payloadHash)
      return txDifference(rows[i] as TxCells, 'height', 'another height', String(height));
  }
  for (const stray of readTxsAfter(store, height, rows.length)) {
    const at = Math.min(Math.max(stray.idx, 0), rows.length);
    const hashes = rows.map((r) => r.txHash);
    hashes.splice(at, 0, stray.txHash);
    if (payloadOf(hashes) === payloadHash)
      return txDifference(stray, 'height', String(height), String(stray.height));
  }
  return null;
}

/** Decodes a row's bytes into its transaction, checking them against the (verified) hash. */
function decodeTx(store: NodeStore, row: TxCells): SignedTx {
  if (row.unsigned === null || row.signature === null) return differ(missingBytes(store, row));
  const bytes = (
    column: string,
    expected: string,
    actual: string,
    field = '',
  ): LedgerDifference => ({
    table: 'tx_bytes',
    row: `tx_hash=${row.txHash}`,
    rowid: row.bytesRowid,
    column,
    field,
    height: row.height,
    txHash: row.txHash,
    expected,
    actual,
  });
  const unsigned = parseNormalJson(row.unsigned);
  if (!unsigned.ok) differ(bytes('unsigned', unsigned.problem.expected, unsigned.problem.actual));
  const signature = bytesToHex(row.signature);
  let tx: SignedTx;
  try {
    tx = parseTx({ ...(unsigned.value as Record<string, unknown>), signature });
  } catch (err) {
    if (!isCodedError(err)) throw err;
    const field = String(err.details.field ?? '');
    const column = field === 'signature' ? 'signature' : 'unsigned';
    return differ(
      bytes(column, 'a well-formed transaction', `${err.code}: ${err.message}`, `$.${field}`),
    );
  }
  const form = jsonTextDifference(row.unsigned, {
    chainId: tx.chainId,
    from: tx.from,
    nonce: tx.nonce.toString(),
    body: tx.wireBody,
  });
  if (form !== null) differ(bytes('unsigned', form.expected, form.actual, form.field));
  if (tx.hash !== row.txHash) differ(bytes('unsigned', `bytes hashing to ${row.txHash}`, tx.hash));
  if (row.sender !== tx.from) differ(txDifference(row, 'sender', tx.from, row.sender));
  if (row.nonce !== tx.nonce.toString())
    differ(txDifference(row, 'nonce', tx.nonce.toString(), row.nonce));
  return tx;
}

/**
 * A row whose (verified) hash has no bytes: the bytes row's key was changed. Names the `tx_bytes`
 * row no transaction refers to whose bytes hash to the missing hash, or the missing row itself.
 */
function missingBytes(store: NodeStore, row: TxCells): LedgerDifference {
  const orphans = store.readRows(
    `SELECT b.rowid AS rid, b.tx_hash, b.unsigned, b.signature FROM tx_bytes b
     LEFT JOIN txs t USING (tx_hash) WHERE t.tx_hash IS NULL`,
  );
  for (const orphan of orphans) {
    if (hashOfBytes(String(orphan.unsigned), orphan.signature as Uint8Array) === row.txHash)
      return {
        table: 'tx_bytes',
        row: `tx_hash=${String(orphan.tx_hash)}`,
        rowid: Number(orphan.rid),
        column: 'tx_hash',
        field: '',
        height: row.height,
        txHash: row.txHash,
        expected: row.txHash,
        actual: String(orphan.tx_hash),
      };
  }
  return {
    table: 'tx_bytes',
    row: `tx_hash=${row.txHash}`,
    rowid: null,
    column: 'tx_hash',
    field: '',
    height: row.height,
    txHash: row.txHash,
    expected: 'the bytes of the transaction',
    actual: '(absent)',
  };
}

/** The hash of stored bytes, or null when they do not decode. */
export function hashOfBytes(unsigned: string, signature: Uint8Array): string | null {
  try {
    const wire = JSON.parse(unsigned) as Record<string, unknown>;
    return parseTx({ ...wire, signature: bytesToHex(signature) }).hash;
  } catch {
    return null;
  }
}

/** A difference in a `txs` row. */
export function txDifference(
  row: TxCells,
  column: string,
  expected: string,
  actual: string,
  field = '',
): LedgerDifference {
  return {
    table: 'txs',
    row: `tx_hash=${row.txHash}`,
    rowid: row.rowid,
    column,
    field,
    height: row.height,
    txHash: row.txHash,
    expected,
    actual,
  };
}

function payloadOf(hashes: readonly string[]): string {
  try {
    return computePayloadHash(hashes, []);
  } catch {
    return '(not hashes)';
  }
}

/** The txHash and index a stored receipt names, when it parses. */
function receiptKeys(text: string): { txHash?: string; index?: number } {
  try {
    const j = JSON.parse(text) as { txHash?: unknown; index?: unknown };
    return {
      ...(typeof j.txHash === 'string' ? { txHash: j.txHash } : {}),
      ...(typeof j.index === 'number' ? { index: j.index } : {}),
    };
  } catch {
    return {};
  }
}
