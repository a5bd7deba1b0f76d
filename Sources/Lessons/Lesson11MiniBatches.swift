// Lesson 11, stochastic and mini-batch gradient descent: the same start trained on the lesson's
// small data set with different batch sizes by the core's trainer; updates per epoch and losses.
import NeuralCore

enum Lesson11MiniBatches: Lesson {
    static func run(_ log: LessonLog, context: LessonContext) throws {
        let inputs = log.file.inputs
        let classes = try inputs["classes"].items(count: 2...10).map { try $0.string() }
        let examples = try ImageExamples.read(inputs["examples"], targetSize: classes.count, classes: true)
        let seed = try inputs["seed"].integer(in: 0...Int(Int32.max))
        let learningRate = try inputs["learning_rate"].number(in: 0...10)
        let epochs = try inputs["epochs"].integer(in: 1...10_000)
        let runs = try inputs["runs"].items(count: 1...6).map { run in
            (name: try run["name"].string(), batch: try run["batch_size"].integer(in: 1...examples.inputs.rows))
        }

        try log.explain("The data set")
        log.show(
            examples.names.indices.map { i in
                step(.example, "\(examples.names[i]) (class \(classes[examples.targets.row(i).firstIndex(of: 1)!]))",
                    Matrix(rows: 1, cols: 9, values: examples.inputs.row(i)), index: [i])
            })

        try log.explain("Three ways to take steps")
        let start = Network(layerSizes: [9, classes.count], activations: [.identity])
        var random = SeededRandom(seed: UInt64(seed))
        start.initialize(.xavier, random: &random)
        let source = MatrixExamples(inputs: examples.inputs, targets: examples.targets)
        var series: [PlotSeries] = []
        var finals: [(name: String, first: Float, last: Float)] = []
        for (r, run) in runs.enumerated() {
            let network = start.copy()
            let optimizer = SGD(learningRate: learningRate, parameterCount: network.parameterCount)
            let trainer = Trainer(
                network: network, loss: .softmaxCrossEntropy, optimizer: optimizer, batchSize: run.batch,
                shards: 1, threads: 1, kernel: .naive)
            var batches = MiniBatches(exampleCount: source.count, batchSize: run.batch, seed: UInt64(seed) + UInt64(r))
            var losses = [network.loss(.softmaxCrossEntropy, inputs: examples.inputs, targets: examples.targets)]
            var steps: [TraceStep] = [
                step(.epochLoss, "\(run.name): L after epoch 0", losses[0], index: [r, 0], iteration: 0)
            ]
            for epoch in 1...epochs {
                batches.startEpoch()
                _ = trainer.trainEpoch(source: source, batches: batches)
                losses.append(network.loss(.softmaxCrossEntropy, inputs: examples.inputs, targets: examples.targets))
                if epoch == epochs || epoch % max(1, epochs / 5) == 0 {
                    steps.append(
                        step(.epochLoss, "\(run.name): L after epoch \(epoch)", losses[epoch], index: [r, epoch],
                            iteration: epoch))
                }
            }
            log.note(
                "\(run.name): batches of \(run.batch), \(batches.batchCount) update\(batches.batchCount == 1 ? "" : "s") per epoch, "
                    + "\(batches.batchCount * epochs) in all"
            )
            log.show(steps, isResult: true)
            series.append(
                PlotSeries("\(run.name) (batch \(run.batch))", xs: losses.indices.map(Float.init), ys: losses))
            finals.append((run.name, losses[0], losses[epochs]))
        }
        log.picture(
            "loss-curves.png",
            .plot(
                title: "Loss over the whole set after each epoch", xLabel: "epoch", yLabel: "cross-entropy",
                series: series))

        try log.explain("What to take away")
        log.note(comparison(finals), isResult: true)
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
            text += " The loss grew for \(grew.map(change).joined(separator: "; ")): for "
                + "\(grew.count == 1 ? "that run" : "those runs") the steps are too large; try a smaller learning_rate."
        }
        return text
    }
}
