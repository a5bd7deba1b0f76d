// Stochastic gradient descent: parameter <- parameter - learningRate * gradient, with optional
// momentum and weight decay. Only the optimiser's arithmetic lives here: the gradient itself comes
// from the dense layer's backward (Dense.swift), which either hands it over whole (`step`) or adds
// it straight into the weights or the velocity with the alpha and beta this file chooses.

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

    /// Updates `parameters[range]` with `gradients` (same layout).
    ///
    /// The loops are written without optionals or branches inside so that they vectorise: this
    /// pass touches every parameter once per batch.
    public func step(parameters: FloatBuffer, gradients: FloatBuffer, range: Range<Int>) {
        precondition(gradients.count == parameters.count, "SGD.step: gradient and parameter counts differ")
        guard !range.isEmpty else { return }
        let p = parameters.base + range.lowerBound, n = range.count
        let g = gradients.base + range.lowerBound
        let lr = learningRate, mu = momentum, lambda = weightDecay
        if lambda != 0 {
            for i in 0..<n { g[i] += lambda * p[i] }
        }
        if let velocity {
            let v = velocity.base + range.lowerBound
            for i in 0..<n {
                v[i] = mu * v[i] + g[i]
                p[i] -= lr * v[i]
            }
        } else {
            for i in 0..<n { p[i] -= lr * g[i] }
        }
    }

    /// The same update over the whole network, recording each parameter's old value, gradient and
    /// new value ("w0 <- 0.1 - 0.5*0.2 = 0"): the lessons' SGD step. With momentum (and no weight
    /// decay) it records the velocity first ("v(w0) <- 0.9*0.1 + 0.2 = 0.29"), then the step along it.
    public func step<T: Tracer>(network: Network, gradients: FloatBuffer, tracer: T) {
        let old = tracer.isRecording ? network.parameters.array : []
        let oldVelocity = tracer.isRecording ? velocity?.array : nil
        step(parameters: network.parameters, gradients: gradients, range: 0..<network.parameterCount)
        guard tracer.isRecording else { return }
        if tracer.recordsElements(count: network.parameterCount) {
            for i in 0..<network.parameterCount {
                let parameter = network.traceParameter(at: i)
                let param = parameter.name
                let plain = momentum == 0 && weightDecay == 0
                if let oldVelocity, let velocity, weightDecay == 0 {
                    tracer.record(
                        TraceStep(
                            .velocity, label: "v(\(parameter.label)) <- mu*v + dL/d\(param)",
                            value: .scalar(velocity.base[i]),
                            formula:
                                "\(TraceNumber.precise(momentum))*\(TraceNumber.operand(oldVelocity[i])) + \(TraceNumber.operand(gradients.base[i]))",
                            index: parameter.index, parameter: parameter))
                    tracer.record(
                        TraceStep(
                            .update, label: "\(parameter.label) <- \(param) - lr*v",
                            value: .scalar(network.parameters.base[i]),
                            formula:
                                "\(TraceNumber.precise(old[i])) - \(TraceNumber.precise(learningRate))*\(TraceNumber.operand(velocity.base[i]))",
                            index: parameter.index, parameter: parameter))
                    continue
                }
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

    /// The velocity of the parameters `view` shows (a view into `parameters`), or nil without momentum.
    public func velocity(of view: MatrixView, in parameters: FloatBuffer) -> MatrixView? {
        guard let velocity else { return nil }
        let offset = parameters.base.distance(to: view.base)
        precondition(
            offset >= 0 && offset + (view.rows - 1) * view.stride + view.cols <= parameters.count,
            "SGD.velocity: the view is not inside the parameters")
        return MatrixView(rows: view.rows, cols: view.cols, base: velocity.base + offset, stride: view.stride)
    }

    /// The weights' step with the gradient g added by `addGradient(target, alpha, beta)`, which
    /// must compute target = alpha * g + beta * target (a GEMM's contract):
    /// plain, W <- (1 - lr*lambda) W - lr*g; with momentum, v <- mu*v + lambda*W + g, W <- W - lr*v.
    /// Without decay, the product's beta scales the velocity, so it is read and written once.
    @inlinable
    public func step(
        weights: MatrixView, velocity: MatrixView?,
        addGradient: (_ target: MatrixView, _ alpha: Float, _ beta: Float) -> Void
    ) {
        guard momentum > 0 else {
            return addGradient(weights, -learningRate, 1 - learningRate * weightDecay)
        }
        guard let velocity else { preconditionFailure("SGD.step: momentum needs the weights' velocity") }
        precondition(shape: velocity, equals: weights, "SGD.step velocity")
        var beta = momentum
        if weightDecay != 0 {
            for r in 0..<weights.rows {
                let v = velocity.row(r), w = weights.row(r)
                for j in 0..<weights.cols { v[j] = momentum * v[j] + weightDecay * w[j] }
            }
            beta = 1
        }
        addGradient(velocity, 1, beta)
        let lr = learningRate
        for r in 0..<weights.rows {
            let v = velocity.row(r), w = weights.row(r)
            for j in 0..<weights.cols { w[j] -= lr * v[j] }
        }
    }

    /// The bias's step with dZ's column sums as its gradient, as `step(parameters:)` would take
    /// it. dZ is walked row by row (contiguous, so the loops vectorise) rather than column by column.
    public func step(bias: MatrixView, velocity: MatrixView?, dZ: MatrixView) {
        precondition(bias.rows == 1 && bias.cols == dZ.cols, "SGD.step: bias \(bias.cols) for dZ \(dZ.cols) columns")
        let b = bias.base, n = dZ.cols
        if momentum > 0 {
            guard let velocity else { preconditionFailure("SGD.step: momentum needs the bias's velocity") }
            let v = velocity.base
            for j in 0..<n { v[j] = momentum * v[j] + weightDecay * b[j] }
            for i in 0..<dZ.rows {
                let row = dZ.row(i)
                for j in 0..<n { v[j] += row[j] }
            }
            for j in 0..<n { b[j] -= learningRate * v[j] }
        } else {
            let keep = 1 - learningRate * weightDecay
            if keep != 1 { for j in 0..<n { b[j] *= keep } }
            for i in 0..<dZ.rows {
                let row = dZ.row(i)
                for j in 0..<n { b[j] -= learningRate * row[j] }
            }
        }
    }

    /// Makes this optimiser's learning rate and velocity those of `other` (same settings and size):
    /// the second training thread's copy of the layers both threads update alike.
    func copyState(from other: SGD) {
        precondition(
            momentum == other.momentum && weightDecay == other.weightDecay
                && velocity?.count == other.velocity?.count, "SGD.copyState: different optimisers")
        learningRate = other.learningRate
        if let velocity, let source = other.velocity { velocity.base.update(from: source.base, count: velocity.count) }
    }
}
