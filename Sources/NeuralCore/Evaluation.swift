// Evaluation: every example through the network in large batches, without gradients, keeping
// each example's output (probabilities for a classifier) for confusion matrices and mistakes.

/// What a network did on a set of examples.
public struct Evaluation: Sendable {
    /// Mean loss over the examples.
    public var meanLoss: Float
    /// Index of the largest output per example: the predicted class.
    public var predictions: [Int]
    /// Index of the largest target entry per example: the true class.
    public var labels: [Int]
    /// (count, outputSize): softmax probabilities for softmax cross-entropy, raw outputs otherwise.
    public var outputs: Matrix
    public var correct: Int { zip(predictions, labels).filter { $0 == $1 }.count }
    public var accuracy: Double { predictions.isEmpty ? 0 : Double(correct) / Double(predictions.count) }
}

extension Network {
    /// Runs all of `source` through the network, `batchSize` examples at a time (one thread).
    public func evaluate(source: some ExampleSource, loss: Loss, batchSize: Int = 1000) -> Evaluation {
        precondition(
            source.inputSize == inputSize && source.targetSize == outputSize,
            "evaluate: examples are \(source.inputSize) -> \(source.targetSize), the network is \(inputSize) -> \(outputSize)"
        )
        let capacity = Swift.max(1, Swift.min(batchSize, source.count))
        let workspace = Workspace(for: self, capacity: capacity)
        let input = FloatBuffer(count: capacity * inputSize)
        let target = FloatBuffer(count: capacity * outputSize)
        var outputs = Matrix(rows: source.count, cols: outputSize)
        var predictions = [Int](repeating: 0, count: source.count)
        var labels = [Int](repeating: 0, count: source.count)
        var lossSum: Double = 0
        let order = (0..<source.count).map { Int32($0) }
        order.withUnsafeBufferPointer { order in
            outputs.withMutableView { outputs in
                var start = 0
                while start < source.count {
                    let rows = Swift.min(capacity, source.count - start)
                    let inputView = input.view(rows: rows, cols: inputSize),
                        targetView = target.view(rows: rows, cols: outputSize)
                    source.fill(
                        input: inputView, target: targetView,
                        indices: UnsafeBufferPointer(rebasing: order[start..<(start + rows)]))
                    let output = forward(inputView, workspace: workspace, tracer: NoTracer())
                    let batchLoss = self.loss(
                        loss, target: targetView, workspace: workspace, rows: rows, tracer: NoTracer())
                    lossSum += Double(batchLoss) * Double(rows)
                    let kept = loss == .softmaxCrossEntropy ? workspace.probabilities(rows: rows) : output
                    outputs.rows(start..<(start + rows)).copy(from: kept)
                    for r in 0..<rows {
                        predictions[start + r] = argmax(output.base + r * outputSize, outputSize)
                        labels[start + r] = argmax(targetView.base + r * outputSize, outputSize)
                    }
                    start += rows
                }
            }
        }
        return Evaluation(
            meanLoss: Float(lossSum / Double(Swift.max(source.count, 1))), predictions: predictions,
            labels: labels, outputs: outputs)
    }
}
