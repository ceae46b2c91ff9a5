/*
 * parseTx
 * ├── parses each body type (transfer, action, key, guidance) from its wire form
 * ├── the hash is hashDomain("QFS/tx/v1", canonical {chainId, from, nonce, body}): it covers
 * │   every field but not the signature
 * └── rejects with a stable code and the offending field:
 *     ├── TX_UNKNOWN_TOKEN   a token that is not CHR FLX PSI ATR RES
 *     ├── TX_AMOUNT_INVALID  amount 0, non-canonical, too many decimals, signed, beyond 2^128−1
 *     │                      raw; units 0 or > 10^6; nonce 0 or > 2^63−1
 *     ├── TX_FIELD_TOO_LONG  chainId > 64, kind > 32, ref > 128, key data value > 5184
 *     ├── TX_BAD_ADDRESS     from/to/signer not EIP-55 (lower case, wrong checksum, short); to = 0x0…0
 *     ├── TX_TOO_LARGE       canonical bytes > 32 KiB
 *     └── TX_MALFORMED       shape, field set, signature encoding, body type, kind pattern, ref
 *                            characters, key event type, signature count, invalid guidance
 */
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { canonicalBytes } from '../../../runtime/codec';
import {
  parseTx,
  TX_LIMITS,
  TxMalformedError,
  txHashOf,
  txSigningBytes,
} from '../../../runtime/engine';
import { HEALTHY_GUIDANCE } from '../../../runtime/sdk/devnet';
import { CHAIN_ID, ZERO_SIGNATURE } from '../../support/engine';
import { caught } from '../../support/keys';

const FROM = '0x0205A1473A0534Dfc11FEB4d6E520F0A063fd27C';
const TO = '0x765Abf844CBe131D36EDD97F0135F86eC41d4aa2';

const transfer = { type: 'transfer', token: 'CHR', to: TO, amount: '1.5' };
const action = { type: 'action', kind: 'compute', units: '5', ref: 'job-1' };
const grant = {
  type: 'key',
  event: { type: 'grant', data: { keyId: TO, capability: 'oracle' } },
  signatures: [{ signer: FROM, signature: ZERO_SIGNATURE }],
};
const guidance = { type: 'guidance', guidance: HEALTHY_GUIDANCE };

function wire(body: unknown, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    chainId: CHAIN_ID,
    from: FROM,
    nonce: '1',
    body,
    signature: ZERO_SIGNATURE,
    ...overrides,
  };
}

function rejection(json: unknown): { code: string; field: unknown } {
  const err = caught(() => parseTx(json));
  expect(err).to.be.instanceOf(TxMalformedError);
  const e = err as TxMalformedError;
  return { code: e.code, field: e.details.field };
}

describe('parseTx', () => {
  describe('when the wire form is valid', () => {
    it('parses a transfer', () => {
      const t = parseTx(wire(transfer));
      expect(t.body).to.deep.equal({
        type: 'transfer',
        token: 'CHR',
        to: TO,
        amount: 15n * 10n ** 17n,
      });
      expect(t).to.include({ chainId: CHAIN_ID, from: FROM, nonce: 1n });
    });
    it('parses an action (an empty ref is allowed)', () => {
      expect(parseTx(wire(action)).body).to.deep.equal({
        type: 'action',
        kind: 'compute',
        units: 5n,
        ref: 'job-1',
      });
      expect(parseTx(wire({ ...action, ref: '' })).body).to.include({ ref: '' });
    });
    it('parses a key event', () => {
      const body = parseTx(wire(grant)).body;
      expect(body).to.deep.equal({
        type: 'key',
        event: { type: 'grant', data: { keyId: TO, capability: 'oracle' } },
        signatures: [{ signer: FROM, signature: ZERO_SIGNATURE }],
      });
    });
    it('accepts an empty key data value (a revocation without a reason)', () => {
      const revoke = { ...grant, event: { type: 'revoke', data: { keyId: TO, reason: '' } } };
      expect(parseTx(wire(revoke)).body).to.deep.include({
        event: { type: 'revoke', data: { keyId: TO, reason: '' } },
      });
    });
    it('parses guidance', () => {
      const body = parseTx(wire(guidance)).body;
      expect(body.type).to.equal('guidance');
    });
    it('accepts the limits themselves (units 10^6, ref of 128, nonce 2^63−1)', () => {
      const t = parseTx(
        wire(
          { ...action, units: '1000000', ref: 'r'.repeat(128) },
          { nonce: (2n ** 63n - 1n).toString() },
        ),
      );
      expect(t.nonce).to.equal(2n ** 63n - 1n);
    });
  });

  describe('the transaction hash', () => {
    it('is hashDomain("QFS/tx/v1", canonical bytes of {chainId, from, nonce, body})', () => {
      const t = parseTx(wire(transfer));
      const body = canonicalBytes({ chainId: CHAIN_ID, from: FROM, nonce: '1', body: transfer });
      const tag = Buffer.from('QFS/tx/v1');
      const expected = createHash('sha256')
        .update(Buffer.concat([Buffer.from([tag.length]), tag, Buffer.from(body)]))
        .digest('hex');
      expect(t.hash).to.equal(expected);
      expect(txHashOf(txSigningBytes(t))).to.equal(expected);
    });
    it('is taken over the bytes txSigningBytes gives, for a parsed and for a built transaction', () => {
      const t = parseTx(wire(transfer));
      const expected = canonicalBytes({
        chainId: CHAIN_ID,
        from: FROM,
        nonce: '1',
        body: transfer,
      });
      // Parsed: the bytes parseTx hashed, not a second encoding.
      expect(txSigningBytes(t)).to.equal(txSigningBytes(t));
      expect(txSigningBytes(t)).to.deep.equal(expected);
      // Same fields in a plain object (as the SDK builds them): encoded afresh, same bytes.
      const built = { chainId: CHAIN_ID, from: FROM, nonce: 1n, wireBody: transfer };
      expect(txSigningBytes(built)).to.deep.equal(expected);
      expect(txSigningBytes(built)).to.not.equal(txSigningBytes(built));
    });
    it('does not cover the signature', () => {
      const other = `${'ab'.repeat(10)}${ZERO_SIGNATURE.slice(20)}`;
      expect(parseTx(wire(transfer, { signature: other })).hash).to.equal(
        parseTx(wire(transfer)).hash,
      );
    });
    it('changes with every field', () => {
      const hashes = new Set(
        [
          wire(transfer),
          wire(transfer, { chainId: 'other' }),
          wire(transfer, { from: TO }),
          wire(transfer, { nonce: '2' }),
          wire({ ...transfer, token: 'FLX' }),
          wire({ ...transfer, to: FROM }),
          wire({ ...transfer, amount: '1.500000000000000001' }),
        ].map((w) => parseTx(w).hash),
      );
      expect(hashes.size).to.equal(7);
    });
  });

  describe('TX_UNKNOWN_TOKEN', () => {
    for (const token of ['NOD', 'chr', '', 1]) {
      it(`rejects token ${JSON.stringify(token)}`, () => {
        expect(rejection(wire({ ...transfer, token }))).to.deep.equal({
          code: 'TX_UNKNOWN_TOKEN',
          field: 'body.token',
        });
      });
    }
  });

  describe('TX_AMOUNT_INVALID', () => {
    const amounts: [string, unknown][] = [
      ['zero', '0'],
      ['trailing zero', '1.50'],
      ['leading zero', '01.5'],
      ['19 decimals', '0.0000000000000000001'],
      ['a sign', '-1'],
      ['an exponent', '1e3'],
      ['a JSON number', 1.5],
      ['an amount above 2^128 − 1 raw (overflow)', '340282366920938463463.374607431768211456'],
    ];
    for (const [name, amount] of amounts) {
      it(`rejects an amount with ${name}`, () => {
        expect(rejection(wire({ ...transfer, amount }))).to.deep.equal({
          code: 'TX_AMOUNT_INVALID',
          field: 'body.amount',
        });
      });
    }
    it('accepts the largest amount (2^128 − 1 raw)', () => {
      const amount = '340282366920938463463.374607431768211455';
      expect(parseTx(wire({ ...transfer, amount })).body).to.include({ amount: 2n ** 128n - 1n });
    });
    it('rejects units 0 and units above 10^6', () => {
      for (const units of ['0', '1000001']) {
        expect(rejection(wire({ ...action, units }))).to.deep.equal({
          code: 'TX_AMOUNT_INVALID',
          field: 'body.units',
        });
      }
    });
    it('rejects nonce 0 and a nonce above 2^63 − 1', () => {
      for (const nonce of ['0', (2n ** 63n).toString()]) {
        expect(rejection(wire(transfer, { nonce }))).to.deep.equal({
          code: 'TX_AMOUNT_INVALID',
          field: 'nonce',
        });
      }
    });
  });

  describe('TX_FIELD_TOO_LONG', () => {
    it('rejects a chainId longer than 64', () => {
      expect(rejection(wire(transfer, { chainId: 'c'.repeat(65) }))).to.deep.equal({
        code: 'TX_FIELD_TOO_LONG',
        field: 'chainId',
      });
    });
    it('rejects a kind longer than 32', () => {
      expect(rejection(wire({ ...action, kind: 'k'.repeat(33) })).code).to.equal(
        'TX_FIELD_TOO_LONG',
      );
    });
    it(`rejects a ref longer than ${TX_LIMITS.refLengthMax}`, () => {
      expect(rejection(wire({ ...action, ref: 'r'.repeat(129) }))).to.deep.equal({
        code: 'TX_FIELD_TOO_LONG',
        field: 'body.ref',
      });
    });
    it(`rejects a key data value longer than ${TX_LIMITS.keyDataValueLengthMax}`, () => {
      const body = { ...grant, event: { type: 'grant', data: { keyId: 'x'.repeat(5185) } } };
      expect(rejection(wire(body))).to.deep.equal({
        code: 'TX_FIELD_TOO_LONG',
        field: 'body.event.data.keyId',
      });
    });
  });

  describe('TX_BAD_ADDRESS', () => {
    const wrongChecksum = FROM.replace('A', 'a');
    const cases: [string, Record<string, unknown>, string][] = [
      ['from in lower case', { from: FROM.toLowerCase() }, 'from'],
      ['from with a wrong checksum', { from: wrongChecksum }, 'from'],
      ['a short from', { from: FROM.slice(0, 40) }, 'from'],
      ['a numeric from', { from: 1 }, 'from'],
    ];
    for (const [name, overrides, field] of cases) {
      it(`rejects ${name}`, () => {
        expect(rejection(wire(transfer, overrides))).to.deep.equal({
          code: 'TX_BAD_ADDRESS',
          field,
        });
      });
    }
    it('rejects a transfer to the zero address', () => {
      const to = `0x${'0'.repeat(40)}`;
      expect(rejection(wire({ ...transfer, to }))).to.deep.equal({
        code: 'TX_BAD_ADDRESS',
        field: 'body.to',
      });
    });
    it('rejects a transfer to a non-checksummed address', () => {
      expect(rejection(wire({ ...transfer, to: TO.toLowerCase() }))).to.deep.equal({
        code: 'TX_BAD_ADDRESS',
        field: 'body.to',
      });
    });
    it('rejects a key signature signer that is not EIP-55', () => {
      const body = {
        ...grant,
        signatures: [{ signer: FROM.toLowerCase(), signature: ZERO_SIGNATURE }],
      };
      expect(rejection(wire(body))).to.deep.equal({
        code: 'TX_BAD_ADDRESS',
        field: 'body.signatures.0.signer',
      });
    });
  });

  describe('TX_TOO_LARGE', () => {
    it(`rejects a transaction whose canonical bytes exceed ${TX_LIMITS.bytesMax}`, () => {
      const long = 'f'.repeat(TX_LIMITS.keyDataValueLengthMax);
      const body = {
        type: 'key',
        event: { type: 'grant', data: { a: long, b: long, c: long, d: long } },
        signatures: [
          { signer: FROM, signature: ZERO_SIGNATURE },
          { signer: TO, signature: ZERO_SIGNATURE },
        ],
      };
      expect(rejection(wire(body))).to.deep.equal({ code: 'TX_TOO_LARGE', field: 'tx' });
    });
  });

  describe('TX_MALFORMED', () => {
    const cases: [string, unknown, string][] = [
      ['not an object', 'tx', 'tx'],
      ['an extra top-level field', { ...wire(transfer), fee: '1' }, 'tx'],
      ['a missing signature', (({ signature: _s, ...rest }) => rest)(wire(transfer)), 'tx'],
      ['a short signature', wire(transfer, { signature: '00' }), 'signature'],
      [
        'an upper-case signature',
        wire(transfer, { signature: ZERO_SIGNATURE.replace('0', 'A') }),
        'signature',
      ],
      ['a numeric nonce', wire(transfer, { nonce: 1 }), 'nonce'],
      ['a nonce with a leading zero', wire(transfer, { nonce: '01' }), 'nonce'],
      ['a body that is not an object', wire('transfer'), 'body'],
      ['an unknown body type', wire({ type: 'mint' }), 'body.type'],
      ['an extra body field', wire({ ...transfer, memo: 'x' }), 'body'],
      ['an empty chainId', wire(transfer, { chainId: '' }), 'chainId'],
      ['an upper-case kind', wire({ ...action, kind: 'Compute' }), 'body.kind'],
      ['a non-printable ref', wire({ ...action, ref: 'a\nb' }), 'body.ref'],
      ['non-numeric units', wire({ ...action, units: 'five' }), 'body.units'],
      [
        'an unknown key event type',
        wire({ ...grant, event: { type: 'genesis', data: {} } }),
        'body.event.type',
      ],
      [
        'five key data fields',
        wire({
          ...grant,
          event: { type: 'grant', data: { a: '1', b: '2', c: '3', d: '4', e: '5' } },
        }),
        'body.event.data',
      ],
      [
        'three key signatures',
        wire({ ...grant, signatures: Array(3).fill({ signer: FROM, signature: ZERO_SIGNATURE }) }),
        'body.signatures',
      ],
      [
        'a bad key signature encoding',
        wire({ ...grant, signatures: [{ signer: FROM, signature: 'abcd' }] }),
        'body.signatures.0.signature',
      ],
      [
        'invalid guidance',
        wire({ type: 'guidance', guidance: { ...HEALTHY_GUIDANCE, sChr: '2' } }),
        'body.guidance',
      ],
    ];
    for (const [name, json, field] of cases) {
      it(`rejects ${name}`, () => {
        expect(rejection(json)).to.deep.equal({ code: 'TX_MALFORMED', field });
      });
    }
    it('names the guidance rejection code in the reason', () => {
      const err = caught(() =>
        parseTx(wire({ type: 'guidance', guidance: { ...HEALTHY_GUIDANCE, sChr: '2' } })),
      ) as TxMalformedError;
      expect(err.details.reason).to.match(/^GUIDANCE_OUT_OF_BOUNDS/);
    });
  });
});

describe('parseTx key events', () => {
  const register = (data: Record<string, string>) => ({
    type: 'key',
    event: { type: 'register', data },
    signatures: [{ signer: FROM, signature: ZERO_SIGNATURE }],
  });

  it('refuses a registration without a public key with TX_MALFORMED', () => {
    expect(rejection(wire(register({ keyId: FROM })))).to.deep.equal({
      code: 'TX_MALFORMED',
      field: 'body.event.data.publicKey',
    });
  });

  it('refuses a public key that is not 2,592 bytes of lowercase hex', () => {
    expect(rejection(wire(register({ keyId: FROM, publicKey: 'ab'.repeat(10) })))).to.deep.equal({
      code: 'TX_MALFORMED',
      field: 'body.event.data.publicKey',
    });
  });
});

describe('the worked example of docs/api.md (Writing a client)', () => {
  it('gives the documented signed bytes and transaction hash', () => {
    const tx = {
      chainId: 'qfs-devnet',
      from: '0x765Abf844CBe131D36EDD97F0135F86eC41d4aa2',
      nonce: 1n,
      wireBody: {
        type: 'transfer',
        token: 'CHR',
        to: '0x0205A1473A0534Dfc11FEB4d6E520F0A063fd27C',
        amount: '1.5',
      },
    };
    const bytes = txSigningBytes(tx);
    expect(Buffer.from(bytes).toString('utf8')).to.equal(
      '{"body":{"amount":"1.5","to":"0x0205A1473A0534Dfc11FEB4d6E520F0A063fd27C","token":"CHR","type":"transfer"},"chainId":"qfs-devnet","from":"0x765Abf844CBe131D36EDD97F0135F86eC41d4aa2","nonce":"1"}',
    );
    // SHA-256 of one length byte, the ASCII tag, then the bytes.
    const framed = Buffer.concat([Buffer.from([9]), Buffer.from('QFS/tx/v1'), bytes]);
    const expected = '88c205f15c8020f74a86a5ba9dacd2561bf31d6519ed12a43f145a3baa647593';
    expect(createHash('sha256').update(framed).digest('hex')).to.equal(expected);
    expect(txHashOf(bytes)).to.equal(expected);
  });
});
