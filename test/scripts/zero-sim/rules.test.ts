/**
 * The rule catalogue: stable, unique ids; every rule documented in docs/zero-sim.md; every rule
 * with a planted-violation fixture (checker.test.ts runs them).
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { ALLOWABLE_RULE_IDS, RULES, isRuleId } from '../../../scripts/zero-sim/rules';
import { FIXTURES, ROOT, fixtureName } from './support';

describe('RULES', () => {
  it('has unique ids of the form ZS_UPPER_SNAKE', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).to.equal(ids.length);
    for (const id of ids) expect(id).to.match(/^ZS_[A-Z]+(_[A-Z]+)*$/);
  });

  it('lets exception comments name every rule except the meta rules', () => {
    const meta = RULES.filter((r) => r.meta).map((r) => r.id);
    expect(meta).to.deep.equal([
      'ZS_SYNTAX_ERROR',
      'ZS_ALLOW_WITHOUT_REASON',
      'ZS_ALLOW_UNKNOWN_RULE',
      'ZS_ALLOW_UNUSED',
    ]);
    for (const id of meta) expect(ALLOWABLE_RULE_IDS.has(id)).to.equal(false);
    expect(ALLOWABLE_RULE_IDS.size).to.equal(RULES.length - meta.length);
  });

  it('recognises its ids and nothing else', () => {
    expect(isRuleId('ZS_CLOCK')).to.equal(true);
    expect(isRuleId('ZS_CLOCKS')).to.equal(false);
  });

  it('documents every rule in docs/zero-sim.md', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs', 'zero-sim.md'), 'utf8');
    for (const rule of RULES) expect(doc, rule.id).to.include(`\`${rule.id}\``);
  });

  it('has a planted-violation fixture for every rule', () => {
    for (const rule of RULES) {
      const file = path.join(FIXTURES, 'violations', fixtureName(rule.id));
      expect(fs.existsSync(file), file).to.equal(true);
    }
  });
});
