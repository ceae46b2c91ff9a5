// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ISequencerAccess} from "../access/ISequencerAccess.sol";

/// @title ISealAnchor
/// @notice Anchors the seal hashes of the two hash-chained ledgers, CoherenceLedger and KeyLedger, as two independent
/// chains of consecutive heights. Every anchor names its predecessor, so a gap, a fork or a replay is rejected, and
/// may name an L1 block it was built on, so that it cannot land on a reorganised chain (OP's L2OutputOracle pattern).
/// @dev Heights: the first anchor of a chain chooses its height, at most FIRST_HEIGHT_MAX (a ledger can be anchored
/// from any point, e.g. after a redeployment), and its previous seal hash is recorded but not checked; from then on
/// heights are dense. The bound means no anchor can leave the chain without a next height: from FIRST_HEIGHT_MAX,
/// reaching 2^64 - 1 takes more than 2^53 full batches.
/// Storage: a single anchor stores its seal hash by height (one new slot: the 60,000-gas budget); a batch stores a
/// Merkle root over its seals, its height range and its last seal hash (see {anchorSealBatch}); any other height of a
/// batch is verified with {verifySeal} and a proof. Every seal hash is in the anchor's event, so proofs can be rebuilt
/// from logs alone. The token and the allocation registry accept only seals whose hash {sealHashAt} returns.
interface ISealAnchor is ISequencerAccess {
    /// @notice The two anchored ledgers.
    enum SealChain {
        Coherence,
        Key
    }

    /// @notice The anchored head of one chain.
    /// @param anchored False until the first anchor of this chain.
    /// @param firstHeight The height of the first anchored seal.
    /// @param latestHeight The height of the latest anchored seal.
    /// @param latestSealHash The seal hash at latestHeight.
    struct ChainHead {
        bool anchored;
        uint64 firstHeight;
        uint64 latestHeight;
        bytes32 latestSealHash;
    }

    /// @notice A batch of consecutive seals anchored in one transaction.
    /// @param root The Merkle root of the batch (leaves `(uint64 height, bytes32 sealHash)`, see {anchorSealBatch}).
    /// @param firstHeight The height of the batch's first seal.
    /// @param lastHeight The height of the batch's last seal.
    struct SealBatch {
        bytes32 root;
        uint64 firstHeight;
        uint64 lastHeight;
    }

    /// @notice Thrown when an anchor's height is above the next height (seals in between are missing).
    /// @param chain The ledger.
    /// @param expectedHeight The next height (latest + 1).
    /// @param height The anchor's (or batch's first) height.
    error SealAnchor_Gap(SealChain chain, uint64 expectedHeight, uint64 height);

    /// @notice Thrown when an anchor's height is already anchored (at or below the latest height).
    /// @param chain The ledger.
    /// @param height The anchor's (or batch's first) height.
    /// @param latestHeight The latest anchored height.
    error SealAnchor_Replay(SealChain chain, uint64 height, uint64 latestHeight);

    /// @notice Thrown when an anchor's previous seal hash is not the latest anchored seal hash.
    /// @param chain The ledger.
    /// @param height The anchor's (or batch's first) height.
    /// @param expectedPrevSealHash The latest anchored seal hash.
    /// @param prevSealHash The previous seal hash the anchor named.
    error SealAnchor_Fork(SealChain chain, uint64 height, bytes32 expectedPrevSealHash, bytes32 prevSealHash);

    /// @notice Thrown when a seal hash is zero (zero marks "not stored").
    /// @param chain The ledger.
    /// @param height The height of the zero seal hash.
    error SealAnchor_ZeroSealHash(SealChain chain, uint64 height);

    /// @notice Thrown when the expected L1 block hash is not the hash of that block on this chain (a reorg happened,
    /// or the block is in the future or more than 256 blocks old, where `blockhash` is zero).
    /// @param l1BlockNumber The block number the anchor was built on.
    /// @param expectedBlockHash The block hash the anchor expected.
    /// @param actualBlockHash `blockhash(l1BlockNumber)` at execution.
    error SealAnchor_L1BlockHashMismatch(uint256 l1BlockNumber, bytes32 expectedBlockHash, bytes32 actualBlockHash);

    /// @notice Thrown when a chain's first anchor (single or batch) is above FIRST_HEIGHT_MAX.
    /// @param chain The ledger.
    /// @param height The first anchor's height.
    /// @param max FIRST_HEIGHT_MAX.
    error SealAnchor_HeightOutOfRange(SealChain chain, uint64 height, uint64 max);

    /// @notice Thrown by {batchAt} for a position at or past batchCount.
    /// @param chain The ledger.
    /// @param index The position asked for.
    /// @param count The number of batches.
    error SealAnchor_BatchIndexOutOfRange(SealChain chain, uint256 index, uint256 count);

    /// @notice Thrown when a batch is empty or larger than SEAL_BATCH_MAX.
    /// @param size The number of seals in the batch.
    /// @param max SEAL_BATCH_MAX.
    error SealAnchor_BatchSizeOutOfRange(uint256 size, uint256 max);

    /// @notice Thrown when a certificate range does not start where the anchored certificates end.
    /// @param expectedFirstHeight The next certificate height.
    /// @param firstHeight The range's first height.
    error SealAnchor_CertificateGap(uint64 expectedFirstHeight, uint64 firstHeight);

    /// @notice Thrown when a certificate range is empty (last before first) or its root is zero.
    /// @param firstHeight The range's first height.
    /// @param lastHeight The range's last height.
    error SealAnchor_CertificateRange(uint64 firstHeight, uint64 lastHeight);

    /// @notice Thrown when certificates are anchored for heights whose coherence seals are not anchored.
    /// @param lastHeight The range's last height.
    /// @param firstSealHeight The first anchored coherence height (ranges cannot start before it).
    /// @param latestSealHeight The latest anchored coherence height (or zero with none).
    error SealAnchor_CertificateUnsealed(uint64 lastHeight, uint64 firstSealHeight, uint64 latestSealHeight);

    /// @notice Thrown when an equivocation evidence hash is zero or anchored already.
    /// @param evidenceHash The hash.
    error SealAnchor_EvidenceRejected(bytes32 evidenceHash);

    /// @notice Emitted when one seal is anchored.
    /// @param chain The ledger.
    /// @param height The seal's height.
    /// @param sealHash The seal hash.
    /// @param prevSealHash The previous seal hash the anchor named.
    event SealAnchored(SealChain indexed chain, uint64 indexed height, bytes32 sealHash, bytes32 prevSealHash);

    /// @notice Emitted when a batch of consecutive seals is anchored. The log carries every seal hash, so anyone can
    /// rebuild the batch's Merkle tree from logs alone and produce a proof for any height.
    /// @param chain The ledger.
    /// @param firstHeight The height of the first seal.
    /// @param lastHeight The height of the last seal.
    /// @param prevSealHash The seal hash before firstHeight the batch named.
    /// @param root The Merkle root over the batch's `(height, sealHash)` leaves.
    /// @param sealHashes The seal hashes, heights firstHeight..lastHeight in order.
    event SealBatchAnchored(
        SealChain indexed chain,
        uint64 indexed firstHeight,
        uint64 indexed lastHeight,
        bytes32 prevSealHash,
        bytes32 root,
        bytes32[] sealHashes
    );

    /// @notice Emitted when HolonetSync's quorum certificates of consecutive coherence heights are anchored.
    /// @param firstHeight The first height of the range.
    /// @param lastHeight The last height of the range.
    /// @param root The SHA-256 Merkle root (runtime/codec/merkle.ts) of the certificates' hashes, in height order.
    event CertificatesAnchored(uint64 indexed firstHeight, uint64 indexed lastHeight, bytes32 root);

    /// @notice Emitted when the hash of equivocation evidence (two validly signed seals or packets for one height)
    /// is anchored: proof against the sequencer key, kept on-chain.
    /// @param evidenceHash The evidence's hash (docs/sync.md).
    event EvidenceAnchored(bytes32 indexed evidenceHash);

    /// @notice Anchors one seal.
    /// @dev Requirements: the caller has SEQUENCER_ROLE; if `l1BlockHash` is not zero, `blockhash(l1BlockNumber)`
    /// equals it (SealAnchor_L1BlockHashMismatch); `height` is latest + 1 (SealAnchor_Gap above, SealAnchor_Replay at
    /// or below) and `prevSealHash` is the latest seal hash (SealAnchor_Fork), unless this is the chain's first
    /// anchor, whose height is at most FIRST_HEIGHT_MAX (SealAnchor_HeightOutOfRange); `sealHash` is not zero.
    /// Emits {SealAnchored}.
    /// @param chain The ledger.
    /// @param height The seal's height.
    /// @param sealHash The seal hash (SHA-256 of the seal's canonical bytes).
    /// @param prevSealHash The seal hash at height - 1.
    /// @param l1BlockHash The hash of a block the sequencer observed when building the anchor, or zero for no guard.
    /// @param l1BlockNumber That block's number (ignored when `l1BlockHash` is zero).
    function anchorSeal(
        SealChain chain,
        uint64 height,
        bytes32 sealHash,
        bytes32 prevSealHash,
        bytes32 l1BlockHash,
        uint256 l1BlockNumber
    ) external;

    /// @notice Anchors consecutive seals `firstHeight .. firstHeight + sealHashes.length - 1` in one transaction.
    /// @dev Same requirements as {anchorSeal} for the first seal, plus 1 <= sealHashes.length <= SEAL_BATCH_MAX and no
    /// zero seal hash. Stores the batch (root, first and last height) and its last seal hash by its height (the next
    /// anchor names it as its predecessor). The root is computed on-chain: leaf i is
    /// `keccak256(bytes.concat(keccak256(abi.encode(uint64 firstHeight + i, sealHashes[i]))))`, the tree is
    /// OpenZeppelin merkle-tree's (`StandardMerkleTree.of(leaves, ["uint64", "bytes32"], {sortLeaves: false})`),
    /// so proofs for {verifySeal} come straight from that library. Emits {SealBatchAnchored}.
    /// @param chain The ledger.
    /// @param firstHeight The height of the first seal.
    /// @param prevSealHash The seal hash at firstHeight - 1.
    /// @param sealHashes The seal hashes, in height order.
    /// @param l1BlockHash The hash of a block the sequencer observed when building the anchor, or zero for no guard.
    /// @param l1BlockNumber That block's number (ignored when `l1BlockHash` is zero).
    function anchorSealBatch(
        SealChain chain,
        uint64 firstHeight,
        bytes32 prevSealHash,
        bytes32[] calldata sealHashes,
        bytes32 l1BlockHash,
        uint256 l1BlockNumber
    ) external;

    /// @notice The anchored head of a chain (`anchored` is false before its first anchor).
    /// @param chain The ledger.
    /// @return head The head.
    function latestAnchor(SealChain chain) external view returns (ChainHead memory head);

    /// @notice The seal hash of a singly anchored height or of a batch's last height; zero for any other height of a
    /// batch (use {verifySeal} with a proof) or a height not anchored.
    /// @param chain The ledger.
    /// @param height The height.
    /// @return sealHash The stored seal hash, or zero.
    function sealHashAt(SealChain chain, uint64 height) external view returns (bytes32 sealHash);

    /// @notice Whether `height` has been anchored (directly or inside a batch).
    /// @param chain The ledger.
    /// @param height The height.
    /// @return anchored True when firstHeight <= height <= latestHeight.
    function isAnchored(SealChain chain, uint64 height) external view returns (bool anchored);

    /// @notice The batch that anchored `height`, if a batch did.
    /// @param chain The ledger.
    /// @param height The height.
    /// @return found True when a batch covers the height.
    /// @return batch The batch (zero when not found).
    function batchOf(SealChain chain, uint64 height) external view returns (bool found, SealBatch memory batch);

    /// @notice The number of batches anchored on a chain.
    /// @param chain The ledger.
    /// @return count The count.
    function batchCount(SealChain chain) external view returns (uint256 count);

    /// @notice The batch at a position (in anchoring order).
    /// @dev Reverts with SealAnchor_BatchIndexOutOfRange at or past batchCount.
    /// @param chain The ledger.
    /// @param index The position, below batchCount.
    /// @return batch The batch.
    function batchAt(SealChain chain, uint256 index) external view returns (SealBatch memory batch);

    /// @notice Whether `sealHash` is the anchored seal hash at `height`.
    /// @dev For a singly anchored height the proof is ignored; for a height anchored in a batch, `proof` is the
    /// merkle-tree library's proof of the leaf `(height, sealHash)` in that batch. Returns false (never reverts) for
    /// an unanchored height, a wrong hash or a wrong proof.
    /// @param chain The ledger.
    /// @param height The height.
    /// @param sealHash The seal hash to check.
    /// @param proof The Merkle proof (empty for a singly anchored height).
    /// @return valid True when the seal hash is the anchored one.
    function verifySeal(
        SealChain chain,
        uint64 height,
        bytes32 sealHash,
        bytes32[] calldata proof
    ) external view returns (bool valid);

    /// @notice Anchors the Merkle root of HolonetSync's quorum certificates for coherence heights firstHeight..
    /// lastHeight, each of which k replicas named on the KeyLedger re-executed and cosigned.
    /// @dev Requirements: the caller has SEQUENCER_ROLE; `firstHeight <= lastHeight` and `root` is not zero
    /// (SealAnchor_CertificateRange); the range starts where the anchored certificates end, or at any height of the
    /// anchored coherence chain for the first range (SealAnchor_CertificateGap); its seals are anchored
    /// (SealAnchor_CertificateUnsealed). Emits {CertificatesAnchored}.
    /// @param firstHeight The first height.
    /// @param lastHeight The last height.
    /// @param root The Merkle root of the certificate hashes.
    function anchorCertificates(uint64 firstHeight, uint64 lastHeight, bytes32 root) external;

    /// @notice The next height whose certificate range may start (its first range's start once anchored).
    /// @return anchored False before the first range.
    /// @return nextHeight The height after the last anchored range.
    function certificateHead() external view returns (bool anchored, uint64 nextHeight);

    /// @notice The certificate root of the range ending at `lastHeight`.
    /// @param lastHeight The range's last height.
    /// @return root The root, or zero if no range ends there.
    function certificateRootAt(uint64 lastHeight) external view returns (bytes32 root);

    /// @notice Anchors the hash of equivocation evidence against the sequencer key.
    /// @dev Requirements: the caller has SEQUENCER_ROLE; the hash is neither zero nor anchored already
    /// (SealAnchor_EvidenceRejected). Emits {EvidenceAnchored}.
    /// @param evidenceHash The evidence's hash.
    function anchorEvidence(bytes32 evidenceHash) external;

    /// @notice Whether `evidenceHash` is anchored.
    /// @param evidenceHash The evidence's hash.
    /// @return anchored True once anchored.
    function isEvidenceAnchored(bytes32 evidenceHash) external view returns (bool anchored);

    /// @notice The most seals one batch may carry (bounds the on-chain tree: memory and gas).
    /// @return max The bound.
    function SEAL_BATCH_MAX() external view returns (uint256 max);

    /// @notice The highest height a chain's first anchor may have: 2^48 - 1.
    /// @return max The bound.
    function FIRST_HEIGHT_MAX() external view returns (uint64 max);
}
