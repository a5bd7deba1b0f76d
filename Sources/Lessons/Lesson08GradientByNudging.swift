// Lesson 8, the gradient by nudging: first one variable (lesson 1's line loss as a function of w:
// rise over run with shrinking steps, then the derivative from the core's backward pass); then for
// each parameter of a small network, the core's loss at p + h and p - h and (L+ - L-)/2h; then
// the count of loss evaluations, here and for MNIST.
import Foundation
import NeuralCore

enum Lesson08GradientByNudging: Lesson {
    /// The small network, image and target of lessons 8 and 9, read from lesson 8's file.
    struct Setup {
        let network: Network
        let input: Matrix
        let target: Matrix
        let nudge: Float
    }

    static func setup(_ file: LessonFile) throws -> Setup {
        let inputs = file.inputs
        let image = try inputs["pixels"].image()
        let hidden = try inputs["hidden"].items(count: 1...8)
        var weights1 = Matrix(rows: 9, cols: hidden.count)
        var bias1: [Float] = []
        for (j, neuron) in hidden.enumerated() {
            let grid = try neuron["weights"].grid(rows: 3, cols: 3)
            for i in 0..<9 { weights1[i, j] = grid.values[i] }
            bias1.append(try neuron["bias"].number())
        }
        let weights2 = try inputs["output"]["weights"].numbers(count: hidden.count)
        let bias2 = try inputs["output"]["bias"].number()
        let target = try inputs["target"].number()
        let nudge = try inputs["nudge"].number(in: 1e-5...0.1)
        let network = Network(layerSizes: [9, hidden.count, 1], activations: [.relu, .identity])
        network.setLayer(0, weights: weights1, bias: bias1)
        network.setLayer(1, weights: column(weights2), bias: [bias2])
        return Setup(
            network: network, input: image.reshaped(rows: 1, cols: 9), target: Matrix([[target]]), nudge: nudge)
    }

    /// Weight gradients (parameter name, index, value; biases are skipped) as heat maps: each
    /// hidden neuron's nine weights in the image's 3x3 layout, then the output weights.
    static func gradientPanels(
        _ gradients: [(param: String?, index: [Int]?, value: Float)], network: Network, caption: String
    ) -> [(caption: String, matrix: Matrix)] {
        let hidden = network.layerSizes[1], outputs = network.layerSizes[2]
        var first = Matrix(rows: 9, cols: hidden), second = Matrix(rows: hidden, cols: outputs)
        for g in gradients {
            // A layer with one neuron names its weights by one index, [input].
            guard let index = g.index, let row = index.first else { continue }
            let col = index.count > 1 ? index[1] : 0
            if g.param == "w1" { first[row, col] = g.value }
            if g.param == "w2" { second[row, col] = g.value }
        }
        let neurons = (0..<hidden).map { j in
            (caption: "\(caption): neuron \(j)", matrix: Matrix(rows: 3, cols: 3, values: (0..<9).map { first[$0, j] }))
        }
        return neurons + [(caption: "\(caption): w2", matrix: second)]
    }

    static func run(_ log: LessonLog, context: LessonContext) throws {
        try derivativeAsSlope(log, context: context)
        let setup = try setup(log.file)
        let network = setup.network

        try log.explain("The network")
        let (_, forward) = log.record {
            network.loss(.meanSquaredError, input: setup.input, target: setup.target, tracer: $0)
        }
        log.show(only(forward, .input, .weights, .bias))
        log.show(only(forward, .z, .activation))
        log.show(only(forward, .output, .target, .lossTerm))
        log.show(only(forward, .loss), isResult: true)

        try log.explain("Nudging each parameter")
        let (_, nudged) = log.record {
            network.numericalGradient(
                .meanSquaredError, input: setup.input, target: setup.target, h: setup.nudge, tracer: $0)
        }
        log.show(nudged)
        if let note = deadNeurons(only(forward, .z).filter { $0.layer == 1 }) { log.note(note, isResult: true) }
        log.picture(
            "gradients.png",
            .heatMaps(
                title: "dL/dw by nudging (blue: raising w lowers L)",
                panels: gradientPanels(
                    only(nudged, .gradientNumeric).map { ($0.param, $0.index, $0.value.numbers[0]) },
                    network: network,
                    caption: "nudged"),
                showValues: true))

        try log.explain("Counting the cost")
        let count = network.parameterCount
        log.note(
            "\(count) parameters x 2 nudges = \(2 * count) loss evaluations (forward passes) for one gradient.",
            isResult: true)
        let mnist = Network(layerSizes: [784, 128, 10])
        let multiplications = (0..<mnist.layerCount).map { mnist.layerSizes[$0] * mnist.layerSizes[$0 + 1] }.reduce(
            0, +)
        log.note(
            "A 784-128-10 MNIST network has \(grouped(mnist.parameterCount)) parameters: \(grouped(2 * mnist.parameterCount)) "
                + "forward passes of about \(grouped(multiplications)) multiplications each, for one gradient of one image.",
            isResult: true)
    }

    /// One variable first: lesson 1's loss as a function of its weight w (bias fixed). The
    /// secants' slopes (L(w + h) - L(w)) / h for shrinking h, each loss from the core, then the
    /// derivative from the core's backward pass, its formula written with the numbers.
    static func derivativeAsSlope(_ log: LessonLog, context: LessonContext) throws {
        let inputs = log.file.inputs["slope"]
        let source = try inputs["line_from_lesson"].integer(in: 1...99)
        let steps = try inputs["steps"].items(count: 1...8).map { try $0.number(in: 1e-4...10) }
        let line = try context.catalog.file(source).inputs
        let xs = try atLeastOne(line["samples"]["x"].numbers(), line["samples"]["x"], "sample")
        let ts = try line["samples"]["t"].numbers(count: xs.count)
        let w = try line["guess"]["weight"].number(), b = try line["guess"]["bias"].number()
        let samples = column(xs), targets = column(ts)
        /// The core's loss of the line with weight `weight` and the fixed bias.
        func lineNetwork(_ weight: Float) -> Network {
            let network = Network(layerSizes: [1, 1], activations: [.identity])
            network.setLayer(0, weights: Matrix([[weight]]), bias: [b])
            return network
        }
        func loss(_ weight: Float) -> Float {
            lineNetwork(weight).loss(.meanSquaredError, inputs: samples, targets: targets)
        }

        try log.explain("One weight first: the derivative as a slope")
        let lossAtW = loss(w)
        var shown = [
            TraceStep(
                .functionValue, label: "L(w = \(format(w)))", value: .scalar(lossAtW), note: "b = \(format(b)) fixed",
                index: [0], showsAllDigits: true)
        ]
        var secants: [(h: Float, slope: Float)] = []
        for (k, h) in steps.enumerated() {
            let moved = w + h
            let lossMoved = loss(moved)
            // Rise over run, from the two losses as printed (every digit) and the step as written.
            let slope = Float((Double(lossMoved) - Double(lossAtW)) / Double(format(h))!)
            shown.append(
                TraceStep(
                    .functionValue, label: "L(w = \(format(moved)))", value: .scalar(lossMoved), index: [k],
                    showsAllDigits: true))
            shown.append(
                TraceStep(
                    .secantSlope, label: "rise / run, h = \(format(h))", value: .scalar(slope),
                    formula: "(\(exact(lossMoved)) - \(exactOperand(lossAtW))) / \(format(h))",
                    note: "(L(w + h) - L(w)) / h", index: [k]))
            secants.append((h, slope))
        }
        log.show(shown)

        // The derivative: the core's backward pass, dL/dy for each sample, then dL/dw.
        let (_, backward) = log.record {
            lineNetwork(w).lossAndGradients(.meanSquaredError, input: samples, target: targets, tracer: $0)
        }
        log.show(only(backward, .dOutput))
        let derivativeSteps = only(backward, .gradientBackprop).filter { $0.parameter?.kind == .weights }
        log.show(derivativeSteps, isResult: true)
        let derivative = derivativeSteps.first?.value.numbers.first ?? .nan
        log.note(slopeSummary(secants, derivative: derivative), isResult: true)
        let elsewhere = [w - 1, w + 1].map { ($0, lineNetwork($0).lossAndGradients(
            .meanSquaredError, input: samples, target: targets, tracer: NoTracer()).gradients[0]) }
        log.note(
            "dL/dw is itself a function of w: at w = \(format(elsewhere[0].0)) it is \(format(elsewhere[0].1)), "
                + "at w = \(format(w)) it is \(format(derivative)), at w = \(format(elsewhere[1].0)) it is "
                + "\(format(elsewhere[1].1)).")

        // The picture: the curve, the point, its tangent, and each secant through w and w + h.
        let low = w - 1.5, high = w + max(1.5, (steps.max() ?? 1) + 0.25)
        let grid = evenlySpaced(low, high, count: 61)
        let curve = grid.map(loss)
        var series = [PlotSeries("L(w)", xs: grid, ys: curve)]
        for secant in secants {
            series.append(
                PlotSeries("secant h = \(format(secant.h)), slope \(format(secant.slope))", xs: [low, high],
                    ys: [lossAtW + secant.slope * (low - w), lossAtW + secant.slope * (high - w)]))
        }
        // The tangent last, on top of the secants that close in on it.
        series.append(
            PlotSeries("tangent, slope \(format(derivative))", xs: [low, high],
                ys: [lossAtW + derivative * (low - w), lossAtW + derivative * (high - w)]))
        series.append(
            PlotSeries("(w, L(w)) and each (w + h, L(w + h))", xs: [w] + secants.map { w + $0.h },
                ys: [lossAtW] + secants.map { lossAtW + $0.slope * $0.h }, points: true))
        let top = curve.filter(\.isFinite).max() ?? 1, bottom = curve.filter(\.isFinite).min() ?? 0
        log.picture(
            "slope.png",
            .plot(
                title: "L(w) with b = \(format(b)): secants turn into the tangent", xLabel: "w", yLabel: "L",
                series: series, yRange: (bottom - 0.1 * (top - bottom))...top))
    }

    /// Whether the secants' slopes settle on the derivative, from the numbers.
    static func slopeSummary(_ secants: [(h: Float, slope: Float)], derivative: Float) -> String {
        guard let last = secants.last else { return "" }
        let gaps = secants.map { abs($0.slope - derivative) }
        let shrinking = zip(gaps, gaps.dropFirst()).allSatisfy { $1 <= $0 }
        let close = gaps.last! <= 0.01 * max(abs(derivative), 1)
        var text = "The derivative's formula gives dL/dw = \(format(derivative)); "
        text += "the smallest step, h = \(format(last.h)), gives a slope of \(format(last.slope))"
        text += close ? ", within \(format(gaps.last!)) of it" : ", still \(format(gaps.last!)) away"
        if secants.count == 1 {
            text += ". With one step there is nothing to converge yet: list smaller ones under `steps` to watch "
                + "the secants close in."
        } else {
            text += shrinking
                ? ". Each smaller h brings the secant's slope closer: the rise over run converges on the derivative."
                : ". The secants' slopes do not close in steadily here: list the steps from large to small, and "
                    + "know that a very small h loses digits to rounding."
        }
        if derivative < 0 {
            text += " It is negative: raising w lowers L."
        } else if derivative > 0 {
            text += " It is positive: lowering w lowers L."
        }
        return text
    }

    /// A sentence about hidden neurons whose z is 0 or below (the ReLU passes no change through
    /// them, so every weight into them has slope 0), or nil when every one fires.
    static func deadNeurons(_ hiddenZ: [TraceStep]) -> String? {
        let silent = hiddenZ.filter { $0.value.numbers[0] <= 0 }.map(\.label)
        guard !silent.isEmpty else { return nil }
        return "\(silent.joined(separator: ", ")) \(silent.count == 1 ? "is" : "are") 0 or below, so the ReLU gives 0 "
            + "there whatever a small nudge does: every weight and bias into \(silent.count == 1 ? "that neuron" : "those neurons") "
            + "has slope 0 and would not learn from this image. A neuron silent for every input is 'dead'; "
            + "a larger bias or other starting weights wake it."
    }
}
