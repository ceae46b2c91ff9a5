import { expect } from 'chai';
import { evaluateLine } from '../../../runtime/cli/math-eval';
import { runCli } from '../../support/cli';

describe('qfs math eval', () => {
  it('prints one 18-decimal result per line, in order', async () => {
    const run = await runCli(
      ['math', 'eval'],
      'ln 2\npow 2 0.5\nexp -1\nsqrt 2\nphiPow 1\nadd 1.5 2\nlog2 0.5\nexp2 3\n',
    );
    expect(run.code).to.equal(0);
    expect(run.stdout.split('\n')).to.deep.equal([
      '0.693147180559945309',
      '1.414213562373095048',
      '0.367879441171442321',
      '1.414213562373095048',
      '1.618033988749894848',
      '3.500000000000000000',
      '-1.000000000000000000',
      '8.000000000000000000',
      '',
    ]);
  });

  it('answers failing lines with ERROR <CODE> and carries on', async () => {
    const run = await runCli(
      ['math', 'eval'],
      'sub 1 2\nln 0\ndiv 1 0\nexp 48\nadd 1e3 1\nadd -1 1\nfoo 1\nadd 1\nmul 2 3\n',
    );
    expect(run.stdout.trim().split('\n')).to.deep.equal([
      'ERROR MATH_UNDERFLOW',
      'ERROR MATH_DOMAIN',
      'ERROR MATH_DIV_BY_ZERO',
      'ERROR MATH_OVERFLOW',
      'ERROR MATH_PARSE',
      'ERROR MATH_PARSE',
      'ERROR CLI_USAGE',
      'ERROR CLI_USAGE',
      '6.000000000000000000',
    ]);
  });

  it('takes signed arguments only where the function takes SD (exp, exp2, pow exponent)', () => {
    expect(evaluateLine('pow 4 -0.5')).to.equal('0.500000000000000000');
    expect(evaluateLine('pow -4 2')).to.equal('ERROR MATH_PARSE');
    expect(evaluateLine('exp2 -2')).to.equal('0.250000000000000000');
  });

  it('rejects an over-long line without evaluating it', () => {
    expect(evaluateLine(`add 1 ${'1'.repeat(300)}`)).to.equal('ERROR CLI_USAGE');
  });

  it('handles 10,000 lines in one process', async () => {
    const fns = [
      'ln 1.5',
      'exp 2.25',
      'pow 3 0.7',
      'sqrt 17',
      'phiPow 40',
      'log2 1000',
      'exp2 -3.5',
      'div 1 7',
    ];
    const input = Array.from({ length: 10_000 }, (_, i) => fns[i % fns.length]).join('\n');
    const run = await runCli(['math', 'eval'], input);
    const lines = run.stdout.trim().split('\n');
    expect(lines).to.have.length(10_000);
    expect(lines.every((l) => /^-?\d+\.\d{18}$/.test(l))).to.equal(true);
    expect(lines[7]).to.equal('0.142857142857142857');
  });

  it('qfs --help lists the math command and exits 0', async () => {
    const run = await runCli(['--help']);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.contain('math');
  });

  it('an unknown command is a usage error (exit 2)', async () => {
    const run = await runCli(['frobnicate']);
    expect(run.code).to.equal(2);
  });
});
