/**
 * The named Hardhat signers every contract suite uses, as a typed record (no `undefined` to assert away).
 * @module
 */
import { ethers } from 'hardhat';
import type { HardhatEthersSigner } from '@nomicfoundation/hardhat-ethers/signers';

export type NamedSigners = {
  admin: HardhatEthersSigner;
  sequencer: HardhatEthersSigner;
  alice: HardhatEthersSigner;
  bob: HardhatEthersSigner;
  carol: HardhatEthersSigner;
  other: HardhatEthersSigner;
};

const NAMES = ['admin', 'sequencer', 'alice', 'bob', 'carol', 'other'] as const;

/** The first six Hardhat accounts under the names the suites use. */
export async function namedSigners(): Promise<NamedSigners> {
  const signers = await ethers.getSigners();
  const pick = (index: number): HardhatEthersSigner => {
    const signer = signers[index];
    if (signer === undefined)
      throw new Error(`Hardhat network has fewer than ${NAMES.length} accounts`);
    return signer;
  };
  return {
    admin: pick(0),
    sequencer: pick(1),
    alice: pick(2),
    bob: pick(3),
    carol: pick(4),
    other: pick(5),
  };
}
