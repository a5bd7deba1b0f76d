// Where the commands meet the book: the summary of a training run that its page shows, and the
// one line that tells the user where the book is. The pages themselves are the Book module's.
import Book
import Foundation
import Lessons
import NeuralCore
import SafeIO
import Training

enum BookPages {
    /// "The book: open output/index.html", once at the end; on stderr when stdout is JSON.
    static func announce(_ page: URL, json: Bool) {
        let line = "The book: open \(LessonCatalog.displayPath(page))\n"
        if json { FileHandle.standardError.write(Data(line.utf8)) } else { StandardOutput.write("\n" + line) }
    }
}

// MARK: The page of a training run

extension BookPages {
    /// Writes `folder/index.html` for a finished run, and the front page beside it when the run's
    /// folder is the book's `mnist` folder. Every sentence is computed from the run's numbers.
    /// Returns the page to announce (the front page when there is one).
    static func writeRun(_ outcome: TrainingOutcome, folder: String) throws -> URL {
        let summary = runSummary(
            outcome, written: Set(outcome.pictures.map { URL(fileURLWithPath: $0).lastPathComponent }))
        let url = URL(fileURLWithPath: folder)
        let page = try Book.writeRunPage(summary, folder: url)
        guard url.standardizedFileURL.lastPathComponent == "mnist" else { return page }
        return try Book.writeFrontPage(output: url.standardizedFileURL.deletingLastPathComponent())
    }

    static func runSummary(_ outcome: TrainingOutcome, written: Set<String>) -> RunSummary {
        let (run, data, evaluation) = (outcome.run, outcome.data, outcome.evaluation)
        let options = run.options
        let shape = run.network.layerSizes.map(String.init).joined(separator: "-")
        let history = run.history
        var settings: [RunSummary.Setting] = [
            .init("data", "\(data.name), \(data.folder)"),
            .init("training images", ProgressLine.grouped(data.train.count)),
            .init(
                "validation images",
                ProgressLine.grouped(data.validation.count) + " (held out of the training images)"),
            .init("test images", ProgressLine.grouped(data.test.count) + " (scored once, after training)"),
            .init("network", shape),
            .init("epochs", "\(options.epochs)"),
            .init("batch", "\(options.batchSize)"),
            .init("learning rate", "\(TraceNumber.format(options.learningRate)) (\(options.schedule.rawValue))"),
            .init("momentum", TraceNumber.format(options.momentum)),
            .init("weight decay", TraceNumber.format(options.weightDecay)),
            .init("seed", "\(options.seed)"),
        ]
        if let distortion = options.distortion { settings.append(.init("augmentation", distortion.summary)) }
        let percent = { (value: Double?) in value.map(ProgressLine.percent) ?? "-" }
        let rows = history.map { record in
            [
                "\(record.epoch)", TraceNumber.format(record.learningRate), TraceNumber.format(record.trainLoss),
                ProgressLine.percent(record.trainAccuracy), record.validationLoss.map(TraceNumber.format) ?? "-",
                percent(record.validationAccuracy), String(format: "%.2f", record.seconds),
                ProgressLine.grouped(Int(record.imagesPerSecond.rounded())),
            ]
        }
        let total = evaluation.predictions.count
        let wrong = total - evaluation.correct
        var pictures: [RunSummary.Picture] = []
        func add(_ file: String, _ title: String, _ look: String) {
            if written.contains(file) { pictures.append(.init(file: file, title: title, look: look)) }
        }
        if let first = history.first, let last = history.last {
            let direction =
                last.trainLoss < first.trainLoss ? "fell" : last.trainLoss > first.trainLoss ? "rose" : "stayed"
            var look =
                "Loss and accuracy after each epoch: the training loss \(direction) from "
                + "\(TraceNumber.format(first.trainLoss)) after epoch 1 to \(TraceNumber.format(last.trainLoss)) "
                + "after epoch \(last.epoch)."
            if let firstValidation = first.validationLoss, let lastValidation = last.validationLoss {
                look +=
                    " On the validation images it went from \(TraceNumber.format(firstValidation)) to "
                    + "\(TraceNumber.format(lastValidation)); a validation curve that turns up while the training "
                    + "curve keeps falling would mean the network is learning the training images by heart."
            }
            add("curves.png", "loss and accuracy per epoch", look)
        }
        if let last = history.last?.diagnostics {
            var look = "Health figures of the network after each epoch."
            if let dead = last.deadFraction.first {
                look +=
                    " After the last epoch \(ProgressLine.percent(dead)) of the first hidden layer's units were dead "
                    + "(0 on all \(ProgressLine.grouped(last.probeImages)) \(last.probeSet) probe images, so no "
                    + "gradient reaches them)."
            }
            if let ratio = last.updateRatio.first {
                look +=
                    " A step changed the first layer's weights by \(TraceNumber.format(ratio)) of their size (about "
                    + "1e-3 is healthy; near 1 the steps throw the weights away)."
            }
            add("diagnostics.png", "diagnostics per epoch", look)
        }
        add(
            "weights.png", "first-layer weights on one shared scale",
            "Each tile is one unit's weights drawn at the image's size (red positive, blue negative), all on one "
                + "scale: strokes and blobs are the ink a unit looks for; pale tiles are units with small weights.")
        add(
            "weights-per-tile.png", "first-layer weights, each tile on its own scale",
            "The same weights, each tile on its own scale, so that the pattern of a unit with small weights shows too.")
        add(
            "filmstrip.png", "first-layer weights from initialisation to the end",
            "A few units from the random start to the end of training, left to right: watch the noise turn into "
                + "strokes.")
        add(
            "augmentation.png", "a training image and its distortions",
            "One training image and the distortions it is given in the first epochs: each epoch sees a slightly "
                + "different digit.")
        let shown = min(100, total)
        let wrongShown = zip(evaluation.predictions.prefix(shown), evaluation.labels.prefix(shown)).filter { $0 != $1 }
            .count
        add(
            "predictions.png", "the first \(shown) test images with predicted labels",
            "The first \(shown) test images with the label the network gave each; \(wrongShown) of them "
                + "\(wrongShown == 1 ? "is" : "are") wrong (red frame). Would you have read those the same way?")
        add(
            "misclassified.png", "the most confident mistakes",
            "The test mistakes the network was surest of, each as true -> predicted (probability), "
                + "\(min(60, wrong)) of \(ProgressLine.grouped(wrong)): some are badly written, some are plain errors.")
        let confusion = evaluation.confusionMatrix(classes: data.classNames.count)
        var worst: (truth: Int, guess: Int, count: Int)?
        for (truth, row) in confusion.enumerated() {
            for (guess, count) in row.enumerated() where guess != truth && count > (worst?.count ?? 0) {
                worst = (truth, guess, count)
            }
        }
        let commonest =
            worst.map { w in
                " The largest cell off it: \(data.classNames[w.truth]) taken for \(data.classNames[w.guess]), "
                    + "\(w.count) time\(w.count == 1 ? "" : "s")."
            } ?? " No cell off it is filled: no mistakes."
        add(
            "confusion.png", "test-set confusion matrix",
            "Rows are the true class, columns the prediction; the diagonal holds the "
                + "\(ProgressLine.grouped(evaluation.correct)) right answers.\(commonest)")
        // A picture the list above does not know still gets its place (and its file name as title).
        let known = Set(pictures.map(\.file))
        for file in written.sorted() where !known.contains(file) && file.hasSuffix(".png") {
            pictures.append(.init(file: file, title: file, look: "Drawn by this run."))
        }
        return RunSummary(
            title: "\(data.name), \(shape): \(ProgressLine.percent(evaluation.accuracy)) on the test set",
            settings: settings,
            epochHeaders: [
                "epoch", "learning rate", "train loss", "train accuracy", "validation loss", "validation accuracy",
                "seconds", "images/s",
            ],
            epochRows: rows,
            results: [
                "Test accuracy \(ProgressLine.percent(evaluation.accuracy)): \(ProgressLine.grouped(wrong)) of "
                    + "\(ProgressLine.grouped(total)) test images misclassified (the test set scored once, after "
                    + "training)."
            ],
            pictures: pictures,
            frames: zip(outcome.filmstripFrames, run.filmstrip.frames).map { path, frame in
                .init(file: "filmstrip/" + URL(fileURLWithPath: path).lastPathComponent, caption: frame.label)
            },
            framesTitle: "Step through training: the first layer's units",
            framesLook:
                "The same units frame by frame, from the random start to the end of training, each unit on its own "
                + "scale, the same in every frame: watch the noise turn into strokes.")
    }
}
