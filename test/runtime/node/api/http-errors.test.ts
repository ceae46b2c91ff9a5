/*
 * HTTP_STATUS / toHttpError
 * ├── every key is a registered error code; every code a route's errors can carry has a status
 * ├── statuses by class: 400 malformed or refused by itself, 409 conflicts with ledger state,
 * │   404, 413, 415, 429, 503 (mempool full, halted), 500
 * ├── fastify's own errors (validation, body limit, media type, JSON) → stable API codes
 * └── unknown codes and uncoded errors → 500 API_INTERNAL, the original kept as the cause
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { TxMalformedError, type TxMalformedCode } from '../../../../runtime/engine';
import { BaseError, ErrorCode } from '../../../../runtime/errors';
import {
  HTTP_STATUS,
  httpStatusOf,
  toHttpError,
  type ApiErrorCode,
} from '../../../../runtime/node/api';
import {
  MempoolFullError,
  NodeHaltedError,
  NotFoundError,
  TxRefusedError,
} from '../../../../runtime/node/errors';

const FACTS = { bodyLimitBytes: 65_536, contentType: 'text/csv' };

// Exhaustive by type: adding a code to these unions without listing it here fails to compile.
const MALFORMED: Record<TxMalformedCode, true> = {
  TX_MALFORMED: true,
  TX_UNKNOWN_TOKEN: true,
  TX_AMOUNT_INVALID: true,
  TX_FIELD_TOO_LONG: true,
  TX_BAD_ADDRESS: true,
  TX_TOO_LARGE: true,
};
const REFUSED: Record<TxRefusedError['code'], 400 | 409> = {
  TX_WRONG_CHAIN: 400,
  TX_BAD_SIGNATURE: 400,
  TX_BAD_NONCE: 409,
  TX_UNKNOWN_SENDER: 409,
  TX_SENDER_INACTIVE: 409,
  TX_NOT_AUTHORIZED: 400,
  KEYLEDGER_DUPLICATE_KEY: 409,
};

describe('HTTP_STATUS', () => {
  it('maps only registered error codes', () => {
    const registered = new Set<string>(Object.values(ErrorCode));
    for (const code of Object.keys(HTTP_STATUS)) expect(registered.has(code), code).to.equal(true);
  });

  it('gives every malformed-transaction code 400, except TX_TOO_LARGE (413)', () => {
    for (const code of Object.keys(MALFORMED) as TxMalformedCode[]) {
      const { status, error } = toHttpError(new TxMalformedError(code, 'f', 'r'), FACTS);
      expect(error.code).to.equal(code);
      expect(status, code).to.equal(code === 'TX_TOO_LARGE' ? 413 : 400);
    }
  });

  it('gives refusals 400 when the transaction is wrong by itself, 409 on a state conflict', () => {
    for (const [code, expected] of Object.entries(REFUSED)) {
      const err = new TxRefusedError(code as TxRefusedError['code'], 'r', {});
      expect(toHttpError(err, FACTS).status, code).to.equal(expected);
    }
  });

  it('gives not found 404, mempool full and halted 503 (halt code kept in details)', () => {
    expect(toHttpError(new NotFoundError('bundle', { height: 3 }), FACTS).status).to.equal(404);
    expect(toHttpError(new MempoolFullError({ capacity: 1 }), FACTS).status).to.equal(503);
    const halted = toHttpError(new NodeHaltedError({ cir: 412, reason: 'tamper' }), FACTS);
    expect(halted.status).to.equal(503);
    expect(halted.error.toJSON()).to.deep.equal({
      code: 'NODE_HALTED',
      message: 'the sequencer is halted',
      details: { cir: 412, reason: 'tamper' },
    });
  });

  it('gives every code the status docs/api.md documents for it (its Errors table)', () => {
    const doc = fs.readFileSync(path.join(__dirname, '../../../../docs/api.md'), 'utf8');
    const table = doc.slice(doc.indexOf('## Errors'), doc.indexOf('## Writing a client'));
    const documented = new Map<string, Set<number>>();
    for (const row of table.matchAll(/^\| (\d{3}) \| (.+?) \|/gm))
      for (const code of (row[2] as string).matchAll(/`([A-Z0-9_]+)`/g)) {
        const statuses = documented.get(code[1] as string) ?? new Set<number>();
        documented.set(code[1] as string, statuses.add(Number(row[1])));
      }
    for (const [code, status] of Object.entries(HTTP_STATUS))
      expect([...(documented.get(code) ?? [])], code).to.deep.equal([status]);
  });

  it('answers 500 for a code no route produces', () => {
    expect(httpStatusOf('MATH_OVERFLOW')).to.equal(500);
    expect(httpStatusOf('NOT_FOUND')).to.equal(404);
  });
});

describe('toHttpError', () => {
  it('turns a schema validation error into API_BAD_REQUEST with where and why', () => {
    const err = Object.assign(new Error('body/nonce must be string'), {
      validation: [{ instancePath: '/nonce', message: 'must be string', keyword: 'type' }],
      validationContext: 'body',
      statusCode: 400,
      code: 'FST_ERR_VALIDATION',
    });
    const { status, error } = toHttpError(err, FACTS);
    expect(status).to.equal(400);
    expect(error.toJSON()).to.deep.equal({
      code: 'API_BAD_REQUEST',
      message: 'body/nonce must be string',
      details: { context: 'body', path: '/nonce', reason: 'must be string' },
    });
  });

  it('turns fastify content errors into API_BODY_TOO_LARGE, API_UNSUPPORTED_MEDIA_TYPE, API_BAD_REQUEST', () => {
    const fst = (code: string, statusCode: number) =>
      Object.assign(new Error(code), { code, statusCode });
    const tooLarge = toHttpError(fst('FST_ERR_CTP_BODY_TOO_LARGE', 413), FACTS);
    expect([tooLarge.status, tooLarge.error.code]).to.deep.equal([413, 'API_BODY_TOO_LARGE']);
    expect(tooLarge.error.details).to.deep.equal({ limitBytes: 65_536 });
    const media = toHttpError(fst('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415), FACTS);
    expect([media.status, media.error.code]).to.deep.equal([415, 'API_UNSUPPORTED_MEDIA_TYPE']);
    expect(media.error.details).to.deep.equal({ contentType: 'text/csv' });
    for (const code of [
      'FST_ERR_CTP_INVALID_JSON_BODY',
      'FST_ERR_CTP_EMPTY_JSON_BODY',
      'FST_ERR_CTP_INVALID_CONTENT_LENGTH',
    ]) {
      const bad = toHttpError(fst(code, 400), FACTS);
      expect([bad.status, bad.error.code, bad.error.details.fastifyCode]).to.deep.equal([
        400,
        'API_BAD_REQUEST',
        code,
      ]);
    }
  });

  it('turns uncoded errors and coded errors no route should produce into API_INTERNAL', () => {
    class Stray extends BaseError {
      readonly code = ErrorCode.MATH_OVERFLOW;
    }
    const thrown = [new Error('boom'), 'a string', new Stray('overflow', { x: 1n })];
    for (const err of thrown) {
      const { status, error } = toHttpError(err, FACTS);
      expect([status, error.code]).to.deep.equal([500, 'API_INTERNAL']);
      expect(error.message).to.equal('internal error');
      expect(error.details).to.deep.equal({});
      expect(error.cause).to.equal(err);
    }
  });

  it('keeps every status in one table: the type covers each error class a route throws', () => {
    // A compile-time check: these assignments fail to type-check if a class's code is unmapped.
    const codes: ApiErrorCode[] = [
      new NotFoundError('x', {}).code,
      new MempoolFullError({}).code,
      new NodeHaltedError({}).code,
      ...(Object.keys(REFUSED) as ApiErrorCode[]),
      ...(Object.keys(MALFORMED) as ApiErrorCode[]),
    ];
    for (const code of codes) expect(HTTP_STATUS[code], code).to.be.a('number');
  });
});
