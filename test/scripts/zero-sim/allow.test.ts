/**
 * Exception comments (`// zero-sim-allow RULE_ID: reason`):
 * ├── with a reason, on the line or stacked above it → listed as an exception, not a violation
 * ├── naming several ids → each matching violation excepted
 * ├── inside a string → not a comment, the violation stands
 * ├── without a reason → ZS_ALLOW_WITHOUT_REASON, and the violation stands
 * ├── naming an unknown or meta rule → ZS_ALLOW_UNKNOWN_RULE
 * └── excepting nothing → ZS_ALLOW_UNUSED
 * (The last three are also covered, with positions, by the per-rule fixtures.)
 */
import { expect } from 'chai';
import path from 'node:path';
import { checkFiles, type CheckResult } from '../../../scripts/zero-sim/checker';
import { FIXTURES, key } from './support';

describe('exception comments', function () {
  this.timeout(60_000);
  let result: CheckResult;

  before(() => {
    result = checkFiles(
      [
        path.join(FIXTURES, 'allow', 'exceptions.ts'),
        path.join(FIXTURES, 'violations', 'zs-allow-without-reason.ts'),
        path.join(FIXTURES, 'violations', 'zs-allow-unused.ts'),
      ],
      { root: FIXTURES },
    );
  });

  describe('with a reason', () => {
    it('lists every excepted violation with its reason and not as a violation', () => {
      const listed = result.exceptions
        .filter((e) => e.file === 'allow/exceptions.ts')
        .map((e) => `${key(e)} ${e.reason}`);
      expect(listed).to.deep.equal([
        'ZS_CLOCK 3:13 fixture: trailing exception on the same line',
        'ZS_CLOCK 5:13 fixture: exception on the line above',
        'ZS_MATH 8:13 fixture: stacked exceptions, first',
        'ZS_FLOAT_DIVISION 8:26 fixture: stacked exceptions, second',
        'ZS_MATH 9:13 fixture: two ids',
        'ZS_FLOAT_DIVISION 9:30 fixture: two ids',
      ]);
    });

    it('keeps the message of the excepted violation', () => {
      const first = result.exceptions.find((e) => e.file === 'allow/exceptions.ts');
      expect(first?.message).to.match(/wall clock/);
    });

    it('does not treat text inside a string as a comment', () => {
      const violations = result.violations.filter((v) => v.file === 'allow/exceptions.ts');
      expect(violations.map(key)).to.deep.equal(['ZS_CLOCK 10:13']);
    });
  });

  describe('without a reason', () => {
    it('is a violation itself and excepts nothing', () => {
      const found = result.violations
        .filter((v) => v.file === 'violations/zs-allow-without-reason.ts')
        .map(key);
      expect(found).to.deep.equal([
        'ZS_ALLOW_WITHOUT_REASON 4:3',
        'ZS_CLOCK 6:13',
        'ZS_CLOCK 8:13',
        'ZS_ALLOW_WITHOUT_REASON 8:25',
      ]);
      expect(result.exceptions.filter((e) => e.file === 'violations/zs-allow-without-reason.ts')).to
        .be.empty;
    });
  });

  describe('that excepts nothing', () => {
    it('is reported as ZS_ALLOW_UNUSED naming the unused ids', () => {
      const unused = result.violations.filter((v) => v.rule === 'ZS_ALLOW_UNUSED');
      expect(unused.map(key)).to.deep.equal(['ZS_ALLOW_UNUSED 3:3', 'ZS_ALLOW_UNUSED 6:25']);
      expect(unused[1]?.message)
        .to.match(/ZS_MATH/)
        .and.not.match(/ZS_CLOCK/);
    });
  });
});
