import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import {
  contextMessage,
  createNativeBackend,
  loadPqclean,
  nobleBackend,
  sign,
  SignatureContext,
} from '../../../runtime/crypto';
import {
  installedPqclean,
  missingX86_64V3Flags,
  readCpuinfo,
  TUNED_MARCH,
  tunedAddonPath,
  usableTunedAddon,
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

  it('names the build for the pqclean version, the Node ABI and the target, beside pqclean', () => {
    const file = tunedAddonPath('/x/node_modules/pqclean', '0.8.1', '115');
    expect(file).to.equal(
      `/x/node_modules/.qfs-native/pqclean-0.8.1-node-abi115-${TUNED_MARCH}.node`,
    );
  });

  it('is never used on a CPU without the extensions, nor when QFS_NATIVE_TUNED=0', () => {
    expect(usableTunedAddon(cpuinfo(['avx', 'avx2']))).to.equal(null);
    const saved = process.env.QFS_NATIVE_TUNED;
    process.env.QFS_NATIVE_TUNED = '0';
    try {
      expect(usableTunedAddon(cpuinfo(X86_64_V3_FLAGS))).to.equal(null);
    } finally {
      if (saved === undefined) delete process.env.QFS_NATIVE_TUNED;
      else process.env.QFS_NATIVE_TUNED = saved;
    }
  });

  describe('the tuned build, where npm ci made it', () => {
    let tuned: string;
    before(function () {
      const pqclean = installedPqclean();
      const file =
        pqclean && tunedAddonPath(pqclean.dir, pqclean.version, process.versions.modules);
      if (file === null || !fs.existsSync(file) || missingX86_64V3Flags(readCpuinfo()).length > 0)
        this.skip();
      tuned = file;
    });

    it('is what the default loader loads, and the backend says so', () => {
      expect(usableTunedAddon()).to.equal(tuned);
      expect((loadPqclean() as { build?: string }).build).to.equal(TUNED_MARCH);
      expect(createNativeBackend().implementation).to.match(/built for x86-64-v3/);
    });

    it('gives the same verdict as pqclean’s portable build and noble, valid or corrupted', () => {
      const tunedBackend = createNativeBackend();
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const portable = createNativeBackend(() => require('pqclean') as unknown);
      expect(portable.implementation).to.not.match(/built for/);
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
          expect(tunedBackend.verify(key.publicKey, d, s), `key ${n} case ${k}`).to.equal(expected);
          expect(portable.verify(key.publicKey, d, s)).to.equal(expected);
          expect(nobleBackend.verify(key.publicKey, d, s)).to.equal(expected);
        }
      }
    });

    it('is a file beside pqclean, not inside its package', () => {
      const pqclean = installedPqclean();
      expect(path.dirname(tuned)).to.equal(path.join(String(pqclean?.dir), '..', '.qfs-native'));
    });
  });
});
