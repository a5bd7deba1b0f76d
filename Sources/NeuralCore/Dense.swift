// The dense (fully connected) layer: z = input * weights + bias, and its one backward, which either
// stores the gradients (lessons, gradient checks) or folds them straight into an SGD step
// (training). The fast path is sgemm plus a bias add, or, for a first layer whose inputs are
// mostly zero, the kernels that skip them; the traced twin spells out every product and sum.

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
/// The tracer never changes the numbers: z comes from `kernel` either way, so a traced run and a
/// silent one give the same bits. With the readable `.naive` kernel (the lessons') and a tracer
/// that wants elements, the kernel itself records each product x_k*w_kj and each running sum as
/// it adds them; BLAS cannot say what it did, so there the products are written from its
/// operands. Then each z is recorded with its arithmetic.
///
/// With `zeros` (measured on `input`) and a sparse batch, the product visits only the non-zero
/// inputs: the same sums in the same order, without the terms that are exactly 0.
@inlinable
public func denseForward<T: Tracer>(
    z: MatrixView, input: MatrixView, weights: MatrixView, bias: MatrixView,
    kernel: ProductKernel, names: DenseNames, layer: Int, tracer: T, skipping zeros: InputZeros? = nil
) {
    precondition(
        weights.rows == input.cols && weights.cols == z.cols && z.rows == input.rows && bias.cols == z.cols,
        "denseForward: input \(input.rows)x\(input.cols), weights \(weights.rows)x\(weights.cols), bias \(bias.rows)x\(bias.cols), z \(z.rows)x\(z.cols)"
    )
    let elements = tracer.isRecording && tracer.recordsElements(count: input.rows * weights.count)
    if elements && kernel == .naive {
        matrixProductNaive(
            z, input, weights, tracer: tracer,
            names: ProductTraceNames(a: names.input, b: names.weights, sum: "s" + names.z.dropFirst(), layer: layer))
    } else if kernel == .blas, let zeros, zeros.skipsZeros {
        sparseProduct(z, input, zeros: zeros, weights)
    } else {
        matrixProduct(z, input, weights, kernel: kernel)
    }
    addBias(z, bias)
    guard tracer.isRecording else { return }
    if elements {
        if kernel != .naive { recordProducts(input: input, weights: weights, names: names, layer: layer, tracer: tracer) }
        recordDenseForward(z: z, input: input, weights: weights, bias: bias, names: names, layer: layer, tracer: tracer)
    } else {
        tracer.record(
            TraceStep(
                .z, label: "\(names.z) = \(names.input)*\(names.weights) + \(names.bias)",
                value: .matrix(z.toMatrix()), layer: layer))
    }
}

/// Records each product x[i,k]*w[k,j] of a forward pass that BLAS computed (it cannot narrate).
public func recordProducts<T: Tracer>(
    input: MatrixView, weights: MatrixView, names: DenseNames, layer: Int, tracer: T
) {
    let rows = input.rows, inputs = input.cols, outputs = weights.cols
    for i in 0..<rows {
        for j in 0..<outputs {
            for k in 0..<inputs {
                let x = TraceName.element(names.input, [i, k], sizes: [rows, inputs])
                let w = TraceName.element(names.weights, [k, j], sizes: [inputs, outputs])
                tracer.record(
                    TraceStep(
                        .product, label: "\(x)*\(w)", value: .scalar(input[i, k] * weights[k, j]),
                        formula: TraceNumber.precise(input[i, k]) + "*" + TraceNumber.operand(weights[k, j]),
                        index: [i, j, k], layer: layer))
            }
        }
    }
}

/// Records each weighted sum z[i,j] of a dense forward pass that has just run, with its
/// arithmetic: every product's operands and the bias (the products themselves, and the running
/// sums, were recorded by the readable kernel as it added them).
public func recordDenseForward<T: Tracer>(
    z: MatrixView, input: MatrixView, weights: MatrixView, bias: MatrixView,
    names: DenseNames, layer: Int, tracer: T
) {
    let rows = input.rows, inputs = input.cols, outputs = weights.cols
    for i in 0..<rows {
        for j in 0..<outputs {
            let terms = (0..<inputs).map { k in
                (k == 0 ? TraceNumber.precise(input[i, k]) : TraceNumber.operand(input[i, k])) + "*"
                    + TraceNumber.operand(weights[k, j])
            }
            let b = TraceName.element(names.bias, [j], sizes: [outputs])
            tracer.record(
                TraceStep(
                    .z, label: TraceName.element(names.z, [i, j], sizes: [rows, outputs]),
                    value: .scalar(z[i, j]),
                    formula: TraceNumber.sum(
                        terms + [TraceNumber.operand(bias[0, j])],
                        values: (0..<inputs).map { input[i, $0] * weights[$0, j] } + [bias[0, j]]),
                    note: inputs == 1 ? "\(names.input)*\(names.weights) + \(b)" : "products + \(b)",
                    index: [i, j], layer: layer))
        }
    }
}

/// What the dense backward does with the weight gradient (input^T * dZ) and the bias gradient
/// (dZ's column sums).
public enum DenseGradients {
    /// Writes them: dWeights (in, out), dBias (1, out). The lessons, `Trainer.step` and the
    /// gradient checks, which show or compare the gradient itself.
    case store(dWeights: MatrixView, dBias: MatrixView)
    /// Folds them straight into an SGD step: training's fused variant (see `DenseUpdate`).
    case update(DenseUpdate)
}

/// The fused variant of the dense backward: W -= learningRate * input^T * dZ (with momentum, the
/// velocity takes the gradient through the product's beta), and the bias likewise. The gradient
/// never exists on its own, which saves writing, reading and summing a gradient buffer a batch.
///
/// The layer may be a band of one: rows of the weights (`weights` rows r, `input` columns r,
/// `dInput` columns r), or columns (`weights`, `dZ` and `bias` columns c, no `dInput`), so that
/// each training thread updates only the weights it owns.
public struct DenseUpdate {
    /// The step's arithmetic: learning rate, momentum, weight decay.
    public var optimizer: SGD
    /// The weights' velocity (same shape), when the optimiser has momentum.
    public var weightsVelocity: MatrixView?
    /// The bias to update with dZ's column sums; nil when another call owns it.
    public var bias: MatrixView?
    public var biasVelocity: MatrixView?
    /// Where the layer's input is zero (a first layer), so the update can skip those rows.
    public var zeros: InputZeros?

    public init(
        optimizer: SGD, weightsVelocity: MatrixView?, bias: MatrixView?, biasVelocity: MatrixView?,
        zeros: InputZeros? = nil
    ) {
        self.optimizer = optimizer
        self.weightsVelocity = weightsVelocity
        self.bias = bias
        self.biasVelocity = biasVelocity
        self.zeros = zeros
    }
}

/// Backward of a dense layer. Given dZ (rows, out): dInput (rows, in) = dZ * weights^T unless `nil`
/// (the first layer has no use for it), then the weight gradient input^T * dZ and the bias
/// gradient (column sums of dZ), stored or folded into an SGD step as `gradients` says.
///
/// The one backward of the project: lessons, gradient checks and full MNIST training all run it.
@inlinable
public func denseBackward<T: Tracer>(
    _ gradients: DenseGradients, dInput: MatrixView?,
    dZ: MatrixView, input: MatrixView, weights: MatrixView,
    kernel: ProductKernel, names: DenseNames, layer: Int, tracer: T
) {
    // dInput first: an update below changes the weights it reads.
    if let dInput { matrixProduct(dInput, dZ, weights, transposeB: true, kernel: kernel) }
    let dWeights: MatrixView, dBias: MatrixView
    switch gradients {
    case .update(let update):
        applyDenseUpdate(update, dZ: dZ, input: input, weights: weights, kernel: kernel)
        return
    case .store(let weightsGradient, let biasGradient):
        dWeights = weightsGradient
        dBias = biasGradient
    }
    matrixProduct(dWeights, input, transposeA: true, dZ, kernel: kernel)
    addBiasBackward(dBias: dBias, dZ: dZ)
    guard tracer.isRecording else { return }
    recordDenseBackward(
        dWeights: dWeights, dBias: dBias, dInput: dInput, dZ: dZ, input: input, weights: weights, names: names,
        layer: layer, tracer: tracer)
}

/// Records the gradients of a dense backward pass that has just run, each with its arithmetic:
/// dL/dw[k,j] = sum over samples of x[i,k]*dL/dz[i,j], dL/db[j] = sum of dL/dz[i,j], and
/// dL/dx[i,k] = sum over neurons of dL/dz[i,j]*w[k,j].
public func recordDenseBackward<T: Tracer>(
    dWeights: MatrixView, dBias: MatrixView, dInput: MatrixView?, dZ: MatrixView, input: MatrixView,
    weights: MatrixView, names: DenseNames, layer: Int, tracer: T
) {
    let rows = input.rows, inputs = input.cols, outputs = weights.cols
    func first(_ value: Float) -> String { TraceNumber.precise(value) }
    func next(_ value: Float) -> String { TraceNumber.operand(value) }
    if tracer.recordsElements(count: rows * weights.count) {
        for k in 0..<inputs {
            for j in 0..<outputs {
                let terms = (0..<rows).map { i in (i == 0 ? first(input[i, k]) : next(input[i, k])) + "*" + next(dZ[i, j]) }
                let values = (0..<rows).map { i in input[i, k] * dZ[i, j] }
                tracer.record(
                    TraceStep(
                        .gradientBackprop,
                        label: "dL/d" + TraceName.element(names.weights, [k, j], sizes: [inputs, outputs]),
                        value: .scalar(dWeights[k, j]), formula: TraceNumber.sum(terms, values: values),
                        note: (rows > 1 ? "sum of " : "") + "\(names.input)*dL/d\(names.z)",
                        index: [k, j],
                        parameter: TraceParameter(layer: layer, kind: .weights, index: [k, j], name: names.weights),
                        layer: layer))
            }
        }
        for j in 0..<outputs {
            let terms = (0..<rows).map { i in i == 0 ? first(dZ[i, j]) : next(dZ[i, j]) }
            tracer.record(
                TraceStep(
                    .gradientBackprop,
                    label: "dL/d" + TraceName.element(names.bias, [j], sizes: [outputs]),
                    value: .scalar(dBias[0, j]),
                    formula: TraceNumber.sum(terms, values: (0..<rows).map { dZ[$0, j] }),
                    note: (rows > 1 ? "sum of " : "") + "dL/d\(names.z)", index: [j],
                    parameter: TraceParameter(layer: layer, kind: .bias, index: [j], name: names.bias), layer: layer))
        }
        if let dInput {
            for i in 0..<rows {
                for k in 0..<inputs {
                    let terms = (0..<outputs).map { j in (j == 0 ? first(dZ[i, j]) : next(dZ[i, j])) + "*" + next(weights[k, j]) }
                    let values = (0..<outputs).map { j in dZ[i, j] * weights[k, j] }
                    tracer.record(
                        TraceStep(
                            .dInput,
                            label: "dL/d" + TraceName.element(names.input, [i, k], sizes: [rows, inputs]),
                            value: .scalar(dInput[i, k]), formula: TraceNumber.sum(terms, values: values),
                            note: "dL/d\(names.z)*\(names.weights)", index: [i, k], layer: layer))
                }
            }
        }
    } else {
        tracer.record(
            TraceStep(
                .gradientBackprop, label: "dL/d\(names.weights)", value: .matrix(dWeights.toMatrix()),
                parameter: TraceParameter(layer: layer, kind: .weights, index: [], name: names.weights), layer: layer))
        tracer.record(
            TraceStep(
                .gradientBackprop, label: "dL/d\(names.bias)", value: .matrix(dBias.toMatrix()),
                parameter: TraceParameter(layer: layer, kind: .bias, index: [], name: names.bias), layer: layer))
        if let dInput {
            tracer.record(
                TraceStep(.dInput, label: "dL/d\(names.input)", value: .matrix(dInput.toMatrix()), layer: layer))
        }
    }
}

/// The update half of `denseBackward(.update)`: SGD says what target (weights or velocity) the
/// gradient joins and with which alpha and beta; the product adds it there, skipping zero inputs
/// when `update.zeros` says the batch is sparse.
@usableFromInline
func applyDenseUpdate(
    _ update: DenseUpdate, dZ: MatrixView, input: MatrixView, weights: MatrixView, kernel: ProductKernel
) {
    update.optimizer.step(weights: weights, velocity: update.weightsVelocity) { target, alpha, beta in
        if kernel == .blas, let zeros = update.zeros, zeros.skipsZeros {
            sparseTransposedProduct(target, input, zeros: zeros, dZ, alpha: alpha, beta: beta)
        } else {
            matrixProduct(target, input, transposeA: true, dZ, alpha: alpha, beta: beta, kernel: kernel)
        }
    }
    if let bias = update.bias { update.optimizer.step(bias: bias, velocity: update.biasVelocity, dZ: dZ) }
}
