/*
 * `qfs entropy vdf | verify-vdf | verify-beacon` (in-process, captured output).
 *
 * vdf: prints input, T, modulus id and modulus, x, y, ℓ, π; what it prints verifies
 * verify-vdf: ok from a file or options; INVALID (exit 1) for a changed output; usage errors (exit 2)
 * verify-beacon: ok for a real quicknet round (default chain) and a drand answer file; INVALID
 *   (exit 1) for another round or wrong randomness; another chain by --public-key
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { RSA_2048_MODULUS, verifyVdf } from '../../../runtime/entropy';
import { runCli } from '../../support/cli';
import { DRAND_FIXTURE } from '../../support/entropy';
import { tempDir } from '../../support/node';

const dir = tempDir('qfs-cli-entropy-');
const r1000 = DRAND_FIXTURE.quicknet.rounds.find((r) => r.round === 1000) as {
  signature: string;
  randomness: string;
};

describe('qfs entropy vdf', () => {
  it('prints everything a verifier needs, and it verifies', async () => {
    const run = await runCli(['entropy', 'vdf', '--input', '00112233', '--t', '500', '--json']);
    expect(run.code, run.stderr).to.equal(0);
    const out = JSON.parse(run.stdout) as Record<string, string>;
    expect(Object.keys(out)).to.deep.equal([
      'input',
      't',
      'modulusId',
      'modulus',
      'x',
      'output',
      'challenge',
      'proof',
    ]);
    expect(out).to.include({ input: '00112233', t: '500', modulusId: 'rsa-2048' });
    expect(BigInt(`0x${out.modulus}`)).to.equal(RSA_2048_MODULUS);
    expect(verifyVdf('00112233', 500n, out.output as string, out.proof as string)).to.equal(true);
    fs.writeFileSync(path.join(dir, 'vdf.json'), run.stdout);
  });

  it('exits 2 for a T that is not a positive integer, 1 with the code for bad hex', async () => {
    expect((await runCli(['entropy', 'vdf', '--input', '00', '--t', '1.5'])).code).to.equal(2);
    const bad = await runCli(['entropy', 'vdf', '--input', 'XY', '--t', '5']);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.match(/ENTROPY_VDF_INPUT_INVALID/);
  });
});

describe('qfs entropy verify-vdf', () => {
  it('says ok for the file `qfs entropy vdf` printed, and for the same values as options', async () => {
    const file = path.join(dir, 'vdf.json');
    const ok = await runCli(['entropy', 'verify-vdf', '--file', file]);
    expect([ok.code, ok.stdout]).to.deep.equal([0, 'ok\n']);
    const v = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
    const args = ['--input', v.input, '--t', v.t, '--output', v.output, '--proof', v.proof];
    const json = await runCli(['entropy', 'verify-vdf', ...(args as string[]), '--json']);
    expect(JSON.parse(json.stdout)).to.deep.equal({ valid: true });
  });

  it('says INVALID and exits 1 for a changed output; exits 2 without the values', async () => {
    const v = JSON.parse(fs.readFileSync(path.join(dir, 'vdf.json'), 'utf8')) as Record<
      string,
      string
    >;
    const changed = path.join(dir, 'changed.json');
    fs.writeFileSync(
      changed,
      JSON.stringify({ ...v, output: `${(v.output as string).slice(0, 510)}00` }),
    );
    const run = await runCli(['entropy', 'verify-vdf', '--file', changed]);
    expect([run.code, run.stdout]).to.deep.equal([1, 'INVALID\n']);
    expect((await runCli(['entropy', 'verify-vdf', '--input', '00'])).code).to.equal(2);
  });
});

describe('qfs entropy verify-beacon', () => {
  it('verifies quicknet round 1000 and prints its randomness', async () => {
    const run = await runCli([
      'entropy',
      'verify-beacon',
      '--round',
      '1000',
      '--signature',
      r1000.signature,
    ]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.equal(`ok: round 1000 randomness ${r1000.randomness}\n`);
  });

  it('verifies a drand answer file, and rejects one whose randomness is not its hash', async () => {
    const file = path.join(dir, 'round.json');
    fs.writeFileSync(file, JSON.stringify({ round: 1000, ...r1000 }));
    expect((await runCli(['entropy', 'verify-beacon', '--file', file])).code).to.equal(0);
    fs.writeFileSync(file, JSON.stringify({ round: 1000, ...r1000, randomness: '00'.repeat(32) }));
    const bad = await runCli(['entropy', 'verify-beacon', '--file', file, '--json']);
    expect(bad.code).to.equal(1);
    expect(JSON.parse(bad.stdout)).to.include({ valid: false });
  });

  it('says INVALID for another round, and checks another chain given by its public key', async () => {
    const other = await runCli([
      'entropy',
      'verify-beacon',
      '--round',
      '1001',
      '--signature',
      r1000.signature,
    ]);
    expect([other.code, other.stdout]).to.deep.equal([
      1,
      'INVALID: the signature does not verify\n',
    ]);
    const [w] = DRAND_FIXTURE.walkthrough.rounds as [{ round: number; signature: string }];
    const key = DRAND_FIXTURE.walkthrough.info.public_key as string;
    const run = await runCli([
      'entropy',
      'verify-beacon',
      '--round',
      String(w.round),
      '--signature',
      w.signature,
      '--public-key',
      key,
    ]);
    expect(run.code, run.stdout).to.equal(0);
  });
});
