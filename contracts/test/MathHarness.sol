// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {UD128x18, SD128x18} from "../math/ValueTypes.sol";
import "../math/UD128x18.sol" as UD;
import "../math/SD128x18.sol" as SD;
import "../math/Errors.sol" as E;

/// @title MathHarness
/// @notice Test-only: exposes every function of the math mirror, a dispatcher keyed by the shared operation ids
/// (runtime/math/ops.ts), a batch entry point for property tests, and gas probes for the benchmark.
contract MathHarness {
    /// @notice One outcome of a batch call: the raw result, or the revert data of the mirrored error.
    struct Outcome {
        bool ok;
        int256 value;
        bytes revertData;
    }

    /// @notice Thrown when the dispatcher is given an operation id it does not know.
    error MathHarness_UnknownOp(uint8 op);

    /// @notice Runs operation `op` on raw operands; UD operands are taken as uint128, SD operands as int128.
    function run(uint8 op, int256 x, int256 y, int256 z) public pure returns (int256) {
        if (op == E.OP_ADD) return _u(UD.add(_ud(x), _ud(y)));
        if (op == E.OP_SUB) return _u(UD.sub(_ud(x), _ud(y)));
        if (op == E.OP_MUL) return _u(UD.mul(_ud(x), _ud(y)));
        if (op == E.OP_DIV) return _u(UD.div(_ud(x), _ud(y)));
        if (op == E.OP_MUL_DIV) return _u(UD.mulDiv(_ud(x), _ud(y), _ud(z)));
        if (op == E.OP_FROM_INT) return _u(UD.fromInt(uint256(x)));
        if (op == E.OP_LN) return _s(UD.ln(_ud(x)));
        if (op == E.OP_LOG2) return _s(UD.log2(_ud(x)));
        if (op == E.OP_SQRT) return _u(UD.sqrt(_ud(x)));
        if (op == E.OP_POW) return _u(UD.pow(_ud(x), _sd(y)));
        if (op == E.OP_PHI_POW) return _u(UD.phiPow(uint256(x)));
        if (op == E.OP_TO_SD) return _s(UD.toSD(_ud(x)));
        if (op == E.OP_SD_ADD) return _s(SD.add(_sd(x), _sd(y)));
        if (op == E.OP_SD_SUB) return _s(SD.sub(_sd(x), _sd(y)));
        if (op == E.OP_SD_MUL) return _s(SD.mul(_sd(x), _sd(y)));
        if (op == E.OP_SD_DIV) return _s(SD.div(_sd(x), _sd(y)));
        if (op == E.OP_SD_NEG) return _s(SD.neg(_sd(x)));
        if (op == E.OP_SD_ABS) return _s(SD.abs(_sd(x)));
        if (op == E.OP_SD_FROM_INT) return _s(SD.fromInt(x));
        if (op == E.OP_EXP) return _u(SD.exp(_sd(x)));
        if (op == E.OP_EXP2) return _u(SD.exp2(_sd(x)));
        if (op == E.OP_TO_UD) return _u(SD.toUD(_sd(x)));
        revert MathHarness_UnknownOp(op);
    }

    /// @notice Runs `op` on many operand triples in one call; a revert of one input does not stop the others.
    function batch(uint8 op, int256[3][] calldata args) external view returns (Outcome[] memory outcomes) {
        outcomes = new Outcome[](args.length);
        for (uint256 i = 0; i < args.length; ++i) {
            try this.run(op, args[i][0], args[i][1], args[i][2]) returns (int256 value) {
                outcomes[i] = Outcome(true, value, "");
            } catch (bytes memory revertData) {
                outcomes[i] = Outcome(false, 0, revertData);
            }
        }
    }

    /// @notice Gas used by `op` alone (no call or ABI overhead); reverts like `run`.
    function gasOf(uint8 op, int256 x, int256 y, int256 z) external view returns (uint256 gasUsed) {
        uint256 before = gasleft();
        run(op, x, y, z);
        gasUsed = before - gasleft();
    }

    function _ud(int256 raw) private pure returns (UD128x18) {
        return UD128x18.wrap(uint128(uint256(raw)));
    }

    function _sd(int256 raw) private pure returns (SD128x18) {
        return SD128x18.wrap(int128(raw));
    }

    function _u(UD128x18 v) private pure returns (int256) {
        return int256(uint256(UD128x18.unwrap(v)));
    }

    function _s(SD128x18 v) private pure returns (int256) {
        return SD128x18.unwrap(v);
    }
}
