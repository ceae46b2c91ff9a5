/*
 * buildExplorer
 * ├── writes index.html, main.js, main.css and a separate chunk (ethers loads only when needed)
 * └── bundles the runtime's own code: its signature contexts and hash domains are in main.js
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { buildExplorer } from '../../scripts/build-explorer';
import { tempDir } from '../support/node';

describe('buildExplorer', function () {
  this.timeout(120_000);
  const out = path.join(tempDir('qfs-explorer-build-'), 'explorer');

  before(async () => buildExplorer(out));

  it('writes the page, its module, its styles and a lazily loaded chunk', () => {
    const files = fs.readdirSync(out);
    expect(files).to.include.members(['index.html', 'main.js', 'main.css']);
    expect(files.filter((f) => /^chunk-.*\.js$/.test(f)).length).to.be.greaterThan(0);
    expect(fs.readFileSync(path.join(out, 'index.html'), 'utf8')).to.contain('src="main.js"');
  });

  it("bundles the runtime's signature contexts and hash domains", () => {
    const main = fs.readFileSync(path.join(out, 'main.js'), 'utf8');
    for (const tag of ['QFS/drv/v1', 'QFS/seal/coherence/v1', 'QFS/tx/v1', 'QFS/keyledger/v1'])
      expect(main, tag).to.contain(tag);
    expect(main).to.contain('QFS/bundle/v1');
    expect(main).to.not.match(/from"node:|require\("node:/);
  });
});
