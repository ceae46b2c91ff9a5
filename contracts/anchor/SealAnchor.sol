// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {SequencerAccess} from "../access/SequencerAccess.sol";
import {ISealAnchor} from "./ISealAnchor.sol";

/// @title SealAnchor
/// @notice Anchors CoherenceLedger and KeyLedger seal hashes, one at a time or in batches, with continuity (no gap,
/// no fork, no replay) and an optional L1 reorg guard. See {ISealAnchor} for the storage layout and its trade-off.
contract SealAnchor is SequencerAccess, ISealAnchor {
    /// @inheritdoc ISealAnchor
    uint256 public constant SEAL_BATCH_MAX = 1024;
    /// @inheritdoc ISealAnchor
    uint64 public constant FIRST_HEIGHT_MAX = 2 ** 48 - 1;

    /// @dev Head of one chain, one storage slot: every anchor reads and writes it once.
    struct ChainState {
        uint64 firstHeight;
        uint64 latestHeight;
        bool anchored;
    }

    mapping(SealChain chain => ChainState) private _states;
    /// @dev Seal hashes of singly anchored heights and of each batch's last height (the rest of a batch's hashes are
    /// in its root). So the latest height's hash, which the next anchor names as its predecessor, is always stored.
    mapping(SealChain chain => mapping(uint64 height => bytes32 sealHash)) private _sealHashes;
    /// @dev Each batch's Merkle root, by the batch's last height.
    mapping(SealChain chain => mapping(uint64 lastHeight => bytes32 root)) private _batchRoots;
    /// @dev Each batch's heights packed as `firstHeight << 64 | lastHeight` (two per slot), in height order.
    mapping(SealChain chain => uint128[] ranges) private _batchRanges;

    /// @dev HolonetSync certificates: the next height a range must start at, and whether any range is anchored.
    uint64 private _certificateNext;
    bool private _certificatesAnchored;
    /// @dev Each certificate range's root, by its last height.
    mapping(uint64 lastHeight => bytes32 root) private _certificateRoots;
    /// @dev Anchored equivocation evidence.
    mapping(bytes32 evidenceHash => bool anchored) private _evidence;

    /// @notice Deploys the anchor with its roles.
    /// @param adminDelay Seconds between beginning an admin transfer and accepting it.
    /// @param admin The account holding DEFAULT_ADMIN_ROLE (not zero, not the sequencer).
    /// @param sequencer The account holding SEQUENCER_ROLE, or zero to grant it later.
    constructor(uint48 adminDelay, address admin, address sequencer) SequencerAccess(adminDelay, admin, sequencer) {}

    /// @inheritdoc ISealAnchor
    function anchorSeal(
        SealChain chain,
        uint64 height,
        bytes32 sealHash,
        bytes32 prevSealHash,
        bytes32 l1BlockHash,
        uint256 l1BlockNumber
    ) external onlyRole(SEQUENCER_ROLE) {
        _checkL1Block(l1BlockHash, l1BlockNumber);
        uint64 firstHeight = _checkContinuity(chain, height, prevSealHash);
        if (sealHash == bytes32(0)) revert SealAnchor_ZeroSealHash(chain, height);
        _sealHashes[chain][height] = sealHash;
        _states[chain] = ChainState({firstHeight: firstHeight, latestHeight: height, anchored: true});
        emit SealAnchored(chain, height, sealHash, prevSealHash);
    }

    /// @inheritdoc ISealAnchor
    function anchorSealBatch(
        SealChain chain,
        uint64 firstHeight,
        bytes32 prevSealHash,
        bytes32[] calldata sealHashes,
        bytes32 l1BlockHash,
        uint256 l1BlockNumber
    ) external onlyRole(SEQUENCER_ROLE) {
        uint256 size = sealHashes.length;
        if (size == 0 || size > SEAL_BATCH_MAX) revert SealAnchor_BatchSizeOutOfRange(size, SEAL_BATCH_MAX);
        _checkL1Block(l1BlockHash, l1BlockNumber);
        uint64 chainFirstHeight = _checkContinuity(chain, firstHeight, prevSealHash);
        // Cannot overflow: a chain starts at most at FIRST_HEIGHT_MAX = 2^48 - 1 and grows by at most 1024 a call.
        uint64 lastHeight = firstHeight + uint64(size - 1);
        bytes32 root = _batchRoot(chain, firstHeight, sealHashes);
        _batchRoots[chain][lastHeight] = root;
        _batchRanges[chain].push((uint128(firstHeight) << 64) | lastHeight);
        _sealHashes[chain][lastHeight] = sealHashes[size - 1];
        _states[chain] = ChainState({firstHeight: chainFirstHeight, latestHeight: lastHeight, anchored: true});
        emit SealBatchAnchored(chain, firstHeight, lastHeight, prevSealHash, root, sealHashes);
    }

    /// @inheritdoc ISealAnchor
    function anchorCertificates(uint64 firstHeight, uint64 lastHeight, bytes32 root) external onlyRole(SEQUENCER_ROLE) {
        if (lastHeight < firstHeight || root == bytes32(0)) revert SealAnchor_CertificateRange(firstHeight, lastHeight);
        ChainState memory seals = _states[SealChain.Coherence];
        if (!seals.anchored || firstHeight < seals.firstHeight || lastHeight > seals.latestHeight)
            revert SealAnchor_CertificateUnsealed(lastHeight, seals.firstHeight, seals.latestHeight);
        if (_certificatesAnchored && firstHeight != _certificateNext)
            revert SealAnchor_CertificateGap(_certificateNext, firstHeight);
        _certificateRoots[lastHeight] = root;
        // lastHeight <= latestHeight, which is bounded far below 2^64 - 1 (see FIRST_HEIGHT_MAX).
        _certificateNext = lastHeight + 1;
        _certificatesAnchored = true;
        emit CertificatesAnchored(firstHeight, lastHeight, root);
    }

    /// @inheritdoc ISealAnchor
    function certificateHead() external view returns (bool anchored, uint64 nextHeight) {
        return (_certificatesAnchored, _certificateNext);
    }

    /// @inheritdoc ISealAnchor
    function certificateRootAt(uint64 lastHeight) external view returns (bytes32 root) {
        return _certificateRoots[lastHeight];
    }

    /// @inheritdoc ISealAnchor
    function anchorEvidence(bytes32 evidenceHash) external onlyRole(SEQUENCER_ROLE) {
        if (evidenceHash == bytes32(0) || _evidence[evidenceHash]) revert SealAnchor_EvidenceRejected(evidenceHash);
        _evidence[evidenceHash] = true;
        emit EvidenceAnchored(evidenceHash);
    }

    /// @inheritdoc ISealAnchor
    function isEvidenceAnchored(bytes32 evidenceHash) external view returns (bool anchored) {
        return _evidence[evidenceHash];
    }

    /// @inheritdoc ISealAnchor
    function latestAnchor(SealChain chain) external view returns (ChainHead memory head) {
        ChainState memory state = _states[chain];
        if (!state.anchored) return head;
        return
            ChainHead({
                anchored: true,
                firstHeight: state.firstHeight,
                latestHeight: state.latestHeight,
                latestSealHash: _sealHashes[chain][state.latestHeight]
            });
    }

    /// @inheritdoc ISealAnchor
    function sealHashAt(SealChain chain, uint64 height) external view returns (bytes32 sealHash) {
        return _sealHashes[chain][height];
    }

    /// @inheritdoc ISealAnchor
    function isAnchored(SealChain chain, uint64 height) public view returns (bool anchored) {
        ChainState memory state = _states[chain];
        return state.anchored && height >= state.firstHeight && height <= state.latestHeight;
    }

    /// @inheritdoc ISealAnchor
    function batchOf(SealChain chain, uint64 height) public view returns (bool found, SealBatch memory batch) {
        uint128[] storage ranges = _batchRanges[chain];
        // Ranges are in height order: binary search for the first whose last height is >= height.
        uint256 low = 0;
        uint256 high = ranges.length;
        while (low < high) {
            uint256 mid = (low + high) / 2;
            if (uint64(ranges[mid]) < height) low = mid + 1;
            else high = mid;
        }
        if (low == ranges.length) return (false, batch);
        batch = _batchAt(chain, ranges[low]);
        if (batch.firstHeight > height) return (false, SealBatch(bytes32(0), 0, 0));
        return (true, batch);
    }

    /// @inheritdoc ISealAnchor
    function batchCount(SealChain chain) external view returns (uint256 count) {
        return _batchRanges[chain].length;
    }

    /// @inheritdoc ISealAnchor
    function batchAt(SealChain chain, uint256 index) external view returns (SealBatch memory batch) {
        uint128[] storage ranges = _batchRanges[chain];
        if (index >= ranges.length) revert SealAnchor_BatchIndexOutOfRange(chain, index, ranges.length);
        return _batchAt(chain, ranges[index]);
    }

    /// @inheritdoc ISealAnchor
    function verifySeal(
        SealChain chain,
        uint64 height,
        bytes32 sealHash,
        bytes32[] calldata proof
    ) external view returns (bool valid) {
        if (sealHash == bytes32(0) || !isAnchored(chain, height)) return false;
        bytes32 stored = _sealHashes[chain][height];
        if (stored != bytes32(0)) return stored == sealHash;
        // An anchored height whose hash is not stored lies inside exactly one batch.
        (bool found, SealBatch memory batch) = batchOf(chain, height);
        return found && MerkleProof.verifyCalldata(proof, batch.root, _sealLeaf(height, sealHash));
    }

    /// @dev The batch with the packed `range`.
    function _batchAt(SealChain chain, uint128 range) private view returns (SealBatch memory batch) {
        uint64 lastHeight = uint64(range);
        return
            SealBatch({root: _batchRoots[chain][lastHeight], firstHeight: uint64(range >> 64), lastHeight: lastHeight});
    }

    /// @dev Reverts unless `l1BlockHash` is zero (no guard) or the hash of block `l1BlockNumber` on this chain.
    function _checkL1Block(bytes32 l1BlockHash, uint256 l1BlockNumber) private view {
        if (l1BlockHash == bytes32(0)) return;
        bytes32 actual = blockhash(l1BlockNumber);
        if (actual != l1BlockHash) revert SealAnchor_L1BlockHashMismatch(l1BlockNumber, l1BlockHash, actual);
    }

    /// @dev Checks that `height` continues the chain from its latest anchor (any height for the first anchor) and
    /// returns the chain's first anchored height.
    function _checkContinuity(
        SealChain chain,
        uint64 height,
        bytes32 prevSealHash
    ) private view returns (uint64 firstHeight) {
        ChainState memory state = _states[chain];
        if (!state.anchored) {
            // Bounded, so that no first anchor leaves too few heights after it: from FIRST_HEIGHT_MAX, 2^64 - 1 is
            // more than 2^53 batches away.
            if (height > FIRST_HEIGHT_MAX) revert SealAnchor_HeightOutOfRange(chain, height, FIRST_HEIGHT_MAX);
            return height;
        }
        if (height <= state.latestHeight) revert SealAnchor_Replay(chain, height, state.latestHeight);
        // height > latestHeight, so latestHeight + 1 cannot overflow.
        unchecked {
            if (height != state.latestHeight + 1) revert SealAnchor_Gap(chain, state.latestHeight + 1, height);
        }
        bytes32 latestSealHash = _sealHashes[chain][state.latestHeight];
        if (prevSealHash != latestSealHash) revert SealAnchor_Fork(chain, height, latestSealHash, prevSealHash);
        return state.firstHeight;
    }

    /// @dev The Merkle root of a batch, built like OpenZeppelin merkle-tree's `makeMerkleTree` with unsorted leaves:
    /// a complete binary tree in an array of 2n - 1 nodes, leaf i at index 2n - 2 - i, node j = hash(2j + 1, 2j + 2).
    function _batchRoot(
        SealChain chain,
        uint64 firstHeight,
        bytes32[] calldata sealHashes
    ) private pure returns (bytes32 root) {
        uint256 size = sealHashes.length;
        bytes32[] memory tree = new bytes32[](2 * size - 1);
        // Index arithmetic cannot overflow: size <= SEAL_BATCH_MAX, and firstHeight + i <= lastHeight, which was
        // computed with overflow checks. Every index is below 2 * size - 1 by construction.
        unchecked {
            uint256 leafBase = 2 * size - 2;
            for (uint256 i = 0; i < size; ++i) {
                bytes32 sealHash = sealHashes[i];
                uint64 height = firstHeight + uint64(i);
                if (sealHash == bytes32(0)) revert SealAnchor_ZeroSealHash(chain, height);
                tree[leafBase - i] = _sealLeaf(height, sealHash);
            }
            for (uint256 k = size - 1; k > 0; --k) {
                tree[k - 1] = Hashes.commutativeKeccak256(tree[2 * k - 1], tree[2 * k]);
            }
        }
        return tree[0];
    }

    /// @dev The StandardMerkleTree leaf of `(uint64 height, bytes32 sealHash)`:
    /// `keccak256(bytes.concat(keccak256(abi.encode(height, sealHash))))`, computed in scratch space.
    function _sealLeaf(uint64 height, bytes32 sealHash) private pure returns (bytes32 leaf) {
        assembly ("memory-safe") {
            mstore(0x00, and(height, 0xffffffffffffffff))
            mstore(0x20, sealHash)
            mstore(0x00, keccak256(0x00, 0x40))
            leaf := keccak256(0x00, 0x20)
        }
    }
}
