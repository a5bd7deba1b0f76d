// The dense (fully connected) layer: z = input * weights + bias, then backward. The fast path is
// sgemm plus a bias add; the traced twin spells out every product and sum for the lessons.

/// Names a dense layer uses in traces: "x"/"w"/"b"/"z" for a one-layer network, "a1"/"w2"/"b2"/"z2"
/// for layer 2 of several.
public struct DenseNames: Sendable {
    public var input: String
    public var weights: String
    public var bias: String
    public var z: String
    public var activation: String

    public init(layer: Int, layerCount: Int) {
        let suffix = layerCount == 1 ? "" : String(layer + 1)
        input = layer == 0 ? "x" : "a\(layer)"
        weights = "w" + suffix
        bias = "b" + suffix
        z = "z" + suffix
        activation = layerCount == 1 ? "a" : "a" + String(layer + 1)
    }
}

/// Forward of a dense layer: z (rows, out) = input (rows, in) * weights (in, out) + bias (1, out).
///
/// The tracer only watches: z is computed by `kernel` either way, so a traced run and a silent
/// one give the same bits. A tracer that wants elements then gets each product x_k*w_kj and
/// each weighted sum with its numbers.
@inlinable
public func denseForward<T: Tracer>(
    z: MatrixView, input: MatrixView, weights: MatrixView, bias: MatrixView,
    kernel: ProductKernel, names: DenseNames, layer: Int, tracer: T
) {
    precondition(
        weights.rows == input.cols && weights.cols == z.cols && z.rows == input.rows && bias.cols == z.cols,
        "denseForward: input \(input.rows)x\(input.cols), weights \(weights.rows)x\(weights.cols), bias \(bias.rows)x\(bias.cols), z \(z.rows)x\(z.cols)"
    )
    matrixProduct(z, input, weights, kernel: kernel)
    addBias(z, bias)
    guard tracer.isRecording else { return }
    if tracer.recordsElements(count: input.rows * weights.count) {
        recordDenseForward(z: z, input: input, weights: weights, bias: bias, names: names, layer: layer, tracer: tracer)
    } else {
        tracer.record(
            TraceStep(
                "z", label: "\(names.z) = \(names.input)*\(names.weights) + \(names.bias)",
                value: .matrix(z.toMatrix()), layer: layer))
    }
}

/// Records every product and every weighted sum of a dense forward pass that has just run.
public func recordDenseForward<T: Tracer>(
    z: MatrixView, input: MatrixView, weights: MatrixView, bias: MatrixView,
    names: DenseNames, layer: Int, tracer: T
) {
    let rows = input.rows, inputs = input.cols, outputs = weights.cols
    for i in 0..<rows {
        for j in 0..<outputs {
            var terms: [String] = []
            for k in 0..<inputs {
                let x = TraceName.element(names.input, [i, k], sizes: [rows, inputs])
                let w = TraceName.element(names.weights, [k, j], sizes: [inputs, outputs])
                let arithmetic = "\(TraceNumber.operand(input[i, k]))*\(TraceNumber.operand(weights[k, j]))"
                terms.append(arithmetic)
                tracer.record(
                    TraceStep(
                        "product", label: "\(x)*\(w)", value: .scalar(input[i, k] * weights[k, j]),
                        formula: arithmetic, index: index(i, j, k, rows, outputs), layer: layer))
            }
            let b = TraceName.element(names.bias, [j], sizes: [outputs])
            tracer.record(
                TraceStep(
                    "z", label: TraceName.element(names.z, [i, j], sizes: [rows, outputs]),
                    value: .scalar(z[i, j]),
                    formula: TraceNumber.sum(terms + [TraceNumber.operand(bias[0, j])]) + "  (products + \(b))",
                    index: index(i, j, nil, rows, outputs), layer: layer))
        }
    }
}

/// Trace index of an element: sample and neuron only when there are several of them.
@usableFromInline
func index(_ i: Int, _ j: Int, _ k: Int?, _ rows: Int, _ outputs: Int) -> [Int] {
    var result: [Int] = []
    if rows > 1 { result.append(i) }
    if outputs > 1 { result.append(j) }
    if let k { result.append(k) }
    return result
}

/// Backward of a dense layer. Given dZ (rows, out): dWeights (in, out) = input^T * dZ,
/// dBias (1, out) = column sums of dZ, and dInput (rows, in) = dZ * weights^T unless `nil`
/// (the first layer has no use for it).
@inlinable
public func denseBackward<T: Tracer>(
    dWeights: MatrixView, dBias: MatrixView, dInput: MatrixView?,
    dZ: MatrixView, input: MatrixView, weights: MatrixView,
    kernel: ProductKernel, names: DenseNames, layer: Int, tracer: T
) {
    matrixProductBackward(dA: dInput, dB: dWeights, dOut: dZ, a: input, b: weights, kernel: kernel)
    addBiasBackward(dBias: dBias, dZ: dZ)
    guard tracer.isRecording else { return }
    let rows = input.rows, inputs = input.cols, outputs = weights.cols
    if tracer.recordsElements(count: rows * weights.count) {
        for k in 0..<inputs {
            for j in 0..<outputs {
                let terms = (0..<rows).map { i in "\(TraceNumber.operand(input[i, k]))*\(TraceNumber.operand(dZ[i, j]))"
                }
                tracer.record(
                    TraceStep(
                        "gradient_backprop",
                        label: "dL/d" + TraceName.element(names.weights, [k, j], sizes: [inputs, outputs]),
                        value: .scalar(dWeights[k, j]),
                        formula: TraceNumber.sum(terms) + "  (\(names.input)*dL/d\(names.z))",
                        index: outputs > 1 ? [k, j] : [k], param: names.weights, layer: layer))
            }
        }
        for j in 0..<outputs {
            let terms = (0..<rows).map { i in TraceNumber.format(dZ[i, j]) }
            tracer.record(
                TraceStep(
                    "gradient_backprop",
                    label: "dL/d" + TraceName.element(names.bias, [j], sizes: [outputs]),
                    value: .scalar(dBias[0, j]), formula: TraceNumber.sum(terms) + "  (sum of dL/d\(names.z))",
                    index: [j], param: names.bias, layer: layer))
        }
        if let dInput {
            for i in 0..<rows {
                for k in 0..<inputs {
                    let terms = (0..<outputs).map { j in
                        "\(TraceNumber.operand(dZ[i, j]))*\(TraceNumber.operand(weights[k, j]))"
                    }
                    tracer.record(
                        TraceStep(
                            "d_input",
                            label: "dL/d" + TraceName.element(names.input, [i, k], sizes: [rows, inputs]),
                            value: .scalar(dInput[i, k]),
                            formula: TraceNumber.sum(terms) + "  (dL/d\(names.z)*\(names.weights))",
                            index: rows > 1 ? [i, k] : [k], layer: layer))
                }
            }
        }
    } else {
        tracer.record(
            TraceStep(
                "gradient_backprop", label: "dL/d\(names.weights)", value: .matrix(dWeights.toMatrix()),
                param: names.weights, layer: layer))
        tracer.record(
            TraceStep(
                "gradient_backprop", label: "dL/d\(names.bias)", value: .matrix(dBias.toMatrix()),
                param: names.bias, layer: layer))
        if let dInput {
            tracer.record(
                TraceStep("d_input", label: "dL/d\(names.input)", value: .matrix(dInput.toMatrix()), layer: layer))
        }
    }
}
