/*
 * A fuzzer against a real node over HTTP (issue 18): fast-check sends generated requests —
 * valid transactions of every type from senders in every state (active, revoked, unregistered,
 * an oracle, an admin) with one field mutated before or after signing, random JSON, huge and deep
 * values, wrong types, boundary numbers, batches of all of these — and asserts for every answer:
 * ├── never a 5xx, and every 4xx is the envelope {error: {code, message, details}}
 * ├── every admitted transaction's signature verifies under the key `from` names (for a
 * │   registration, the registered key, whose address must be `from`), and no admitted
 * │   transaction comes from a revoked or unregistered sender
 * └── afterwards the node still runs, drains its mempool, stops cleanly, and `qfs verify` passes
 * Runs: FC_NUM_RUNS (default 100); FC_SEED replays a failure.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { addressFromPublicKey, bytesToHex, hexToBytes } from '../../../../runtime/codec';
import {
  publicKeyFromHex,
  sign,
  SignatureContext,
  verify,
  type KeyPair,
} from '../../../../runtime/crypto';
import { guidanceToJson, txSigningBytes } from '../../../../runtime/engine';
import { loadKey } from '../../../../runtime/node/data-dir';
import { HEALTHY_GUIDANCE } from '../../../../runtime/sdk/devnet';
import {
  actionBody,
  keyEventBody,
  registerBody,
  rotateBody,
  signTx,
  transferBody,
} from '../../../../runtime/sdk/tx-builder';
import { testKey } from '../../../support/keys';
import { qfsSync, TEST_PASSPHRASE } from '../../../support/node-process';
import { numRuns } from '../../../support/num-runs';
import {
  eventually,
  getJson,
  postJson,
  request,
  startAttackNode,
  type AttackNode,
} from './support';

type Wire = Record<string, unknown>;
type Sender = 'alice' | 'bob' | 'admin' | 'oracle' | 'carol' | 'stranger';
type Case =
  | { kind: 'tx'; spec: { sender: Sender; type: string; mutation: Mutation; resign: boolean } }
  | { kind: 'json'; body: unknown }
  | { kind: 'raw'; text: string };

/** Values that sit on a boundary of some field's rules. */
const BOUNDARY: readonly unknown[] = [
  '0',
  '1',
  '-1',
  '01',
  '1.0',
  '1e3',
  ' 1',
  '',
  'x'.repeat(5000),
  '9223372036854775807',
  '9223372036854775808',
  '18446744073709551616',
  '0.000000000000000001',
  '0.0000000000000000001',
  '340282366920938463463.374607431768211455',
  '340282366920938463463.374607431768211456',
  `0x${'0'.repeat(40)}`,
  `0x${'f'.repeat(40)}`,
  'ab'.repeat(2592),
  'AB'.repeat(2592),
  null,
  true,
  0,
  1,
  -1,
  1.5,
  2 ** 53,
  [],
  {},
  { __proto__: { polluted: true } },
];

/** Every path to a leaf (or container) of a JSON value, outermost first. */
function pathsOf(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const keys = Array.isArray(value) ? value.map((_, i) => String(i)) : Object.keys(value).sort();
  return [
    prefix,
    ...keys.flatMap((k) => pathsOf((value as Record<string, unknown>)[k], [...prefix, k])),
  ];
}

type Mutation =
  | { kind: 'none' }
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'delete'; at: number }
  | { kind: 'extra'; at: number; key: string; value: unknown };

function mutate(wire: Wire, m: Mutation): Wire {
  if (m.kind === 'none') return wire;
  const copy = structuredClone(wire);
  const paths = pathsOf(copy).filter((p) => p.length > 0);
  const path = paths[m.at % paths.length] as string[];
  let parent = copy as Record<string, unknown>;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string, unknown>;
  const last = path[path.length - 1] as string;
  if (m.kind === 'replace') parent[last] = m.value;
  else if (m.kind === 'delete') delete parent[last];
  else {
    const target = parent[last];
    if (typeof target === 'object' && target !== null && !Array.isArray(target))
      ownKey(target as Record<string, unknown>, m.key, m.value);
    else ownKey(parent, m.key, m.value);
  }
  return copy;
}

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ kind: 'none' as const }) },
  fc.record({
    kind: fc.constant('replace' as const),
    at: fc.nat(),
    value: fc.oneof(fc.constantFrom(...BOUNDARY), fc.jsonValue({ maxDepth: 3 })),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('extra' as const),
    at: fc.nat(),
    key: fc.string({ maxLength: 12 }),
    value: fc.jsonValue({ maxDepth: 2 }),
  }),
);

describe('adversarial: fuzzing a real node over HTTP (fast-check)', function () {
  this.timeout(20 * 60_000);
  let node: AttackNode;
  const keys = new Map<string, KeyPair>();
  let senders: Record<Sender, KeyPair>;
  const revokedOrUnknown = new Set<string>();
  const admitted: Wire[] = [];
  let fresh = 10_000;

  before(async () => {
    node = await startAttackNode({ mempoolTtlMs: 2000, bundleIntervalMs: 50 });
    const oracle = loadKey(node.dir, 'oracle', TEST_PASSPHRASE);
    senders = { ...node.keys, oracle, stranger: testKey(900) };
    for (const key of Object.values(senders)) keys.set(key.address.toLowerCase(), key);
    const { carol } = node.keys;
    const revoke = signTx(
      carol,
      node.chainId,
      1n,
      keyEventBody(
        node.chainId,
        { type: 'revoke', data: { keyId: carol.address, reason: 'fuzz' } },
        [carol],
      ),
    );
    const answer = await postJson(node.url, '/v1/tx', revoke);
    expect(answer.status, answer.text).to.equal(202);
    await eventually(async () => {
      const account = (await getJson(node.url, `/v1/accounts/${carol.address}`)).json as {
        key: { status: string } | null;
      };
      return account.key?.status === 'revoked' ? true : undefined;
    });
    revokedOrUnknown.add(carol.address.toLowerCase()).add(senders.stranger.address.toLowerCase());
  });

  after(async () => {
    if (node !== undefined) await node.stop();
  });

  /** A well-formed transaction of `type` from `sender` at its next nonce (as the node reports it). */
  async function baseTx(sender: Sender, type: string): Promise<Wire> {
    const key = senders[sender];
    const account = (await getJson(node.url, `/v1/accounts/${key.address}`)).json as {
      nextNonce?: string;
    };
    const nonce = BigInt(account.nextNonce ?? '1');
    const other = senders.bob.address === key.address ? senders.alice : senders.bob;
    const newKey = testKey(fresh++);
    keys.set(newKey.address.toLowerCase(), newKey);
    const built = bodyOf(type, key, other, newKey);
    // A registration is sent by the key it registers (or, mutated, by someone else).
    const signer = type === 'register' ? newKey : key;
    return signTx(signer, node.chainId, type === 'register' ? 1n : nonce, built) as unknown as Wire;
  }

  function bodyOf(type: string, key: KeyPair, other: KeyPair, newKey: KeyPair): Wire {
    const event = (t: string, data: Record<string, string>) =>
      keyEventBody(node.chainId, { type: t, data } as never, [key]);
    switch (type) {
      case 'transfer':
        return transferBody('CHR', other.address, '0.5');
      case 'action':
        return actionBody('compute', 2n, 'fuzz');
      case 'register':
        return registerBody(node.chainId, newKey);
      case 'rotate':
        return rotateBody(node.chainId, key, newKey);
      case 'revoke':
        return event('revoke', { keyId: other.address, reason: 'fuzz' });
      case 'grant':
        return event('grant', { keyId: other.address, capability: 'oracle' });
      default:
        return { type: 'guidance', guidance: guidanceToJson(HEALTHY_GUIDANCE as never) };
    }
  }

  /** Re-signs a mutated wire with `key` when its fields still canonicalise. */
  function resign(wire: Wire, key: KeyPair): Wire {
    try {
      const bytes = txSigningBytes({
        chainId: wire.chainId as string,
        from: wire.from as string,
        nonce: BigInt(wire.nonce as string),
        wireBody: wire.body,
      });
      return { ...wire, signature: bytesToHex(sign(key.secretKey, bytes, SignatureContext.TX)) };
    } catch {
      return wire;
    }
  }

  const txArb = fc
    .record({
      sender: fc.constantFrom<Sender>('alice', 'bob', 'admin', 'oracle', 'carol', 'stranger'),
      type: fc.constantFrom(
        'transfer',
        'action',
        'register',
        'rotate',
        'revoke',
        'grant',
        'guidance',
      ),
      mutation: mutationArb,
      resign: fc.boolean(),
    })
    .map((spec) => ({ kind: 'tx' as const, spec }));
  const junkArb = fc.oneof(
    fc.jsonValue({ maxDepth: 4 }).map((body) => ({ kind: 'json' as const, body })),
    fc
      .nat({ max: 20_000 })
      .map((depth) => ({ kind: 'raw' as const, text: `${'['.repeat(depth)}${']'.repeat(depth)}` })),
    fc
      .constantFrom(
        `{"txs": ${JSON.stringify(Array(300).fill({}))}}`,
        `{"a":"${'x'.repeat(70_000)}"}`,
        '{"chainId":"qfs-devnet","chainId":"x"}',
        'not json',
        '',
      )
      .map((text) => ({ kind: 'raw' as const, text })),
  );
  const caseArb: fc.Arbitrary<Case> = fc.oneof(
    { weight: 3, arbitrary: txArb },
    { weight: 1, arbitrary: junkArb },
  );
  const requestArb = fc.record({
    batch: fc.boolean(),
    cases: fc.array(caseArb, { minLength: 1, maxLength: 3 }),
  });

  async function build(c: Case): Promise<unknown> {
    if (c.kind !== 'tx') return c.kind === 'json' ? c.body : { __raw: c.text };
    const base = await baseTx(c.spec.sender, c.spec.type);
    const mutated = mutate(base, c.spec.mutation);
    return c.spec.resign ? resign(mutated, senders[c.spec.sender]) : mutated;
  }

  function checkAdmitted(wire: Wire): void {
    const from = String(wire.from).toLowerCase();
    expect(revokedOrUnknown.has(from), `admitted from ${from}`).to.equal(false);
    const body = wire.body as {
      type?: string;
      event?: { type?: string; data?: { publicKey?: string } };
    };
    const publicKeyHex =
      body.type === 'key' && body.event?.type === 'register'
        ? (body.event.data?.publicKey as string)
        : bytesToHex((keys.get(from) as KeyPair).publicKey);
    expect(addressFromPublicKey(hexToBytes(publicKeyHex)).toLowerCase()).to.equal(from);
    const message = txSigningBytes({
      chainId: wire.chainId as string,
      from: wire.from as string,
      nonce: BigInt(wire.nonce as string),
      wireBody: wire.body,
    });
    expect(
      verify(
        publicKeyFromHex(publicKeyHex),
        message,
        hexToBytes(wire.signature as string),
        SignatureContext.TX,
      ),
      'admitted transaction verifies under its sender key',
    ).to.equal(true);
  }

  it(`answers ${numRuns} generated requests without a 5xx, admitting only authenticated transactions`, async () => {
    await fc.assert(
      fc.asyncProperty(requestArb, async ({ batch, cases }) => {
        const bodies = await Promise.all(cases.map(build));
        const send = async (route: string, body: unknown) => {
          return postJson(node.url, route, rawOf(body) ?? JSON.stringify(body));
        };
        const answers = batch
          ? [
              await send('/v1/txs', {
                txs: bodies.map((b) => (rawOf(b) === undefined ? b : {})),
              }),
            ]
          : await Promise.all(bodies.map((b) => send('/v1/tx', b)));
        for (const answer of answers) {
          expect(answer.status, answer.text.slice(0, 300)).to.be.below(500);
          if (answer.status >= 400)
            expect(answer.json, answer.text.slice(0, 300)).to.have.nested.property('error.code');
        }
        const accepted: Wire[] = [];
        if (batch && answers[0]?.status === 200) {
          const results = (answers[0].json as { results: { txHash?: string }[] }).results;
          results.forEach((r, i) => {
            if (r.txHash !== undefined) accepted.push(asSent(bodies[i]));
          });
        } else if (!batch) {
          answers.forEach((a, i) => {
            if (a.status === 202) accepted.push(asSent(bodies[i]));
          });
        }
        for (const wire of accepted) checkAdmitted(wire);
        admitted.push(...accepted);
      }),
    );
    expect(admitted.length, 'some generated transactions were admitted').to.be.greaterThan(0);

    const drained = await eventually(async () => {
      const status = (await getJson(node.url, '/v1/status')).json as {
        mempoolDepth: number;
        halted: unknown;
      };
      return status.mempoolDepth === 0 ? status : undefined;
    }, 60_000);
    expect(drained.halted).to.equal(null);
    expect((await request(node.url, 'GET', '/v1/status')).status).to.equal(200);
    expect(await node.stop()).to.equal(0);
    const verified = qfsSync(['verify', '--dir', node.dir, '--quiet']);
    expect(verified.status, verified.stdout + verified.stderr).to.equal(0);
    expect(verified.stdout).to.match(/^ok: /);
  });
});

/** The raw text of a generated body that is not JSON to serialise. */
function rawOf(body: unknown): string | undefined {
  return typeof body === 'object' && body !== null && '__raw' in body
    ? (body as { __raw: string }).__raw
    : undefined;
}

/** An own property even for `__proto__` (an assignment would set the prototype, not send a key). */
function ownKey(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** The transaction as the node received it: the JSON that was sent, parsed back. */
function asSent(body: unknown): Wire {
  return JSON.parse(JSON.stringify(body)) as Wire;
}
