/**
 * JSON schemas of every route's input and output. Fastify validates requests against them (with
 * type coercion and property removal switched off, so a number where a string belongs is an
 * error, not a conversion), serialises responses through them, and @fastify/swagger publishes them
 * as the OpenAPI document at /docs/json.
 *
 * Signed objects (DRV packets, coherence entries, seals) are returned exactly as stored: canonical
 * JSON with every integer a decimal string, so a client can re-canonicalise and verify a signature.
 * Everything else uses JSON numbers for heights, indexes and counts (all below 2^53) and decimal
 * strings for nonces and 18-decimal token amounts.
 * @module
 */
import { TOKENS } from '../../engine';

export type JsonSchema = Readonly<Record<string, unknown>>;

/** Largest height a path may name: 2^53 (JSON numbers are exact up to it). */
export const HEIGHT_MAX = 2 ** 53;

export const hashSchema = {
  type: 'string',
  pattern: '^[0-9a-f]{64}$',
  description: 'SHA-256, 64 lowercase hex digits',
} as const;
const nullableHash = { type: ['string', 'null'], pattern: '^[0-9a-f]{64}$' } as const;
export const addressSchema = {
  type: 'string',
  pattern: '^0x[0-9a-fA-F]{40}$',
  description: '0x + 40 hex digits (EIP-55 checksum when mixed case)',
} as const;
const heightParam = {
  type: 'string',
  pattern: '^(0|[1-9][0-9]{0,15})$',
  description: `decimal bundle height, at most ${HEIGHT_MAX}`,
} as const;
const amount = {
  type: 'string',
  pattern: '^[0-9]+\\.[0-9]{18}$',
  description: '18-decimal fixed point',
} as const;
const decimalString = { type: 'string', pattern: '^(0|[1-9][0-9]*)$' } as const;
const height = { type: 'integer', minimum: 0 } as const;
const anyObject = { type: 'object', additionalProperties: true } as const;

const amounts = {
  type: 'object',
  required: [...TOKENS],
  additionalProperties: false,
  properties: Object.fromEntries(TOKENS.map((t) => [t, amount])),
} as const;

/** `{error: {code, message, details}}`: every failure. */
export const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      properties: {
        code: { type: 'string', description: 'stable code (see docs/api.md)' },
        message: { type: 'string' },
        details: { ...anyObject, description: 'the offending values' },
      },
    },
  },
} as const;

/** Responses every route can give besides its own: client errors and server errors. */
export const errorResponses = { '4xx': errorSchema, '5xx': errorSchema } as const;

export const txParams = {
  type: 'object',
  required: ['hash'],
  additionalProperties: false,
  properties: { hash: hashSchema },
} as const;
export const heightParams = {
  type: 'object',
  required: ['height'],
  additionalProperties: false,
  properties: { height: heightParam },
} as const;
export const addressParams = {
  type: 'object',
  required: ['address'],
  additionalProperties: false,
  properties: { address: addressSchema },
} as const;

/**
 * A signed transaction. The schema checks types and length bounds only; the sequencer parses the
 * content (addresses, decimal forms, tokens, body shape) and answers with a TX_* code.
 */
export const txWireSchema = {
  type: 'object',
  required: ['chainId', 'from', 'nonce', 'body', 'signature'],
  additionalProperties: false,
  properties: {
    chainId: { type: 'string', maxLength: 64 },
    from: { type: 'string', maxLength: 42, description: 'sender address (EIP-55)' },
    nonce: { type: 'string', maxLength: 20, description: 'decimal; the previous nonce + 1' },
    body: {
      type: 'object',
      maxProperties: 8,
      description:
        'transfer {type, token, to, amount} | action {type, kind, units, ref} | key | guidance',
    },
    // No maxLength: Ajv counts a string's length code point by code point, which for the
    // 9,254-digit signature cost ~3 % of the main thread. The body limit bounds it, and the parser
    // requires exactly 2 × 4,627 lowercase hex digits (TX_MALFORMED, field "signature").
    signature: {
      type: 'string',
      description: 'ML-DSA-87 signature (context QFS/tx/v1), 9,254 lowercase hex digits',
    },
  },
} as const;

const txStatusEnum = { type: 'string', enum: ['pending', 'committed', 'rejected'] } as const;

export const txAcceptedSchema = {
  type: 'object',
  required: ['txHash', 'status'],
  properties: { txHash: hashSchema, status: txStatusEnum },
} as const;

/** `POST /v1/txs`: up to `batchTxsMax` signed transactions (the route sets `maxItems`). */
export function txBatchSchema(batchTxsMax: number): JsonSchema {
  return {
    type: 'object',
    required: ['txs'],
    additionalProperties: false,
    properties: {
      txs: { type: 'array', minItems: 1, maxItems: batchTxsMax, items: txWireSchema },
    },
  };
}

/**
 * One answer per submitted transaction, in request order: `{txHash, status}` when it was accepted,
 * `{error}` with what `POST /v1/tx` would have answered for it alone when it was not.
 */
export const txBatchResultSchema = {
  type: 'object',
  required: ['results'],
  properties: {
    results: {
      type: 'array',
      items: {
        type: 'object',
        description: 'accepted: {txHash, status}; refused: {error: {code, message, details}}',
        properties: {
          txHash: hashSchema,
          status: txStatusEnum,
          error: errorSchema.properties.error,
        },
      },
    },
  },
} as const;

const receiptSchema = {
  type: 'object',
  required: ['status'],
  properties: {
    status: { type: 'string', enum: ['ok', 'failed'] },
    code: { type: 'string', description: 'why it failed' },
    reason: { type: 'string' },
    fee: { ...amount, description: 'FLX fee charged (actions)' },
  },
} as const;

export const txViewSchema = {
  type: 'object',
  required: ['txHash', 'status'],
  properties: {
    txHash: hashSchema,
    status: txStatusEnum,
    height: { ...height, description: 'bundle height (committed)' },
    index: { type: 'integer', minimum: 0, description: 'position in the bundle (committed)' },
    receipt: receiptSchema,
    code: { type: 'string', description: 'rejection code (rejected)' },
    reason: { type: 'string', description: 'rejection reason (rejected)' },
    confirmed: {
      type: 'boolean',
      description:
        'committed, on a node running HolonetSync: true once the bundle has a quorum certificate',
    },
    certificateHash: { ...hashSchema, description: 'the quorum certificate (confirmed)' },
  },
} as const;

export const accountViewSchema = {
  type: 'object',
  required: ['address', 'height', 'balances', 'nonce', 'nextNonce', 'key'],
  properties: {
    address: addressSchema,
    height: { ...height, description: 'committed bundles the view reflects' },
    balances: amounts,
    nonce: { ...decimalString, description: 'last committed nonce (0 if none)' },
    nextNonce: {
      ...decimalString,
      description: 'the nonce the next transaction must carry, counting pending ones',
    },
    key: {
      type: ['object', 'null'],
      description: 'the KeyLedger record of this address, null if none',
      required: ['status', 'capabilities', 'registeredAt', 'changedAt'],
      properties: {
        status: { type: 'string', enum: ['active', 'retired', 'revoked'] },
        capabilities: { type: 'array', items: { type: 'string' } },
        registeredAt: { ...decimalString, description: 'KeyLedger sequence' },
        changedAt: { ...decimalString, description: 'KeyLedger sequence' },
        rotatedFrom: { type: ['string', 'null'] },
        rotatedTo: { type: ['string', 'null'] },
      },
    },
  },
} as const;

const packetSchema = {
  ...anyObject,
  description:
    'the signed DRV packet as stored: version, chainId, sequence, ttsTimestamp, seed, ' +
    'previousHash, payloadHash, entropy, metadata, signer, signature',
} as const;
const sealSchema = {
  ...anyObject,
  description: 'the signed seal as stored (canonical JSON, integers as decimal strings)',
} as const;

export const bundleViewSchema = {
  type: 'object',
  required: [
    'height',
    'packetHash',
    'bundleHash',
    'opLogHash',
    'stateRoot',
    'txCount',
    'packet',
    'txHashes',
    'metrics',
    'rewards',
    'allocations',
    'toTreasury',
    'fees',
    'dissonance',
    'opLogEntryCount',
    'coherenceEntry',
    'seal',
    'sealHash',
  ],
  properties: {
    height,
    packetHash: hashSchema,
    bundleHash: hashSchema,
    opLogHash: hashSchema,
    stateRoot: hashSchema,
    txCount: { type: 'integer', minimum: 0 },
    packet: packetSchema,
    txHashes: { type: 'array', items: hashSchema },
    metrics: {
      type: 'object',
      description: 'HSMF metrics (18-decimal) and whether ATR was coherent',
      additionalProperties: true,
    },
    rewards: {
      type: 'object',
      required: ['requested', 'granted', 'clips'],
      properties: {
        requested: amounts,
        granted: amounts,
        clips: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              token: { type: 'string' },
              requested: amount,
              granted: amount,
              reason: { type: 'string' },
            },
          },
        },
      },
    },
    allocations: {
      type: 'array',
      items: {
        type: 'object',
        required: ['address', 'token', 'amount'],
        properties: { address: addressSchema, token: { type: 'string' }, amount },
      },
    },
    toTreasury: amounts,
    fees: amount,
    dissonance: { type: 'array', items: anyObject },
    entropy: {
      type: ['object', 'null'],
      description:
        'the engine’s verdict on the packet’s entropy record: source, beacon chain and round, ' +
        'stale rounds, cir511 (a stale-beacon dissonance); null on a chain without an entropy policy',
      additionalProperties: true,
    },
    opLogEntryCount: { type: 'integer', minimum: 0 },
    coherenceEntry: { ...sealSchema, description: 'the CoherenceLedger entry as stored' },
    seal: sealSchema,
    sealHash: hashSchema,
  },
} as const;

export const coherenceSealViewSchema = {
  type: 'object',
  required: ['height', 'entryHash', 'seal', 'sealHash'],
  properties: { height, entryHash: hashSchema, seal: sealSchema, sealHash: hashSchema },
} as const;

export const keySealViewSchema = {
  type: 'object',
  required: ['height', 'seal', 'sealHash'],
  properties: {
    height: { ...height, description: 'height of the bundle that wrote it' },
    seal: sealSchema,
    sealHash: hashSchema,
  },
} as const;

const count = { type: 'integer', minimum: 0 } as const;
const nullableInt = { type: ['integer', 'null'] } as const;

/** Where anchoring stands (runtime/node/anchoring.ts AnchorStatus); null when the node does not anchor. */
const anchoringSchema = {
  type: ['object', 'null'],
  description: 'anchoring to the EVM chain: how far behind it is and its last error; null when off',
  required: [
    'localHeight',
    'anchoredHeight',
    'anchoredEpochs',
    'lag',
    'epochLength',
    'onChain',
    'lastError',
    'lastErrorAtMs',
    'consecutiveFailures',
    'lastAnchorAtMs',
    'nextRetryAtMs',
  ],
  properties: {
    localHeight: { type: 'integer', description: 'last committed height (-1 before the first)' },
    anchoredHeight: {
      ...nullableInt,
      description: 'last height of the last epoch whose seals, root and balances are all on-chain',
    },
    anchoredEpochs: count,
    lag: { ...count, description: 'committed bundles not yet anchored' },
    epochLength: { type: 'integer', minimum: 1 },
    onChain: {
      type: ['object', 'null'],
      description: 'what the contracts held at the last successful read',
      required: [
        'coherenceHeight',
        'keySeals',
        'balanceEpochs',
        'balanceChunks',
        'allocationEpochs',
        'certificateHeight',
      ],
      properties: {
        coherenceHeight: nullableInt,
        keySeals: count,
        balanceEpochs: count,
        balanceChunks: { ...count, description: 'chunks applied of the balance epoch in progress' },
        allocationEpochs: count,
        certificateHeight: {
          ...nullableInt,
          description: 'the last height whose HolonetSync quorum certificate is anchored',
        },
      },
    },
    lastError: { type: ['string', 'null'] },
    lastErrorAtMs: nullableInt,
    consecutiveFailures: { ...count, description: 'failed attempts since the last success' },
    lastAnchorAtMs: nullableInt,
    nextRetryAtMs: { ...nullableInt, description: 'when the next attempt after a failure is due' },
  },
} as const;

export const statusSchema = {
  type: 'object',
  required: [
    'chainId',
    'version',
    'height',
    'nextHeight',
    'stateRoot',
    'headHash',
    'lastSealHash',
    'halted',
    'mempoolDepth',
    'anchoring',
  ],
  properties: {
    chainId: { type: 'string' },
    version: { type: 'string', description: 'node software version' },
    height: {
      type: ['integer', 'null'],
      minimum: 0,
      description: 'height of the latest committed bundle, null before the first',
    },
    nextHeight: { ...height, description: 'committed bundles = the next bundle’s height' },
    stateRoot: hashSchema,
    headHash: { ...nullableHash, description: 'CoherenceLedger head entry hash' },
    lastSealHash: { ...nullableHash, description: 'hash of the latest coherence seal' },
    halted: {
      type: ['object', 'null'],
      description: 'null, or the persisted halt (writes answer 503 NODE_HALTED)',
      required: ['cir', 'reason', 'height'],
      properties: {
        cir: { type: 'integer', description: '302 (critical halt) or 412 (quarantine)' },
        reason: { type: 'string' },
        height: height,
        evidence: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
    mempoolDepth: { type: 'integer', minimum: 0 },
    anchoring: anchoringSchema,
    entropy: {
      type: 'object',
      additionalProperties: true,
      description:
        'where packet seeds come from: mode "beacon-vdf" with the beacon, the newest evaluated ' +
        'round and its age, the provider’s reachability, the QRNG, the last packet’s source and ' +
        'stale rounds, and how many bundles were CIR-511 entropy dissonances (docs/entropy.md); ' +
        'mode "unverified" on a chain without an entropy policy',
    },
    sync: {
      description:
        'HolonetSync: role (sequencer or replica), confirmed height, replicas and their lag; null without it',
    },
  },
} as const;

export const metricsSchema = {
  type: 'string',
  description: 'Prometheus text exposition format 0.0.4',
} as const;
