/*
 * Chain configuration (D/chain.json with environment overrides)
 * ├── none: null (the node runs without anchoring)
 * ├── a chain.json as `qfs chain deploy` writes it: defaults filled in, key file resolved in D
 * ├── environment variables override the file, and configure a chain without one
 * └── bad settings are CHAIN_CONFIG errors naming the field: unknown setting, URL, address,
 *     out-of-range numbers, not JSON
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import {
  CHAIN_DEFAULTS,
  readChainConfig,
  writeChainConfig,
  type ChainConfigFile,
} from '../../../runtime/chain/config';
import { isCodedError } from '../../../runtime/errors';
import { tempDir } from '../../support/node';

const A = `0x${'1'.repeat(40)}`;
const B = `0x${'2'.repeat(40)}`;
const C = `0x${'3'.repeat(40)}`;
const FILE: ChainConfigFile = {
  ...CHAIN_DEFAULTS,
  rpcUrl: 'http://127.0.0.1:8545',
  evmChainId: 31337,
  contracts: { token: A, anchor: B, registry: C },
  epochLength: 2,
};

function refusal(dir: string, env: NodeJS.ProcessEnv = {}): { field: unknown } {
  try {
    readChainConfig(dir, env);
  } catch (err) {
    expect(isCodedError(err, 'CHAIN_CONFIG'), String(err)).to.equal(true);
    return { field: (err as { details: { field: unknown } }).details.field };
  }
  throw new Error('expected CHAIN_CONFIG');
}

describe('readChainConfig', () => {
  it('is null without chain.json or QFS_RPC_URL', () => {
    expect(readChainConfig(tempDir(), {})).to.equal(null);
  });

  it('reads what qfs chain deploy writes, with the defaults and the key file in the data directory', () => {
    const dir = tempDir();
    writeChainConfig(dir, FILE);
    expect(readChainConfig(dir, {})).to.deep.equal({
      ...FILE,
      keyFile: path.join(dir, 'keys', 'anchor.json'),
    });
  });

  it('lets the environment override the file, or stand in for it', () => {
    const dir = tempDir();
    writeChainConfig(dir, FILE);
    const env = {
      QFS_RPC_URL: 'https://rpc.example/v3/KEY',
      QFS_EVM_CHAIN_ID: '11155111',
      QFS_CONFIRMATIONS: '3',
      QFS_TOKEN_ADDRESS: C,
      QFS_ANCHOR_KEY_FILE: '/secure/anchor.json',
    };
    expect(readChainConfig(dir, env)).to.deep.include({
      rpcUrl: 'https://rpc.example/v3/KEY',
      evmChainId: 11155111,
      confirmations: 3,
      keyFile: '/secure/anchor.json',
      contracts: { token: C, anchor: B, registry: C },
      epochLength: 2,
    });
    const bare = tempDir();
    const only = { ...env, QFS_ANCHOR_ADDRESS: A, QFS_REGISTRY_ADDRESS: B };
    expect(readChainConfig(bare, only)).to.deep.include({ evmChainId: 11155111, epochLength: 4 });
  });

  it('refuses bad settings with CHAIN_CONFIG naming the field', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ rpcUrll: 'x' }, 'rpcUrll'],
      [{ rpcUrl: 'ws://127.0.0.1:8546' }, 'rpcUrl'],
      [{ contracts: { token: A, anchor: 'nope', registry: C } }, 'contracts.anchor'],
      [{ epochLength: 0 }, 'epochLength'],
      [{ epochLength: 1025 }, 'epochLength'],
      [{ balanceChunkSize: 501 }, 'balanceChunkSize'],
      [{ confirmations: 1.5 }, 'confirmations'],
      [{ rpcTimeoutMs: '1000' }, 'rpcTimeoutMs'],
    ];
    for (const [change, field] of cases) {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, 'chain.json'), JSON.stringify({ ...FILE, ...change }));
      expect(refusal(dir), JSON.stringify(change)).to.deep.equal({ field });
    }
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'chain.json'), '{not json');
    expect(refusal(dir)).to.deep.equal({ field: '(file)' });
    expect(
      refusal(tempDir(), { QFS_RPC_URL: 'http://x', QFS_EVM_CHAIN_ID: '0x7a69' }),
    ).to.deep.equal({
      field: 'evmChainId',
    });
  });
});
