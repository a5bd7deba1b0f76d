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
            var terms: [Float] = []
            for i in 0..<output.rows {
                for j in 0..<n {
                    let difference = output[i, j] - target[i, j]
                    let term = difference * difference
                    total += term
                    if tracer.isRecording {
                        terms.append(term)
                        tracer.record(
                            TraceStep(
                                .lossTerm,
                                label: TraceName.element("e", [i, j], sizes: [output.rows, n]) + " = (y - t)^2",
                                value: .scalar(term),
                                formula:
                                    "(\(TraceNumber.precise(output[i, j])) - \(TraceNumber.operand(target[i, j])))^2",
                                index: [i, j]))
                    }
                }
            }
            let loss = total / Float(batchSize * n)
            if tracer.isRecording {
                recordMean(loss, terms: terms, count: batchSize * n, label: "L = mean squared error", tracer: tracer)
            }
            return loss
        case .softmaxCrossEntropy:
            precondition(shape: probabilities, equals: output, "softmaxCrossEntropy probabilities")
            let n = output.cols
            var total: Float = 0
            var terms: [Float] = []
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
                var rowLoss: Float = 0
                for j in 0..<n {
                    p[j] /= sumOfExponentials
                    if targets[j] != 0 { rowLoss += targets[j] * ((largest - logits[j]) + logSum) }
                }
                total += rowLoss
                if tracer.isRecording {
                    terms.append(rowLoss)
                    recordSoftmaxRow(
                        i, rows: output.rows, logits: logits, targets: targets, probabilities: p, n: n,
                        largest: largest, rowLoss: rowLoss, tracer: tracer)
                }
            }
            let loss = total / Float(batchSize)
            if tracer.isRecording {
                recordMean(loss, terms: terms, count: batchSize, label: "L = cross-entropy", tracer: tracer)
            }
            return loss
        }
    }

    /// Records a loss as the mean of its terms: "(7.596 + 351.5) / 2".
    @usableFromInline
    func recordMean<T: Tracer>(_ loss: Float, terms: [Float], count: Int, label: String, tracer: T) {
        let written = terms.enumerated().map { $0 == 0 ? TraceNumber.precise($1) : TraceNumber.operand($1) }
        let name = self == .meanSquaredError ? "e" : "loss"
        tracer.record(
            TraceStep(
                .loss, label: label, value: .scalar(loss),
                formula: "(" + TraceNumber.sum(written, values: terms) + ") / \(count)",
                note: terms.count == 1 ? "the one term \(name)" : "the mean of the \(terms.count) terms \(name)"))
    }

    /// Records one row of the softmax: each exp(z_j), their sum, each p_j = exp(z_j) / sum, then
    /// the row's cross-entropy. The kernel divides exp(z_j - max z) by their sum, which is the same
    /// number without overflow; where exp(z_j) itself would overflow a Float, the shifted form is shown.
    @usableFromInline
    func recordSoftmaxRow<T: Tracer>(
        _ i: Int, rows: Int, logits: UnsafeMutablePointer<Float>, targets: UnsafeMutablePointer<Float>,
        probabilities p: UnsafeMutablePointer<Float>, n: Int, largest: Float, rowLoss: Float, tracer: T
    ) {
        let z = TraceName.element("z", [i], sizes: [rows])
        let plain = (0..<n).map { Foundation.exp(logits[$0]) }
        let shifted = !plain.allSatisfy({ $0.isFinite && $0 > 0 }) || !plain.reduce(0, +).isFinite
        let exponentials = shifted ? (0..<n).map { Foundation.exp(logits[$0] - largest) } : plain
        var sum: Float = 0
        for j in 0..<n {
            sum += exponentials[j]
            let zj = TraceName.parameter(z, rows > 1 ? [i, j] : [j])
            tracer.record(
                TraceStep(
                    .exponential, label: shifted ? "exp(\(zj) - max)" : "exp(\(zj))", value: .scalar(exponentials[j]),
                    formula: shifted
                        ? "exp(\(TraceNumber.precise(logits[j])) - \(TraceNumber.operand(largest)))"
                        : "exp(\(TraceNumber.precise(logits[j])))",
                    index: [i, j]))
        }
        let written = exponentials.enumerated().map { $0 == 0 ? TraceNumber.precise($1) : TraceNumber.operand($1) }
        tracer.record(
            TraceStep(
                .exponentialSum, label: TraceName.element("S", [i], sizes: [rows]), value: .scalar(sum),
                formula: TraceNumber.sum(written, values: exponentials),
                note: shifted ? "sum of exp(z_j - max z)" : "sum of exp(z_j)", index: [i]))
        for j in 0..<n {
            let pj = TraceName.parameter(TraceName.element("p", [i], sizes: [rows]), [j])
            tracer.record(
                TraceStep(
                    .probability, label: pj, value: .scalar(p[j]),
                    formula: TraceNumber.precise(exponentials[j]) + " / " + TraceNumber.operand(sum),
                    note: shifted ? "exp(z_j - max z) / sum" : "exp(z_j) / sum", index: [i, j]))
        }
        tracer.record(
            TraceStep(
                .softmax, label: TraceName.element("p", [i], sizes: [rows]),
                value: .matrix(MatrixView(rows: 1, cols: n, base: p).toMatrix()),
                note: "kernel: exp(z_j - max z)/sum, no overflow",
                index: [i]))
        let hot = (0..<n).filter { targets[$0] != 0 }
        let text = hot.enumerated().map { position, j in
            let term = "-log(\(TraceNumber.precise(p[j])))"
            return targets[j] == 1 ? (position == 0 ? term : "(\(term))") : "\(TraceNumber.precise(targets[j]))*(\(term))"
        }.joined(separator: " + ")
        let name = TraceName.element("loss", [i], sizes: [rows])
        tracer.record(
            TraceStep(
                .lossTerm, label: name, value: .scalar(rowLoss), formula: text.isEmpty ? "0" : text,
                note: hot.count == 1 ? "-log of the right class's p" : "-sum of t_j*log(p_j)", index: [i]))
    }

    /// Records dOutput after `backward`, element by element with its numbers when the tracer
    /// wants elements: 2*(y - t)/n for mean squared error, (p - t)/n for cross-entropy.
    public func recordBackward<T: Tracer>(
        dOutput: MatrixView, output: MatrixView, target: MatrixView, probabilities: MatrixView, batchSize: Int,
        tracer: T
    ) {
        let count = self == .meanSquaredError ? batchSize * output.cols : batchSize
        let symbolic = self == .meanSquaredError ? "2*(y - t)/\(count)" : "(p - t)/\(count)"
        guard tracer.recordsElements(count: dOutput.count) else {
            tracer.record(TraceStep(.dOutput, label: "dL/dy", value: .matrix(dOutput.toMatrix()), note: symbolic))
            return
        }
        for i in 0..<dOutput.rows {
            for j in 0..<dOutput.cols {
                let formula =
                    self == .meanSquaredError
                    ? "2*(\(TraceNumber.precise(output[i, j])) - \(TraceNumber.operand(target[i, j])))/\(count)"
                    : "(\(TraceNumber.precise(probabilities[i, j])) - \(TraceNumber.operand(target[i, j])))/\(count)"
                tracer.record(
                    TraceStep(
                        .dOutput, label: "dL/d" + TraceName.element("y", [i, j], sizes: [dOutput.rows, dOutput.cols]),
                        value: .scalar(dOutput[i, j]), formula: formula, note: symbolic, index: [i, j]))
            }
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
