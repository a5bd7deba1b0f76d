// Stochastic gradient descent: parameter <- parameter - learningRate * gradient, with optional
// momentum and weight decay. It works on the network's flat parameter buffer by index ranges, so
// two threads can each update half of it.
import CBLAS

/// The SGD optimiser. With momentum mu and weight decay lambda, for each parameter p with
/// gradient g: v <- mu*v + (g + lambda*p); p <- p - learningRate * v (plain SGD when both are 0).
public final class SGD: @unchecked Sendable {
    public var learningRate: Float
    public let momentum: Float
    public let weightDecay: Float
    /// One velocity per parameter, only when momentum is used.
    private let velocity: FloatBuffer?

    public init(learningRate: Float, momentum: Float = 0, weightDecay: Float = 0, parameterCount: Int) {
        precondition(momentum >= 0 && momentum < 1, "SGD momentum must be in [0, 1), got \(momentum)")
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        velocity = momentum > 0 ? FloatBuffer(count: parameterCount) : nil
    }

    /// Updates `parameters[range]` with the sum of `gradients` (one buffer per shard of the batch,
    /// added in the order given, so the result does not depend on which thread ran which shard).
    ///
    /// The loops are written without optionals or branches inside so that they vectorise: this
    /// pass touches every parameter once per batch.
    public func step(parameters: FloatBuffer, gradients: [FloatBuffer], range: Range<Int>) {
        precondition(gradients.count == 1 || gradients.count == 2, "SGD.step takes one or two gradient shards")
        precondition(
            gradients.allSatisfy { $0.count == parameters.count }, "SGD.step: gradient and parameter counts differ")
        guard !range.isEmpty else { return }
        let p = parameters.base + range.lowerBound, n = range.count
        let g0 = gradients[0].base + range.lowerBound
        let lr = learningRate, mu = momentum, lambda = weightDecay
        // Shards' gradients summed into the first buffer, in order (it is rewritten next batch).
        if gradients.count == 2 {
            let g1 = gradients[1].base + range.lowerBound
            for i in 0..<n { g0[i] += g1[i] }
        }
        if lambda != 0 {
            for i in 0..<n { g0[i] += lambda * p[i] }
        }
        if let velocity {
            let v = velocity.base + range.lowerBound
            for i in 0..<n {
                v[i] = mu * v[i] + g0[i]
                p[i] -= lr * v[i]
            }
        } else {
            for i in 0..<n { p[i] -= lr * g0[i] }
        }
    }

    /// The same update over the whole network, recording each parameter's old value, gradient and
    /// new value ("w0 <- 0.1 - 0.5*0.2 = 0"): the lessons' SGD step.
    public func step<T: Tracer>(network: Network, gradients: FloatBuffer, tracer: T) {
        let old = tracer.isRecording ? network.parameters.array : []
        step(parameters: network.parameters, gradients: [gradients], range: 0..<network.parameterCount)
        guard tracer.isRecording else { return }
        if tracer.recordsElements(count: network.parameterCount) {
            for i in 0..<network.parameterCount {
                let parameter = network.traceParameter(at: i)
                let param = parameter.name
                let plain = momentum == 0 && weightDecay == 0
                let formula =
                    "\(TraceNumber.precise(old[i])) - \(TraceNumber.precise(learningRate))*\(TraceNumber.operand(gradients.base[i]))"
                tracer.record(
                    TraceStep(
                        .update, label: "\(parameter.label) <- \(param) - lr*dL/d\(param)",
                        value: .scalar(network.parameters.base[i]), formula: plain ? formula : nil,
                        note: plain
                            ? nil
                            : "through the velocity v (momentum \(TraceNumber.format(momentum)), decay \(TraceNumber.format(weightDecay)))",
                        index: parameter.index, parameter: parameter))
            }
        } else {
            tracer.record(
                TraceStep(
                    .update, label: "parameters <- parameters - lr*gradients",
                    value: .matrix(Matrix(rows: 1, cols: network.parameterCount, values: network.parameters.array))))
        }
    }

    /// The update of weight rows `rows` of layer l fused with their gradient, for the two-thread
    /// trainer: W[rows] <- W[rows] - learningRate * (input[:, rows]^T * dZ + weightDecay * W[rows]),
    /// through the velocity with momentum. `input` (batch, in_l) is the layer's input and `dZ`
    /// (batch, out_l) its delta for the whole batch (already divided by the batch size).
    ///
    /// The gradient never exists on its own: sgemm adds it straight into the weights (or the
    /// velocity), which saves writing, reading and summing a gradient buffer every batch.
    public func updateWeights(
        network: Network, layer l: Int, rows: Range<Int>, input: MatrixView, dZ: MatrixView,
        kernel: ProductKernel = .blas
    ) {
        let weights = network.weights(l)
        precondition(
            input.cols == weights.rows && dZ.cols == weights.cols && input.rows == dZ.rows,
            "updateWeights: input \(input.rows)x\(input.cols), dZ \(dZ.rows)x\(dZ.cols), weights \(weights.rows)x\(weights.cols)"
        )
        guard !rows.isEmpty else { return }
        let outputs = weights.cols
        let w = weights.base + rows.lowerBound * outputs
        let count = rows.count * outputs
        let inputColumns = UnsafePointer(input.base + rows.lowerBound)
        if let velocity {
            let v = velocity.base + network.weightOffsets[l] + rows.lowerBound * outputs
            // v <- momentum*v (+ decay*w) + gradient: without decay, sgemm's beta does the first
            // term, so the velocity is read and written once (in sgemm) rather than twice.
            var beta = momentum
            if weightDecay != 0 {
                for i in 0..<count { v[i] = momentum * v[i] + weightDecay * w[i] }
                beta = 1
            }
            transposedProduct(
                into: v, ldc: outputs, inputColumns, lda: input.cols, m: rows.count, dZ, n: outputs,
                k: input.rows, alpha: 1, beta: beta, kernel: kernel)
            for i in 0..<count { w[i] -= learningRate * v[i] }
        } else {
            transposedProduct(
                into: w, ldc: outputs, inputColumns, lda: input.cols, m: rows.count, dZ, n: outputs,
                k: input.rows, alpha: -learningRate, beta: 1 - learningRate * weightDecay, kernel: kernel)
        }
    }

    /// The bias of layer l updated with dZ's column sums (the bias gradient), as `step` would.
    /// dZ is walked row by row (contiguous, so the loops vectorise) rather than column by column.
    public func updateBias(network: Network, layer l: Int, dZ: MatrixView) {
        let bias = network.bias(l).base, n = dZ.cols
        if let velocity {
            let v = velocity.base + network.biasOffsets[l]
            for j in 0..<n { v[j] = momentum * v[j] + weightDecay * bias[j] }
            for i in 0..<dZ.rows {
                let row = dZ.base + i * n
                for j in 0..<n { v[j] += row[j] }
            }
            for j in 0..<n { bias[j] -= learningRate * v[j] }
        } else {
            let keep = 1 - learningRate * weightDecay
            if keep != 1 { for j in 0..<n { bias[j] *= keep } }
            for i in 0..<dZ.rows {
                let row = dZ.base + i * n
                for j in 0..<n { bias[j] -= learningRate * row[j] }
            }
        }
    }
}

/// c (m, n; leading dimension ldc) = alpha * a^T * b + beta * c, where a^T is m columns of a
/// (k, lda) starting at `a`, and b is (k, n) contiguous: the weight gradient of a band of rows.
/// `.naive` is the plain loop twin.
func transposedProduct(
    into c: UnsafeMutablePointer<Float>, ldc: Int, _ a: UnsafePointer<Float>, lda: Int, m: Int, _ b: MatrixView, n: Int,
    k: Int, alpha: Float, beta: Float, kernel: ProductKernel
) {
    switch kernel {
    case .blas:
        cblas_sgemm(
            CblasRowMajor, CblasTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda),
            b.base, Int32(b.cols), beta, c, Int32(ldc))
    case .naive:
        for i in 0..<m {
            for j in 0..<n {
                var sum: Float = 0
                for p in 0..<k { sum += a[p * lda + i] * b.base[p * n + j] }
                c[i * ldc + j] = alpha * sum + beta * c[i * ldc + j]
            }
        }
    }
}
