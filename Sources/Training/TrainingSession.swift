// What `tracer train` does, start to end: load and split the data, train epoch by epoch with a
// progress bar, the epoch line, the diagnostics and their warnings, score the test set once, draw
// every picture, save the model, and say what was written. The command line only parses flags into
// `TrainingSettings`; everything a user sees from a training run is decided here.
import Datasets
import Foundation
import NeuralCore
import Render

/// Everything `tracer train` was asked to do.
public struct TrainingSettings: Sendable {
    public var dataset: DatasetKind = .mnist
    /// `--data`; nil: the default folder (see `DataFolder`).
    public var dataFolder: String?
    /// Images held out of the training file for the per-epoch figures.
    public var validationCount = 10_000
    /// Train on the first N remaining training images only.
    public var limit: Int?
    public var options = TrainingOptions()
    /// Folder for the pictures.
    public var out = "output/mnist"
    /// Where to save the model, if anywhere.
    public var save: String?
    public var json = false
    /// Test image to trace through the trained network.
    public var traceSample: Int?

    public init() {}
}

/// Why a training session stopped, as one line for the user (naming the file or flag).
public struct TrainingFailure: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

public enum TrainingSession {
    /// Runs `settings` to the end, writing progress to stdout and warnings to stderr.
    public static func run(_ settings: TrainingSettings) throws(TrainingFailure) {
        let data: TrainingData
        do {
            data = try TrainingData.load(
                kind: settings.dataset, dataFlag: settings.dataFolder, validationCount: settings.validationCount,
                trainLimit: settings.limit)
        } catch let error as DatasetError {
            throw TrainingFailure(error.description)
        } catch {
            throw TrainingFailure("\(error)")
        }
        if let sample = settings.traceSample, sample >= data.test.count {
            throw TrainingFailure(
                "--trace-sample \(sample) is not a test image: \(data.name) has \(data.test.count) (0...\(data.test.count - 1))"
            )
        }
        // The output folder is checked (and created) before training, so a bad --out fails at once.
        var pictures: PictureSet
        do { pictures = try PictureSet(folder: settings.out) } catch { throw TrainingFailure(error.description) }

        let options = settings.options, json = settings.json
        let run = TrainingRun(options: options, train: data.train, validation: data.validation)
        let shape = run.network.layerSizes.map(String.init).joined(separator: "-")
        let epochs = options.epochs
        if !json {
            let augmented = options.distortion.map { ", augmented (\($0.summary))" } ?? ""
            Terminal.writeLines([
                "\(data.name) from \(data.folder): \(ProgressLine.grouped(data.train.count)) training, \(ProgressLine.grouped(data.validation.count)) validation (held out of the training images) and \(ProgressLine.grouped(data.test.count)) test images",
                "network \(shape), \(epochs) epoch\(epochs == 1 ? "" : "s"), batch \(options.batchSize), lr \(TraceNumber.format(options.learningRate)) (\(options.schedule.rawValue)), momentum \(TraceNumber.format(options.momentum)), seed \(options.seed)\(augmented)",
            ])
        }

        // Epochs, with a progress bar redrawn in place on a terminal.
        let interactive = !json && Terminal.isInteractive
        let progressEvery = Swift.max(1, run.batchCount / 40)
        var warned = Set<String>()
        for epoch in 1...epochs {
            let record: EpochRecord
            do {
                record = try run.runEpoch(
                    progressEvery: progressEvery,
                    progress: interactive
                        ? { progress, seconds in
                            Terminal.write(
                                "\r"
                                    + ProgressLine.bar(
                                        epoch: epoch, epochs: epochs, progress: progress, seconds: seconds))
                        } : nil)
            } catch {
                if interactive { Terminal.write("\n") }
                throw TrainingFailure(error.description)
            }
            let warnings = run.warnings
            if json {
                Terminal.writeLines([record.json(warnings: warnings.map(\.text)).text])
            } else {
                Terminal.write(
                    (interactive ? "\r\u{1B}[2K" : "") + ProgressLine.epochSummary(record, epochs: epochs) + "\n")
            }
            // Each kind of warning once (the first epoch it appears), so a broken run is not buried.
            for warning in warnings where warned.insert(warning.kind).inserted {
                Terminal.writeError("warning: " + warning.text)
            }
        }

        // The test set, scored once, now that training is over.
        let evaluation = run.network.evaluate(source: data.test, loss: .softmaxCrossEntropy)
        let mistakes = evaluation.mistakes()
        var use = data.use
        use.augmentation = options.distortion?.summary
        if let save = settings.save {
            do { try ModelFile.save(run.network, to: save, dataUse: use) } catch {
                throw TrainingFailure(error.description)
            }
        }
        let framePaths: [String]
        do {
            framePaths = try drawPictures(
                run: run, data: data, evaluation: evaluation, mistakes: mistakes, into: &pictures)
        } catch { throw TrainingFailure("\(error)") }

        if let sample = settings.traceSample {
            let trace = SampleTrace(network: run.network, examples: data.test, index: sample)
            Terminal.writeLines(
                json
                    ? trace.jsonLines()
                    : [""] + trace.text(classNames: data.kind == .mnist ? nil : data.classNames) + [""])
        }

        // ReLU units that a too-large step has switched off for good leave a finite loss but a
        // network that guesses: say so rather than let it pass as a result. With very few
        // training images the cause is more likely the data than the step.
        let names = data.classNames
        if evaluation.accuracy < 2 / Double(names.count) {
            let cause =
                data.train.count < 1000
                ? "\(data.train.count) training image\(data.train.count == 1 ? " is" : "s are") too few to learn from; train on more (--limit)"
                : "the learning rate \(TraceNumber.format(options.learningRate)) is probably too large (or the batch too small), try --lr \(TrainingError.suggestion(below: options.learningRate))"
            Terminal.writeError(
                "warning: test accuracy \(ProgressLine.percent(evaluation.accuracy)) is near chance; \(cause)")
        }
        let saved = settings.save.map { [$0] } ?? []
        let files = pictures.written + framePaths + saved
        if json {
            let summary = JSONValue.object([
                ("summary", .bool(true)),
                ("test_accuracy", .number(evaluation.accuracy)),
                ("test_loss", .float(evaluation.meanLoss)),
                ("misclassified", .integer(mistakes.count)),
                ("seconds", .number(run.history.map(\.seconds).reduce(0, +))),
                ("data_use", .string(use.summary)),
                ("files", .array(files.map(JSONValue.string))),
            ])
            Terminal.writeLines([summary.text])
        } else {
            Terminal.writeLines([
                "test accuracy \(ProgressLine.percent(evaluation.accuracy)) (\(mistakes.count) of \(evaluation.predictions.count) misclassified; the test set scored once, after training)",
                "wrote "
                    + (pictures.written + ["\(framePaths.count) filmstrip frames in \(settings.out)/filmstrip/"] + saved)
                    .joined(separator: ", "),
            ])
        }
    }

    /// The run's pictures: weights (shared and per-tile scale), filmstrip, diagnostics, curves,
    /// predictions, mistakes, confusion matrix, and the augmentation grid when augmented. Returns
    /// the paths of the filmstrip's frames, written one by one into a `filmstrip` folder.
    static func drawPictures(
        run: TrainingRun, data: TrainingData, evaluation: Evaluation, mistakes: [Mistake],
        into pictures: inout PictureSet
    ) throws -> [String] {
        let names = data.classNames
        let what = data.kind == .mnist ? "digits" : "images"
        let shape = run.network.layerSizes.map(String.init).joined(separator: "-")
        let linear = run.network.layerCount == 1
        let rows = data.test.imageRows, cols = data.test.imageCols
        let unitName: (Int) -> String = linear ? { names[$0] } : { "\($0)" }
        let what1 = linear ? "one template per class" : "one map per hidden unit"
        try pictures.write(
            TrainingPictures.weights(
                run.network, imageRows: rows, imageCols: cols,
                title: "first-layer weights of \(shape): \(what1), one shared scale (red +, blue -)",
                captions: linear ? names : nil),
            as: "weights.png")
        try pictures.write(
            TrainingPictures.weightsPerTile(
                run.network, imageRows: rows, imageCols: cols,
                title: "first-layer weights of \(shape): \(what1), each on its own scale", unitName: unitName),
            as: "weights-per-tile.png")
        try pictures.write(
            run.filmstrip.picture(
                title: "\(shape): \(linear ? "class templates" : "first-layer units") from initialisation to the end",
                unitName: linear ? { "class \(names[$0])" } : { "unit \($0)" }), as: "filmstrip.png")
        // The same frames one by one, for a page to step through: filmstrip/frame-01.png, ...
        var frames = try PictureSet(folder: (pictures.folder as NSString).appendingPathComponent("filmstrip"))
        let filmstrip = run.filmstrip
        for f in filmstrip.frames.indices {
            try frames.write(
                filmstrip.picture(
                    title: "\(shape), frame \(f + 1) of \(filmstrip.frames.count): \(filmstrip.frames[f].label)",
                    unitName: linear ? { "class \(names[$0])" } : { "unit \($0)" }, only: f),
                as: String(format: "frame-%02d.png", f + 1))
        }
        try pictures.write(
            TrainingPictures.diagnostics(run.history, title: "\(data.name), \(shape): diagnostics per epoch"),
            as: "diagnostics.png")
        if let distortion = run.options.distortion {
            try pictures.write(
                TrainingPictures.augmentation(
                    data.train, index: 0, distortion: distortion, seed: run.options.seed,
                    title: "training image 0 and the distortions it gets in epochs 1-23"), as: "augmentation.png")
        }
        try pictures.write(
            TrainingPictures.predictions(
                data.test, predictions: evaluation.predictions, classNames: names,
                title: "the first 100 test \(what) with predicted labels (red frame: wrong)"), as: "predictions.png")
        try pictures.write(
            TrainingPictures.mistakes(
                data.test, mistakes: mistakes, classNames: names,
                title: "the \(Swift.min(60, mistakes.count)) most confident of \(mistakes.count) test mistakes"),
            as: "misclassified.png")
        try pictures.write(
            TrainingPictures.confusion(
                evaluation.confusionMatrix(classes: names.count), classNames: names,
                title: "test-set confusion matrix: \(evaluation.correct) of \(evaluation.predictions.count) right"),
            as: "confusion.png")
        try pictures.write(
            TrainingPictures.curves(
                run.history, title: "\(data.name), \(shape): loss and accuracy per epoch (validation split)"),
            as: "curves.png")
        return frames.written
    }
}
