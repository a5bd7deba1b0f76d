// Lesson 11, stochastic and mini-batch gradient descent: the same start trained on the lesson's
// small data set (pixels scaled to 0-1) with different batch sizes, one core training step per
// batch; the whole set's loss after every update, each run's predictions and accuracy.
import Foundation
import NeuralCore

enum Lesson11MiniBatches: Lesson {
    /// One run's results, for the prose and the pictures.
    struct RunResult {
        var name: String
        var batch: Int
        var updates: Int
        var losses: [Float]  // after 0, 1, 2, ... updates
        var epochLosses: [Float]  // after 0, 1, 2, ... epochs
        var correct: Int
    }

    static func run(_ log: LessonLog, context: LessonContext) throws {
        let inputs = log.file.inputs
        let classes = try inputs["classes"].items(count: 2...10).map { try $0.string() }
        let raw = try ImageExamples.read(inputs["examples"], targetSize: classes.count, classes: true)
        let seed = try inputs["seed"].integer(in: 0...Int(Int32.max))
        let learningRate = try inputs["learning_rate"].number(in: 0...10)
        let epochs = try inputs["epochs"].integer(in: 1...10_000)
        let runs = try inputs["runs"].items(count: 1...6).map { run in
            (name: try run["name"].string(), batch: try run["batch_size"].integer(in: 1...raw.inputs.rows))
        }
        let count = raw.inputs.rows
        let labels = (0..<count).map { raw.targets.row($0).firstIndex(of: 1)! }

        try log.explain("The data set")
        log.show(
            raw.names.indices.map { i in
                step(
                    .example, "\(raw.names[i]) (class \(classes[labels[i]]))",
                    Matrix(rows: 1, cols: 9, values: raw.inputs.row(i)), index: [i])
            })

        try log.explain("Pixels from 0 to 1")
        let scale: Float = 9
        let x = Matrix(rows: count, cols: 9, values: raw.inputs.values.map { $0 / scale })
        log.show(
            step(
                .input, "x (\(raw.names[0])) = pixels / \(format(scale))", Matrix(rows: 1, cols: 9, values: x.row(0)),
                index: [0]))
        let start = Network(layerSizes: [9, classes.count], activations: [.identity])
        var random = SeededRandom(seed: UInt64(seed))
        start.initialize(.xavier, random: &random)
        let chance = Float(Foundation.log(Double(classes.count)))
        let unscaled = start.loss(.softmaxCrossEntropy, inputs: raw.inputs, targets: raw.targets)
        let scaled = start.loss(.softmaxCrossEntropy, inputs: x, targets: raw.targets)
        log.show([
            step(.loss, "L at the start, pixels 0-9", unscaled, note: "not trained"),
            step(.loss, "L at the start, pixels 0-1", scaled, note: "what the runs start from"),
        ])
        log.note(
            startingLoss(scaled: scaled, unscaled: unscaled, chance: chance, classes: classes.count), isResult: true)

        try log.explain("Three ways to take steps")
        var results: [RunResult] = []
        var predictions: [[(label: Int, p: Float)]] = []
        for (r, run) in runs.enumerated() {
            let network = start.copy()
            let trainer = Trainer(
                network: network, loss: .softmaxCrossEntropy,
                optimizer: SGD(learningRate: learningRate, parameterCount: network.parameterCount),
                batchSize: run.batch, shards: 1, threads: 1, kernel: .naive)
            var batches = MiniBatches(exampleCount: count, batchSize: run.batch, seed: UInt64(seed) + UInt64(r))
            var losses = [scaled], epochLosses = [scaled]
            var steps: [TraceStep] = [
                step(.epochLoss, "\(run.name): L after epoch 0", scaled, index: [r, 0], iteration: 0)
            ]
            for epoch in 1...epochs {
                batches.startEpoch()
                for b in 0..<batches.batchCount {
                    let rows = batches.indices(ofBatch: b).map(Int.init)
                    _ = trainer.step(
                        input: x.selecting(rows: rows), target: raw.targets.selecting(rows: rows), tracer: NoTracer())
                    losses.append(network.loss(.softmaxCrossEntropy, inputs: x, targets: raw.targets))
                }
                epochLosses.append(losses[losses.count - 1])
                if epoch == epochs || epoch % max(1, epochs / 5) == 0 {
                    steps.append(
                        step(
                            .epochLoss, "\(run.name): L after epoch \(epoch)", epochLosses[epoch], index: [r, epoch],
                            iteration: epoch))
                }
            }
            let updates = batches.batchCount * epochs
            log.note(
                "\(run.name): batches of \(run.batch), \(batches.batchCount) "
                    + (batches.batchCount == 1 ? "update" : "updates") + " per epoch, \(updates) in all")
            log.show(steps, isResult: true)

            // Its predictions: the core's softmax of every example, the largest probability wins.
            let (_, recorded) = log.record {
                network.loss(.softmaxCrossEntropy, input: x, target: raw.targets, tracer: $0)
            }
            let rows = only(recorded, .softmax).map(\.value.numbers)
            let guesses = rows.map { p in
                let best = p.indices.max { p[$0] < p[$1] }!
                return (label: best, p: p[best])
            }
            let correct = zip(guesses, labels).filter { $0.0.label == $0.1 }.count
            log.data(
                guesses.enumerated().map { i, guess in
                    step(.prediction, "\(run.name): \(raw.names[i])", Float(guess.label), index: [r, i])
                })
            log.show(
                step(
                    .accuracy, "\(run.name): accuracy", Float(correct) / Float(count),
                    formula: "\(correct) / \(count)", note: "right / examples",
                    index: [r]), isResult: true)
            predictions.append(guesses)
            results.append(
                RunResult(
                    name: run.name, batch: run.batch, updates: updates, losses: losses, epochLosses: epochLosses,
                    correct: correct))
        }
        log.table(
            ["example", "class"] + runs.map(\.name),
            (0..<count).map { i in
                [raw.names[i], classes[labels[i]]]
                    + predictions.map { run in
                        (run[i].label == labels[i] ? "" : "x ") + "\(classes[run[i].label]) (\(format(run[i].p)))"
                    }
            })
        log.note(accuracies(results, count: count), isResult: true)
        log.picture(
            "loss-curves.png",
            .plot(
                title: "Loss over the whole set after each epoch", xLabel: "epoch", yLabel: "cross-entropy",
                series: results.map { run in
                    PlotSeries(
                        "\(run.name) (batch \(run.batch))", xs: run.epochLosses.indices.map(Float.init),
                        ys: run.epochLosses)
                }, logY: spansDecades(results.flatMap(\.epochLosses).filter(\.isFinite))))
        log.picture(
            "loss-per-update.png",
            .plot(
                title: "Loss over the whole set after each update", xLabel: "updates", yLabel: "cross-entropy",
                series: results.map { run in
                    PlotSeries(
                        "\(run.name) (batch \(run.batch))", xs: run.losses.indices.map(Float.init), ys: run.losses)
                }, logY: spansDecades(results.flatMap(\.losses).filter(\.isFinite))))

        try log.explain("What to take away")
        log.note(comparison(results.map { ($0.name, $0.losses[0], $0.losses[$0.losses.count - 1]) }), isResult: true)
        log.note(perUpdate(results), isResult: true)
    }

    /// What the starting losses say about the scale, from their values.
    static func startingLoss(scaled: Float, unscaled: Float, chance: Float, classes: Int) -> String {
        let near = abs(scaled - chance) <= 0.25 * chance
        var text =
            "With pixels 0-1 the untrained loss is \(format(scaled)), "
            + (near
                ? "close to ln \(classes) = \(format(chance)), the loss of an even guess."
                : "not close to ln \(classes) = \(format(chance)): this start already prefers some classes.")
        text +=
            unscaled > scaled
            ? " With pixels 0-9 the same weights would start at \(format(unscaled)), \(format(unscaled / scaled)) times higher."
            : " With pixels 0-9 the same weights would start at \(format(unscaled))."
        return text
    }

    /// Each run's accuracy in a sentence, from the counts.
    static func accuracies(_ runs: [RunResult], count: Int) -> String {
        let perfect = runs.filter { $0.correct == count }.map(\.name)
        let short = runs.filter { $0.correct < count }
        if short.isEmpty {
            return runs.count == 1
                ? "The run gets all \(count) examples right."
                : "Every run gets all \(count) examples right: the one layer has learned to tell the classes apart."
        }
        var text = short.map { "\($0.name) gets \($0.correct) of \(count) right" }.joined(separator: "; ")
        if !perfect.isEmpty { text += "; " + perfect.joined(separator: " and ") + " gets all \(count) right" }
        return text + ". A run short of all \(count) needs more epochs or a larger learning_rate (or it diverged)."
    }

    /// The cost in updates of each run, and how much its loss went up and down on the way.
    static func perUpdate(_ runs: [RunResult]) -> String {
        runs.map { run in
            let rises = zip(run.losses, run.losses.dropFirst()).filter { $1 > $0 }.count
            return "\(run.name) took \(run.updates) \(run.updates == 1 ? "update" : "updates") to reach "
                + "\(format(run.losses[run.losses.count - 1])), and the loss over the whole set "
                + (rises == 0
                    ? "fell after every one" : "rose after \(rises) of them (a batch's step is not the whole set's)")
        }.joined(separator: "; ") + "."
    }

    /// Which run ended lowest, and whether each fell or grew, from the losses.
    static func comparison(_ runs: [(name: String, first: Float, last: Float)]) -> String {
        let grew = runs.filter { !$0.last.isFinite || $0.last > $0.first }
        func change(_ run: (name: String, first: Float, last: Float)) -> String {
            "\(run.name) \(format(run.first)) to \(format(run.last))"
        }
        if grew.count == runs.count {
            return "Every run's loss grew (\(grew.map(change).joined(separator: "; "))): the steps are too large; "
                + "try a smaller learning_rate."
        }
        let best = runs.filter { $0.last.isFinite }.min { $0.last < $1.last }!
        var text = "Here \(best.name) ended lowest, at \(format(best.last)) (from \(format(best.first)))."
        if !grew.isEmpty {
            text +=
                " The loss grew for \(grew.map(change).joined(separator: "; ")): for "
                + "\(grew.count == 1 ? "that run" : "those runs") the steps are too large; try a smaller learning_rate."
        }
        return text
    }
}
