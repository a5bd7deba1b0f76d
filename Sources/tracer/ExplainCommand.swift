// `tracer explain`: one test digit through a saved model, as lesson 6 shows one neuron: the
// triptychs of the units that push hardest toward the answer, the units that fired, the output
// layer's contributions, the probabilities (one PNG), then the recorded trace. Thin: the numbers
// and the picture are Training's DigitExplanation, the trace its SampleTrace.
import ArgumentParser
import Datasets
import Foundation
import Training

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain how a saved model classifies one test image, unit by unit (a picture and a trace).",
        discussion: """
            Writes explain-test-N.png to --out: for the hidden units that push hardest toward the predicted \
            class, the input, the unit's weight map and x * w with its sum, bias, z and ReLU; every unit's \
            activation; each output class's logit as the sum of its inputs' contributions; the probabilities. \
            Then prints the same numbers and the recorded trace of the forward and backward pass (--json: JSON \
            lines). For your own image use 'tracer predict --explain'.
            """)

    @Option(help: "The model file (from 'tracer train --save FILE').")
    var model: String

    @Option(name: .customLong("test-index"), help: "Which test image (0-based).")
    var testIndex: Int

    @Option(help: "Data folder (default: $MNIST_DIR, else $XDG_CACHE_HOME/neuraltracer/mnist).")
    var data: String?

    @Option(help: "Which dataset: \(DatasetKind.allCases.map(\.rawValue).joined(separator: " or ")).")
    var dataset: DatasetKind = .mnist

    @Option(help: "How many hidden units to draw as triptychs.")
    var units: Int = 3

    @Option(help: "Folder for the picture.")
    var out: String = "output/mnist"

    @Flag(help: "Print JSON lines instead of text.")
    var json = false

    func validate() throws {
        guard !model.isEmpty else { throw ValidationError("--model must name a file") }
        guard testIndex >= 0 else { throw ValidationError("--test-index must be 0 or more, not \(testIndex)") }
        guard (1...16).contains(units) else { throw ValidationError("--units must be between 1 and 16, not \(units)") }
        guard !out.isEmpty else { throw ValidationError("--out must name a folder") }
    }

    func run() throws {
        do {
            let lines = try Explanations.explainTestImage(
                model: model, index: testIndex, dataset: dataset, dataFolder: data, units: units, out: out, json: json)
            Terminal.writeLines(lines)
        } catch { try failWithMessage(error.description) }
    }
}
