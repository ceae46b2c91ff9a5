import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { CodecBadHexError, merkleRoot } from '../../../runtime/codec';

/** The documented tree, with node:crypto: domain-separated leaves and nodes, odd node carried up. */
function h(tag: string, data: Buffer): Buffer {
  return createHash('sha256')
    .update(Buffer.concat([Buffer.from([tag.length]), Buffer.from(tag), data]))
    .digest();
}
const leaf = (hex: string) => h('QFS/merkle/leaf/v1', Buffer.from(hex, 'hex'));
const node = (a: Buffer, b: Buffer) => h('QFS/merkle/node/v1', Buffer.concat([a, b]));
const leaves = ['01', '02', '03', '04', '05'].map((b) => b.repeat(32));
const [L0, L1, L2, L3, L4] = leaves.map(leaf) as [Buffer, Buffer, Buffer, Buffer, Buffer];

describe('merkleRoot', () => {
  const cases: [number, Buffer][] = [
    [1, L0],
    [2, node(L0, L1)],
    [3, node(node(L0, L1), L2)],
    [4, node(node(L0, L1), node(L2, L3))],
    [5, node(node(node(L0, L1), node(L2, L3)), L4)],
  ];
  for (const [count, root] of cases) {
    it(`matches the documented construction for ${count} leaves`, () => {
      expect(merkleRoot(leaves.slice(0, count))).to.equal(root.toString('hex'));
    });
  }

  it('changes when two leaves swap', () => {
    expect(merkleRoot([leaves[1] as string, leaves[0] as string])).to.not.equal(
      merkleRoot(leaves.slice(0, 2)),
    );
  });

  it('does not give a duplicated last leaf the same root (no Bitcoin-style duplication)', () => {
    const three = leaves.slice(0, 3);
    expect(merkleRoot([...three, leaves[2] as string])).to.not.equal(merkleRoot(three));
  });

  it('throws CODEC_BAD_HEX for a leaf that is not a 32-byte hash', () => {
    expect(() => merkleRoot(['ab'])).to.throw(CodecBadHexError);
  });
});
