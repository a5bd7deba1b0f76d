// Lesson 12, universal approximation: hand-set ReLU pieces make ramps and a bump (every value
// traced), then a one-hidden-layer ReLU network trained by the core's SGD on a curve.
import Foundation
import NeuralCore
import Render

enum Lesson12UniversalApproximation: Lesson {
    /// The curves a lesson file may ask for, by name.
    static let curves: [String: @Sendable (Float) -> Float] = [
        "sin": { Foundation.sin($0) }, "square": { $0 * $0 / 4 }, "abs": { Swift.abs($0) / 2 },
        "wave": { Foundation.sin(2 * $0) / 2 + $0 / 4 },
    ]

    static func run(_ log: LessonLog, context: LessonContext) throws {
        let hand = log.file.inputs["hand_set"]
        let pieces = try hand["pieces"].items(count: 1...16)
        var hiddenWeights = Matrix(rows: 1, cols: pieces.count)
        var hiddenBias: [Float] = []
        for (j, piece) in pieces.enumerated() {
            hiddenWeights[0, j] = try piece["weight"].number()
            hiddenBias.append(try piece["bias"].number())
        }
        let outputWeights = try hand["output_weights"].numbers(count: pieces.count)
        let outputBias = try hand["output_bias"].number()
        let xs = try atLeastOne(hand["x"].numbers(), hand["x"], "x")

        let trained = log.file.inputs["trained"]
        let curveName = try trained["curve"].string()
        guard let curve = curves[curveName] else {
            throw trained["curve"].error(
                "expected one of \(curves.keys.sorted().joined(separator: ", ")), found '\(curveName)'")
        }
        let low = try trained["from"].number(), high = try trained["to"].number()
        guard high > low else { throw trained["to"].error("expected a number larger than 'from' (\(format(low)))") }
        let points = try trained["points"].integer(in: 2...1000)
        let hiddenCount = try trained["hidden_neurons"].integer(in: 1...256)
        let learningRate = try trained["learning_rate"].number(in: 0...10)
        let epochs = try trained["epochs"].integer(in: 1...100_000)
        // Each epoch is a full-batch forward and backward through the readable kernels: about
        // points * hidden_neurons multiply-adds per layer. A budget on their product keeps the
        // lesson to seconds whatever each field's own range allows (the shipped file uses 0.6M).
        let work = epochs * points * hiddenCount
        guard work <= lesson12WorkBudget else {
            throw trained["epochs"].error(
                "epochs * points * hidden_neurons is \(work), more than the \(lesson12WorkBudget) a lesson runs in "
                    + "seconds; lower epochs, points or hidden_neurons")
        }
        let stages = try trained["stages"].items(count: 1...8).map { try $0.integer(in: 0...epochs) }
        let seed = try trained["seed"].integer(in: 0...Int(Int32.max))

        // Part 1: hand-set pieces.
        try log.explain("Two ReLUs make a ramp")
        let handNetwork = Network(layerSizes: [1, pieces.count, 1], activations: [.relu, .identity])
        handNetwork.setLayer(0, weights: hiddenWeights, bias: hiddenBias)
        handNetwork.setLayer(1, weights: column(outputWeights), bias: [outputBias])
        log.show(only(log.record { handNetwork.traceForward(Matrix([[0]]), tracer: $0) }.1, .weights, .bias))

        try log.explain("Ramps make a bump")
        let (_, steps) = log.record { handNetwork.traceForward(column(xs), tracer: $0) }
        for i in xs.indices {
            log.note("x = \(format(xs[i])):")
            log.show(steps.filter { ["z", "activation"].contains($0.name) && $0.index?.first == i })
        }
        log.show(only(steps, .output), isResult: true)
        let grid = evenlySpaced(low, high, count: 121)
        let handLayers = handNetwork.activations(column(grid))
        var pieceSeries = (0..<pieces.count).map { j in
            PlotSeries(
                "a\(j) = relu(\(format(hiddenWeights[0, j]))*x + \(operand(hiddenBias[j])))  (times \(format(outputWeights[j])))",
                xs: grid, ys: (0..<grid.count).map { handLayers[0][$0, j] })
        }
        pieceSeries.append(PlotSeries("N(x): the sum", xs: grid, ys: handLayers[1].values))
        pieceSeries.append(
            PlotSeries("N at the traced x", xs: xs, ys: only(steps, .output).first?.value.numbers ?? [], points: true))
        log.picture(
            "pieces.png",
            .plot(title: "ReLU pieces and their weighted sum", xLabel: "x", yLabel: "y", series: pieceSeries))

        // Part 2: learn the pieces.
        try log.explain("Learning the pieces")
        let sampleXs = evenlySpaced(low, high, count: points)
        let inputs = column(sampleXs), targets = column(sampleXs.map(curve))
        let network = Network(layerSizes: [1, hiddenCount, 1], activations: [.relu, .identity])
        var random = SeededRandom(seed: UInt64(seed))
        network.initialize(.he, random: &random)
        // He initialisation leaves biases at 0, so every hinge would sit at x = 0: spread them out.
        let hiddenBiases = network.bias(0)
        for j in 0..<hiddenCount { hiddenBiases.base[j] = random.uniform(low, high) * -network.weights(0)[0, j] }
        let trainer = Trainer(
            network: network, loss: .meanSquaredError,
            optimizer: SGD(learningRate: learningRate, momentum: 0.9, parameterCount: network.parameterCount),
            batchSize: points, shards: 1, threads: 1, kernel: .naive)
        let batches = MiniBatches(exampleCount: points, batchSize: points, seed: UInt64(seed), shuffle: false)
        let source = MatrixExamples(inputs: inputs, targets: targets)
        var fits: [PlotSeries] = [PlotSeries("target \(curveName)", xs: sampleXs, ys: targets.values, points: true)]
        var stageSteps: [TraceStep] = []
        var stageFrames: [(epoch: Int, fit: PlotSeries, steps: [TraceStep])] = []
        for epoch in 0...epochs {
            if epoch > 0 { _ = trainer.trainEpoch(source: source, batches: batches) }
            if stages.contains(epoch) {
                let loss = network.loss(.meanSquaredError, inputs: inputs, targets: targets)
                stageSteps.append(step(.loss, "L after \(epoch) steps", loss, iteration: epoch))
                fits.append(PlotSeries("after \(epoch) steps", xs: grid, ys: network.outputs(column(grid)).values))
                // The frame's rows: the loss, and the outputs at the hand-set x values (untraced: the
                // trained network's traced pass follows below, once).
                let outputs = step(
                    .output, "y at x = [" + xs.map(format).joined(separator: ", ") + "]", network.outputs(column(xs)),
                    iteration: epoch)
                stageFrames.append((epoch, fits[fits.count - 1], [stageSteps[stageSteps.count - 1], outputs]))
            }
        }
        log.note(
            "\(points) samples of \(curveName) from \(format(low)) to \(format(high)); 1-\(hiddenCount)-1 network; "
                + "full-batch SGD with momentum 0.9, learning rate \(format(learningRate)).")
        log.show(stageSteps, isResult: true)
        let stageLosses = stageSteps.map { $0.value.numbers[0] }
        if let first = stageLosses.first, let last = stageLosses.last, stageLosses.count > 1 {
            log.note(
                !last.isFinite || last > first
                    ? "The loss grew from \(format(first)) to \(format(last)): the steps are too large; try a smaller learning_rate."
                    : "The loss fell from \(format(first)) to \(format(last)) as the pieces moved.",
                isResult: true)
        }
        let (_, fitSteps) = log.record { network.traceForward(column(xs), tracer: $0) }
        log.show(only(fitSteps, .output))
        log.show(step(.target, "t", Matrix(rows: xs.count, cols: 1, values: xs.map(curve))))
        // The axis follows the target (with a margin), not an untrained start that may be far off.
        let targetLow = targets.values.min()!, targetHigh = targets.values.max()!
        let margin = max((targetHigh - targetLow) * 0.3, 0.1)
        log.picture(
            "fit.png",
            .plot(
                title: "Target and fit at several stages", xLabel: "x", yLabel: "y", series: fits,
                yRange: (targetLow - margin)...(targetHigh + margin)))
        log.frames(
            "Step through the fit",
            stageFrames.map { stage in
                (
                    "After \(stage.epoch) steps", frameName("fit", stage.epoch),
                    .plot(
                        title: "Target and fit after \(stage.epoch) steps", xLabel: "x", yLabel: "y",
                        series: [fits[0], stage.fit], yRange: (targetLow - margin)...(targetHigh + margin)),
                    stage.steps
                )
            })
        let learned = network.activations(column(grid))[0]
        let dead = (0..<hiddenCount).filter { j in (0..<grid.count).allSatisfy { learned[$0, j] == 0 } }.count
        if dead > 0 {
            log.note(
                "\(dead) of the \(hiddenCount) hidden neurons \(dead == 1 ? "is" : "are") 0 over the whole range "
                    + "(dead ReLUs): \(dead == 1 ? "it adds" : "they add") nothing to the fit. More hidden_neurons, another seed or a smaller "
                    + "learning_rate leave more of them alive.", isResult: true)
        }
        // Each piece times its output weight, in a colour of its own; with b2 they add up to the fit.
        let w2 = network.weightMatrix(1), b2 = network.bias(1).toMatrix()[0, 0]
        var learnedSeries = (0..<hiddenCount).map { j in
            PlotSeries(
                "a\(j)*\(format(w2[j, 0]))", xs: grid, ys: (0..<grid.count).map { learned[$0, j] * w2[j, 0] },
                color: Theme.distinctColor(j, of: hiddenCount))
        }
        learnedSeries.append(
            PlotSeries("the fit: sum + b2 (\(format(b2)))", xs: grid, ys: network.outputs(column(grid)).values, color: Theme.ink))
        log.picture(
            "learned-pieces.png",
            .plot(
                title: "Trained pieces times output weights; sum + b2 = fit", xLabel: "x",
                yLabel: "y", series: learnedSeries))
    }
}

/// The most `epochs * points * hidden_neurons` lesson 12 accepts (about half a second in a release build).
let lesson12WorkBudget = 20_000_000
