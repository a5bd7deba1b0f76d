// Classifying single inputs with a trained network: the softmax of its output. For a whole test
// set use `Network.evaluate`, which batches; this is for a user's handful of images.
import Foundation
import NeuralCore

public enum Classifier {
    /// Softmax probabilities of `network`'s output for one input of `network.inputSize` values.
    public static func probabilities(_ network: Network, input: [Float]) -> [Float] {
        precondition(
            input.count == network.inputSize,
            "Classifier: \(input.count) values for a network of \(network.inputSize) inputs")
        let logits = network.predict(Matrix(rows: 1, cols: input.count, values: input)).values
        let largest = logits.max() ?? 0
        let exponentials = logits.map { Foundation.exp($0 - largest) }
        let sum = exponentials.reduce(0, +)
        return exponentials.map { $0 / sum }
    }
}
