import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { loadCanonicalize } from '../../../runtime/codec/canonicalize-package';

describe('loadCanonicalize', () => {
  let dir: string;
  before(() => {
    // A package shaped like canonicalize 4: an ES module whose exports map has only `import`.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qfs-canonicalize-'));
    const pkg = path.join(dir, 'esm-only-canon');
    fs.mkdirSync(path.join(pkg, 'lib'), { recursive: true });
    fs.writeFileSync(
      path.join(pkg, 'package.json'),
      JSON.stringify({
        name: 'esm-only-canon',
        type: 'module',
        exports: { '.': { import: './lib/canonicalize.js' } },
      }),
    );
    fs.writeFileSync(
      path.join(pkg, 'lib', 'canonicalize.js'),
      'export default function serialize() { return "esm"; }\n',
    );
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('loads the installed canonicalize package', () => {
    expect(loadCanonicalize()({ b: 1, a: 2 })).to.equal('{"a":2,"b":1}');
  });

  it('loads an ES-module-only major (import-only exports) through its file', () => {
    expect(loadCanonicalize('esm-only-canon', [dir])(null)).to.equal('esm');
  });

  it('throws when no directory holds the package', () => {
    expect(() => loadCanonicalize('no-such-canon', [dir])).to.throw(
      'cannot load the no-such-canon package',
    );
  });
});
