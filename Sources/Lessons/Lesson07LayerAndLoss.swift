// Lesson 7, a layer of neurons and the loss: several neurons on one image give several outputs;
// the core scores them against the target with mean squared error, then softmax cross-entropy,
// and its backward gives dL/dz = p - t, checked against the core's nudging of each z.
import NeuralCore

enum Lesson07LayerAndLoss: Lesson {
    static func run(_ log: LessonLog, context: LessonContext) throws {
        let inputs = log.file.inputs
        let image = try inputs["pixels"].image()
        let neurons = try inputs["neurons"].items(count: 1...10)
        var weights = Matrix(rows: 9, cols: neurons.count)
        var biases: [Float] = []
        for (j, neuron) in neurons.enumerated() {
            let grid = try neuron["weights"].grid(rows: 3, cols: 3)
            for i in 0..<9 { weights[i, j] = grid.values[i] }
            biases.append(try neuron["bias"].number())
        }
        let target = try inputs["target"].numbers(count: neurons.count)
        let nudge = try inputs["nudge"].number(in: 1e-5...0.1)
        let x = image.reshaped(rows: 1, cols: 9), t = Matrix(rows: 1, cols: target.count, values: target)

        try log.explain("A layer")
        let layer = Network(layerSizes: [9, neurons.count], activations: [.identity])
        layer.setLayer(0, weights: weights, bias: biases)
        let workspace = Workspace(for: layer, capacity: 1)
        let (_, steps) = log.record { tracer in
            x.withView { _ = layer.forward($0, workspace: workspace, kernel: .naive, tracer: tracer) }
        }
        log.show(only(steps, .input, .weights, .bias))
        log.show(only(steps, .product))
        log.show(only(steps, .z))
        log.show(only(steps, .output), isResult: true)

        try log.explain("The target")
        let (_, squared) = log.record { tracer in
            t.withView { layer.loss(.meanSquaredError, target: $0, workspace: workspace, rows: 1, tracer: tracer) }
        }
        log.show(only(squared, .target))
        if target.filter({ $0 == 1 }).count == 1 && target.allSatisfy({ $0 == 0 || $0 == 1 }) {
            log.note("The 1 is in place \(target.firstIndex(of: 1)!): the image is of class \(target.firstIndex(of: 1)!).")
        }

        try log.explain("Mean squared error")
        log.show(only(squared, .lossTerm))
        log.show(only(squared, .loss), isResult: true)
        let outputs = only(steps, .output)[0].value.numbers
        let names = outputs.indices.map { "\($0)" }
        let meanSquared = only(squared, .loss)[0].value.numbers[0]
        log.picture(
            "mse.png",
            .bars(
                title: "Mean squared error: the mean of the terms is \(format(meanSquared))",
                panels: [
                    BarPanel("outputs y", labels: names, values: outputs),
                    BarPanel("targets t", labels: names, values: target),
                    BarPanel(
                        "terms (y - t)^2", labels: names,
                        values: only(squared, .lossTerm).map { $0.value.numbers[0] },
                        decimals: 4),
                ]))

        try log.explain("Softmax and cross-entropy")
        let (_, crossEntropy) = log.record { tracer in
            t.withView { layer.loss(.softmaxCrossEntropy, target: $0, workspace: workspace, rows: 1, tracer: tracer) }
        }
        log.show(only(crossEntropy, .exponential, .exponentialSum))
        log.show(only(crossEntropy, .probability))
        log.show(only(crossEntropy, .softmax))
        log.show(only(crossEntropy, .lossTerm))
        log.show(only(crossEntropy, .loss), isResult: true)
        // The right class is where the target is largest (the 1 of a one-hot target).
        let right = target.indices.max { target[$0] < target[$1] } ?? 0
        let p = only(crossEntropy, .softmax)[0].value.numbers
        let winner = p.indices.max { p[$0] < p[$1] } ?? 0
        log.note(
            winner == right
                ? "The largest probability, p\(winner) = \(format(p[winner])), is on the right class \(right): "
                    + "this layer already picks the right answer, and the loss says how sure it is."
                : "The largest probability, p\(winner) = \(format(p[winner])), is on class \(winner), not on the "
                    + "right class \(right) (p\(right) = \(format(p[right]))): this layer picks the wrong answer.",
            isResult: true)
        log.picture(
            "softmax.png",
            .bars(
                title: "Softmax probabilities; the right class (\(right)) in orange",
                panels: [
                    BarPanel(
                        "", labels: names.map { "p\($0)" }, values: only(crossEntropy, .softmax)[0].value.numbers,
                        highlight: right)
                ]))

        try log.explain("The gradient of softmax and cross-entropy")
        let (_, backward) = log.record {
            layer.lossAndGradients(.softmaxCrossEntropy, input: x, target: t, tracer: $0)
        }
        let analytic = only(backward, .dOutput)
        log.show(analytic, isResult: true)
        // Nudging z_j is nudging b_j, which adds into z_j alone: the core's nudging of the biases.
        let biasIndices = Array(layer.biasOffsets[0]..<(layer.biasOffsets[0] + neurons.count))
        let (nudgedValues, nudged) = log.record { tracer in
            x.withView { xv in
                t.withView { tv in
                    layer.numericalGradient(
                        input: xv, target: tv, loss: .softmaxCrossEntropy, h: nudge, parameterIndices: biasIndices,
                        tracer: tracer)
                }
            }
        }
        log.show(nudged)
        let gaps = zip(analytic.map { $0.value.numbers[0] }, nudgedValues).map { abs($0 - $1) }
        let worst = gaps.max() ?? 0
        log.note(
            worst <= 1e-3 * max(1, analytic.map { abs($0.value.numbers[0]) }.max() ?? 1)
                ? "For every class, p - t and the nudged slope agree to within \(format(worst)): the backward pass "
                    + "of softmax and cross-entropy is this one subtraction."
                : "p - t and the nudged slopes differ by up to \(format(worst)); a smaller nudge gives a closer slope.",
            isResult: true)
    }
}
