/**
 * The portable export of a ledger (issue 19, docs/ledger-format.md §Export): JSON lines, each line
 * one record in RFC 8785 canonical form, every integer a decimal string. The records are the
 * signed objects and what a verifier needs besides them, never a storage column:
 *
 *   header      {record, format, version, chainId, from, to}
 *   genesis     {record, genesis}
 *   checkpoint  {record, height, packet, entry, seal, supply, emission, guidance, cir511, accounts}
 *   account     {record, address, balances, nonce}                 (after a checkpoint, by address)
 *   key-entry   {record, entry}                                     (every KeyLedger entry, in order)
 *   bundle      {record, height, packet, txCount, entry, seal}
 *   tx          {record, height, index, txHash, tx, receipt}        (after its bundle, in order)
 *   key-seal    {record, height, seal}                              (after its bundle's key entries)
 *   operator    {record, operatorRecord}                            (halt and resume records)
 *   end         {record, records}                                   (the number of lines before it)
 * @module
 */
import { canonicalString } from '../../codec';
import type { Receipt } from '../../engine';
import { UD } from '../../math';

/** The `format` of an export's header. */
export const EXPORT_FORMAT = 'qfs-ledger-export';
/** The export version this runtime writes and reads. */
export const EXPORT_VERSION = '1';
/** Longest line a reader accepts (a genesis of 10,000 accounts and 64 keys fits several times). */
export const EXPORT_LINE_BYTES_MAX = 16 * 1024 * 1024;
/** Most bundles one `GET /v1/export` answers (ask again from the next height). */
export const EXPORT_BUNDLES_PER_REQUEST_MAX = 1000;

export type RecordType =
  | 'header'
  | 'genesis'
  | 'checkpoint'
  | 'account'
  | 'key-entry'
  | 'bundle'
  | 'tx'
  | 'key-seal'
  | 'operator'
  | 'end';

/** A receipt as exported: what the engine recorded, the fee in 18-decimal FLX. */
export function exportReceipt(receipt: Receipt): Record<string, string> {
  return {
    status: receipt.status,
    ...(receipt.code === undefined ? {} : { code: receipt.code }),
    ...(receipt.reason === undefined ? {} : { reason: receipt.reason }),
    ...(receipt.fee === undefined ? {} : { fee: UD.format(receipt.fee) }),
  };
}

/** One line of an export: the canonical text of a record (no newline). */
export function recordLine(record: RecordType, fields: Record<string, unknown>): string {
  return canonicalString({ record, ...fields });
}
