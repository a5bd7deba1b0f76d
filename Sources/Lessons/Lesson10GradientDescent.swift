// Lesson 10, the SGD step and the loop: random weights, then predict, loss, gradient, step, repeat,
// stop, all by the core's trainer; the first iterations in full, later ones by their loss.
import NeuralCore

/// A lesson's small data set of 3x3 images with their targets (lessons 10 and 11).
struct ImageExamples {
    var names: [String]
    var inputs: Matrix  // (count, 9)
    var targets: Matrix  // (count, targetSize)

    static func read(_ field: LessonField, targetSize: Int, classes: Bool) throws -> ImageExamples {
        let items = try field.items(count: 1...1000)
        var names: [String] = [], inputs: [Float] = [], targets: [Float] = []
        for item in items {
            names.append(item["name"].exists ? try item["name"].string() : "image \(names.count)")
            inputs += try item["pixels"].image().values
            if classes {
                let label = try item["class"].integer(in: 0...(targetSize - 1))
                targets += (0..<targetSize).map { $0 == label ? 1 : 0 }
            } else {
                targets.append(try item["target"].number())
            }
        }
        return ImageExamples(
            names: names, inputs: Matrix(rows: items.count, cols: 9, values: inputs),
            targets: Matrix(rows: items.count, cols: targets.count / items.count, values: targets))
    }
}

enum Lesson10GradientDescent: Lesson {
    static func run(_ log: LessonLog, context: LessonContext) throws {
        let inputs = log.file.inputs
        let examples = try ImageExamples.read(inputs["examples"], targetSize: 1, classes: false)
        let seed = try inputs["seed"].integer(in: 0...Int(Int32.max))
        let learningRate = try inputs["learning_rate"].number(in: 0...10)
        // Every iteration is traced (its loss row, its frame), so the loop is bounded to stay a
        // lesson of seconds: 1,000 iterations, of which at most 20 are shown in full.
        let steps = try inputs["steps"].integer(in: 1...1_000)
        let tracedSteps = try inputs["traced_steps"].integer(in: 0...min(steps, 20))
        let stopBelow = try inputs["stop_below"].number(in: 0...1e6)
        let momentum = try inputs["momentum"].number(in: 0...0.999)

        try log.explain("Start from random weights")
        let network = Network(layerSizes: [9, 1], activations: [.identity])
        var random = SeededRandom(seed: UInt64(seed))
        network.initialize(.xavier, random: &random)
        let start = network.copy()
        let before = network.weightMatrix(0).reshaped(rows: 3, cols: 3)
        log.show([step(.weights, "w", before), step(.bias, "b", network.bias(0).toMatrix())])

        try log.explain("One step")
        if tracedSteps == 0 { try log.explain("Repeat") }
        let optimizer = SGD(learningRate: learningRate, parameterCount: network.parameterCount)
        let trainer = Trainer(
            network: network, loss: .meanSquaredError, optimizer: optimizer, batchSize: examples.inputs.rows,
            shards: 1, threads: 1, kernel: .naive)
        var losses: [Float] = []
        var lossSteps: [TraceStep] = []
        var iteration = 0
        // Each iteration's weights and steps, for the book's step-through.
        typealias LoopFrame = (iteration: Int, weights: Matrix, loss: Float, steps: [TraceStep])
        var loop: [LoopFrame] = []
        var latest: LoopFrame?
        var stride = 1
        while iteration < steps {
            iteration += 1
            let recorder = RecordingTracer()
            recorder.iteration = iteration
            let loss = trainer.step(input: examples.inputs, target: examples.targets, tracer: recorder)
            losses.append(loss)
            // Kept for the frames: every `stride`-th iteration (the stride doubles when more than 50
            // are kept, so memory stays small in a long loop) and always the latest.
            latest = (
                iteration, network.weightMatrix(0).reshaped(rows: 3, cols: 3), loss,
                only(recorder.steps, .z, .lossTerm, .loss, .dOutput, .dZ, .gradientBackprop, .update)
            )
            if (iteration - 1) % stride == 0, let latest {
                loop.append(latest)
                if loop.count > 50 {
                    stride *= 2
                    loop = loop.filter { ($0.iteration - 1) % stride == 0 }
                }
            }
            if iteration <= tracedSteps {
                log.note("Iteration \(iteration):")
                log.show(only(recorder.steps, .z))
                log.show(only(recorder.steps, .lossTerm, .loss))
                log.show(only(recorder.steps, .dOutput, .dZ))
                log.show(only(recorder.steps, .gradientBackprop))
                log.show(only(recorder.steps, .update))
                if iteration == tracedSteps { try log.explain("Repeat") }
            } else {
                lossSteps += only(recorder.steps, .loss).map { loss in
                    var loss = loss
                    loss.label = "L at iteration \(iteration)"
                    return loss
                }
            }
            if !loss.isFinite || loss < stopBelow { break }
        }
        if !lossSteps.isEmpty { log.show(lossSteps) }
        let finalLoss = network.loss(.meanSquaredError, inputs: examples.inputs, targets: examples.targets)
        log.note(
            Lesson10GradientDescent.verdict(
                losses: losses, final: finalLoss, stopBelow: stopBelow, steps: steps, learningRate: learningRate),
            isResult: true)
        if let latest, loop.last?.iteration != latest.iteration { loop.append(latest) }
        log.frames(
            "Step through the loop",
            framePositions(count: loop.count, limit: 25).map { i in
                let it = loop[i]
                return (
                    "Iteration \(it.iteration): loss \(format(it.loss)) with the weights it started from; "
                        + "the picture shows the weights after its step",
                    frameName("loop", it.iteration),
                    .heatMap(
                        title: "w after iteration \(it.iteration)", matrix: it.weights,
                        showValues: true),
                    it.steps
                )
            })

        log.picture(
            "loop.png",
            .flow(
                title: "The training loop: \(losses.count) iteration\(losses.count == 1 ? "" : "s") here",
                steps: [
                    ("1 init", ["random w,", "b = 0"]),
                    ("2 predict", ["y = x.w + b"]),
                    ("3 loss", ["L = mean", "(y - t)^2"]),
                    ("4 gradient", ["dL/dw, dL/db", "by backprop"]),
                    ("5 step", ["w <- w -", "lr*dL/dw"]),
                    ("6 repeat", ["back to 2"]),
                    ("7 stop", ["L < \(format(stopBelow))", "or \(steps) steps"]),
                ], loopBack: (from: 5, to: 1),
                caption: "lr = \(format(learningRate)); each pass through 2-5 is one iteration"))

        try log.explain("After training")
        let after = network.weightMatrix(0).reshaped(rows: 3, cols: 3)
        log.show([step(.weights, "w", after), step(.bias, "b", network.bias(0).toMatrix())])
        let (_, final) = log.record { network.traceForward(examples.inputs, tracer: $0) }
        log.show(
            only(final, .z).map { s in
                var s = s
                if let i = s.index?.first {
                    s.label = "N(\(examples.names[i])) (target \(format(examples.targets[i, 0])))"
                }
                return s
            }, isResult: true)
        let outputs = only(final, .z).map { $0.value.numbers[0] }
        let targets = examples.targets.values
        if outputs.allSatisfy(\.isFinite) {
            let gaps = zip(outputs, targets).map { abs($0 - $1) }
            let worst = gaps.max() ?? 0
            log.note(
                worst < 0.1
                    ? "Every output is within \(format(worst)) of its target: the weights now tell the examples apart."
                    : "The largest gap between an output and its target is still \(format(worst)): "
                        + "the weights do not yet tell the examples apart.",
                isResult: true)
        }
        try log.explain("Momentum: steps with a velocity")
        let momentumLosses = try withMomentum(
            log, start: start, examples: examples, learningRate: learningRate, momentum: momentum,
            iterations: losses.count)
        log.note(momentumVerdict(plain: losses, momentum: momentumLosses, mu: momentum), isResult: true)
        log.picture(
            "loss.png",
            .plot(
                title: "Loss at each iteration", xLabel: "iteration", yLabel: "loss",
                series: [
                    PlotSeries("plain SGD", xs: losses.indices.map { Float($0 + 1) }, ys: losses),
                    PlotSeries(
                        "momentum \(format(momentum))", xs: momentumLosses.indices.map { Float($0 + 1) },
                        ys: momentumLosses),
                ], logY: spansDecades((losses + momentumLosses).filter(\.isFinite))))
        log.picture(
            "weights.png",
            .heatMaps(
                title: "Weights before and after training", panels: [("before", before), ("after", after)],
                showValues: true))
    }

    /// The same start trained with momentum by the core's SGD for `iterations` iterations; the
    /// first two shown velocity by velocity. Returns the losses.
    static func withMomentum(
        _ log: LessonLog, start: Network, examples: ImageExamples, learningRate: Float, momentum: Float,
        iterations: Int
    ) throws -> [Float] {
        let network = start.copy()
        let trainer = Trainer(
            network: network, loss: .meanSquaredError,
            optimizer: SGD(learningRate: learningRate, momentum: momentum, parameterCount: network.parameterCount),
            batchSize: examples.inputs.rows, shards: 1, threads: 1, kernel: .naive)
        var losses: [Float] = []
        for iteration in 1...max(iterations, 1) {
            let recorder = RecordingTracer()
            recorder.iteration = iteration
            let loss = trainer.step(input: examples.inputs, target: examples.targets, tracer: recorder)
            losses.append(loss)
            if iteration <= 2 {
                // A parameter whose velocity is 0 has had no gradient: no pixel feeds it.
                let moving = Set(only(recorder.steps, .velocity).filter { $0.value.numbers[0] != 0 }.compactMap(\.parameter?.index))
                let shown = only(recorder.steps, .velocity, .update).filter { moving.contains($0.parameter?.index ?? []) }
                log.note("Iteration \(iteration) with momentum (loss before the step \(format(loss))):")
                if !shown.isEmpty { log.show(shown) }
            }
            if !loss.isFinite { break }
        }
        return losses
    }

    /// The two runs compared after the same number of iterations, from their losses.
    static func momentumVerdict(plain: [Float], momentum: [Float], mu: Float) -> String {
        guard let a = plain.last, let b = momentum.last else { return "" }
        let n = momentum.count
        if mu == 0 { return "With momentum 0 the velocity is just the gradient: the same steps as plain SGD." }
        func diverged(_ losses: [Float]) -> Bool {
            guard let first = losses.first, let last = losses.last else { return false }
            return !last.isFinite || last > 1e6 * max(first, 1e-6)
        }
        if diverged(momentum) {
            return "With momentum \(format(mu)) the run diverged too (its loss at iteration \(n) was \(format(b))): try a smaller "
                + "learning_rate or momentum."
        }
        if diverged(plain) {
            return "Plain SGD diverged at this learning_rate (its loss at iteration \(plain.count) was \(format(a))); with "
                + "momentum \(format(mu)) the loss at iteration \(n) is \(format(b))."
        }
        return b < a
            ? "At iteration \(n) the loss with momentum \(format(mu)) is \(format(b)), below plain SGD's \(format(a)): "
                + "the velocity carried the steps further along the slope."
            : "At iteration \(n) the loss with momentum \(format(mu)) is \(format(b)), not below plain SGD's "
                + "\(format(a)): here the velocity overshoots and swings back (try a smaller momentum)."
    }

    /// What the run did, from its losses (each iteration's, before its step) and the loss after
    /// the last step: diverged, met its threshold, fell, stayed flat or grew; and what to try
    /// when it went wrong.
    static func verdict(losses: [Float], final: Float, stopBelow: Float, steps: Int, learningRate: Float) -> String {
        guard let first = losses.first, let last = losses.last else { return "No iterations ran." }
        let n = losses.count
        let iterations = "\(n) iteration\(n == 1 ? "" : "s")"
        if !last.isFinite || !final.isFinite || final > 1e6 * max(first, 1e-6) {
            let shown = last.isFinite ? final : last
            return
                "The run diverged: the loss became \(format(shown)) after \(iterations) (it started at \(format(first))). "
                + "Each step overshoots the bottom and lands higher up; try a smaller learning_rate "
                + "(\(format(learningRate / 10)), say)."
        }
        if last < stopBelow {
            return "Stopped after iteration \(n): the loss \(format(last)) is below stop_below (\(format(stopBelow))), "
                + "down from \(format(first)) at iteration 1."
        }
        if final > first {
            return "The loss grew from \(format(first)) to \(format(final)) in \(iterations): the steps are too large. "
                + "Try a smaller learning_rate (\(format(learningRate / 10)), say)."
        }
        if first - final <= 0.01 * first {
            return
                "The loss stayed almost flat (\(format(first)) before the first step, \(format(final)) after the last): "
                + "the steps are too small to get anywhere in \(iterations); try a larger learning_rate or more steps."
        }
        return "The loss fell from \(format(first)) to \(format(final)) in \(iterations) but is not yet below "
            + "stop_below (\(format(stopBelow))); more steps would take it further."
    }
}
