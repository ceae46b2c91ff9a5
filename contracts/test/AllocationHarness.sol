// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAllocationRegistry} from "../allocation/IAllocationRegistry.sol";

/// @title AllocationHarness
/// @notice Test-only: runs many splits through a deployed AllocationRegistry in one call, so a parity property checks
/// a whole batch of random cases per RPC round trip. A revert of one case does not stop the others.
contract AllocationHarness {
    /// @notice One split to compute: the total, the weights and the cap of the capped variant.
    struct SplitCase {
        uint128 total;
        uint128[] weights;
        uint128 cap;
    }

    /// @notice The outcome of one case: the amounts (and excess of the capped variant), or the revert data.
    struct SplitOutcome {
        bool ok;
        uint128[] amounts;
        uint128[] cappedAmounts;
        uint128 excess;
        bytes revertData;
    }

    /// @notice Runs every case through `registry.computeAllocation` and `registry.computeCappedAllocation`.
    /// @param registry The deployed registry.
    /// @param cases The splits.
    /// @return outcomes One outcome per case, in order.
    function run(
        IAllocationRegistry registry,
        SplitCase[] calldata cases
    ) external view returns (SplitOutcome[] memory outcomes) {
        outcomes = new SplitOutcome[](cases.length);
        for (uint256 i = 0; i < cases.length; ++i) {
            SplitCase calldata c = cases[i];
            try registry.computeAllocation(c.total, c.weights) returns (uint128[] memory amounts) {
                (uint128[] memory capped, uint128 excess) = registry.computeCappedAllocation(c.total, c.weights, c.cap);
                outcomes[i] = SplitOutcome(true, amounts, capped, excess, "");
            } catch (bytes memory revertData) {
                outcomes[i] = SplitOutcome(false, new uint128[](0), new uint128[](0), 0, revertData);
            }
        }
    }
}
