/**
 * One transaction inside a bundle: authentication (key status, signature, nonce) and its effect.
 * A transaction that fails gets a failed receipt with a code and changes nothing but its nonce
 * (and nothing at all when it cannot be attributed or admitted: wrong chain, unknown or inactive
 * sender, bad signature, wrong nonce, no room for another reward recipient). A failed transaction
 * never fails the bundle.
 * @module
 */
import { publicKeyFromHex, SignatureContext, verify } from '../crypto';
import { isCodedError, type ErrorCode } from '../errors';
import {
  commitKeyEvent,
  finalizeKeyEntry,
  keyLedgerView,
  prepareKeyEvent,
  validateKeyEvent,
  type KeyEvent,
  type KeyLedgerEntry,
  type KeyLedgerState,
  type KeyRecord,
} from '../ledger';
import { ALLOCATION_RECIPIENTS_MAX, UD, type CertifiedMath, type UD128x18 } from '../math';
import type { HsmfMetrics } from './hsmf';
import type { EngineParams } from './params';
import { signerKeyOf } from './signer-key';
import type { Token } from './tokens';
import { actionFee } from './treasury-engine';
import { txSignatureBytes, txSigningBytes, type SignedTx } from './tx';
import { admitGuidance, getDirectionalPenalty, type Guidance } from './utility-oracle';
import type { WorkingSet } from './working-set';

/** Codes of failed receipts (besides KEYLEDGER_* from the KeyLedger and GUIDANCE_* from the oracle). */
export const TxFailure = {
  WRONG_CHAIN: 'TX_WRONG_CHAIN',
  UNKNOWN_SENDER: 'TX_UNKNOWN_SENDER',
  SENDER_INACTIVE: 'TX_SENDER_INACTIVE',
  BAD_SIGNATURE: 'TX_BAD_SIGNATURE',
  BAD_NONCE: 'TX_BAD_NONCE',
  INSUFFICIENT_BALANCE: 'TX_INSUFFICIENT_BALANCE',
  INSUFFICIENT_FEE: 'TX_INSUFFICIENT_FEE',
  NOT_AUTHORIZED: 'TX_NOT_AUTHORIZED',
  ARITHMETIC: 'TX_ARITHMETIC',
  RECIPIENTS_FULL: 'TX_RECIPIENTS_FULL',
} as const;

export type Receipt = {
  readonly txHash: string;
  readonly index: number;
  readonly status: 'ok' | 'failed';
  /** Why a failed transaction failed: a registered code (TxFailure, KEYLEDGER_*, GUIDANCE_*). */
  readonly code?: ErrorCode;
  readonly reason?: string;
  /** FLX fee charged (actions only). */
  readonly fee?: UD128x18;
};

/** Everything a transaction can read and change, owned by the bundle being executed. */
export type TxScope = {
  readonly cm: CertifiedMath;
  readonly params: EngineParams;
  readonly chainId: string;
  readonly treasury: string;
  readonly packetSequence: bigint;
  readonly timestamp: bigint;
  readonly metrics: HsmfMetrics;
  /** Guidance in force for this bundle (penalties). */
  readonly guidance: Guidance;
  readonly working: WorkingSet;
  readonly preverified: ReadonlySet<string>;
  keys: KeyLedgerState;
  /** The bundle's own copy of the key map, once a key event needed one (see ownKeys). */
  ownedKeys: Map<string, KeyRecord> | null;
  /** The latest guidance accepted in this bundle (takes effect next bundle). */
  nextGuidance: Guidance;
  readonly keyEntries: KeyLedgerEntry[];
  /** Units of successful actions per sender. */
  readonly weights: Map<string, bigint>;
  totalUnits: bigint;
  fees: UD128x18;
};

type Failure = { ok: false; code: ErrorCode; reason: string };
type Outcome = { ok: true; fee?: UD128x18 } | Failure;

const fail = (code: ErrorCode, reason: string): Failure => ({ ok: false, code, reason });

/** Executes one transaction against the scope and returns its receipt. */
export function applyTx(scope: TxScope, tx: SignedTx, index: number): Receipt {
  const receipt = (o: Outcome): Receipt =>
    Object.freeze(
      o.ok
        ? {
            txHash: tx.hash,
            index,
            status: 'ok' as const,
            ...(o.fee === undefined ? {} : { fee: o.fee }),
          }
        : { txHash: tx.hash, index, status: 'failed' as const, code: o.code, reason: o.reason },
    );
  const auth = authenticate(scope, tx);
  if (!auth.ok) return receipt(auth);
  const saved = {
    keys: scope.keys,
    nextGuidance: scope.nextGuidance,
    totalUnits: scope.totalUnits,
    fees: scope.fees,
  };
  const savedWeight = scope.weights.get(tx.from);
  const savedEntries = scope.keyEntries.length;
  const mark = scope.working.checkpoint();
  bumpNonce(scope, tx);
  let outcome: Outcome;
  try {
    outcome = effect(scope, tx);
  } catch (err) {
    if (!isCodedError(err) || err.code.startsWith('CIR')) throw err;
    outcome = fail(err.code.startsWith('MATH_') ? TxFailure.ARITHMETIC : err.code, err.message);
  }
  if (!outcome.ok) {
    // All or nothing: undo every effect, then keep only the nonce.
    scope.working.rollback(mark);
    scope.keys = saved.keys;
    scope.nextGuidance = saved.nextGuidance;
    scope.totalUnits = saved.totalUnits;
    scope.fees = saved.fees;
    if (savedWeight === undefined) scope.weights.delete(tx.from);
    else scope.weights.set(tx.from, savedWeight);
    scope.keyEntries.length = savedEntries;
    bumpNonce(scope, tx);
  }
  return receipt(outcome);
}

function bumpNonce(scope: TxScope, tx: SignedTx): void {
  const sender = scope.working.get(tx.from);
  scope.working.set(tx.from, { balances: sender.balances, nonce: tx.nonce });
}

function authenticate(scope: TxScope, tx: SignedTx): Outcome {
  if (tx.chainId !== scope.chainId) return fail(TxFailure.WRONG_CHAIN, `chain ${tx.chainId}`);
  // The same rule admission applies: a transaction admitted under it can still fail here when an
  // earlier transaction of the bundle changed the KeyLedger, and ledgers may hold older bundles.
  const signer = signerKeyOf(scope.keys, tx);
  if (!signer.ok) return fail(signer.code, signer.reason);
  if (!scope.preverified.has(tx.hash)) {
    const valid = verify(
      publicKeyFromHex(signer.publicKey),
      txSigningBytes(tx),
      txSignatureBytes(tx),
      SignatureContext.TX,
    );
    if (!valid)
      return fail(TxFailure.BAD_SIGNATURE, 'the signature does not verify with the sender key');
  }
  const expected = scope.working.get(tx.from).nonce + 1n;
  if (tx.nonce !== expected)
    return fail(TxFailure.BAD_NONCE, `expected nonce ${expected}, got ${tx.nonce}`);
  // One allocation pays at most ALLOCATION_RECIPIENTS_MAX addresses (the on-chain split has the
  // same bound). A further sender's action does not fit this bundle; its nonce stays unused so that
  // the same signed transaction can go into a later bundle.
  if (
    tx.body.type === 'action' &&
    !scope.weights.has(tx.from) &&
    scope.weights.size >= ALLOCATION_RECIPIENTS_MAX
  ) {
    return fail(
      TxFailure.RECIPIENTS_FULL,
      `the bundle already pays ${ALLOCATION_RECIPIENTS_MAX} recipients`,
    );
  }
  return { ok: true };
}

function effect(scope: TxScope, tx: SignedTx): Outcome {
  switch (tx.body.type) {
    case 'transfer':
      return transfer(scope, tx.from, tx.body.to, tx.body.token, tx.body.amount);
    case 'action':
      return action(scope, tx.from, tx.body.kind, tx.body.units);
    case 'key':
      return keyEvent(scope, tx);
    case 'guidance':
      return guidance(scope, tx.from, tx.body.guidance);
  }
}

function transfer(
  scope: TxScope,
  from: string,
  to: string,
  token: Token,
  amount: UD128x18,
): Outcome {
  const { cm, working } = scope;
  const source = working.get(from);
  if (!cm.gte(source.balances[token], amount)) {
    return fail(
      TxFailure.INSUFFICIENT_BALANCE,
      `${token} balance below ${UD.formatTrimmed(amount)}`,
    );
  }
  working.set(from, {
    ...source,
    balances: { ...source.balances, [token]: cm.sub(source.balances[token], amount) },
  });
  const target = working.get(to);
  working.set(to, {
    ...target,
    balances: { ...target.balances, [token]: cm.add(target.balances[token], amount) },
  });
  return { ok: true };
}

function action(scope: TxScope, from: string, kind: string, units: bigint): Outcome {
  const { cm, working } = scope;
  const fee = actionFee(
    cm,
    scope.params,
    scope.metrics.actionCost,
    getDirectionalPenalty(scope.guidance, kind),
    units,
  );
  const sender = working.get(from);
  if (!cm.gte(sender.balances.FLX, fee))
    return fail(TxFailure.INSUFFICIENT_FEE, `FLX balance below the fee ${UD.formatTrimmed(fee)}`);
  if (fee !== UD.ZERO) {
    working.set(from, {
      ...sender,
      balances: { ...sender.balances, FLX: cm.sub(sender.balances.FLX, fee) },
    });
    const treasury = working.get(scope.treasury);
    working.set(scope.treasury, {
      ...treasury,
      balances: { ...treasury.balances, FLX: cm.add(treasury.balances.FLX, fee) },
    });
    scope.fees = cm.add(scope.fees, fee);
  }
  scope.weights.set(from, (scope.weights.get(from) ?? 0n) + units);
  scope.totalUnits += units;
  return { ok: true, fee };
}

function keyEvent(scope: TxScope, tx: SignedTx): Outcome {
  if (tx.body.type !== 'key') return fail('TX_MALFORMED', 'not a key transaction');
  const { event, signatures } = tx.body;
  if (signatures[0]?.signer !== tx.from)
    return fail(TxFailure.NOT_AUTHORIZED, 'the sender must sign the event first');
  const body = prepareKeyEvent(scope.keys, event as unknown as KeyEvent, {
    timestamp: scope.timestamp,
    quantumMetadata: { packet: scope.packetSequence.toString(), tx: tx.hash },
  });
  const entry = finalizeKeyEntry(body, signatures);
  const change = validateKeyEvent(scope.keys, entry); // throws KEYLEDGER_* → failed receipt
  if (event.type === 'rotate')
    migrate(scope, event.data.keyId as string, event.data.newKeyId as string);
  // Last, after everything that can fail: the map is changed in place.
  scope.keys = commitKeyEvent(scope.keys, entry, change, ownKeys(scope));
  scope.keyEntries.push(entry);
  return { ok: true };
}

/**
 * The key map this bundle may change in place: a copy of the input state's, made at the bundle's
 * first key event. Copying per event (`applyKeyEvent`) made registering n keys cost O(n²): at
 * 20,000 keys each registration copied 20,000 records (the scale benchmark, docs/decisions.md).
 * The input state is never changed; a rolled-back transaction never reached its commit.
 */
function ownKeys(scope: TxScope): Map<string, KeyRecord> {
  if (scope.ownedKeys === null || scope.keys.keys !== scope.ownedKeys)
    scope.ownedKeys = new Map(scope.keys.keys);
  return scope.ownedKeys;
}

/**
 * A rotation moves the account (balances and nonce) from the old key's address to the new one, and
 * with it the units of the old key's actions earlier in this bundle: the reward is allocated at the
 * end of the bundle, when the old key can no longer sign for anything it would receive.
 */
function migrate(scope: TxScope, oldId: string, newId: string): void {
  const { cm, working } = scope;
  const old = working.get(oldId);
  const target = working.get(newId);
  const balances = { ...target.balances };
  for (const token of Object.keys(balances).sort() as Token[])
    balances[token] = cm.add(balances[token], old.balances[token]);
  working.set(newId, { balances, nonce: old.nonce });
  working.set(oldId, {
    balances: { CHR: UD.ZERO, FLX: UD.ZERO, PSI: UD.ZERO, ATR: UD.ZERO, RES: UD.ZERO },
    nonce: old.nonce,
  });
  // Last, after everything that can throw: a failed transaction restores only the sender's units.
  const units = scope.weights.get(oldId);
  if (units !== undefined) {
    scope.weights.delete(oldId);
    scope.weights.set(newId, (scope.weights.get(newId) ?? 0n) + units);
  }
}

function guidance(scope: TxScope, from: string, candidate: Guidance): Outcome {
  if (!keyLedgerView(scope.keys).hasCapability(from, 'oracle')) {
    return fail('GUIDANCE_NOT_ORACLE', `${from} does not hold the oracle capability`);
  }
  const check = admitGuidance(
    scope.nextGuidance,
    candidate,
    scope.packetSequence,
    scope.params.guidanceAgeMaxPackets,
  );
  if (!check.ok) return fail(check.code, check.reason);
  scope.nextGuidance = check.guidance;
  return { ok: true };
}
