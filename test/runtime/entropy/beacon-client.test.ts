/*
 * fetchBeaconRound against local relays replaying recorded quicknet answers.
 *
 * ├── fetches a recorded round and `latest`, verified
 * ├── skips a relay that fails (down, 500, silent past the timeout, lying) for the next one
 * └── throws ENTROPY_FETCH_FAILED naming every relay's reason when none gives a verified round:
 *     another round than asked, a signature that does not verify, randomness that is not its
 *     hash, a chained answer, a body over the limit, not JSON
 */
import { expect } from 'chai';
import { QUICKNET } from '../../../runtime/entropy';
import { fetchBeaconRound } from '../../../runtime/entropy/beacon-client';
import {
  quicknetReplay,
  serve,
  silentServer,
  type ReplayServer,
} from '../../support/replay-servers';

describe('fetchBeaconRound', () => {
  const open: ReplayServer[] = [];
  const start = async (s: Promise<ReplayServer>) => {
    const server = await s;
    open.push(server);
    return server;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  const options = (urls: string[], timeoutMs = 2000) => ({ urls, chain: QUICKNET, timeoutMs });

  it('fetches and verifies a recorded round, and the latest one', async () => {
    const relay = await start(quicknetReplay());
    const r = await fetchBeaconRound(options([relay.url]), 1000n);
    expect(r).to.deep.equal({
      round: 1000n,
      signature:
        'b44679b9a59af2ec876b1a6b1ad52ea9b1615fc3982b19576350f93447cb1125e342b73a8dd2bacbe47e4b6b63ed5e39',
    });
    expect((await fetchBeaconRound(options([relay.url]), 'latest')).round).to.equal(30663002n);
    expect(relay.requests.map((q) => q.url)).to.deep.equal([
      `/${QUICKNET.chainHash}/public/1000`,
      `/${QUICKNET.chainHash}/public/latest`,
    ]);
  });

  it('goes on to the next relay when one is down, silent or lying', async () => {
    const silent = await start(silentServer());
    const liar = await start(
      quicknetReplay({
        tamper: (r) =>
          (r.signature =
            '8b2ebe176d153849d5db7f358a3a21be96f8c5d1c26ed2b530fff4419face8909d77f4ee6a211623e2432c30841411b5'),
      }),
    );
    const good = await start(quicknetReplay());
    const r = await fetchBeaconRound(
      options(['http://127.0.0.1:1', silent.url, liar.url, good.url], 300),
      30662982n,
    );
    expect(r.round).to.equal(30662982n);
  });

  const refusals: [string, Promise<ReplayServer> | (() => Promise<ReplayServer>), RegExp][] = [
    [
      'another round than asked',
      () => quicknetReplay({ tamper: (r) => (r.round = 3) }),
      /asked for round 2, got 3/,
    ],
    [
      'a signature of another round',
      () =>
        quicknetReplay({
          tamper: (r) =>
            (r.signature =
              'b3fab6df720b68cc47175f2c777e86d84187caab5770906f515ff1099cb01e4deaa027075d860823e49477b93c72bd64'),
        }),
      /does not verify/,
    ],
    [
      'randomness that is not the hash of the signature',
      () => quicknetReplay({ tamper: (r) => (r.randomness = '00'.repeat(32)) }),
      /randomness is not SHA-256/,
    ],
    [
      'a chained answer',
      () => quicknetReplay({ tamper: (r) => (r.previous_signature = 'ab'.repeat(48)) }),
      /chained round/,
    ],
    [
      'HTTP 500',
      () =>
        serve((_q, s) => {
          s.writeHead(500);
          s.end('boom');
        }),
      /HTTP 500/,
    ],
    [
      'a body over 64 KiB',
      () =>
        serve((_q, s) => {
          s.writeHead(200);
          s.end('x'.repeat(70_000));
        }),
      /larger than 65536 bytes/,
    ],
    [
      'not JSON',
      () =>
        serve((_q, s) => {
          s.writeHead(200);
          s.end('<html>');
        }),
      /not JSON/,
    ],
  ];
  for (const [what, make, reason] of refusals) {
    it(`throws ENTROPY_FETCH_FAILED for ${what}`, async () => {
      const relay = await start(typeof make === 'function' ? make() : make);
      const err = await fetchBeaconRound(options([relay.url]), 2n).catch((e: unknown) => e);
      expect(err).to.have.property('code', 'ENTROPY_FETCH_FAILED');
      expect((err as Error).message).to.match(reason);
    });
  }

  it('throws ENTROPY_FETCH_FAILED after the timeout when a relay never answers', async () => {
    const silent = await start(silentServer());
    const err = await fetchBeaconRound(options([silent.url], 200), 'latest').catch(
      (e: unknown) => e,
    );
    expect(err).to.have.property('code', 'ENTROPY_FETCH_FAILED');
    expect((err as Error).message).to.match(/no answer within 200 ms/);
  });
});
