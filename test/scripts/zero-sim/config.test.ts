/**
 * The scope: one config file lists the core folders; folders that do not exist are skipped, new
 * files are found on the next run, and a malformed config is a usage error.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError, coreFiles, filesOfPaths, loadConfig } from '../../../scripts/zero-sim/config';
import { ROOT } from './support';

describe('loadConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zero-sim-config-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function write(content: string): string {
    const file = path.join(dir, 'zero-sim.config.json');
    fs.writeFileSync(file, content);
    return file;
  }

  it('reads the project config: the core folders and the pure files of runtime/crypto and runtime/entropy', () => {
    expect(loadConfig(path.join(ROOT, 'zero-sim.config.json')).core).to.deep.equal([
      'runtime/math',
      'runtime/codec',
      'runtime/crypto/contexts.ts',
      'runtime/crypto/errors.ts',
      'runtime/crypto/ml-dsa.ts',
      'runtime/crypto/noble.ts',
      'runtime/ledger',
      'runtime/engine',
      'runtime/guard',
      'runtime/entropy/beacon.ts',
      'runtime/entropy/errors.ts',
      'runtime/entropy/index.ts',
      'runtime/entropy/policy.ts',
      'runtime/entropy/record.ts',
      'runtime/entropy/vdf.ts',
      'runtime/sync/protocol',
    ]);
  });

  const malformed: [string, string, RegExp][] = [
    ['not JSON', '{core: []', /not valid JSON/],
    ['not an object', '[]', /must hold a JSON object/],
    ['core not an array', '{"core": "runtime/math"}', /"core" must be an array/],
    ['an empty folder name', '{"core": [""]}', /"core" must be an array/],
    ['an absolute folder', '{"core": ["/etc"]}', /must be relative/],
    ['an unknown key', '{"core": [], "exclude": []}', /unknown key "exclude"/],
  ];
  for (const [what, content, message] of malformed) {
    it(`throws a UsageError for ${what}`, () => {
      const file = write(content);
      expect(() => loadConfig(file)).to.throw(UsageError, message);
    });
  }
});

describe('coreFiles', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'zero-sim-scope-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  function touch(rel: string): void {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), '');
  }

  it('skips folders that do not exist yet', () => {
    expect(coreFiles({ core: ['runtime/guard'] }, root)).to.deep.equal([]);
  });

  it('lists source files recursively, sorted, without declaration files or node_modules', () => {
    touch('runtime/engine/b.ts');
    touch('runtime/engine/a.ts');
    touch('runtime/engine/deep/c.js');
    touch('runtime/engine/types.d.ts');
    touch('runtime/engine/notes.md');
    touch('runtime/engine/node_modules/x/index.ts');
    touch('runtime/node/outside.ts');
    const rel = coreFiles({ core: ['runtime/engine', 'runtime/guard'] }, root).map((f) =>
      path.relative(root, f).split(path.sep).join('/'),
    );
    expect(rel).to.deep.equal([
      'runtime/engine/a.ts',
      'runtime/engine/b.ts',
      'runtime/engine/deep/c.js',
    ]);
  });

  it('lists a file named by itself, and skips one that does not exist or is not source', () => {
    touch('runtime/crypto/pure.ts');
    touch('runtime/crypto/shell.ts');
    touch('runtime/crypto/README.md');
    const rel = coreFiles(
      { core: ['runtime/crypto/pure.ts', 'runtime/crypto/gone.ts', 'runtime/crypto/README.md'] },
      root,
    ).map((f) => path.relative(root, f).split(path.sep).join('/'));
    expect(rel).to.deep.equal(['runtime/crypto/pure.ts']);
  });

  it('picks up a file added after the first listing', () => {
    touch('runtime/ledger/a.ts');
    expect(coreFiles({ core: ['runtime/ledger'] }, root)).to.have.length(1);
    touch('runtime/ledger/b.ts');
    expect(coreFiles({ core: ['runtime/ledger'] }, root)).to.have.length(2);
  });
});

describe('filesOfPaths', () => {
  it('accepts files and folders and rejects what does not exist', () => {
    const files = filesOfPaths(['runtime/math', 'runtime/assert.ts'], ROOT);
    expect(files).to.include(path.join(ROOT, 'runtime', 'assert.ts'));
    expect(files).to.include(path.join(ROOT, 'runtime', 'math', 'index.ts'));
    expect(() => filesOfPaths(['runtime/nowhere'], ROOT)).to.throw(UsageError);
  });
});
