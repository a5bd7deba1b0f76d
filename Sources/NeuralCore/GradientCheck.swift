// The gradient by nudging: central finite differences, (L(p + h) - L(p - h)) / 2h, one parameter
// at a time. Slow on purpose (two loss evaluations per parameter): the check on backpropagation.

/// One parameter's two gradients side by side.
public struct GradientComparison: Sendable {
    public let flatIndex: Int
    public let param: String
    public let index: [Int]
    public let numeric: Float
    public let backprop: Float

    /// |numeric - backprop| / max(|numeric|, |backprop|, floor): relative where the gradient is
    /// large, absolute below `floor` (a tiny gradient cannot be matched relatively in Float).
    public func relativeError(floor: Float = 1e-3) -> Float {
        abs(numeric - backprop) / Swift.max(abs(numeric), abs(backprop), floor)
    }
}

extension Network {
    /// dLoss/dParameter by central differences for the given flat parameter indices (all by
    /// default), restoring every parameter afterwards. `h` is the nudge. Records, per parameter,
    /// the two losses and the quotient when the tracer records.
    public func numericalGradient<T: Tracer>(
        input: MatrixView, target: MatrixView, loss: Loss, h: Float = 1e-3,
        parameterIndices: [Int]? = nil, workspace: Workspace? = nil, tracer: T
    ) -> [Float] {
        let workspace = workspace ?? Workspace(for: self, capacity: input.rows)
        let indices = parameterIndices ?? Array(0..<parameterCount)
        var result: [Float] = []
        result.reserveCapacity(indices.count)
        for i in indices {
            let original = parameters.base[i]
            parameters.base[i] = original + h
            let lossPlus = lossOnly(
                input: input, target: target, loss: loss, workspace: workspace, kernel: .naive, tracer: NoTracer())
            parameters.base[i] = original - h
            let lossMinus = lossOnly(
                input: input, target: target, loss: loss, workspace: workspace, kernel: .naive, tracer: NoTracer())
            parameters.base[i] = original
            // Divide by the actual distance between the two nudged values, which Float rounding
            // makes slightly different from 2h.
            let distance = (original + h) - (original - h)
            let gradient = (lossPlus - lossMinus) / distance
            result.append(gradient)
            if tracer.isRecording {
                // The losses differ in their last digits: every operand is written exactly.
                func exact(_ value: Float) -> String { TraceNumber.exact(value) }
                func exactOperand(_ value: Float) -> String { value < 0 ? "(\(exact(value)))" : exact(value) }
                let parameter = traceParameter(at: i)
                let name = parameter.label
                tracer.record(
                    TraceStep(
                        .lossPlus, label: "L(\(name) = \(TraceNumber.precise(original + h)))", value: .scalar(lossPlus),
                        note: "\(name) + h", index: parameter.index, parameter: parameter, showsAllDigits: true))
                tracer.record(
                    TraceStep(
                        .lossMinus, label: "L(\(name) = \(TraceNumber.precise(original - h)))",
                        value: .scalar(lossMinus), note: "\(name) - h", index: parameter.index, parameter: parameter,
                        showsAllDigits: true))
                tracer.record(
                    TraceStep(
                        .gradientNumeric, label: "dL/d\(name)", value: .scalar(gradient),
                        formula: "(\(exact(lossPlus)) - \(exactOperand(lossMinus))) / (\(exact(original + h)) - \(exactOperand(original - h)))",
                        index: parameter.index, parameter: parameter))
            }
        }
        return result
    }

    /// Compares backpropagation with finite differences for every parameter (or those given).
    public func checkGradients(
        input: MatrixView, target: MatrixView, loss: Loss, h: Float = 1e-3, parameterIndices: [Int]? = nil
    ) -> [GradientComparison] {
        let workspace = Workspace(for: self, capacity: input.rows)
        lossAndGradients(
            input: input, target: target, loss: loss, workspace: workspace, kernel: .naive, tracer: NoTracer())
        let backprop = workspace.gradients.array
        let indices = parameterIndices ?? Array(0..<parameterCount)
        let numeric = numericalGradient(
            input: input, target: target, loss: loss, h: h, parameterIndices: indices,
            workspace: workspace, tracer: NoTracer())
        return zip(indices, numeric).map { i, value in
            let (param, index) = parameterName(at: i)
            return GradientComparison(flatIndex: i, param: param, index: index, numeric: value, backprop: backprop[i])
        }
    }
}
