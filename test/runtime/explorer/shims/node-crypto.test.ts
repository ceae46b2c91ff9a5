/*
 * hash (the explorer bundle's node:crypto)
 * ├── equals Node's SHA-256 on bytes and on strings (hex and bytes)
 * └── throws for any other algorithm or encoding
 */
import { hash as nodeHash } from 'node:crypto';
import { expect } from 'chai';
import { hash } from '../../../../runtime/explorer/shims/node-crypto';

describe('hash (browser node:crypto shim)', () => {
  const inputs: (string | Uint8Array)[] = [
    '',
    'abc',
    'QFS/bundle/v1\n{"a":"1"}',
    'Ψ ΨSync ✓',
    new Uint8Array(0),
    new Uint8Array([0, 1, 2, 255]),
    new Uint8Array(4627).map((_, i) => (i * 31) & 255),
  ];

  it("equals Node's SHA-256 as hex and as bytes", () => {
    for (const input of inputs) {
      expect(hash('sha256', input, 'hex')).to.equal(nodeHash('sha256', input, 'hex'));
      expect(Buffer.from(hash('sha256', input, 'buffer') as Uint8Array)).to.deep.equal(
        nodeHash('sha256', input, 'buffer'),
      );
    }
  });

  it('throws for another algorithm or encoding', () => {
    expect(() => hash('md5', 'abc')).to.throw('no md5');
    expect(() => hash('sha256', 'abc', 'base64' as 'hex')).to.throw('no encoding base64');
  });
});
