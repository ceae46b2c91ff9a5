/**
 * Hardhat configuration: offline solc, typechain (ethers v6) and mocha for every suite.
 *
 * Hardhat cannot download compilers in this environment (DESIGN.md §8), so the compile
 * subtask is pointed at the soljson build shipped in the pinned `solc` npm package.
 */
import { subtask, type HardhatUserConfig } from 'hardhat/config';
import {
  TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD,
  TASK_TEST_GET_TEST_FILES,
} from 'hardhat/builtin-tasks/task-names';
import '@nomicfoundation/hardhat-toolbox';
import path from 'node:path';
import fs from 'node:fs';

const SOLC_VERSION = '0.8.28';

subtask(
  TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD,
  async (args: { solcVersion: string }, _hre, runSuper) => {
    if (args.solcVersion !== SOLC_VERSION) return runSuper(args);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const solc = require('solc') as { version(): string };
    return {
      compilerPath: require.resolve('solc/soljson.js'),
      isSolcJs: true,
      version: SOLC_VERSION,
      longVersion: solc.version().replace(/\.Emscripten.*$/, ''),
    };
  },
);

// Only `*.test.ts` files are suites; helpers, behaviours and fixtures under test/ are not.
// A directory argument (`hardhat test test/contracts`) runs the suites under it.
subtask(TASK_TEST_GET_TEST_FILES, async (args: { testFiles: string[] }, hre) => {
  if (args.testFiles.length > 0) {
    return args.testFiles.flatMap((f) => {
      const full = path.resolve(f);
      return fs.statSync(full, { throwIfNoEntry: false })?.isDirectory() ? listTests(full) : [full];
    });
  }
  return listTests(hre.config.paths.tests);
});

function listTests(dir: string): string[] {
  const out: string[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (name === 'fixtures') continue;
    if (fs.statSync(full).isDirectory()) out.push(...listTests(full));
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: {
      evmVersion: 'cancun',
      optimizer: { enabled: true, runs: 10_000 },
    },
  },
  networks: {
    // Osaka rules, as on Ethereum since the Fusaka upgrade: EIP-7825 caps a transaction at 2^24 gas, so a
    // contract call that needs more can never run (the token's balance chunks are sized for it).
    hardhat: { allowUnlimitedContractSize: false, hardfork: 'osaka' },
    localhost: { url: process.env.QFS_RPC_URL ?? 'http://127.0.0.1:8545' },
    // Any EVM RPC (a public testnet) is configuration: QFS_RPC_URL and the deployer's key.
    testnet: {
      url: process.env.QFS_RPC_URL ?? 'http://127.0.0.1:8545',
      accounts: process.env.QFS_DEPLOYER_KEY === undefined ? [] : [process.env.QFS_DEPLOYER_KEY],
    },
  },
  // `qfs chain deploy` runs Ignition with the confirmations the operator asked for (automined chains need 1).
  ignition: { requiredConfirmations: Number(process.env.QFS_DEPLOY_CONFIRMATIONS ?? '5') },
  typechain: { outDir: 'typechain-types', target: 'ethers-v6' },
  mocha: { timeout: 600_000 },
  gasReporter: {
    reportPureAndViewMethods: true,
    enabled: process.env.REPORT_GAS === '1',
    offline: true,
    ...(process.env.REPORT_GAS_FILE === undefined
      ? {}
      : { outputFile: process.env.REPORT_GAS_FILE, noColors: true }),
  },
};

export default config;
