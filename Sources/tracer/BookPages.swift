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
    static func writeRun(
        _ run: TrainingRun, data: TrainingData, evaluation: Evaluation, written: [String], folder: String
    ) throws -> URL {
        let summary = runSummary(run, data: data, evaluation: evaluation, written: Set(written.map(fileName)))
        let url = URL(fileURLWithPath: folder)
        let page = try Book.writeRunPage(summary, folder: url)
        guard url.standardizedFileURL.lastPathComponent == "mnist" else { return page }
        return try Book.writeFrontPage(output: url.standardizedFileURL.deletingLastPathComponent())
    }

    static func fileName(_ path: String) -> String { URL(fileURLWithPath: path).lastPathComponent }

    static func runSummary(_ run: TrainingRun, data: TrainingData, evaluation: Evaluation, written: Set<String>)
        -> RunSummary
    {
        let options = run.options
        let shape = run.network.layerSizes.map(String.init).joined(separator: "-")
        let history = run.history
        let settings: [RunSummary.Setting] = [
            .init("data", "\(data.name), \(data.folder)"),
            .init("training images", ProgressLine.grouped(data.train.count)),
            .init("test images", ProgressLine.grouped(data.test.count)),
            .init("network", shape),
            .init("epochs", "\(options.epochs)"),
            .init("batch", "\(options.batchSize)"),
            .init("learning rate", "\(TraceNumber.format(options.learningRate)) (\(options.schedule.rawValue))"),
            .init("momentum", TraceNumber.format(options.momentum)),
            .init("weight decay", TraceNumber.format(options.weightDecay)),
            .init("seed", "\(options.seed)"),
        ]
        let rows = history.map { record in
            [
                "\(record.epoch)", TraceNumber.format(record.trainLoss), ProgressLine.percent(record.trainAccuracy),
                TraceNumber.format(record.testLoss), ProgressLine.percent(record.testAccuracy),
                String(format: "%.2f", record.seconds), ProgressLine.grouped(Int(record.imagesPerSecond.rounded())),
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
            add(
                "curves.png", "loss and accuracy per epoch",
                "Loss and accuracy after each epoch: the training loss \(direction) from "
                    + "\(TraceNumber.format(first.trainLoss)) after epoch 1 to \(TraceNumber.format(last.trainLoss)) "
                    + "after epoch \(last.epoch). A test curve that turns up while the training curve keeps falling "
                    + "would mean the network is learning the training images by heart.")
        }
        add(
            "weights.png", "first-layer weights, one map per hidden unit",
            "Each tile is one hidden unit's weights drawn at the image's size (red positive, blue negative): "
                + "strokes and blobs are the ink a unit looks for; speckle is a unit that learned little.")
        let shown = min(100, total)
        let wrongShown = zip(evaluation.predictions.prefix(shown), evaluation.labels.prefix(shown)).filter { $0 != $1 }
            .count
        add(
            "predictions.png", "the first \(shown) test images with predicted labels",
            "The first \(shown) test images with the label the network gave each; \(wrongShown) of them "
                + "\(wrongShown == 1 ? "is" : "are") wrong (red frame). Would you have read those the same way?")
        add(
            "misclassified.png", "the most confident mistakes",
            "The mistakes the network was surest of, each as true -> predicted (probability), \(min(60, wrong)) of "
                + "\(ProgressLine.grouped(wrong)): some are badly written, some are plain errors.")
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
            "confusion.png", "confusion matrix",
            "Rows are the true class, columns the prediction; the diagonal holds the "
                + "\(ProgressLine.grouped(evaluation.correct)) right answers.\(commonest)")
        return RunSummary(
            title: "\(data.name), \(shape): \(ProgressLine.percent(evaluation.accuracy)) on the test set",
            settings: settings,
            epochHeaders: [
                "epoch", "train loss", "train accuracy", "test loss", "test accuracy", "seconds", "images/s",
            ],
            epochRows: rows,
            results: [
                "Test accuracy \(ProgressLine.percent(evaluation.accuracy)): \(ProgressLine.grouped(wrong)) of "
                    + "\(ProgressLine.grouped(total)) test images misclassified."
            ],
            pictures: pictures)
    }
}
