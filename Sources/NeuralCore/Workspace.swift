// Workspace: every buffer one forward and backward pass needs, sized once for a largest batch and
// reused for every batch after (the training step allocates nothing). A shard of a workspace sees
// a band of its rows, so two threads can each run their half of one batch in the same buffers.

/// Activations and their gradients for up to `capacity` rows, plus the parameter gradients.
public final class Workspace: @unchecked Sendable {
    public let capacity: Int
    let layerSizes: [Int]
    /// Per layer l, row-major with out_l columns: z, activation, dZ and dActivation. Pointers into
    /// `storage` (or into a parent workspace's storage, for a shard).
    private let zBase: [UnsafeMutablePointer<Float>]
    private let activationBase: [UnsafeMutablePointer<Float>]
    private let dZBase: [UnsafeMutablePointer<Float>]
    private let dActivationBase: [UnsafeMutablePointer<Float>]
    /// Softmax of the last layer (capacity, outputs); unused for mean squared error.
    private let probabilitiesBase: UnsafeMutablePointer<Float>
    /// dLoss/dParameter, in the network's flat layout.
    public let gradients: FloatBuffer
    /// Keeps the buffers alive: this workspace's own, or its parent's.
    private let storage: [FloatBuffer]

    public init(for network: Network, capacity: Int) {
        precondition(capacity > 0, "Workspace needs a positive capacity, got \(capacity)")
        self.capacity = capacity
        layerSizes = network.layerSizes
        let sizes = network.layerSizes.dropFirst().map { $0 * capacity }
        let buffers = (0..<4).map { _ in sizes.map { FloatBuffer(count: $0) } }
        zBase = buffers[0].map(\.base)
        activationBase = buffers[1].map(\.base)
        dZBase = buffers[2].map(\.base)
        dActivationBase = buffers[3].map(\.base)
        let probabilities = FloatBuffer(count: network.outputSize * capacity)
        probabilitiesBase = probabilities.base
        gradients = FloatBuffer(count: network.parameterCount)
        storage = buffers.flatMap { $0 } + [probabilities, gradients]
    }

    /// A workspace over rows `rows` of `parent`: what it writes lands in those rows of the parent.
    /// Its parameter gradients are the parent's too (the two-thread trainer does not use them).
    public init(shardOf parent: Workspace, rows: Range<Int>) {
        precondition(
            rows.lowerBound >= 0 && rows.upperBound <= parent.capacity && !rows.isEmpty,
            "Workspace shard \(rows) outside 0..<\(parent.capacity)")
        capacity = rows.count
        layerSizes = parent.layerSizes
        let offsets = layerSizes.dropFirst().map { $0 * rows.lowerBound }
        zBase = zip(parent.zBase, offsets).map { $0 + $1 }
        activationBase = zip(parent.activationBase, offsets).map { $0 + $1 }
        dZBase = zip(parent.dZBase, offsets).map { $0 + $1 }
        dActivationBase = zip(parent.dActivationBase, offsets).map { $0 + $1 }
        probabilitiesBase = parent.probabilitiesBase + layerSizes.last! * rows.lowerBound
        gradients = parent.gradients
        storage = parent.storage
    }

    private func view(_ base: UnsafeMutablePointer<Float>, _ layer: Int, _ rows: Int) -> MatrixView {
        precondition(rows >= 0 && rows <= capacity, "Workspace: \(rows) rows exceed its capacity \(capacity)")
        return MatrixView(rows: rows, cols: layerSizes[layer + 1], base: base)
    }

    /// Layer l's weighted sums for the first `rows` rows of the last forward pass.
    public func z(_ layer: Int, rows: Int) -> MatrixView { view(zBase[layer], layer, rows) }
    /// Layer l's activations for the first `rows` rows of the last forward pass.
    public func activation(_ layer: Int, rows: Int) -> MatrixView { view(activationBase[layer], layer, rows) }
    /// Softmax of the output for the first `rows` rows (after a softmax cross-entropy loss).
    public func probabilities(rows: Int) -> MatrixView { view(probabilitiesBase, layerSizes.count - 2, rows) }
    /// dLoss/dz of layer l for the first `rows` rows of the last backward pass.
    public func dZ(_ layer: Int, rows: Int) -> MatrixView { view(dZBase[layer], layer, rows) }
    func dActivation(_ layer: Int, rows: Int) -> MatrixView { view(dActivationBase[layer], layer, rows) }
}
