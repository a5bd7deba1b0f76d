// Losses, each forward next to its backward: mean squared error, and softmax fused with
// cross-entropy (fused so that huge logits stay finite: log-sum-exp, and dLogits = p - target).
import Foundation

/// How far a network's output is from the target.
public enum Loss: String, Sendable, CaseIterable {
    /// Mean over every element of (output - target)^2: for regression and the first lessons.
    case meanSquaredError
    /// Softmax of the logits, then the cross-entropy with the target distribution (one-hot
    /// for a class label): the loss of classifiers.
    case softmaxCrossEntropy

    /// The loss of `output` (rows, n) against `target` (rows, n), summed over these rows and
    /// divided by `batchSize` (the whole batch's size, which may span several shards): so
    /// shards' losses and gradients simply add up to the batch mean.
    ///
    /// For softmax cross-entropy, `probabilities` (rows, n) receives the softmax; for mean
    /// squared error it is not touched.
    @inlinable
    public func forward<T: Tracer>(
        output: MatrixView, target: MatrixView, probabilities: MatrixView, batchSize: Int, tracer: T
    ) -> Float {
        precondition(shape: output, equals: target, "\(self).forward output and target")
        switch self {
        case .meanSquaredError:
            let n = output.cols
            var total: Float = 0
            var terms: [String] = []
            for i in 0..<output.rows {
                for j in 0..<n {
                    let difference = output[i, j] - target[i, j]
                    let term = difference * difference
                    total += term
                    if tracer.isRecording {
                        let name = TraceName.element("e", [i, j], sizes: [output.rows, n])
                        terms.append(name)
                        tracer.record(
                            TraceStep(
                                "loss_term", label: name + " = (y - t)^2", value: .scalar(term),
                                formula:
                                    "(\(TraceNumber.format(output[i, j])) - \(TraceNumber.operand(target[i, j])))^2",
                                index: [i, j]))
                    }
                }
            }
            let loss = total / Float(batchSize * n)
            if tracer.isRecording {
                tracer.record(
                    TraceStep(
                        "loss", label: "L = mean squared error", value: .scalar(loss),
                        formula: "(\(TraceNumber.sum(terms))) / \(batchSize * n)"))
            }
            return loss
        case .softmaxCrossEntropy:
            precondition(shape: probabilities, equals: output, "softmaxCrossEntropy probabilities")
            let n = output.cols
            var total: Float = 0
            var terms: [String] = []
            for i in 0..<output.rows {
                let logits = output.base + i * n
                let targets = target.base + i * n
                let p = probabilities.base + i * n
                var largest = -Float.infinity
                for j in 0..<n { largest = Swift.max(largest, logits[j]) }
                // Each exponential once: kept in p, divided by their sum below.
                var sumOfExponentials: Float = 0
                for j in 0..<n {
                    p[j] = Foundation.exp(logits[j] - largest)
                    sumOfExponentials += p[j]
                }
                // Relative to the largest logit, so nothing overflows and nothing near it rounds away.
                let logSum = Foundation.log(sumOfExponentials)
                let logSumExp = largest + logSum
                var rowLoss: Float = 0
                for j in 0..<n {
                    p[j] /= sumOfExponentials
                    if targets[j] != 0 { rowLoss += targets[j] * ((largest - logits[j]) + logSum) }
                }
                total += rowLoss
                if tracer.isRecording {
                    tracer.record(
                        TraceStep(
                            "softmax", label: TraceName.element("p", [i], sizes: [output.rows]),
                            value: .matrix(MatrixView(rows: 1, cols: n, base: p).toMatrix()),
                            formula:
                                "exp(z_j - \(TraceNumber.operand(logSumExp))) where log(sum exp z) = \(TraceNumber.format(logSumExp))",
                            index: [i]))
                    let hot = (0..<n).filter { targets[$0] != 0 }
                    let text = hot.map { j in
                        (targets[j] == 1 ? "" : TraceNumber.format(targets[j]) + "*")
                            + "-log(\(TraceNumber.format(p[j])))"
                    }.joined(separator: " + ")
                    let name = TraceName.element("loss", [i], sizes: [output.rows])
                    terms.append(TraceNumber.format(rowLoss))
                    tracer.record(
                        TraceStep("loss_term", label: name, value: .scalar(rowLoss), formula: text, index: [i]))
                }
            }
            let loss = total / Float(batchSize)
            if tracer.isRecording {
                tracer.record(
                    TraceStep(
                        "loss", label: "L = cross-entropy", value: .scalar(loss),
                        formula: "(\(TraceNumber.sum(terms))) / \(batchSize)"))
            }
            return loss
        }
    }

    /// dOutput = dLoss/dOutput for the rows of the last `forward`, divided by `batchSize` as there.
    ///
    /// Mean squared error: 2 (output - target) / (batchSize * n). Softmax cross-entropy:
    /// (probabilities - target) / batchSize, exact when each target row sums to one.
    @inlinable
    public func backward(
        dOutput: MatrixView, output: MatrixView, target: MatrixView, probabilities: MatrixView, batchSize: Int
    ) {
        precondition(shape: dOutput, equals: output, "\(self).backward dOutput")
        switch self {
        case .meanSquaredError:
            let scale = 2 / Float(batchSize * output.cols)
            for i in 0..<output.count { dOutput.base[i] = scale * (output.base[i] - target.base[i]) }
        case .softmaxCrossEntropy:
            let scale = 1 / Float(batchSize)
            for i in 0..<output.count { dOutput.base[i] = scale * (probabilities.base[i] - target.base[i]) }
        }
    }
}
