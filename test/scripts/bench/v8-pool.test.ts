import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import {
  NODE_DEFAULT_V8_POOL_SIZE,
  recommendedV8PoolSize,
  v8PoolSizeFlag,
} from '../../../scripts/bench/v8-pool';

/** Threads of a fresh `node` started with `flags`, counted from /proc (Linux only). */
function nodeThreads(flags: readonly string[]): number {
  const script =
    "setTimeout(() => console.log(require('fs').readdirSync('/proc/self/task').length), 100)";
  const out = spawnSync(process.execPath, [...flags, '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return Number(out.stdout.trim());
}

describe('scripts/bench/v8-pool', () => {
  it('recommends one helper per vCPU, at most Node’s default of four', () => {
    expect([1, 2, 3, 4, 64].map(recommendedV8PoolSize)).to.deep.equal([1, 2, 3, 4, 4]);
    expect(recommendedV8PoolSize(0)).to.equal(1);
    expect(NODE_DEFAULT_V8_POOL_SIZE).to.equal(4);
  });

  it('reads the flag from the command line before NODE_OPTIONS, the last one winning', () => {
    expect(v8PoolSizeFlag([], undefined)).to.equal(null);
    expect(v8PoolSizeFlag(['--max-old-space-size=4096'], '--trace-warnings')).to.equal(null);
    expect(v8PoolSizeFlag([], '--trace-warnings --v8-pool-size=2')).to.equal(2);
    expect(v8PoolSizeFlag(['--v8-pool-size', '3'], '--v8-pool-size=2')).to.equal(3);
    expect(v8PoolSizeFlag(['--v8-pool-size=1', '--v8-pool-size=2'], undefined)).to.equal(2);
    expect(v8PoolSizeFlag(['--v8-pool-size=x'], undefined)).to.equal(null);
  });

  if (process.platform === 'linux') {
    it('is the number of helper threads node starts (two fewer with 2 than with the default)', () => {
      expect(nodeThreads([]) - nodeThreads(['--v8-pool-size=2'])).to.equal(
        NODE_DEFAULT_V8_POOL_SIZE - 2,
      );
    });
  }
});
