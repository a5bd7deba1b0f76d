// Mini-batches: a seeded shuffle of the example indices each epoch, cut into batches of a fixed
// size; the last, smaller batch is kept (no example is skipped).

/// The order in which an epoch visits the examples, and its batches as index ranges.
public struct MiniBatches: Sendable {
    public let exampleCount: Int
    public let batchSize: Int
    /// This epoch's order: a permutation of 0..<exampleCount (Int32 to halve its footprint).
    public private(set) var order: [Int32]
    private var random: SeededRandom
    private let shuffles: Bool

    /// `shuffle: false` visits the examples in their stored order every epoch (full-batch lessons).
    public init(exampleCount: Int, batchSize: Int, seed: UInt64, shuffle: Bool = true) {
        precondition(
            exampleCount > 0 && batchSize > 0,
            "MiniBatches needs examples and a positive batch size, got \(exampleCount), \(batchSize)")
        self.exampleCount = exampleCount
        self.batchSize = batchSize
        self.order = (0..<exampleCount).map { Int32($0) }
        self.random = SeededRandom(seed: seed)
        self.shuffles = shuffle
    }

    /// Batches per epoch, counting the last partial one.
    public var batchCount: Int { (exampleCount + batchSize - 1) / batchSize }

    /// Starts a new epoch: reshuffles `order` (when shuffling). Call before each epoch.
    public mutating func startEpoch() {
        if shuffles { random.shuffle(&order) }
    }

    /// Positions in `order` of batch `b`; the last batch may be shorter.
    public func range(ofBatch b: Int) -> Range<Int> {
        precondition(b >= 0 && b < batchCount, "Batch \(b) outside 0..<\(batchCount)")
        return (b * batchSize)..<Swift.min((b + 1) * batchSize, exampleCount)
    }

    /// The example indices of batch `b` (a slice: no copy).
    public func indices(ofBatch b: Int) -> ArraySlice<Int32> { order[range(ofBatch: b)] }
}
