/**
 * CertifiedMath: the recorder of DESIGN.md §4 Audit log. Bound to one log context (pqcCid, quantum
 * metadata); every call computes with the pure function of this module's siblings and appends an
 * entry {index, op, inputs, result | error} with values as decimal strings. The log hash is a SHA-256
 * chain: head₀ = SHA-256("QFS/oplog/v1" ‖ "\n" ‖ canonical(context)), headᵢ₊₁ = SHA-256(hex(headᵢ) ‖
 * canonical(entryᵢ)), canonical meaning RFC 8785 and hex lowercase. Same calls → same hash; any change of an input,
 * an op or the order → another hash. A call that throws is recorded with its error code and rethrown.
 *
 * Unlike the reference (§3.1, §4.1), the log is never a parameter of the math: the pure functions
 * stay pure and this class owns the only mutable state.
 * @module
 */
import { hash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { BaseError } from '../errors';
import { formatRawFixed } from './decimal';
import * as SDm from './sd128x18';
import { splitByWeight } from './split';
import type { SD128x18 } from './sd128x18';
import * as T from './transcendental';
import * as UDm from './ud128x18';
import type { UD128x18 } from './ud128x18';

/** The context every entry of one log shares (one per bundle). */
export type LogContext = {
  readonly pqcCid: string;
  readonly quantumMetadata: Readonly<Record<string, string>>;
};

/** One recorded operation. `result` is absent when the operation threw (`error` holds the code). */
export type OpLogEntry = {
  readonly index: number;
  readonly op: string;
  readonly inputs: readonly string[];
  readonly result?: string;
  readonly error?: string;
};

/** Domain tag of the op-log hash chain. */
export const OP_LOG_DOMAIN = 'QFS/oplog/v1';

/** Most entries one log may hold: a bundle that needs more is a bug or an attack. */
export const OP_LOG_ENTRIES_MAX = 10_000_000;

const fixed = (x: bigint): string => formatRawFixed(x);
const flag = (b: boolean): string => (b ? 'true' : 'false');

/**
 * RFC 8785 bytes of an entry. Every string in an entry is an operation name, a decimal literal,
 * `true`/`false` or an error code — ASCII without characters JSON escapes — and keys are emitted in
 * sorted order, so this is exactly `canonicalize(entry)` without its generic cost (a test checks it).
 */
export function canonicalEntry(entry: OpLogEntry): string {
  const inputs = entry.inputs.map((v) => `"${v}"`).join(',');
  const head = entry.error === undefined ? '' : `"error":"${entry.error}",`;
  const tail = entry.result === undefined ? '' : `,"result":"${entry.result}"`;
  return `{${head}"index":"${entry.index}","inputs":[${inputs}],"op":"${entry.op}"${tail}}`;
}

/** The chain's first link for a context: SHA-256("QFS/oplog/v1\n" ‖ canonical(context)), hex. */
export function opLogGenesis(context: LogContext): string {
  const body = canonicalize({ pqcCid: context.pqcCid, quantumMetadata: context.quantumMetadata });
  return sha256Hex(`${OP_LOG_DOMAIN}\n${body ?? ''}`);
}

/** The next link: SHA-256(hex(head) ‖ canonical(entry)), hex. */
export function opLogLink(head: string, entry: OpLogEntry): string {
  return sha256Hex(head + canonicalEntry(entry));
}

/**
 * SHA-256 of a UTF-8 string through Node's native one-shot `crypto.hash` (a deterministic digest,
 * not a random API). Recording an operation is on every transaction's path; hashing the string
 * directly avoids buffer copies and is several times cheaper than a JavaScript digest here.
 */
function sha256Hex(message: string): string {
  return hash('sha256', message, 'hex');
}

/** Recomputes the log hash of a list of entries (what an auditor does with an exported log). */
export function opLogHash(context: LogContext, entries: readonly OpLogEntry[]): string {
  let head = opLogGenesis(context);
  for (const entry of entries) head = opLogLink(head, entry);
  return head;
}

/** The recorder. One instance per bundle; it owns the entries and the chain head. */
export class CertifiedMath {
  readonly context: LogContext;
  readonly #entries: OpLogEntry[] = [];
  #head: string;

  constructor(context: LogContext) {
    this.context = Object.freeze({
      pqcCid: context.pqcCid,
      quantumMetadata: Object.freeze({ ...context.quantumMetadata }),
    });
    this.#head = opLogGenesis(this.context);
  }

  /** Number of entries so far. */
  get entryCount(): number {
    return this.#entries.length;
  }

  /** The entries so far (a frozen copy). */
  get entries(): readonly OpLogEntry[] {
    return Object.freeze([...this.#entries]);
  }

  /** The current head of the chain, lowercase hex. */
  get logHash(): string {
    return this.#head;
  }

  #record<R>(op: string, inputs: readonly string[], compute: () => R, show: (r: R) => string): R {
    const index = this.#entries.length;
    if (index >= OP_LOG_ENTRIES_MAX)
      throw new RangeError(`op log is full (${OP_LOG_ENTRIES_MAX} entries)`);
    let result: R;
    try {
      result = compute();
    } catch (err) {
      if (err instanceof BaseError) this.#append({ index, op, inputs, error: err.code });
      throw err;
    }
    this.#append({ index, op, inputs, result: show(result) });
    return result;
  }

  #append(entry: OpLogEntry): void {
    this.#entries.push(entry);
    this.#head = opLogLink(this.#head, entry);
  }

  add(a: UD128x18, b: UD128x18): UD128x18 {
    return this.#record('add', [fixed(a), fixed(b)], () => UDm.add(a, b), fixed);
  }
  sub(a: UD128x18, b: UD128x18): UD128x18 {
    return this.#record('sub', [fixed(a), fixed(b)], () => UDm.sub(a, b), fixed);
  }
  absDiff(a: UD128x18, b: UD128x18): UD128x18 {
    return this.#record('absDiff', [fixed(a), fixed(b)], () => UDm.absDiff(a, b), fixed);
  }
  mul(a: UD128x18, b: UD128x18): UD128x18 {
    return this.#record('mul', [fixed(a), fixed(b)], () => UDm.mul(a, b), fixed);
  }
  div(a: UD128x18, b: UD128x18): UD128x18 {
    return this.#record('div', [fixed(a), fixed(b)], () => UDm.div(a, b), fixed);
  }
  mulDiv(a: UD128x18, b: UD128x18, d: UD128x18): UD128x18 {
    return this.#record('mulDiv', [fixed(a), fixed(b), fixed(d)], () => UDm.mulDiv(a, b, d), fixed);
  }
  min(a: UD128x18, b: UD128x18): UD128x18 {
    return this.#record('min', [fixed(a), fixed(b)], () => UDm.min(a, b), fixed);
  }
  max(a: UD128x18, b: UD128x18): UD128x18 {
    return this.#record('max', [fixed(a), fixed(b)], () => UDm.max(a, b), fixed);
  }
  gt(a: UD128x18, b: UD128x18): boolean {
    return this.#record('gt', [fixed(a), fixed(b)], () => a > b, flag);
  }
  gte(a: UD128x18, b: UD128x18): boolean {
    return this.#record('gte', [fixed(a), fixed(b)], () => a >= b, flag);
  }
  lt(a: UD128x18, b: UD128x18): boolean {
    return this.#record('lt', [fixed(a), fixed(b)], () => a < b, flag);
  }
  lte(a: UD128x18, b: UD128x18): boolean {
    return this.#record('lte', [fixed(a), fixed(b)], () => a <= b, flag);
  }
  eq(a: UD128x18, b: UD128x18): boolean {
    return this.#record('eq', [fixed(a), fixed(b)], () => a === b, flag);
  }
  fromInt(n: bigint): UD128x18 {
    return this.#record('fromInt', [n.toString()], () => UDm.fromInt(n), fixed);
  }
  sdAdd(a: SD128x18, b: SD128x18): SD128x18 {
    return this.#record('sdAdd', [fixed(a), fixed(b)], () => SDm.add(a, b), fixed);
  }
  sdSub(a: SD128x18, b: SD128x18): SD128x18 {
    return this.#record('sdSub', [fixed(a), fixed(b)], () => SDm.sub(a, b), fixed);
  }
  sdMul(a: SD128x18, b: SD128x18): SD128x18 {
    return this.#record('sdMul', [fixed(a), fixed(b)], () => SDm.mul(a, b), fixed);
  }
  sdDiv(a: SD128x18, b: SD128x18): SD128x18 {
    return this.#record('sdDiv', [fixed(a), fixed(b)], () => SDm.div(a, b), fixed);
  }
  sdAbs(x: SD128x18): SD128x18 {
    return this.#record('sdAbs', [fixed(x)], () => SDm.abs(x), fixed);
  }
  ln(x: UD128x18): SD128x18 {
    return this.#record('ln', [fixed(x)], () => T.ln(x), fixed);
  }
  log2(x: UD128x18): SD128x18 {
    return this.#record('log2', [fixed(x)], () => T.log2(x), fixed);
  }
  exp(x: SD128x18): UD128x18 {
    return this.#record('exp', [fixed(x)], () => T.exp(x), fixed);
  }
  exp2(x: SD128x18): UD128x18 {
    return this.#record('exp2', [fixed(x)], () => T.exp2(x), fixed);
  }
  pow(x: UD128x18, y: SD128x18): UD128x18 {
    return this.#record('pow', [fixed(x), fixed(y)], () => T.pow(x, y), fixed);
  }
  sqrt(x: UD128x18): UD128x18 {
    return this.#record('sqrt', [fixed(x)], () => T.sqrt(x), fixed);
  }
  /** The exact weighted split; the result is recorded as the parts joined by commas. */
  splitByWeight(total: UD128x18, weights: readonly bigint[]): UD128x18[] {
    const inputs = [fixed(total), ...weights.map((w) => w.toString())];
    return this.#record(
      'splitByWeight',
      inputs,
      () => splitByWeight(total, weights),
      (parts) => parts.map(fixed).join(','),
    );
  }
  phiPow(n: bigint): UD128x18 {
    return this.#record('phiPow', [n.toString()], () => T.phiPow(n), fixed);
  }
}
