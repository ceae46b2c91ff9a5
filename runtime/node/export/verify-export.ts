/**
 * `qfs verify --export`: verifies an export with no store and no node (issue 19). It checks every
 * signature (packets, seals, transactions, KeyLedger entries and seals, operator records), every
 * chain (packet links, CoherenceLedger entries, KeyLedger entries, entropy seeds) and re-executes
 * every bundle from the genesis (or from a checkpoint whose state gives its sealed root) to the
 * same state roots, comparing every record with what re-execution gives. The first difference
 * names its line and field, like the store verifier names a table, row and column.
 * @module
 */
import { ZERO_HASH, isChecksumAddress } from '../../codec';
import type { VerifyPool } from '../../crypto';
import {
  loadGenesis,
  stateRootOf,
  updateAccounts,
  EMPTY_ACCOUNT_TREE,
  type Account,
  type Genesis,
} from '../../engine';
import { isCodedError } from '../../errors';
import {
  coherenceEntryHash,
  coherenceSealBody,
  coherenceSealHash,
  packetHash,
  parseKeyLedgerEntry,
  parsePacket,
  replayKeyLedger,
  type KeyLedgerEntry,
} from '../../ledger';
import {
  parseAccount,
  parseCoherenceEntry,
  parseCoherenceSeal,
  parseSnapshot,
  snapshotJson,
  accountJson,
} from '../records';
import { DifferenceFound, differ, type LedgerDifference } from '../verify/difference';
import { plainJson, valueDifference } from '../verify/json-text';
import type { VerifyResult } from '../verify/store-verifier';
import { fileLines, lineDifference, RecordReader, type ExportRecord } from './reader';
import { EXPORT_FORMAT, EXPORT_VERSION } from './records';
import {
  checkSignedSeal,
  verifyBundleRecords,
  verifyOperatorRecord,
  type ExportVerified,
} from './bundle-records';
import { exactFields, field, parsedField } from './record-fields';
import { packetSignatureValid } from '../verify/signed-cells';

export type ExportVerifyOptions = { readonly pool?: VerifyPool };

/** Verifies the export file at `file`. */
export function verifyExportFile(
  file: string,
  options: ExportVerifyOptions = {},
): Promise<VerifyResult> {
  return verifyExport(fileLines(file), options);
}

/**
 * Verifies an export given as lines of bytes.
 * @returns the recomputed head and the first difference (null when the export checks out)
 */
export async function verifyExport(
  lines: AsyncIterable<Uint8Array>,
  options: ExportVerifyOptions = {},
): Promise<VerifyResult> {
  const reader = new RecordReader(lines);
  let verified: ExportVerified | null = null;
  try {
    const header = await reader.expect('header');
    exactFields(header, ['format', 'version', 'chainId', 'from', 'to']);
    if (header.fields.format !== EXPORT_FORMAT || header.fields.version !== EXPORT_VERSION)
      differ(field(header, '$.format', `${EXPORT_FORMAT} version ${EXPORT_VERSION}`, 'another'));
    const genesisRecord = await reader.expect('genesis');
    exactFields(genesisRecord, ['genesis']);
    const genesis = parseGenesis(genesisRecord);
    const first = await reader.peek();
    let deferred: ExportRecord | null = null;
    let start: ExportVerified;
    if (first?.type === 'checkpoint') start = await verifyCheckpoint(reader, genesis);
    else {
      deferred = await reader.expect('key-entry');
      start = {
        state: genesis.state,
        entry: null,
        sealHash: ZERO_HASH,
        keyEntries: [genesis.keyGenesis],
        txs: 0,
        bundles: 0,
      };
    }
    verified = start;
    const from = Number(start.state.height);
    const sealHashes = new Map<number, string>();
    if (from > 0) sealHashes.set(from - 1, start.sealHash);
    const ctx = { reader, pool: options.pool, genesisLine: genesisRecord.line, sealHashes };
    let v = start;
    while ((await reader.peek())?.type === 'bundle') {
      v = await verifyBundleRecords(ctx, v);
      sealHashes.set(Number(v.state.height) - 1, v.sealHash);
      verified = v;
      if (deferred !== null) checkGenesisEntry(deferred, genesis);
      deferred = null;
    }
    if (deferred !== null) checkGenesisEntry(deferred, genesis);
    while ((await reader.peek())?.type === 'operator')
      verifyOperatorRecord((await reader.next()) as ExportRecord, v.state);
    await verifyEnd(reader);
    const to = Number(v.state.height) - 1;
    const declared: [string, string, string][] = [
      ['$.chainId', genesis.state.chainId, String(header.fields.chainId)],
      ['$.from', String(from), String(header.fields.from)],
      ['$.to', String(to), String(header.fields.to)],
    ];
    for (const [name, expected, actual] of declared)
      if (expected !== actual) differ(field(header, name, expected, actual));
    return result(verified, null);
  } catch (err) {
    if (!(err instanceof DifferenceFound)) throw err;
    return result(verified, err.difference);
  }
}

function result(v: ExportVerified | null, difference: LedgerDifference | null): VerifyResult {
  const height = v === null ? -1 : Number(v.state.height) - 1;
  return Object.freeze({
    height,
    stateRoot: v?.state.stateRoot ?? '',
    headHash: v?.entry?.entryHash ?? '',
    bundles: v === null ? 0 : (v.bundles ?? 0),
    txs: v?.txs ?? 0,
    difference,
    stopped: false,
  });
}

function parseGenesis(record: ExportRecord): Genesis {
  return parsedField(
    record,
    'genesis',
    (value) => loadGenesis(value),
    () => record.fields.genesis,
  );
}

/** The genesis KeyLedger entry must be the one the genesis document installs. */
function checkGenesisEntry(record: ExportRecord, genesis: Genesis): void {
  exactFields(record, ['entry']);
  const d = valueDifference('$.entry', plainJson(genesis.keyGenesis), record.fields.entry);
  if (d !== null) differ(field(record, d.field, d.expected, d.actual));
}

async function verifyEnd(reader: RecordReader): Promise<void> {
  const end = await reader.expect('end');
  exactFields(end, ['records']);
  if (end.fields.records !== String(end.line - 1))
    differ(field(end, '$.records', String(end.line - 1), String(end.fields.records)));
  const after = await reader.next();
  if (after !== null) differ(field(after, '$', '(end of file)', after.type));
}

/**
 * A slice's starting point: the state after bundle `height`, which must give the state root of
 * the entry its seal signs, and every KeyLedger entry up to it (replayed, signatures included).
 */
async function verifyCheckpoint(reader: RecordReader, genesis: Genesis): Promise<ExportVerified> {
  const record = await reader.expect('checkpoint');
  exactFields(record, [
    'height',
    'packet',
    'entry',
    'seal',
    'supply',
    'emission',
    'guidance',
    'cir511',
    'accounts',
  ]);
  const packet = parsedField(record, 'packet', parsePacket);
  const entry = parsedField(record, 'entry', (v) => parseCoherenceEntry(JSON.stringify(v)));
  const seal = parsedField(record, 'seal', (v) => parseCoherenceSeal(JSON.stringify(v)));
  const snapshot = checkpointSnapshot(record);
  const accounts = await readAccounts(reader, record);
  const keyEntries = await readKeyEntries(reader);
  const keys = keyEntries.state;
  const partial = {
    ...genesis.state,
    height: entry.height + 1n,
    lastPacket: packet,
    lastPacketHash: entry.packetHash,
    accounts: updateAccounts(EMPTY_ACCOUNT_TREE, accounts),
    supply: snapshot.supply,
    emission: snapshot.emission,
    guidance: snapshot.guidance,
    keys,
    cir511: snapshot.cir511,
  };
  const state = Object.freeze({ ...partial, stateRoot: stateRootOf(partial) });
  const checks: [string, string, string][] = [
    ['$.height', String(entry.height), String(record.fields.height)],
    ['$.entry.entryHash', coherenceEntryHash(entry), entry.entryHash],
    ['$.entry.stateRoot', state.stateRoot, entry.stateRoot],
    ['$.entry.keyLedgerHead', keys.headHash, entry.keyLedgerHead],
    ['$.entry.packetHash', packetHash(packet), entry.packetHash],
  ];
  for (const [name, expected, actual] of checks)
    if (expected !== actual) differ(field(record, name, expected, actual));
  if (!packetSignatureValid(packet, state))
    differ(field(record, '$.packet.signature', 'a valid signature', packet.signature.slice(0, 32)));
  const stamp = {
    timestamp: packet.ttsTimestamp,
    quantumMetadata: { seed: packet.seed, entropySource: packet.entropy.source },
  };
  checkSignedSeal(record, seal, coherenceSealBody(entry, stamp, seal.signer), state);
  return {
    state,
    entry,
    sealHash: coherenceSealHash(seal),
    keyEntries: keyEntries.entries,
    txs: 0,
    bundles: 0,
  };
}

/** The checkpoint's supply, emission, guidance and CIR-511 state, each exactly as written. */
function checkpointSnapshot(record: ExportRecord): ReturnType<typeof parseSnapshot> {
  const f = record.fields;
  const written = {
    supply: f.supply,
    emission: f.emission,
    guidance: f.guidance,
    cir511: f.cir511,
  };
  let snapshot: ReturnType<typeof parseSnapshot>;
  try {
    snapshot = parseSnapshot(JSON.stringify(written));
  } catch (err) {
    return differ(field(record, '$', 'a state snapshot', err instanceof Error ? err.message : ''));
  }
  const d = valueDifference('$', plainJson(snapshotJson(snapshot)), written);
  if (d !== null) differ(field(record, d.field, d.expected, d.actual));
  return snapshot;
}

/** The `account` records of a checkpoint: as many as it says, by address, each exact. */
async function readAccounts(
  reader: RecordReader,
  checkpoint: ExportRecord,
): Promise<Map<string, Account>> {
  const count = Number(checkpoint.fields.accounts);
  const out = new Map<string, Account>();
  let previous = '';
  for (let i = 0; i < count; i++) {
    const record = await reader.expect('account');
    exactFields(record, ['address', 'balances', 'nonce']);
    const address = String(record.fields.address);
    if (!isChecksumAddress(address) || address.toLowerCase() <= previous)
      differ(field(record, '$.address', 'an EIP-55 address after the previous one', address));
    previous = address.toLowerCase();
    const value = { balances: record.fields.balances, nonce: record.fields.nonce };
    let account: Account;
    try {
      account = parseAccount(JSON.stringify(value));
    } catch (err) {
      return differ(field(record, '$', 'an account', err instanceof Error ? err.message : ''));
    }
    const d = valueDifference('$', plainJson(accountJson(account)), value);
    if (d !== null) differ(field(record, d.field, d.expected, d.actual, { address }));
    out.set(address, account);
  }
  return out;
}

/** The `key-entry` records before the first bundle, replayed (links, hashes, signatures, rules). */
async function readKeyEntries(
  reader: RecordReader,
): Promise<{ entries: KeyLedgerEntry[]; state: ReturnType<typeof replayKeyLedger>['state'] }> {
  const records: ExportRecord[] = [];
  while ((await reader.peek())?.type === 'key-entry')
    records.push((await reader.next()) as ExportRecord);
  const entries = records.map((record, i) => {
    exactFields(record, ['entry']);
    return parsedField(record, 'entry', (value) => parseKeyLedgerEntry(value, BigInt(i)));
  });
  try {
    return { entries, state: replayKeyLedger(entries).state };
  } catch (err) {
    const position = isCodedError(err) ? Number(err.details.position ?? 0) : 0;
    const record = records[position] ?? records[0];
    const message = err instanceof Error ? err.message : String(err);
    if (record === undefined)
      return differ(
        lineDifference(reader.linesRead, 'key-entry', {
          field: '',
          expected: 'KeyLedger entries',
          actual: '(none)',
        }),
      );
    return differ(field(record, '$.entry', 'a valid KeyLedger entry', message));
  }
}
