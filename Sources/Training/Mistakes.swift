// What an evaluation says about the classes: the confusion matrix, the mistakes ordered by how
// sure the network was, and the top-k classes of any probability row. No drawing here.
import NeuralCore

/// One misclassified example.
public struct Mistake: Sendable, Equatable {
    public var index: Int
    public var label: Int
    public var predicted: Int
    /// Probability the network gave its (wrong) prediction.
    public var confidence: Float
    /// The three most probable classes with their probabilities, most probable first.
    public var top: [(Int, Float)]

    public static func == (a: Mistake, b: Mistake) -> Bool {
        a.index == b.index && a.label == b.label && a.predicted == b.predicted && a.confidence == b.confidence
    }
}

extension Evaluation {
    /// counts[true][predicted].
    public func confusionMatrix(classes: Int) -> [[Int]] {
        Training.confusionMatrix(labels: labels, predictions: predictions, classes: classes)
    }

    /// The `k` most probable classes of example `index`, most probable first.
    public func top(_ k: Int, of index: Int) -> [(Int, Float)] { topClasses(outputs.row(index), k) }

    /// Every misclassified example, most confident mistake first (ties by index).
    public func mistakes() -> [Mistake] {
        Training.mistakes(labels: labels, predictions: predictions, probabilities: outputs)
    }
}

/// counts[true][predicted] over pairs of labels and predictions.
public func confusionMatrix(labels: [Int], predictions: [Int], classes: Int) -> [[Int]] {
    var counts = Array(repeating: Array(repeating: 0, count: classes), count: classes)
    for (label, predicted) in zip(labels, predictions) { counts[label][predicted] += 1 }
    return counts
}

/// The examples whose prediction is not their label, most confident mistake first (ties by
/// index); `probabilities` is (count, classes).
public func mistakes(labels: [Int], predictions: [Int], probabilities: Matrix) -> [Mistake] {
    var result: [Mistake] = []
    for i in 0..<predictions.count where predictions[i] != labels[i] {
        result.append(
            Mistake(
                index: i, label: labels[i], predicted: predictions[i],
                confidence: probabilities[i, predictions[i]], top: topClasses(probabilities.row(i), 3)))
    }
    return result.sorted { $0.confidence != $1.confidence ? $0.confidence > $1.confidence : $0.index < $1.index }
}

/// The `k` largest entries of `values` with their positions, largest first (first position on ties).
public func topClasses(_ values: [Float], _ k: Int) -> [(Int, Float)] {
    Array(
        values.enumerated().sorted { $0.element != $1.element ? $0.element > $1.element : $0.offset < $1.offset }
            .prefix(k).map { ($0.offset, $0.element) })
}
