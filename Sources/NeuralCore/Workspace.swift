// Workspace: every buffer one forward and backward pass needs, sized once for a largest batch and
// reused for every batch after (the training step allocates nothing).

/// Activations, their gradients, and the parameter gradients of one pass over up to `capacity`
/// rows. A two-thread trainer keeps one workspace per thread.
public final class Workspace: @unchecked Sendable {
    public let capacity: Int
    /// Per layer l: z (capacity, out_l), activation (capacity, out_l), dZ and dActivation likewise.
    let z: [FloatBuffer]
    let activation: [FloatBuffer]
    let dZ: [FloatBuffer]
    let dActivation: [FloatBuffer]
    /// Softmax of the last layer (capacity, outputs); unused for mean squared error.
    let probabilities: FloatBuffer
    /// dLoss/dParameter, in the network's flat layout.
    public let gradients: FloatBuffer
    let layerSizes: [Int]

    public init(for network: Network, capacity: Int) {
        precondition(capacity > 0, "Workspace needs a positive capacity, got \(capacity)")
        self.capacity = capacity
        layerSizes = network.layerSizes
        let outs = network.layerSizes.dropFirst().map { $0 * capacity }
        z = outs.map { FloatBuffer(count: $0) }
        activation = outs.map { FloatBuffer(count: $0) }
        dZ = outs.map { FloatBuffer(count: $0) }
        dActivation = outs.map { FloatBuffer(count: $0) }
        probabilities = FloatBuffer(count: network.outputSize * capacity)
        gradients = FloatBuffer(count: network.parameterCount)
    }

    /// Layer l's weighted sums for the first `rows` rows of the last forward pass.
    public func z(_ layer: Int, rows: Int) -> MatrixView { z[layer].view(rows: rows, cols: layerSizes[layer + 1]) }
    /// Layer l's activations for the first `rows` rows of the last forward pass.
    public func activation(_ layer: Int, rows: Int) -> MatrixView {
        activation[layer].view(rows: rows, cols: layerSizes[layer + 1])
    }
    /// Softmax of the output for the first `rows` rows (after a softmax cross-entropy loss).
    public func probabilities(rows: Int) -> MatrixView { probabilities.view(rows: rows, cols: layerSizes.last!) }
    func dZ(_ layer: Int, rows: Int) -> MatrixView { dZ[layer].view(rows: rows, cols: layerSizes[layer + 1]) }
    func dActivation(_ layer: Int, rows: Int) -> MatrixView {
        dActivation[layer].view(rows: rows, cols: layerSizes[layer + 1])
    }
}
