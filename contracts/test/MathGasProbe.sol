// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {UD128x18, SD128x18} from "../math/ValueTypes.sol";
import "../math/UD128x18.sol" as UD;
import "../math/SD128x18.sol" as SD;

/// @title MathGasProbe
/// @notice Benchmark-only: each function returns the result of one math function and the gas it used alone
/// (measured with gasleft() around the internal call, so call and ABI overhead are excluded).
contract MathGasProbe {
    function ln(uint128 x) external view returns (int256 r, uint256 g) {
        g = gasleft();
        r = SD128x18.unwrap(UD.ln(UD128x18.wrap(x)));
        g -= gasleft();
    }

    function log2(uint128 x) external view returns (int256 r, uint256 g) {
        g = gasleft();
        r = SD128x18.unwrap(UD.log2(UD128x18.wrap(x)));
        g -= gasleft();
    }

    function exp(int128 x) external view returns (int256 r, uint256 g) {
        g = gasleft();
        r = int256(uint256(UD128x18.unwrap(SD.exp(SD128x18.wrap(x)))));
        g -= gasleft();
    }

    function exp2(int128 x) external view returns (int256 r, uint256 g) {
        g = gasleft();
        r = int256(uint256(UD128x18.unwrap(SD.exp2(SD128x18.wrap(x)))));
        g -= gasleft();
    }

    function pow(uint128 x, int128 y) external view returns (int256 r, uint256 g) {
        g = gasleft();
        r = int256(uint256(UD128x18.unwrap(UD.pow(UD128x18.wrap(x), SD128x18.wrap(y)))));
        g -= gasleft();
    }

    function sqrt(uint128 x) external view returns (int256 r, uint256 g) {
        g = gasleft();
        r = int256(uint256(UD128x18.unwrap(UD.sqrt(UD128x18.wrap(x)))));
        g -= gasleft();
    }

    function phiPow(uint256 n) external view returns (int256 r, uint256 g) {
        g = gasleft();
        r = int256(uint256(UD128x18.unwrap(UD.phiPow(n))));
        g -= gasleft();
    }
}
