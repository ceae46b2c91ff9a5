import { expect } from 'chai';
import { steadyRate, type BundleMark } from '../../../scripts/bench/steady-rate';

/** `n` bundles of `size` transactions, one every `everyMs`, after `after`. */
function marks(n: number, size: number, everyMs: number, after?: BundleMark): BundleMark[] {
  return Array.from({ length: n }, (_, i) => ({
    atMs: (after?.atMs ?? 0) + (i + 1) * everyMs,
    committed: (after?.committed ?? 0) + (i + 1) * size,
  }));
}

describe('scripts/bench/steady-rate', () => {
  it('is the rate between the commits passing 10 % and 90 % while the load lasts', () => {
    // 10 bundles of 100 every 100 ms; then 10 of 100 every 50 ms (another rate, still under load).
    const first = marks(10, 100, 100);
    const bundles = [...first, ...marks(10, 100, 50, first.at(-1))];
    // 10 %: 200 at 200 ms; 90 %: 1,800 at 1,400 ms; 1,600 over 1.2 s.
    expect(steadyRate(bundles, 2000, 10_000)).to.deep.equal({ tps: 1333, backlogAtLoadEnd: 0 });
  });

  it('ends the window when the load ends, and reports the backlog left then', () => {
    // Under load: 100 every 100 ms up to 500 (at 500 ms); the client stops at 505 ms; the backlog
    // then drains at 100 every 10 ms. Counting the drain would print 800 / 0.44 s = 1,818/s.
    const underLoad = marks(5, 100, 100);
    const bundles = [...underLoad, ...marks(5, 100, 10, underLoad.at(-1))];
    expect(steadyRate(bundles, 1000, 505)).to.deep.equal({ tps: 1000, backlogAtLoadEnd: 500 });
  });

  it('is 0 when the load ended before a window could open', () => {
    const bundles = marks(10, 100, 100);
    expect(steadyRate(bundles, 1000, 150)).to.deep.equal({ tps: 0, backlogAtLoadEnd: 900 });
    expect(steadyRate([], 1000, 150)).to.deep.equal({ tps: 0, backlogAtLoadEnd: 1000 });
  });
});
