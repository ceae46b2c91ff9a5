import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import {
  contextMessage,
  createNativeBackend,
  loadNativeModule,
  nobleBackend,
  sign,
  SignatureContext,
} from '../../../runtime/crypto';
import {
  addonPath,
  buildIds,
  installedPqclean,
  missingX86_64V3Flags,
  nativeBuildEnabled,
  readCpuinfo,
  runnableVariants,
  staleBuilds,
  usableAddon,
  nativeSourceHash,
  X86_64_V3_FLAGS,
} from '../../../runtime/crypto/native-build';
import { flipByte, testKey } from '../../support/keys';

const cpuinfo = (flags: readonly string[]): string =>
  `processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu sse2 ${flags.join(' ')}\nbugs\t\t: x\n`;

describe('crypto/native-build', function () {
  this.timeout(60_000);

  describe('missingX86_64V3Flags', () => {
    it('is empty for a CPU with every x86-64-v3 extension', () => {
      expect(missingX86_64V3Flags(cpuinfo(X86_64_V3_FLAGS))).to.deep.equal([]);
    });
    it('names the extensions a CPU lacks', () => {
      const flags = X86_64_V3_FLAGS.filter((f) => f !== 'avx2' && f !== 'bmi2');
      expect(missingX86_64V3Flags(cpuinfo(flags))).to.deep.equal(['avx2', 'bmi2']);
    });
    it('does not take a flag for the prefix of another (avx512f is not avx)', () => {
      const flags = X86_64_V3_FLAGS.filter((f) => f !== 'avx');
      expect(missingX86_64V3Flags(cpuinfo([...flags, 'avx512f']))).to.deep.equal(['avx']);
    });
    it('lists every extension when there is no flags line (not Linux, no /proc)', () => {
      expect(missingX86_64V3Flags('')).to.deep.equal([...X86_64_V3_FLAGS]);
    });
  });

  describe('runnableVariants', () => {
    it('is x86-64-v3 then portable on an x86-64 CPU with every extension', () => {
      expect(runnableVariants(cpuinfo(X86_64_V3_FLAGS), 'x64')).to.deep.equal([
        'x86-64-v3',
        'portable',
      ]);
    });
    it('is portable only on a CPU without them, or on another architecture', () => {
      expect(runnableVariants(cpuinfo(['avx', 'avx2']), 'x64')).to.deep.equal(['portable']);
      expect(runnableVariants(cpuinfo(X86_64_V3_FLAGS), 'arm64')).to.deep.equal(['portable']);
    });
  });

  it('names a build for its source, pqclean, the Node ABI and the variant, beside pqclean', () => {
    const id = { sourceHash: 'abc', pqcleanVersion: '0.8.1', abi: '115' };
    expect(addonPath('/x/node_modules/pqclean', { ...id, variant: 'portable' })).to.equal(
      '/x/node_modules/.qfs-native/qfs-ml-dsa-87-abc-pqclean0.8.1-node-abi115-portable.node',
    );
  });

  it('replaces older builds of the same ABI and variant, verifier-only ones, and the old whole-pqclean build', () => {
    const id = {
      sourceHash: 'new',
      pqcleanVersion: '0.8.1',
      abi: '115',
      variant: 'x86-64-v3',
    } as const;
    const current = 'qfs-ml-dsa-87-new-pqclean0.8.1-node-abi115-x86-64-v3.node';
    const files = [
      current,
      'qfs-ml-dsa-87-old-pqclean0.8.1-node-abi115-x86-64-v3.node',
      'qfs-ml-dsa-87-new-pqclean0.8.0-node-abi115-x86-64-v3.node',
      'qfs-ml-dsa-87-old-pqclean0.8.1-node-abi115-portable.node',
      'qfs-ml-dsa-87-old-pqclean0.8.1-node-abi127-x86-64-v3.node',
      'ml-dsa-87-verify-old-pqclean0.8.1-node-abi115-x86-64-v3.node',
      'ml-dsa-87-verify-old-pqclean0.8.1-node-abi115-portable.node',
      'ml-dsa-87-verify-old-pqclean0.8.1-node-abi127-x86-64-v3.node',
      'pqclean-0.8.1-node-abi115-x86-64-v3.node',
      'pqclean-0.8.1-node-abi127-x86-64-v3.node',
      'notes.txt',
    ];
    expect(staleBuilds(files, current, id)).to.deep.equal([
      'qfs-ml-dsa-87-old-pqclean0.8.1-node-abi115-x86-64-v3.node',
      'qfs-ml-dsa-87-new-pqclean0.8.0-node-abi115-x86-64-v3.node',
      'ml-dsa-87-verify-old-pqclean0.8.1-node-abi115-x86-64-v3.node',
      'pqclean-0.8.1-node-abi115-x86-64-v3.node',
    ]);
  });

  it('names an edited source differently, so a stale build is never loaded', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qfs-source-'));
    try {
      const file = path.join(dir, 'v.c');
      fs.writeFileSync(file, 'int a;\n');
      const before = nativeSourceHash(file);
      fs.writeFileSync(file, 'int b;\n');
      expect(nativeSourceHash(file))
        .to.match(/^[0-9a-f]{12}$/)
        .and.not.equal(before);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is never used when QFS_NATIVE_BUILD=0', () => {
    const saved = process.env.QFS_NATIVE_BUILD;
    process.env.QFS_NATIVE_BUILD = '0';
    try {
      expect(usableAddon(cpuinfo(X86_64_V3_FLAGS))).to.equal(null);
      // The native backend is then pqclean's own addon (where pqclean is installed at all).
      if (installedPqclean() !== null)
        expect(createNativeBackend().implementation).to.match(/^pqclean /);
    } finally {
      if (saved === undefined) delete process.env.QFS_NATIVE_BUILD;
      else process.env.QFS_NATIVE_BUILD = saved;
    }
  });

  describe('the builds npm ci made', () => {
    let pqcleanDir: string;
    let built: string[];
    before(function () {
      const pqclean = installedPqclean();
      if (pqclean === null || !nativeBuildEnabled()) this.skip();
      pqcleanDir = pqclean.dir;
      built = buildIds(pqclean.version, readCpuinfo())
        .map((id) => addonPath(pqclean.dir, id))
        .filter((file) => fs.existsSync(file));
      if (built.length === 0) this.skip();
    });

    it('the best one is what the default loader loads, and the backend names it', () => {
      const best = usableAddon();
      expect(best?.file).to.equal(built[0]);
      expect((loadNativeModule() as { build?: string }).build).to.equal(best?.variant);
      expect(createNativeBackend().implementation).to.equal(
        `QFS verifier (PQClean ml-dsa-87 clean, native addon, ${best?.variant}, cache of 256 expanded keys)`,
      );
    });

    it('on a CPU without x86-64-v3 the loader takes the portable build, if it is built', function () {
      const portable = usableAddon(cpuinfo(['avx']));
      if (!built.some((file) => file.endsWith('-portable.node'))) this.skip();
      expect(portable?.variant).to.equal('portable');
    });

    it('every build gives the same verdict as pqclean’s own addon and noble, valid or not', () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const pqclean = createNativeBackend(() => require('pqclean') as unknown);
      expect(pqclean.implementation).to.match(/^pqclean /);
      for (const file of built) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const ours = createNativeBackend(() => require(file) as unknown);
        for (const n of [1, 2, 3]) {
          const key = testKey(n);
          const message = Uint8Array.from({ length: 100 * n }, (_, i) => (i * n) & 255);
          const signature = sign(key.secretKey, message, SignatureContext.TX);
          const d = contextMessage(SignatureContext.TX, message);
          const cases = [
            signature,
            flipByte(signature, 10 * n),
            flipByte(signature, 64 + 300 * n),
            flipByte(signature, 4627 - n),
          ];
          for (const [k, s] of cases.entries()) {
            const expected = k === 0;
            const label = `${path.basename(file)} key ${n} case ${k}`;
            expect(ours.verify(key.publicKey, d, s), label).to.equal(expected);
            expect(pqclean.verify(key.publicKey, d, s)).to.equal(expected);
            expect(nobleBackend.verify(key.publicKey, d, s)).to.equal(expected);
          }
        }
      }
    });

    it('are files beside pqclean, not inside its package', () => {
      for (const file of built)
        expect(path.dirname(file)).to.equal(path.join(pqcleanDir, '..', '.qfs-native'));
    });
  });
});
