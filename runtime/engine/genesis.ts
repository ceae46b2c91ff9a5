/**
 * The genesis: a JSON document validated field by field into the first engine state and the
 * KeyLedger's genesis entry. Every amount is a decimal string; every limit is checked.
 *
 *   { chainId, genesisTime, treasury, params?, accounts: [{address, balances: {CHR, …}}],
 *     keys: [{publicKey, capabilities}], guidance, entropy? }
 *
 * `entropy` (optional) is the entropy policy of runtime/entropy: with it, every packet's seed must
 * derive from a trusted beacon round and its VDF.
 * @module
 */
import {
  canonicalString,
  hexToBytes,
  isChecksumAddress,
  isHex,
  sha256HexUtf8,
  shapeChecker,
  ZERO_HASH,
} from '../codec';
import { ML_DSA_87 } from '../crypto';
import { EntropyPolicyInvalidError, parseEntropyPolicy, type EntropyPolicy } from '../entropy';
import { INITIAL_CIR511_STATE } from '../guard';
import {
  applyKeyEvent,
  CAPABILITIES,
  CHAIN_ID_PATTERN,
  createKeyGenesis,
  EMPTY_KEY_LEDGER_STATE,
  GENESIS_KEYS_MAX,
  type Capability,
  type KeyLedgerEntry,
} from '../ledger';
import { UD, type UD128x18 } from '../math';
import { EMPTY_ACCOUNT_TREE, updateAccounts, type Account } from './account-tree';
import { GenesisInvalidError } from './errors';
import { parseParams } from './params';
import { stateRootOf, type EngineState } from './state';
import { TOKENS, ZERO_AMOUNTS, type Token, type TokenAmounts } from './tokens';
import { parseGuidance } from './utility-oracle';

/** Most accounts a genesis may fund. */
export const GENESIS_ACCOUNTS_MAX = 10_000;

export type Genesis = {
  readonly state: EngineState;
  /** The KeyLedger's first entry (installs the genesis keys). */
  readonly keyGenesis: KeyLedgerEntry;
};

/**
 * Validates a genesis document and builds the first state.
 * @throws {GenesisInvalidError} naming the first invalid field
 */
export function loadGenesis(json: unknown): Genesis {
  const doc = record(json, 'genesis');
  const allowed = [
    'accounts',
    'chainId',
    'entropy',
    'genesisTime',
    'guidance',
    'keys',
    'params',
    'treasury',
  ];
  for (const key of Object.keys(doc).sort()) {
    if (!allowed.includes(key)) throw new GenesisInvalidError(key, 'unknown field');
  }
  const chainId = doc.chainId;
  if (typeof chainId !== 'string' || !CHAIN_ID_PATTERN.test(chainId)) {
    throw new GenesisInvalidError('chainId', 'lowercase letters, digits, . _ -; 1–64 characters');
  }
  const genesisTime = wholeNumber(doc.genesisTime, 'genesisTime');
  if (!isChecksumAddress(doc.treasury))
    throw new GenesisInvalidError('treasury', 'an EIP-55 address');
  const params = parseParams(doc.params);
  const { updates, supply } = parseAccounts(doc.accounts);
  const keyGenesis = parseKeys(doc.keys, chainId, genesisTime);
  const keys = wrapKeyLedger(() => applyKeyEvent(EMPTY_KEY_LEDGER_STATE, keyGenesis));
  const guidanceCheck = parseGuidance(doc.guidance);
  if (!guidanceCheck.ok)
    throw new GenesisInvalidError('guidance', `${guidanceCheck.code}: ${guidanceCheck.reason}`);
  // The genesis guidance is in force for the first packet: S_Ψ there is |forPacket − 0|.
  if (guidanceCheck.guidance.forPacket !== 0n)
    throw new GenesisInvalidError(
      'guidance.forPacket',
      'the genesis guidance is meant for packet 0',
    );
  const partial = {
    chainId,
    genesisHash: sha256HexUtf8(`QFS/genesis/v1\n${canonicalString(doc)}`),
    genesisTime,
    params,
    entropy: parseEntropy(doc.entropy),
    treasury: doc.treasury,
    height: 0n,
    lastPacket: null,
    lastPacketHash: ZERO_HASH,
    accounts: updateAccounts(EMPTY_ACCOUNT_TREE, updates),
    supply,
    emission: Object.freeze({ day: genesisTime / params.dayLengthMs, minted: ZERO_AMOUNTS }),
    guidance: guidanceCheck.guidance,
    keys,
    cir511: INITIAL_CIR511_STATE,
  };
  const state: EngineState = Object.freeze({ ...partial, stateRoot: stateRootOf(partial) });
  return Object.freeze({ state, keyGenesis });
}

/** The optional `entropy` section: the beacon chains and VDF every packet seed must come from. */
function parseEntropy(value: unknown): EntropyPolicy | null {
  if (value === undefined) return null;
  try {
    return parseEntropyPolicy(value);
  } catch (err) {
    if (err instanceof EntropyPolicyInvalidError)
      throw new GenesisInvalidError(String(err.details.field), String(err.details.reason), err);
    throw err;
  }
}

function parseAccounts(value: unknown): { updates: Map<string, Account>; supply: TokenAmounts } {
  if (!Array.isArray(value) || value.length > GENESIS_ACCOUNTS_MAX) {
    throw new GenesisInvalidError('accounts', `an array of at most ${GENESIS_ACCOUNTS_MAX}`);
  }
  const updates = new Map<string, Account>();
  const seen = new Set<string>();
  const supply: Record<Token, UD128x18> = { ...ZERO_AMOUNTS };
  value.forEach((item, i) => {
    const entry = record(item, `accounts.${i}`);
    onlyFields(entry, ['address', 'balances'], `accounts.${i}`);
    if (!isChecksumAddress(entry.address))
      throw new GenesisInvalidError(`accounts.${i}.address`, 'an EIP-55 address');
    if (seen.has(entry.address.toLowerCase()))
      throw new GenesisInvalidError(`accounts.${i}.address`, 'listed twice');
    seen.add(entry.address.toLowerCase());
    const balances = record(entry.balances, `accounts.${i}.balances`);
    const amounts: Record<Token, UD128x18> = { ...ZERO_AMOUNTS };
    for (const key of Object.keys(balances).sort()) {
      if (!(TOKENS as readonly string[]).includes(key))
        throw new GenesisInvalidError(`accounts.${i}.balances.${key}`, 'unknown token');
    }
    for (const token of TOKENS) {
      const raw = balances[token];
      if (raw === undefined) continue;
      if (typeof raw !== 'string')
        throw new GenesisInvalidError(`accounts.${i}.balances.${token}`, 'a decimal string');
      try {
        amounts[token] = UD.parse(raw);
        supply[token] = UD.add(supply[token], amounts[token]);
      } catch (err) {
        throw new GenesisInvalidError(
          `accounts.${i}.balances.${token}`,
          'an unsigned decimal; the supply must fit',
          err,
        );
      }
    }
    updates.set(entry.address, Object.freeze({ balances: Object.freeze(amounts), nonce: 0n }));
  });
  return { updates, supply: Object.freeze(supply) };
}

function parseKeys(value: unknown, chainId: string, genesisTime: bigint): KeyLedgerEntry {
  if (!Array.isArray(value) || value.length === 0 || value.length > GENESIS_KEYS_MAX) {
    throw new GenesisInvalidError('keys', `an array of 1 to ${GENESIS_KEYS_MAX} keys`);
  }
  const keys = value.map((item, i) => {
    const entry = record(item, `keys.${i}`);
    onlyFields(entry, ['capabilities', 'publicKey'], `keys.${i}`);
    if (typeof entry.publicKey !== 'string' || !isHex(entry.publicKey, ML_DSA_87.publicKeyBytes)) {
      throw new GenesisInvalidError(
        `keys.${i}.publicKey`,
        'an ML-DSA-87 public key in lowercase hex',
      );
    }
    const caps = entry.capabilities;
    if (
      !Array.isArray(caps) ||
      caps.some((c) => !(CAPABILITIES as readonly unknown[]).includes(c))
    ) {
      throw new GenesisInvalidError(
        `keys.${i}.capabilities`,
        `a list of ${CAPABILITIES.join(', ')}`,
      );
    }
    return { publicKey: hexToBytes(entry.publicKey), capabilities: caps as Capability[] };
  });
  return wrapKeyLedger(() => createKeyGenesis({ chainId, timestamp: genesisTime, keys }));
}

function wrapKeyLedger<T>(build: () => T): T {
  try {
    return build();
  } catch (err) {
    throw new GenesisInvalidError('keys', err instanceof Error ? err.message : 'invalid', err);
  }
}

/** Shape checks failing with GENESIS_INVALID naming the field. */
const shape = shapeChecker((fault) => {
  throw new GenesisInvalidError(fault.field, fault.reason);
});
const record = shape.object;
/** Rejects any field not listed (an ignored field would be a silent surprise, e.g. a nonce). */
const onlyFields = shape.allowOnly;

/** Milliseconds as a decimal string, below 2^53 (16 digits). */
function wholeNumber(value: unknown, path: string): bigint {
  return shape.wholeNumber(value, path, { digitsMax: 16 });
}
