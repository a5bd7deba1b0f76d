// `tracer eval`: the test-set accuracy of a saved model. Thin: the model file is Training's
// ModelFile, the data Datasets'; no pictures here (`tracer train` draws them).
import ArgumentParser
import Datasets
import Foundation
import NeuralCore
import Training

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval", abstract: "Test-set accuracy of a model saved with 'tracer train --save FILE'.")

    @Option(help: "The model file.")
    var model: String

    @Option(help: "Data folder (default: $MNIST_DIR, else ~/.cache/neuraltracer/mnist).")
    var data: String?

    @Option(help: "mnist or fashion.")
    var dataset: DatasetKind = .mnist

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func validate() throws {
        guard !model.isEmpty else { throw ValidationError("--model must name a file") }
    }

    func run() throws {
        let network: Network, dataUse: DataUse?
        do { (network, dataUse) = try ModelFile.loadWithDataUse(model) } catch {
            try failWithMessage(error.description)
        }
        let data: (test: DigitExamples, name: String, classNames: [String])
        do {
            data = try TrainingData.loadTest(kind: dataset, dataFlag: self.data)
        } catch let error as DatasetError {
            try failWithMessage(error.description)
        }
        guard network.inputSize == data.test.inputSize && network.outputSize == data.test.targetSize else {
            try failWithMessage(
                ModelFileError.wrongShape(
                    path: model, layerSizes: network.layerSizes,
                    expected: "\(data.test.inputSize) inputs and \(data.test.targetSize) outputs"
                ).description)
        }
        BLASKernel.threads = 1
        let evaluation = network.evaluate(source: data.test, loss: .softmaxCrossEntropy)
        let shape = network.layerSizes.map(String.init).joined(separator: "-")
        if json {
            Terminal.writeLines([
                JSONValue.object([
                    ("model", .string(model)), ("layers", .array(network.layerSizes.map(JSONValue.integer))),
                    ("dataset", .string(dataset.rawValue)), ("test_accuracy", .number(evaluation.accuracy)),
                    ("test_loss", .float(evaluation.meanLoss)),
                    ("misclassified", .integer(evaluation.predictions.count - evaluation.correct)),
                    ("data_use", dataUse.map { .string($0.summary) } ?? .null),
                ]).text
            ])
        } else {
            Terminal.writeLines(
                [
                    "\(model) (\(shape)) on the \(data.name) test set: accuracy \(ProgressLine.percent(evaluation.accuracy))"
                        + " (\(evaluation.correct) of \(evaluation.predictions.count)), loss \(String(format: "%.4f", Double(evaluation.meanLoss)))"
                ] + (dataUse.map { ["  the model file records: \($0.summary)"] } ?? []))
        }
    }
}
