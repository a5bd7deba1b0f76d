// Stochastic gradient descent: parameter <- parameter - learningRate * gradient, with optional
// momentum and weight decay. It works on the network's flat parameter buffer by index ranges, so
// two threads can each update half of it.

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
    public func step(parameters: FloatBuffer, gradients: [FloatBuffer], range: Range<Int>) {
        precondition(gradients.allSatisfy { $0.count == parameters.count }, "SGD.step: gradient and parameter counts differ")
        let p = parameters.base, lr = learningRate, mu = momentum, lambda = weightDecay
        let g0 = gradients[0].base
        let g1 = gradients.count > 1 ? gradients[1].base : nil
        precondition(gradients.count <= 2, "SGD.step takes one or two gradient shards")
        if let v = velocity?.base {
            for i in range {
                var g = g0[i]
                if let g1 { g += g1[i] }
                g += lambda * p[i]
                v[i] = mu * v[i] + g
                p[i] -= lr * v[i]
            }
        } else {
            for i in range {
                var g = g0[i]
                if let g1 { g += g1[i] }
                if lambda != 0 { g += lambda * p[i] }
                p[i] -= lr * g
            }
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
                let (param, index) = network.parameterName(at: i)
                let formula = momentum == 0 && weightDecay == 0
                    ? "\(TraceNumber.format(old[i])) - \(TraceNumber.format(learningRate))*\(TraceNumber.operand(gradients.base[i]))"
                    : "\(TraceNumber.format(old[i])) - \(TraceNumber.format(learningRate))*v  (momentum \(TraceNumber.format(momentum)), decay \(TraceNumber.format(weightDecay)))"
                tracer.record(TraceStep("update", label: "\(TraceName.parameter(param, index)) <- \(param) - lr*dL/d\(param)",
                    value: .scalar(network.parameters.base[i]), formula: formula, index: index, param: param))
            }
        } else {
            tracer.record(TraceStep("update", label: "parameters <- parameters - lr*gradients",
                value: .matrix(Matrix(rows: 1, cols: network.parameterCount, values: network.parameters.array))))
        }
    }
}
