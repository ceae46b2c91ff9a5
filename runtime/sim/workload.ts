/**
 * The simulator's workload: what the users, the oracle and the admin of a simulated chain send in
 * each bundle, drawn from a seeded stream. Deterministic from the seed; it reads only the engine
 * state it is given (nonces, key statuses) and never the clock.
 *
 * Each bundle carries, in order: the oracle's guidance for the next packet (skipped now and then,
 * never twice in a row, so S_Ψ stays ≤ 1), sometimes a key event (a user rotates to a new key, a new
 * key registers itself, the admin revokes a user), then a mix of
 *   45 % transfers · 35 % actions · 7 % transfers beyond the balance (TX_INSUFFICIENT_BALANCE) ·
 *   6 % wrong nonces (TX_BAD_NONCE) · 4 % an unregistered sender (TX_UNKNOWN_SENDER) ·
 *   3 % bad guidance (replayed: GUIDANCE_REPLAYED; from a user: GUIDANCE_NOT_ORACLE).
 * Invalid transactions are the kinds that reach the engine: parsing already rejects unknown tokens,
 * malformed amounts and oversized fields.
 * @module
 */
import { bytesToHex, parseAddress } from '../codec';
import { generateKeyPair, type KeyPair } from '../crypto';
import { getAccount, TOKENS, type EngineState, type Guidance } from '../engine';
import { keyLedgerView } from '../ledger';
import { UD, type UD128x18 } from '../math';
import {
  actionBody,
  guidanceBody,
  keyEventBody,
  registerBody,
  rotateBody,
  transferBody,
} from '../sdk/tx-builder';
import type { SeededRandom } from './prng';

/** One transaction before signing: who sends it, with which nonce, and what. */
export type PlannedTx = {
  readonly key: KeyPair;
  readonly nonce: bigint;
  readonly body: Readonly<Record<string, unknown>>;
};

/** The keys a simulated chain starts with. */
export type SimKeys = {
  readonly sequencer: KeyPair;
  readonly oracle: KeyPair;
  readonly admin: KeyPair;
  readonly users: readonly KeyPair[];
  /** Never registered: its transactions fail TX_UNKNOWN_SENDER. */
  readonly stranger: KeyPair;
};

/** Most user keys the workload keeps (rotations replace, registrations add). */
export const SIM_USERS_MAX = 64;
/** Fewest active users before the workload stops revoking and rotating. */
const SIM_USERS_MIN = 8;
/** Most addresses without a key that receive transfers (new accounts). */
const EXTERNAL_MAX = 4096;
const ACTION_KINDS = ['compute', 'index', 'relay', 'storage'] as const;
const PENALTIES = Object.freeze([
  { kind: 'compute', penalty: UD.parse('0.1') },
  { kind: 'index', penalty: UD.parse('0.2') },
  { kind: 'storage', penalty: UD.parse('0.05') },
]);
const PHI = UD.parse('1.618033988749894848');

/** A user slot: its current key, and the key it replaced while a rotation is not yet committed. */
type Slot = { key: KeyPair; previous: KeyPair | null };

/** Generates bundles of transactions; owns the simulated participants' view of the chain. */
export class Workload {
  readonly #rng: SeededRandom;
  readonly #chainId: string;
  readonly #keys: SimKeys;
  #slots: Slot[];
  readonly #external: string[] = [];
  #guidanceSequence: bigint;
  #skippedGuidance = false;
  #nonces = new Map<string, bigint>();

  constructor(rng: SeededRandom, chainId: string, keys: SimKeys, guidanceSequence: bigint) {
    this.#rng = rng;
    this.#chainId = chainId;
    this.#keys = keys;
    this.#slots = keys.users.map((key) => ({ key, previous: null }));
    this.#guidanceSequence = guidanceSequence;
  }

  /** Active user keys, in slot order. */
  get users(): readonly KeyPair[] {
    return this.#slots.map((s) => s.key);
  }

  /**
   * The transactions of the bundle that follows `state` (packet sequence = state.height).
   * @param count - how many transactions (≥ 1)
   */
  nextBundle(state: EngineState, count: number): PlannedTx[] {
    this.#nonces = new Map();
    const out: PlannedTx[] = [];
    const sequence = state.height;
    const oracle = this.#keys.oracle;
    if (this.#skippedGuidance || !this.#rng.chance(100)) {
      const body = this.#guidanceBody(sequence + 1n, true);
      out.push({ key: oracle, nonce: this.#nextNonce(state, oracle.address), body });
      this.#skippedGuidance = false;
    } else this.#skippedGuidance = true;
    if (out.length < count) this.#keyEvent(state, out);
    while (out.length < count) out.push(this.#regular(state, sequence));
    return out;
  }

  /** Reconciles with the committed state: keeps each slot's key that is active there. */
  observe(state: EngineState): void {
    const view = keyLedgerView(state.keys);
    const active = (k: KeyPair) => view.getKey(k.address)?.status === 'active';
    const slots: Slot[] = [];
    for (const slot of this.#slots) {
      if (active(slot.key)) slots.push({ key: slot.key, previous: null });
      else if (slot.previous !== null && active(slot.previous))
        slots.push({ key: slot.previous, previous: null });
    }
    this.#slots = slots;
  }

  #nextNonce(state: EngineState, address: string): bigint {
    const nonce =
      (this.#nonces.get(address) ?? getAccount(state.accounts, address)?.nonce ?? 0n) + 1n;
    this.#nonces.set(address, nonce);
    return nonce;
  }

  #peekNonce(state: EngineState, address: string): bigint {
    return (this.#nonces.get(address) ?? getAccount(state.accounts, address)?.nonce ?? 0n) + 1n;
  }

  /** The oracle's guidance for `forPacket`; a new sequence when `fresh`, else the last one again. */
  #guidanceBody(forPacket: bigint, fresh: boolean): Record<string, unknown> {
    const rng = this.#rng;
    if (fresh) this.#guidanceSequence += 1n;
    const micros = (n: number) => UD.parse(`0.${String(n).padStart(6, '0')}`);
    // Ratios of consecutive FLX magnitudes within φ ± 0.01, so S_FLX stays below 0.02.
    const ratio = () => UD.sub(UD.add(PHI, micros(rng.below(20_001))), UD.parse('0.01'));
    const m1 = ratio();
    const guidance: Guidance = {
      sequence: this.#guidanceSequence,
      forPacket,
      sChr: micros(900_000 + rng.below(100_000)), // 0.9 … 0.999999: S_RES ≤ 0.04
      fAtr: micros(rng.below(100_001)), // 0 … 0.1: ATR-coherent with magnitude 10
      atrMagnitude: UD.parse('10'),
      flxMagnitudes: [UD.UNIT, m1, UD.mul(m1, ratio())],
      penalties: PENALTIES,
    };
    return guidanceBody(guidance);
  }

  #keyEvent(state: EngineState, out: PlannedTx[]): void {
    const rng = this.#rng;
    const roll = rng.below(1000);
    const canShrink = this.#slots.length > SIM_USERS_MIN;
    if (roll < 100 && canShrink) {
      const index = rng.below(this.#slots.length);
      const slot = this.#slots[index] as Slot;
      const next = this.#newKey();
      const nonce = this.#nextNonce(state, slot.key.address);
      out.push({ key: slot.key, nonce, body: rotateBody(this.#chainId, slot.key, next) });
      // The new key continues the account: its next nonce follows the rotation's.
      this.#nonces.set(next.address, nonce);
      this.#slots[index] = { key: next, previous: slot.key };
    } else if (roll < 150 && this.#slots.length < SIM_USERS_MAX) {
      const fresh = this.#newKey();
      out.push({
        key: fresh,
        nonce: this.#nextNonce(state, fresh.address),
        body: registerBody(this.#chainId, fresh),
      });
      this.#slots.push({ key: fresh, previous: null });
    } else if (roll < 170 && canShrink) {
      const index = rng.below(this.#slots.length);
      const target = (this.#slots[index] as Slot).key;
      const admin = this.#keys.admin;
      const body = keyEventBody(
        this.#chainId,
        { type: 'revoke', data: { keyId: target.address, reason: 'simulated revocation' } },
        [admin],
      );
      out.push({ key: admin, nonce: this.#nextNonce(state, admin.address), body });
      this.#slots.splice(index, 1);
    }
  }

  #newKey(): KeyPair {
    return generateKeyPair(this.#rng.bytes(32));
  }

  #regular(state: EngineState, sequence: bigint): PlannedTx {
    const rng = this.#rng;
    const roll = rng.below(100);
    const sender = rng.pick(this.#slots).key;
    if (roll < 45) return this.#transfer(state, sender, this.#amount());
    if (roll < 80) {
      const units = BigInt(rng.between(1, 1000));
      const body = actionBody(
        rng.pick(ACTION_KINDS),
        units,
        `sim-${sequence}-${rng.below(1_000_000)}`,
      );
      return { key: sender, nonce: this.#nextNonce(state, sender.address), body };
    }
    if (roll < 87) return this.#transfer(state, sender, UD.parse('1000000000'));
    if (roll < 93) {
      // A nonce from the future (skipping 1–3) or, when there is one, a nonce already used.
      const next = this.#peekNonce(state, sender.address);
      const nonce = next > 1n && rng.chance(500) ? next - 1n : next + BigInt(rng.between(1, 3));
      return { key: sender, nonce, body: transferBody('CHR', sender.address, '1') };
    }
    if (roll < 97) {
      const stranger = this.#keys.stranger;
      return { key: stranger, nonce: 1n, body: transferBody('FLX', sender.address, '1') };
    }
    // Guidance with the sequence already accepted: replayed from the oracle, or sent by a user.
    const body = this.#guidanceBody(sequence + 1n, false);
    const from = rng.chance(500) ? this.#keys.oracle : sender;
    return { key: from, nonce: this.#nextNonce(state, from.address), body };
  }

  #transfer(state: EngineState, sender: KeyPair, amount: UD128x18): PlannedTx {
    const rng = this.#rng;
    const token = rng.pick(TOKENS);
    const body = transferBody(token, this.#recipient(), amount);
    return { key: sender, nonce: this.#nextNonce(state, sender.address), body };
  }

  #recipient(): string {
    const rng = this.#rng;
    if (rng.chance(800)) return rng.pick(this.#slots).key.address;
    if (this.#external.length === 0 || (this.#external.length < EXTERNAL_MAX && rng.chance(300))) {
      const address = parseAddress(`0x${bytesToHex(rng.bytes(20))}`);
      this.#external.push(address);
      return address;
    }
    return rng.pick(this.#external);
  }

  #amount(): UD128x18 {
    const micros = this.#rng.between(1, 10_000_000); // 0.000001 … 10
    return (BigInt(micros) * 10n ** 12n) as UD128x18;
  }
}
