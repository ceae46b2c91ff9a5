/**
 * Every rule against its fixtures: the planted violations of `violations/<rule>.ts` are reported
 * with the right id at exactly the positions the caret markers give (and nothing else is), and the
 * clean counterparts of `clean/<rule>.ts` produce nothing.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { checkFiles, type CheckResult } from '../../../scripts/zero-sim/checker';
import { RULES } from '../../../scripts/zero-sim/rules';
import { FIXTURES, ROOT, expectedMarkers, fixtureName, key } from './support';

const violationsDir = path.join(FIXTURES, 'violations');
const cleanDir = path.join(FIXTURES, 'clean');

function reported(result: CheckResult, file: string): string[] {
  const rel = path.relative(FIXTURES, file).split(path.sep).join('/');
  return result.violations
    .filter((v) => v.file === rel)
    .map(key)
    .sort();
}

describe('checkFiles', function () {
  this.timeout(60_000);
  let result: CheckResult;
  const all = [violationsDir, cleanDir].flatMap((dir) =>
    fs.readdirSync(dir).map((name) => path.join(dir, name)),
  );

  before(() => {
    // One program over every fixture, as the CLI builds one program over the whole core.
    result = checkFiles(all, { root: FIXTURES });
  });

  describe('on planted violations', () => {
    for (const rule of RULES) {
      const file = path.join(violationsDir, fixtureName(rule.id));
      it(`reports ${rule.id} at every planted position and nowhere else`, () => {
        const expected = expectedMarkers(file);
        expect(expected.filter((k) => k.startsWith(`${rule.id} `))).to.not.be.empty;
        expect(reported(result, file)).to.deep.equal(expected);
      });
    }
  });

  describe('on clean counterparts', () => {
    for (const rule of RULES.filter((r) => !r.meta)) {
      const file = path.join(cleanDir, fixtureName(rule.id));
      it(`reports nothing for clean ${rule.id} code`, () => {
        expect(fs.existsSync(file), `${file} exists`).to.equal(true);
        expect(reported(result, file)).to.deep.equal([]);
      });
    }
  });

  it('gives every violation a message that says why', () => {
    for (const v of result.violations) expect(v.message.length, key(v)).to.be.greaterThan(20);
  });

  it('reports an import of perf_hooks and Date.now() as ZS_CLOCK where they are written', () => {
    // Line 2: import { performance as perf } from 'node:perf_hooks';
    // Line 6:   const now = Date.now();
    const clock = result.violations.filter((v) => v.file === 'violations/zs-clock.ts');
    expect(clock.slice(0, 2).map(key)).to.deep.equal(['ZS_CLOCK 2:37', 'ZS_CLOCK 6:15']);
  });

  it('sorts violations by file, line, column and rule', () => {
    const keys = result.violations.map((v) => [v.file, v.line, v.column, v.rule] as const);
    const sorted = [...keys].sort((a, b) =>
      a[0] !== b[0] ? (a[0] < b[0] ? -1 : 1) : a[1] - b[1] || a[2] - b[2] || (a[3] < b[3] ? -1 : 1),
    );
    expect(keys).to.deep.equal(sorted);
  });

  it('reports files relative to the root with / separators', () => {
    expect(result.files).to.include('violations/zs-clock.ts');
    expect(result.files.every((f) => !f.includes('\\') && !path.isAbsolute(f))).to.equal(true);
  });

  it('checks JavaScript files too', () => {
    const file = path.join(FIXTURES, 'js', 'clock.js');
    const js = checkFiles([file], { root: FIXTURES });
    expect(js.violations.map(key)).to.deep.equal(expectedMarkers(file));
    expect(js.violations).to.have.length(2);
  });

  it('finds no violation in runtime/math, the core that exists today', () => {
    const dir = path.join(ROOT, 'runtime', 'math');
    const files = fs.readdirSync(dir).map((name) => path.join(dir, name));
    const math = checkFiles(files, { root: ROOT });
    expect(math.files.length).to.be.greaterThan(0);
    expect(math.violations.map(key)).to.deep.equal([]);
  });
});
