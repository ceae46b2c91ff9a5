/*
 * loadGenesis
 * ├── builds the first state: height 0, balances, supply = Σ balances, keys, guidance, a root
 * ├── the genesis hash covers the whole document (any change → another hash and root)
 * └── rejects an invalid document with GENESIS_INVALID naming the field:
 *     chainId, genesisTime, treasury, accounts (shape, limit, address, duplicate, balances,
 *     unknown token, overflowing supply, unknown entry field), keys (shape, public key,
 *     capabilities, no admin, unknown entry field), guidance (invalid, not meant for packet 0),
 *     params (delegated to parseParams), unknown top-level field
 */
import { expect } from 'chai';
import {
  accountsRoot,
  GENESIS_ACCOUNTS_MAX,
  GenesisInvalidError,
  getAccount,
  loadGenesis,
  TOKENS,
} from '../../../runtime/engine';
import { keyLedgerView } from '../../../runtime/ledger';
import { UD } from '../../../runtime/math';
import { HEALTHY_GUIDANCE } from '../../../runtime/sdk/devnet';
import { CHAIN_ID, GENESIS_TIME, keys, testGenesis } from '../../support/engine';
import { caught } from '../../support/keys';

type Doc = Record<string, unknown>;

function base(): Doc {
  return JSON.parse(JSON.stringify(testGenesis(2))) as Doc;
}

function fieldOf(doc: unknown): unknown {
  const err = caught(() => loadGenesis(doc));
  expect(err).to.be.instanceOf(GenesisInvalidError);
  expect(err).to.have.property('code', 'GENESIS_INVALID');
  return (err as GenesisInvalidError).details.field;
}

function edit(change: (doc: Doc) => void): Doc {
  const doc = base();
  change(doc);
  return doc;
}

const accounts = (doc: Doc) => doc.accounts as Doc[];
const keyList = (doc: Doc) => doc.keys as Doc[];

describe('loadGenesis', () => {
  describe('when the document is valid', () => {
    const { state, keyGenesis } = loadGenesis(base());
    it('starts at height 0 with no packet', () => {
      expect(state).to.include({ height: 0n, lastPacket: null, chainId: CHAIN_ID });
      expect(state.genesisTime).to.equal(GENESIS_TIME);
    });
    it('funds the accounts and sets supply = Σ balances', () => {
      const a = getAccount(state.accounts, keys.user(0).address);
      expect(UD.formatTrimmed(a?.balances.CHR ?? UD.ZERO)).to.equal('1000');
      for (const token of TOKENS) expect(UD.formatTrimmed(state.supply[token])).to.equal('2000');
      expect(state.accounts.size).to.equal(2);
    });
    it('installs the keys with their capabilities', () => {
      const view = keyLedgerView(state.keys);
      expect(view.hasCapability(keys.sequencer.address, 'sequencer')).to.equal(true);
      expect(view.hasCapability(keys.oracle.address, 'oracle')).to.equal(true);
      expect(view.hasCapability(keys.admin.address, 'admin')).to.equal(true);
      expect(view.getKey(keys.user(1).address)?.status).to.equal('active');
      expect(keyGenesis.sequence).to.equal(0n);
      expect(state.keys.headHash).to.equal(keyGenesis.entryHash);
    });
    it('sets the genesis guidance and the day of the genesis time', () => {
      expect(UD.formatTrimmed(state.guidance.sChr)).to.equal('0.95');
      expect(state.emission.day).to.equal(GENESIS_TIME / 86_400_000n);
    });
    it('is deterministic', () => {
      const again = loadGenesis(base()).state;
      expect(again.stateRoot).to.equal(state.stateRoot);
      expect(again.genesisHash).to.equal(state.genesisHash);
    });
    it('gives another genesis hash and root for any change', () => {
      const roots = new Set([state.stateRoot]);
      roots.add(loadGenesis(edit((d) => (d.genesisTime = '1767225600001'))).state.stateRoot);
      roots.add(loadGenesis(edit((d) => (d.params = { beta: '5' }))).state.stateRoot);
      roots.add(
        loadGenesis(edit((d) => ((accounts(d)[0] as Doc).balances = { CHR: '1' }))).state.stateRoot,
      );
      expect(roots.size).to.equal(4);
    });
    it('accepts an empty account list (nothing funded, supply 0)', () => {
      const { state: empty } = loadGenesis(edit((d) => (d.accounts = [])));
      expect(empty.supply.CHR).to.equal(UD.ZERO);
      expect(accountsRoot(empty.accounts)).to.be.a('string');
    });
  });

  describe('GENESIS_INVALID', () => {
    const cases: [string, unknown, string][] = [
      ['not an object', [], 'genesis'],
      ['an unknown top-level field', edit((d) => (d.version = '1')), 'version'],
      ['an upper-case chainId', edit((d) => (d.chainId = 'QFS')), 'chainId'],
      ['a numeric genesisTime', edit((d) => (d.genesisTime = 1)), 'genesisTime'],
      ['a genesisTime with a leading zero', edit((d) => (d.genesisTime = '01')), 'genesisTime'],
      [
        'a lower-case treasury',
        edit((d) => (d.treasury = (d.treasury as string).toLowerCase())),
        'treasury',
      ],
      ['accounts not an array', edit((d) => (d.accounts = {})), 'accounts'],
      [
        'too many accounts',
        edit((d) => (d.accounts = Array(GENESIS_ACCOUNTS_MAX + 1).fill({}))),
        'accounts',
      ],
      [
        'an account that is not an object',
        edit((d) => (accounts(d)[0] = 'x' as never)),
        'accounts.0',
      ],
      [
        'a non-checksummed account address',
        edit((d) => ((accounts(d)[1] as Doc).address = keys.user(1).address.toLowerCase())),
        'accounts.1.address',
      ],
      [
        'an account listed twice',
        edit((d) => ((accounts(d)[1] as Doc).address = (accounts(d)[0] as Doc).address)),
        'accounts.1.address',
      ],
      [
        'balances not an object',
        edit((d) => ((accounts(d)[0] as Doc).balances = '1')),
        'accounts.0.balances',
      ],
      [
        'an unknown token',
        edit((d) => ((accounts(d)[0] as Doc).balances = { NOD: '1' })),
        'accounts.0.balances.NOD',
      ],
      [
        'a numeric balance',
        edit((d) => ((accounts(d)[0] as Doc).balances = { CHR: 1 })),
        'accounts.0.balances.CHR',
      ],
      [
        'a malformed balance',
        edit((d) => ((accounts(d)[0] as Doc).balances = { CHR: '1e3' })),
        'accounts.0.balances.CHR',
      ],
      [
        'a supply beyond 2^128 − 1 raw',
        edit((d) => {
          (accounts(d)[0] as Doc).balances = { RES: '340282366920938463463' };
          (accounts(d)[1] as Doc).balances = { RES: '1' };
        }),
        'accounts.1.balances.RES',
      ],
      [
        'an unknown field in an account',
        edit((d) => ((accounts(d)[0] as Doc).nonce = '5')),
        'accounts.0.nonce',
      ],
      ['no keys', edit((d) => (d.keys = [])), 'keys'],
      ['65 keys', edit((d) => (d.keys = Array(65).fill(keyList(d)[0]))), 'keys'],
      [
        'a public key of the wrong length',
        edit((d) => ((keyList(d)[0] as Doc).publicKey = 'ab')),
        'keys.0.publicKey',
      ],
      [
        'an unknown capability',
        edit((d) => ((keyList(d)[1] as Doc).capabilities = ['root'])),
        'keys.1.capabilities',
      ],
      [
        'an unknown field in a key',
        edit((d) => ((keyList(d)[0] as Doc).keyId = keys.sequencer.address)),
        'keys.0.keyId',
      ],
      ['no admin key', edit((d) => ((keyList(d)[2] as Doc).capabilities = [])), 'keys'],
      ['a key listed twice', edit((d) => keyList(d).push(keyList(d)[0] as Doc)), 'keys'],
      [
        'invalid guidance',
        edit((d) => (d.guidance = { ...HEALTHY_GUIDANCE, fAtr: '2' })),
        'guidance',
      ],
      [
        'guidance not meant for packet 0',
        edit((d) => (d.guidance = { ...HEALTHY_GUIDANCE, forPacket: '9999999999999999999' })),
        'guidance.forPacket',
      ],
      ['params not an object', edit((d) => (d.params = '1')), 'params'],
      ['an unknown parameter', edit((d) => (d.params = { gamma: '1' })), 'params.gamma'],
      ['a parameter out of range', edit((d) => (d.params = { cCrit: '1.1' })), 'params.cCrit'],
    ];
    for (const [name, doc, field] of cases) {
      it(`rejects ${name} (field ${field})`, () => expect(fieldOf(doc)).to.equal(field));
    }
  });
});
