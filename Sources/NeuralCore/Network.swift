// Network: a sequential multilayer perceptron built from a list of layer sizes. Its parameters
// live in one flat buffer (weights then bias, layer by layer), so optimisers, gradient checks and
// the two training threads all work on plain index ranges.

/// How to draw the initial weights. Biases start at zero either way.
public enum Initialization: String, Sendable, CaseIterable {
    /// Normal with standard deviation sqrt(2 / fanIn): keeps ReLU activations from shrinking.
    case he
    /// Uniform in ±sqrt(6 / (fanIn + fanOut)): keeps sigmoid/identity layers' variance level.
    case xavier
}

/// A multilayer perceptron: `layerSizes` [784, 128, 10] means two dense layers, 784->128->10.
public final class Network: @unchecked Sendable {
    /// Sizes from input to output; a network has `layerSizes.count - 1` layers.
    public let layerSizes: [Int]
    /// The activation after each layer (ReLU for hidden layers, identity on the output usually).
    public let activations: [Activation]
    /// Every weight and bias: layer l's weights (in, out) row-major at `weightOffsets[l]`, then
    /// its bias (out) at `biasOffsets[l]`.
    public let parameters: FloatBuffer
    public let weightOffsets: [Int]
    public let biasOffsets: [Int]

    public var layerCount: Int { layerSizes.count - 1 }
    public var inputSize: Int { layerSizes[0] }
    public var outputSize: Int { layerSizes[layerSizes.count - 1] }
    public var parameterCount: Int { parameters.count }

    /// A network with the given activation after each layer; all parameters zero.
    public init(layerSizes: [Int], activations: [Activation]) {
        precondition(
            layerSizes.count >= 2 && layerSizes.allSatisfy { $0 > 0 },
            "Network needs at least two positive layer sizes, got \(layerSizes)")
        precondition(
            activations.count == layerSizes.count - 1,
            "Network \(layerSizes) needs \(layerSizes.count - 1) activations, got \(activations.count)")
        self.layerSizes = layerSizes
        self.activations = activations
        var weightOffsets: [Int] = [], biasOffsets: [Int] = []
        var offset = 0
        for l in 0..<(layerSizes.count - 1) {
            weightOffsets.append(offset)
            offset += layerSizes[l] * layerSizes[l + 1]
            biasOffsets.append(offset)
            offset += layerSizes[l + 1]
        }
        self.weightOffsets = weightOffsets
        self.biasOffsets = biasOffsets
        self.parameters = FloatBuffer(count: offset)
    }

    /// The usual classifier or regressor: `hidden` after every layer but the last, `output` there.
    public convenience init(layerSizes: [Int], hidden: Activation = .relu, output: Activation = .identity) {
        self.init(
            layerSizes: layerSizes,
            activations: Array(repeating: hidden, count: layerSizes.count - 2) + [output])
    }

    /// Layer l's weights, (inputs, outputs) row-major: column j holds neuron j's weights.
    public func weights(_ layer: Int) -> MatrixView {
        parameters.view(offset: weightOffsets[layer], rows: layerSizes[layer], cols: layerSizes[layer + 1])
    }

    /// Layer l's bias, 1 x outputs.
    public func bias(_ layer: Int) -> MatrixView {
        parameters.view(offset: biasOffsets[layer], rows: 1, cols: layerSizes[layer + 1])
    }

    /// Sets layer l's weights and bias (a lesson's hand-picked numbers).
    public func setLayer(_ layer: Int, weights: Matrix, bias: [Float]) {
        let w = self.weights(layer), b = self.bias(layer)
        precondition(
            weights.rows == w.rows && weights.cols == w.cols,
            "setLayer \(layer): weights are \(weights.rows)x\(weights.cols), the layer needs \(w.rows)x\(w.cols)")
        precondition(
            bias.count == b.cols, "setLayer \(layer): bias has \(bias.count) values, the layer needs \(b.cols)")
        weights.withView { w.copy(from: $0) }
        for j in 0..<bias.count { b.base[j] = bias[j] }
    }

    /// Draws fresh weights with `scheme` from `random`, layer by layer; biases become zero.
    public func initialize(_ scheme: Initialization, random: inout SeededRandom) {
        for l in 0..<layerCount {
            let w = weights(l)
            let fanIn = Float(layerSizes[l]), fanOut = Float(layerSizes[l + 1])
            switch scheme {
            case .he:
                let deviation = (2 / fanIn).squareRoot()
                for i in 0..<w.count { w.base[i] = deviation * random.normal() }
            case .xavier:
                let limit = (6 / (fanIn + fanOut)).squareRoot()
                for i in 0..<w.count { w.base[i] = random.uniform(-limit, limit) }
            }
            bias(l).fill(0)
        }
    }

    /// An independent copy with the same parameters.
    public func copy() -> Network {
        let twin = Network(layerSizes: layerSizes, activations: activations)
        twin.parameters.base.update(from: parameters.base, count: parameterCount)
        return twin
    }

    /// What a flat parameter index is, for traces and gradient tables: ("w2", [k, j]) or ("b1", [j]).
    public func parameterName(at flatIndex: Int) -> (param: String, index: [Int]) {
        precondition(
            flatIndex >= 0 && flatIndex < parameterCount, "Parameter \(flatIndex) outside 0..<\(parameterCount)")
        for l in stride(from: layerCount - 1, through: 0, by: -1) {
            let names = DenseNames(layer: l, layerCount: layerCount)
            if flatIndex >= biasOffsets[l] { return (names.bias, [flatIndex - biasOffsets[l]]) }
            if flatIndex >= weightOffsets[l] {
                let local = flatIndex - weightOffsets[l]
                let outputs = layerSizes[l + 1]
                return (names.weights, [local / outputs, local % outputs])
            }
        }
        preconditionFailure("unreachable: offsets start at 0")
    }
}
