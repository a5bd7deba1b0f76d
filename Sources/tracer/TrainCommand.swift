// `tracer train`: trains an MLP on MNIST or Fashion-MNIST, shows progress, evaluates on the test
// set, renders the pictures, optionally saves the model and traces one test image. Thin: the work
// is in the Training module; this parses, validates, calls and reports.
import ArgumentParser
import Datasets
import Foundation
import NeuralCore
import Render
import Training

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a multilayer perceptron on MNIST (or Fashion-MNIST), evaluate it and draw what it learned.",
        discussion: """
            The defaults (784-128-10, 5 epochs, batch 64, --lr 0.1 with a cosine schedule, --momentum 0.9) reach about 98% \
            test accuracy in a few seconds. Pictures go to --out: weights.png, predictions.png, \
            misclassified.png, confusion.png, curves.png. With --json: one object per epoch, the \
            trace (with --trace-sample) as JSON lines, then a summary object.
            """)

    @Option(help: "Data folder (default: $MNIST_DIR, else ~/.cache/neuraltracer/mnist; see 'tracer download').")
    var data: String?

    @Option(help: "mnist or fashion.")
    var dataset: String = "mnist"

    @Option(help: "Passes over the training set.")
    var epochs: Int = 5

    @Option(help: "Examples per mini-batch.")
    var batch: Int = 64

    @Option(help: "Learning rate of SGD.")
    var lr: Float = 0.1

    @Option(help: "Momentum of SGD, in [0, 1).")
    var momentum: Float = 0.9

    @Option(help: "Learning-rate schedule over the epochs: cosine (from --lr down towards 0) or constant.")
    var schedule: String = "cosine"

    @Option(name: .customLong("weight-decay"), help: "L2 weight decay added to each gradient.")
    var weightDecay: Float = 0

    @Option(help: "Hidden layer sizes, comma-separated, e.g. 128 or 512,256.")
    var hidden: String = "128"

    @Option(help: "Random seed (weights and shuffling).")
    var seed: UInt64 = 1

    @Option(help: "Train on the first N training images only.")
    var limit: Int?

    @Option(help: "Folder for the pictures.")
    var out: String = "output/mnist"

    @Option(help: "Save the trained model to this file.")
    var save: String?

    @Flag(help: "Print JSON lines instead of text.")
    var json = false

    @Option(name: .customLong("trace-sample"), help: "Trace test image K through the trained network, step by step.")
    var traceSample: Int?

    var hiddenSizes: [Int] { hidden.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    func validate() throws {
        guard DatasetKind(rawValue: dataset) != nil else {
            throw ValidationError("--dataset must be mnist or fashion, not '\(dataset)'")
        }
        guard LearningRateSchedule(rawValue: schedule) != nil else {
            throw ValidationError("--schedule must be cosine or constant, not '\(schedule)'")
        }
        guard (1...10_000).contains(epochs) else {
            throw ValidationError("--epochs must be between 1 and 10000, not \(epochs)")
        }
        guard (1...60_000).contains(batch) else {
            throw ValidationError("--batch must be between 1 and 60000, not \(batch)")
        }
        guard lr.isFinite && lr > 0 else { throw ValidationError("--lr must be a positive number, not \(lr)") }
        guard momentum.isFinite && momentum >= 0 && momentum < 1 else {
            throw ValidationError("--momentum must be in [0, 1), not \(momentum)")
        }
        guard weightDecay.isFinite && weightDecay >= 0 else {
            throw ValidationError("--weight-decay must be zero or positive, not \(weightDecay)")
        }
        let parts = hidden.split(separator: ",", omittingEmptySubsequences: false)
        guard !parts.isEmpty,
            parts.allSatisfy({ Int($0.trimmingCharacters(in: .whitespaces)).map { (1...8192).contains($0) } ?? false })
        else {
            throw ValidationError(
                "--hidden must be a comma-separated list of layer sizes between 1 and 8192, e.g. 128 or 512,256; not '\(hidden)'"
            )
        }
        guard parts.count <= 8 else { throw ValidationError("--hidden takes at most 8 layers, not \(parts.count)") }
        if let limit { guard limit >= 1 else { throw ValidationError("--limit must be at least 1, not \(limit)") } }
        if let traceSample {
            guard traceSample >= 0 else {
                throw ValidationError("--trace-sample must be a test image index (0 or more), not \(traceSample)")
            }
        }
        guard !out.isEmpty else { throw ValidationError("--out must name a folder") }
        if let save { guard !save.isEmpty else { throw ValidationError("--save must name a file") } }
    }

    func run() throws {
        try checkDestinations(save: save, out: out)
        let kind = DatasetKind(rawValue: dataset)!  // checked in validate()
        let data: TrainingData
        do { data = try TrainingData.load(kind: kind, dataFlag: self.data, trainLimit: limit) } catch let error
            as DatasetError
        {
            try failWithMessage(error.description)
        }
        if let traceSample, traceSample >= data.test.count {
            try failWithMessage(
                "--trace-sample \(traceSample) is not a test image: \(data.name) has \(data.test.count) (0...\(data.test.count - 1))"
            )
        }
        // The output folder is checked (and created) before training, so a bad --out fails at once.
        var pictures: PictureSet
        do { pictures = try PictureSet(folder: out) } catch { try failWithMessage(error.description) }

        var options = TrainingOptions()
        options.hiddenSizes = hiddenSizes
        options.epochs = epochs
        options.batchSize = batch
        options.learningRate = lr
        options.momentum = momentum
        options.weightDecay = weightDecay
        options.seed = seed
        options.schedule = LearningRateSchedule(rawValue: schedule)!  // checked in validate()
        let run = TrainingRun(options: options, train: data.train, test: data.test)
        let shape = run.network.layerSizes.map(String.init).joined(separator: "-")
        if !json {
            Terminal.writeLines([
                "\(data.name) from \(data.folder): \(ProgressLine.grouped(data.train.count)) training and \(ProgressLine.grouped(data.test.count)) test images",
                "network \(shape), \(epochs) epoch\(epochs == 1 ? "" : "s"), batch \(batch), lr \(TraceNumber.format(lr)) (\(schedule)), momentum \(TraceNumber.format(momentum)), seed \(seed)",
            ])
        }

        // Epochs, with a progress bar redrawn in place on a terminal.
        let interactive = !json && Terminal.isInteractive
        let progressEvery = Swift.max(1, run.batchCount / 40)
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
                try failWithMessage(error.description)
            }
            if json {
                Terminal.writeLines([record.json.text])
            } else {
                Terminal.write(
                    (interactive ? "\r\u{1B}[2K" : "") + ProgressLine.epochSummary(record, epochs: epochs) + "\n")
            }
        }

        let evaluation = run.lastEvaluation!
        let mistakes = evaluation.mistakes()
        if let save {
            do { try ModelFile.save(run.network, to: save) } catch { try failWithMessage(error.description) }
        }
        let names = data.classNames
        let what = data.kind == .mnist ? "digits" : "images"
        do {
            try pictures.write(
                TrainingPictures.weights(
                    run.network, imageRows: data.test.imageRows, imageCols: data.test.imageCols,
                    title: "first-layer weights of \(shape): one map per hidden unit (red +, blue -)"),
                as: "weights.png")
            try pictures.write(
                TrainingPictures.predictions(
                    data.test, predictions: evaluation.predictions, classNames: names,
                    title: "the first 100 test \(what) with predicted labels (red frame: wrong)"), as: "predictions.png"
            )
            try pictures.write(
                TrainingPictures.mistakes(
                    data.test, mistakes: mistakes, classNames: names,
                    title: "the \(Swift.min(60, mistakes.count)) most confident of \(mistakes.count) mistakes"),
                as: "misclassified.png")
            try pictures.write(
                TrainingPictures.confusion(
                    evaluation.confusionMatrix(classes: names.count), classNames: names,
                    title: "confusion matrix: \(evaluation.correct) of \(evaluation.predictions.count) right"),
                as: "confusion.png")
            try pictures.write(
                TrainingPictures.curves(run.history, title: "\(data.name), \(shape): loss and accuracy per epoch"),
                as: "curves.png")
        } catch { try failWithMessage(error.description) }

        if let traceSample {
            let trace = SampleTrace(network: run.network, examples: data.test, index: traceSample)
            Terminal.writeLines(
                json ? trace.jsonLines() : [""] + trace.text(classNames: data.kind == .mnist ? nil : names) + [""])
        }

        // ReLU units that a too-large step has switched off for good leave a finite loss but a
        // network that guesses: say so rather than let it pass as a result. With very few
        // training images the cause is more likely the data than the step.
        if evaluation.accuracy < 2 / Double(names.count) {
            let cause =
                data.train.count < 1000
                ? "\(data.train.count) training image\(data.train.count == 1 ? " is" : "s are") too few to learn from; train on more (--limit)"
                : "the learning rate \(TraceNumber.format(lr)) is probably too large (or the batch too small), try --lr \(TrainingError.suggestion(below: lr))"
            Terminal.writeError(
                "warning: test accuracy \(ProgressLine.percent(evaluation.accuracy)) is near chance; \(cause)")
        }
        let files = pictures.written + (save.map { [$0] } ?? [])
        if json {
            let summary = JSONValue.object([
                ("summary", .bool(true)),
                ("test_accuracy", .number(evaluation.accuracy)),
                ("misclassified", .integer(mistakes.count)),
                ("files", .array(files.map(JSONValue.string))),
            ])
            Terminal.writeLines([summary.text])
        } else {
            Terminal.writeLines([
                "test accuracy \(ProgressLine.percent(evaluation.accuracy)) (\(mistakes.count) of \(evaluation.predictions.count) misclassified)",
                "wrote " + files.joined(separator: ", "),
            ])
        }
    }
}
