// `tracer predict`: classifies the user's own images with a saved model. Each PNG is read as grey,
// prepared the way MNIST digits were (Training's DigitPreparation), classified, and drawn beside
// its probabilities; with --explain, also explained unit by unit. Thin: reading PNGs is Render's,
// the preparation, the model and the explanation Training's.
import ArgumentParser
import Datasets
import Foundation
import NeuralCore
import Render
import Training

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Classify your own digit images (PNG, any size, colour or background) with a saved model.",
        discussion: """
            Each image is made to look like an MNIST digit: grey, inverted when its background is light, \
            cropped to the ink, scaled so its longer side is 20 pixels, centred by mass in 28x28. \
            The picture of what the network saw, beside its probabilities, goes to --out.
            """)

    @Option(help: "The model file (from 'tracer train --save FILE').")
    var model: String

    @Argument(help: "PNG images to classify.")
    var images: [String]

    @Option(help: "Class names to use: mnist (digits) or fashion.")
    var dataset: DatasetKind = .mnist

    @Option(help: "Folder for the pictures.")
    var out: String = "output/mnist"

    @Flag(help: "Print one JSON object per image instead of text.")
    var json = false

    @Flag(help: "Also explain each image unit by unit (explain-IMAGE.png and the trace; see 'tracer explain').")
    var explain = false

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("give at least one IMAGE.png to classify") }
        guard !model.isEmpty else { throw ValidationError("--model must name a file") }
    }

    func run() throws {
        let names = dataset.classNames
        let side = DigitPreparation.side
        let network: Network
        do { network = try ModelFile.load(model, inputSize: side * side, outputSize: names.count) } catch {
            try failWithMessage(error.description)
        }
        var pictures: PictureSet
        do { pictures = try PictureSet(folder: out) } catch { try failWithMessage(error.description) }
        var failures = 0
        var pictureNames: Set<String> = []
        for path in images {
            do {
                let image = try PNGFile.readGrey(path)
                let digit = try DigitPreparation.prepare(
                    width: image.width, height: image.height, pixels: image.pixels, path: path)
                let probabilities = Classifier.probabilities(network, input: digit.values)
                let top = topClasses(probabilities, 3)
                let pictureName = predictionPictureName(for: path, taken: &pictureNames)
                try pictures.write(
                    TrainingPictures.prediction(
                        digit, probabilities: probabilities, classNames: names,
                        title: "\((path as NSString).lastPathComponent): \(names[top[0].0])"), as: pictureName)
                let written = pictures.written.last!
                if json {
                    Terminal.writeLines([
                        JSONValue.object([
                            ("image", .string(path)), ("predicted", .integer(top[0].0)),
                            ("class", .string(names[top[0].0])),
                            ("probability", .float(top[0].1)),
                            (
                                "top3",
                                .array(top.map { .object([("class", .integer($0.0)), ("probability", .float($0.1))]) })
                            ),
                            ("inverted", .bool(digit.inverted)), ("picture", .string(written)),
                        ]).text
                    ])
                } else {
                    let list = top.map { "\(names[$0.0]) \(String(format: "%.3f", Double($0.1)))" }.joined(
                        separator: ", ")
                    Terminal.writeLines([
                        "\(path): \(names[top[0].0])  (top 3: \(list))",
                        "  \(digit.inverted ? "light background inverted; " : "")ink \(digit.box.width)x\(digit.box.height) px scaled to \(digit.scaledWidth)x\(digit.scaledHeight), centred by mass; picture \(written)",
                    ])
                }
                if explain {
                    // explain-STEM.png beside predict-STEM.png (the same unique, length-checked stem).
                    let stem = String(pictureName.dropFirst("predict-".count).dropLast(".png".count))
                    Terminal.writeLines(
                        try Explanations.explainDigit(
                            network: network, digit: digit, name: (path as NSString).lastPathComponent, stem: stem,
                            classNames: names, units: 3, out: out, json: json))
                }
            } catch {
                failures += 1
                Terminal.writeError("error: \(error)")
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }
}
