// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ud} from "@prb/math/src/UD60x18.sol";
import {sd} from "@prb/math/src/SD59x18.sol";

/// @title PrbMathProbe
/// @notice Benchmark-only: PRBMath's UD60x18/SD59x18 equivalents of our functions, with the gas each used alone.
/// The unsigned type is used where PRBMath's domain allows it (x >= 1 for logs, x >= 0 for exponents), the signed
/// one otherwise, so that every input is computed by PRBMath's own best-suited function.
contract PrbMathProbe {
    uint256 private constant UNIT = 1e18;
    uint256 private constant PHI = 1_618033988749894848;

    function ln(uint256 x) external view returns (int256 r, uint256 g) {
        g = gasleft();
        r = x >= UNIT ? int256(ud(x).ln().unwrap()) : sd(int256(x)).ln().unwrap();
        g -= gasleft();
    }

    function log2(uint256 x) external view returns (int256 r, uint256 g) {
        g = gasleft();
        r = x >= UNIT ? int256(ud(x).log2().unwrap()) : sd(int256(x)).log2().unwrap();
        g -= gasleft();
    }

    function exp(int256 x) external view returns (int256 r, uint256 g) {
        g = gasleft();
        r = x >= 0 ? int256(ud(uint256(x)).exp().unwrap()) : sd(x).exp().unwrap();
        g -= gasleft();
    }

    function exp2(int256 x) external view returns (int256 r, uint256 g) {
        g = gasleft();
        r = x >= 0 ? int256(ud(uint256(x)).exp2().unwrap()) : sd(x).exp2().unwrap();
        g -= gasleft();
    }

    function pow(uint256 x, int256 y) external view returns (int256 r, uint256 g) {
        g = gasleft();
        r = y >= 0 ? int256(ud(x).pow(ud(uint256(y))).unwrap()) : sd(int256(x)).pow(sd(y)).unwrap();
        g -= gasleft();
    }

    function sqrt(uint256 x) external view returns (int256 r, uint256 g) {
        g = gasleft();
        r = int256(ud(x).sqrt().unwrap());
        g -= gasleft();
    }

    function phiPow(uint256 n) external view returns (int256 r, uint256 g) {
        g = gasleft();
        r = int256(ud(PHI).powu(n).unwrap());
        g -= gasleft();
    }
}
