/**
 * The command line: exit codes (in a child process, as CI runs it), the `--json` document, usage
 * errors, and the acceptance check — a file reading `Date.now()` placed under
 * `runtime/engine/` of a project makes `npm run zero-sim` fail with the rule id and location.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  EXIT_OK,
  EXIT_USAGE,
  EXIT_VIOLATIONS,
  main,
  parseArgs,
} from '../../../scripts/zero-sim/cli';
import { FIXTURES, ROOT, capture, runCli } from './support';

function runInProcess(argv: readonly string[], cwd: string = ROOT) {
  const stdout = capture();
  const stderr = capture();
  const status = main(argv, { stdout, stderr }, cwd);
  return { status, stdout: stdout.text(), stderr: stderr.text() };
}

const planted = path.join(FIXTURES, 'planted', 'clock-leak.ts');

describe('zero-sim CLI', function () {
  this.timeout(120_000);

  describe('exit codes (child process)', () => {
    it('exits 0 on the project core as configured', () => {
      const run = runCli([]);
      expect(run.stderr).to.equal('');
      expect(run.stdout).to.match(/^zero-sim: ok: 0 violations, \d+ exceptions? in \d+ files/m);
      expect(run.status).to.equal(EXIT_OK);
    });

    it('exits 1 with violations', () => {
      const run = runCli([path.relative(ROOT, planted)]);
      expect(run.stdout).to.include(
        'test/fixtures/zero-sim/planted/clock-leak.ts:3:10 ZS_CLOCK Date reads the wall clock',
      );
      expect(run.status).to.equal(EXIT_VIOLATIONS);
    });

    it('exits 2 on an unknown option, without checking anything', () => {
      const run = runCli(['--strict']);
      expect(run.stderr).to.include('unknown option --strict');
      expect(run.stdout).to.equal('');
      expect(run.status).to.equal(EXIT_USAGE);
    });
  });

  describe('a planted Date.now() under runtime/engine/', () => {
    let project: string;

    before(() => {
      project = fs.mkdtempSync(path.join(os.tmpdir(), 'zero-sim-'));
      fs.mkdirSync(path.join(project, 'runtime', 'engine'), { recursive: true });
      fs.mkdirSync(path.join(project, 'runtime', 'math'), { recursive: true });
      fs.copyFileSync(
        path.join(ROOT, 'zero-sim.config.json'),
        path.join(project, 'zero-sim.config.json'),
      );
      fs.copyFileSync(planted, path.join(project, 'runtime', 'engine', 'clock-leak.ts'));
      fs.writeFileSync(path.join(project, 'runtime', 'math', 'one.ts'), 'export const ONE = 1n;\n');
    });

    after(() => fs.rmSync(project, { recursive: true, force: true }));

    it('fails `npm run zero-sim` with ZS_CLOCK and the file:line:column', () => {
      const run = runCli([], project);
      expect(run.stdout).to.include('runtime/engine/clock-leak.ts:3:10 ZS_CLOCK');
      expect(run.stdout).to.match(/FAILED: 1 violation, 0 exceptions in 2 files/);
      expect(run.status).to.equal(EXIT_VIOLATIONS);
    });

    it('passes once the file is gone (the folder is listed afresh on every run)', () => {
      fs.rmSync(path.join(project, 'runtime', 'engine', 'clock-leak.ts'));
      const run = runInProcess([], project);
      expect(run.stdout).to.match(/ok: 0 violations, 0 exceptions in 1 file /);
      expect(run.status).to.equal(EXIT_OK);
    });
  });

  describe('--json', () => {
    it('prints one document with ok, files, violations and exceptions', () => {
      const run = runInProcess(['--json', path.join(FIXTURES, 'allow', 'exceptions.ts'), planted]);
      expect(run.status).to.equal(EXIT_VIOLATIONS);
      const report = JSON.parse(run.stdout) as Record<string, unknown>;
      expect(Object.keys(report)).to.deep.equal(['ok', 'files', 'violations', 'exceptions']);
      expect(report['ok']).to.equal(false);
      expect(report['files']).to.deep.equal([
        'test/fixtures/zero-sim/allow/exceptions.ts',
        'test/fixtures/zero-sim/planted/clock-leak.ts',
      ]);
      const violations = report['violations'] as Record<string, unknown>[];
      expect(violations).to.have.length(2);
      expect(violations[1]).to.deep.equal({
        rule: 'ZS_CLOCK',
        file: 'test/fixtures/zero-sim/planted/clock-leak.ts',
        line: 3,
        column: 10,
        message:
          'Date reads the wall clock and formats in the host time zone; use the DRV packet timestamp',
      });
      const exceptions = report['exceptions'] as Record<string, unknown>[];
      expect(exceptions).to.have.length(6);
      expect(Object.keys(exceptions[0] ?? {})).to.deep.equal([
        'rule',
        'file',
        'line',
        'column',
        'message',
        'reason',
      ]);
      expect(exceptions[0]).to.deep.include({
        rule: 'ZS_CLOCK',
        line: 3,
        column: 13,
        reason: 'fixture: trailing exception on the same line',
      });
    });

    it('reports ok: true and exit 0 on clean files', () => {
      const run = runInProcess(['--json', path.join(FIXTURES, 'clean', 'zs-clock.ts')]);
      expect(JSON.parse(run.stdout)).to.deep.include({ ok: true, violations: [], exceptions: [] });
      expect(run.status).to.equal(EXIT_OK);
    });

    it('is byte-for-byte the same on a second run', () => {
      const args = ['--json', path.join(FIXTURES, 'violations')];
      expect(runInProcess(args).stdout).to.equal(runInProcess(args).stdout);
    });
  });

  describe('usage errors', () => {
    const cases: [string, string[], RegExp][] = [
      [
        'a path that does not exist',
        ['runtime/nowhere'],
        /no such file or folder: runtime\/nowhere/,
      ],
      ['a file that is not source', ['package.json'], /not a TypeScript or JavaScript source file/],
      ['an option without its value', ['--config'], /--config needs a value/],
      ['a missing config file', ['--config', 'missing.json'], /cannot read the config file/],
    ];
    for (const [what, argv, message] of cases) {
      it(`exits 2 on ${what}`, () => {
        const run = runInProcess(argv);
        expect(run.stderr).to.match(message);
        expect(run.status).to.equal(EXIT_USAGE);
      });
    }

    it('prints the help and exits 0 on --help', () => {
      const run = runInProcess(['--help']);
      expect(run.stdout).to.match(/^Usage: npm run zero-sim/);
      expect(run.status).to.equal(EXIT_OK);
    });
  });

  describe('parseArgs', () => {
    it('takes everything after -- as a path', () => {
      expect(parseArgs(['--json', '--', '--odd-name.ts']).paths).to.deep.equal(['--odd-name.ts']);
    });
    it('accepts --config=file and --root=dir', () => {
      expect(parseArgs(['--config=a.json', '--root=b'])).to.deep.include({
        config: 'a.json',
        root: 'b',
      });
    });
  });
});
