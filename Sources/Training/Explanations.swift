// What `tracer explain` and `tracer predict --explain` do: load what they need, explain one digit
// (DigitExplanation), write its picture, and return the lines to print: the explanation, then the
// recorded trace (SampleTrace), as text or JSON lines. The commands only parse and print.
import Datasets
import Foundation
import NeuralCore

public enum Explanations {
    /// Explains test image `index` of `dataset` with the model at `model`; writes
    /// `explain-test-<index>.png` into `out`.
    public static func explainTestImage(
        model: String, index: Int, dataset: DatasetKind, dataFolder: String?, units: Int, out: String, json: Bool
    ) throws(TrainingFailure) -> [String] {
        let data: (test: DigitExamples, name: String, classNames: [String])
        do { data = try TrainingData.loadTest(kind: dataset, dataFlag: dataFolder) } catch let error as DatasetError {
            throw TrainingFailure(error.description)
        } catch { throw TrainingFailure("\(error)") }
        guard index < data.test.count else {
            throw TrainingFailure(
                "--test-index \(index) is not a test image: \(data.name) has \(data.test.count) (0...\(data.test.count - 1))"
            )
        }
        let network: Network
        do {
            network = try ModelFile.load(model, inputSize: data.test.inputSize, outputSize: data.test.targetSize)
        } catch { throw TrainingFailure(error.description) }
        return try explain(
            network: network, examples: data.test, index: index, label: data.test.label(index),
            name: "test image \(index)", fileStem: "explain-test-\(index)", classNames: data.classNames,
            units: units, out: out, json: json)
    }

    /// Explains a user's prepared digit; writes `explain-<stem>.png` into `out`. Its trace takes the
    /// predicted class as the target (there is no label).
    public static func explainDigit(
        network: Network, digit: PreparedDigit, name: String, stem: String, classNames: [String], units: Int,
        out: String, json: Bool
    ) throws(TrainingFailure) -> [String] {
        let side = DigitPreparation.side
        let predicted = argmaxIndex(Classifier.probabilities(network, input: digit.values))
        let examples = DigitExamples(
            pixels: digit.bytes, labels: [UInt8(predicted)], imageRows: side, imageCols: side,
            classCount: network.outputSize)
        return try explain(
            network: network, examples: examples, index: 0, label: nil, name: name, fileStem: "explain-\(stem)",
            classNames: classNames, units: units, out: out, json: json)
    }

    static func explain(
        network: Network, examples: DigitExamples, index: Int, label: Int?, name: String, fileStem: String,
        classNames: [String], units: Int, out: String, json: Bool
    ) throws(TrainingFailure) -> [String] {
        let explanation = DigitExplanation(
            network: network, input: examples.input(index).values, label: label, imageRows: examples.imageRows,
            imageCols: examples.imageCols, shownUnits: units)
        var pictures: PictureSet
        do { pictures = try PictureSet(folder: out) } catch { throw TrainingFailure(error.description) }
        let p = explanation.predicted
        let title =
            "\(name)\(label.map { ", label \(classNames[$0])" } ?? ""): predicted \(classNames[p]) (p = \(String(format: "%.3f", Double(explanation.probabilities[p]))))"
        do {
            try pictures.write(explanation.picture(classNames: classNames, title: title), as: fileStem + ".png")
        } catch { throw TrainingFailure(error.description) }
        let picture = pictures.written.last ?? ""
        let trace = SampleTrace(network: network, examples: examples, index: index)
        if json {
            return [explanation.json(leading: [("explain", .string(name)), ("picture", .string(picture))]).text]
                + trace.jsonLines()
        }
        let traceNote =
            label == nil ? " (no label: the loss and gradients take the predicted class as the target)" : ""
        return explanation.text(classNames: classNames, title: name) + [
            "picture \(picture)", "", "the recorded trace\(traceNote):",
        ]
            + trace.text(classNames: classNames.contains { $0.count > 1 } ? classNames : nil)
    }
}
