// Lesson 9, the gradient by calculus: backpropagation through lesson 8's network, every chain-rule
// step from the core, then each parameter's nudged and backprop gradients side by side.
import NeuralCore
import Render

enum Lesson09Backpropagation: Lesson {
    static func run(_ log: LessonLog, context: LessonContext) throws {
        let source = try log.file.inputs["network_from_lesson"].integer(in: 1...99)
        let setup = try Lesson08GradientByNudging.setup(context.catalog.file(source))
        let network = setup.network

        try log.explain("Forward, keeping every value")
        let (_, steps) = log.record {
            network.lossAndGradients(.meanSquaredError, input: setup.input, target: setup.target, tracer: $0)
        }
        log.show(only(steps, .z, .activation))
        log.show(only(steps, .output, .target, .lossTerm, .loss))

        try log.explain("Backward, one layer at a time")
        log.show(only(steps, .dOutput))
        log.show(only(steps, .dZ).filter { $0.layer == 2 })
        log.show(only(steps, .gradientBackprop).filter { $0.layer == 2 })
        log.show(only(steps, .dInput).filter { $0.layer == 2 })
        log.show(only(steps, .dZ).filter { $0.layer == 1 })
        log.show(only(steps, .gradientBackprop).filter { $0.layer == 1 })
        if let note = Lesson08GradientByNudging.deadNeurons(only(steps, .z).filter { $0.layer == 1 }) {
            log.note(note, isResult: true)
        }

        let mapLooksLikeImage = try chainRule(log, network: network, input: setup.input, steps: steps)

        try log.explain("Checking against nudging")
        let comparisons = network.checkGradients(
            .meanSquaredError, input: setup.input, target: setup.target, h: setup.nudge)
        var rows: [[String]] = []
        var checks: [TraceStep] = []
        for c in comparisons {
            let name = network.traceParameter(at: c.flatIndex).label
            let error = c.relativeError()
            rows.append([name, format(c.numeric), format(c.backprop), format(error)])
            checks.append(
                step(.gradientCheck, "relative error dL/d\(name)", error,
                    formula:
                        "abs(\(exact(c.numeric)) - \(exactOperand(c.backprop))) / max(abs(\(exact(c.numeric))), abs(\(exact(c.backprop))), 0.001)",
                    note: "|nudged - backprop| / max(|nudged|, |backprop|, 0.001)", index: c.index,
                    parameter: network.traceParameter(at: c.flatIndex)))
        }
        log.table(["parameter", "nudged", "backprop", "relative error"], rows)
        log.data(checks)
        // Each hidden neuron's nine weight gradients, nudged next to backprop, on one colour scale.
        func panels(_ caption: String, _ value: (GradientComparison) -> Float) -> [(caption: String, matrix: Matrix)] {
            Lesson08GradientByNudging.gradientPanels(
                comparisons.map { ($0.param, $0.index, value($0)) }, network: network, caption: caption)
        }
        let nudgedPanels = panels("nudged", \.numeric), backpropPanels = panels("backprop", \.backprop)
        log.picture(
            "gradients.png",
            .heatMaps(
                title: "dL/dw: nudged and backprop side by side",
                panels: zip(nudgedPanels, backpropPanels).flatMap { [$0, $1] }, showValues: true))
        log.note(mapLooksLikeImage, isResult: true)
        let worst = comparisons.map { $0.relativeError() }.max() ?? 0
        log.note(
            "Largest relative error: \(format(worst)) over \(comparisons.count) parameters, from one forward and one backward pass "
                + "instead of \(2 * comparisons.count) forward passes.", isResult: true)
        log.note(agreement(worst: worst, comparisons: comparisons), isResult: true)
        // On a log axis (errors span decades), with the agreement threshold as a line; an error of
        // exactly 0 cannot sit on a log axis and is drawn at the floor.
        let errors = comparisons.map { $0.relativeError() }
        let floor: Float = 1e-7
        let last = Float(max(errors.count - 1, 1))
        log.picture(
            "relative-errors.png",
            .plot(
                title: "Relative error of each gradient (largest \(format(worst)))",
                xLabel: "parameter, in the table's order", yLabel: "relative error",
                series: [
                    PlotSeries(
                        "nudged vs backprop" + (errors.contains { $0 < floor } ? " (below 1e-7 drawn at 1e-7)" : ""),
                        xs: errors.indices.map(Float.init), ys: errors.map { max($0, floor) }, points: true),
                    PlotSeries(
                        "agreement threshold \(format(agreementThreshold))", xs: [0, last],
                        ys: [agreementThreshold, agreementThreshold], color: Theme.wrong),
                ], logY: true))
    }

    /// One first-layer weight's gradient as its chain-rule factors, each the local derivative of
    /// one layer taken from the core's backward pass, multiplied out; the path as a computation
    /// graph; and why a hidden neuron's weight gradients are the image scaled.
    /// Returns the sentence on the gradient map, for after the picture it is about.
    static func chainRule(_ log: LessonLog, network: Network, input: Matrix, steps: [TraceStep]) throws -> String {
        try log.explain("One gradient, factor by factor")
        let hiddenZ = only(steps, .z).filter { $0.layer == 1 }.map { $0.value.numbers[0] }
        let j = hiddenZ.firstIndex { $0 > 0 } ?? 0
        let x = input.values
        let i = x.indices.max { abs(x[$0]) < abs(x[$1]) } ?? 0
        let w1 = network.weightMatrix(0), w2 = network.weightMatrix(1)
        let outputZ = only(steps, .z).first { $0.layer == 2 }?.value.numbers[0] ?? 0
        let dLdy = only(steps, .dOutput)[0]
        let dLdyValue = dLdy.value.numbers[0]
        // Each activation's slope at its z, from the core's own backward (a change of 1 passed through).
        let outputSlope = localDerivative(network.activations[1], at: outputZ)
        let hiddenSlope = localDerivative(network.activations[0], at: hiddenZ[j])
        let dyda = outputSlope * w2[j, 0]
        let a = "a1[\(j)]", z = "z1[\(j)]", w = "w1[\(i),\(j)]"
        let parameter = TraceParameter(layer: 1, kind: .weights, index: [i, j], name: "w1")
        let backprop = only(steps, .gradientBackprop).first { $0.parameter == parameter }?.value.numbers[0] ?? .nan
        let factors: [(label: String, value: Float, formula: String?, note: String)] = [
            ("dL/dy", dLdyValue, dLdy.formula, "the loss: 2*(y - t)/n"),
            ("dy/d\(a)", dyda, "\(precise(outputSlope))*\(operand(w2[j, 0]))",
                "output layer: \(network.activations[1].rawValue)'(z2) * w2[\(j)]"),
            ("d\(a)/d\(z)", hiddenSlope, nil,
                "hidden layer: \(network.activations[0].rawValue)'(\(z)) at \(z) = \(format(hiddenZ[j]))"),
            ("d\(z)/d\(w)", x[i], nil, "hidden layer's weight: \(z) has the term x\(i)*\(w)"),
        ]
        log.show(
            factors.enumerated().map { k, f in
                step(.chainRule, f.label, f.value, formula: f.formula, note: f.note, index: [k])
            })
        let product = factors.enumerated().map { $0 == 0 ? precise($1.value) : operand($1.value) }.joined(separator: "*")
        log.show(
            step(.chainRule, "dL/d\(w) by the chain rule", backprop, formula: product,
                note: "dL/dy * dy/d\(a) * d\(a)/d\(z) * d\(z)/d\(w)", index: [i, j], parameter: parameter),
            isResult: true)
        let multiplied = factors.map(\.value).reduce(Float(1), *)
        log.note(
            abs(multiplied - backprop) <= 1e-5 * max(abs(backprop), 1)
                ? "The four factors multiply to \(format(multiplied)), the backward pass's dL/d\(w) above: "
                    + "backpropagation is this product, shared between every parameter on the path."
                : "The four factors multiply to \(format(multiplied)), but the backward pass gave \(format(backprop)).",
            isResult: true)

        // The path as a computation graph: values forward, gradients back.
        let dz1 = only(steps, .dZ).first { $0.layer == 1 && $0.index?.last == j }?.value.numbers[0] ?? .nan
        let da1 = only(steps, .dInput).first { $0.layer == 2 && $0.index?.last == j }?.value.numbers[0] ?? .nan
        let dz2 = only(steps, .dZ).first { $0.layer == 2 }?.value.numbers[0] ?? .nan
        let activation = only(steps, .activation).first { $0.layer == 1 && $0.index?.last == j }?.value.numbers[0] ?? .nan
        let loss = only(steps, .loss).first?.value.numbers[0] ?? .nan
        let nodes: [(String, Float, Float)] = [
            (w, w1[i, j], backprop),
            ("x\(i)*\(w)", x[i] * w1[i, j], dz1),
            ("\(z) = sum + b1[\(j)]", hiddenZ[j], dz1),
            ("\(a) = relu", activation, da1),
            ("\(a)*w2[\(j)]", activation * w2[j, 0], dz2),
            ("y = sum + b2", outputZ, dLdyValue),
            ("L", loss, 1),
        ]
        log.picture(
            "chain.png",
            .graph(
                title: "One path through the network: each value, and dL/d(value)",
                nodes: nodes.map { (name: $0.0, value: $0.1, gradient: $0.2) }, highlight: 0,
                caption: "forward: values left to right; backward: each grad is the next grad times a local slope"))

        // Why neuron j's gradient map looks like the image: every weight gradient is x_i * dL/dz1[j].
        let gradients = (0..<9).map { k in
            only(steps, .gradientBackprop).first {
                $0.parameter == TraceParameter(layer: 1, kind: .weights, index: [k, j], name: "w1")
            }?.value.numbers[0] ?? .nan
        }
        return imageTimesOneNumber(gradients, x: x, dz: dz1, neuron: j)
    }

    /// The slope of `activation` at z, by passing a change of 1 back through the core's backward.
    static func localDerivative(_ activation: Activation, at z: Float) -> Float {
        var zs = Matrix([[z]]), a = Matrix([[activation.apply(z)]]), one = Matrix([[1]]), d = Matrix([[0]])
        d.withMutableView { dv in
            one.withMutableView { ov in
                zs.withMutableView { zv in a.withMutableView { av in activation.backward(dZ: dv, dActivation: ov, z: zv, activation: av) } }
            }
        }
        return d[0, 0]
    }

    /// Whether a neuron's nine weight gradients are the image times dL/dz, checked ratio by ratio.
    static func imageTimesOneNumber(_ gradients: [Float], x: [Float], dz: Float, neuron j: Int) -> String {
        let lit = x.indices.filter { x[$0] != 0 }
        let ratios = lit.map { gradients[$0] / x[$0] }
        let spread = ratios.map { abs($0 - dz) }.max() ?? 0
        let zeroWhereDark = x.indices.filter { x[$0] == 0 }.allSatisfy { gradients[$0] == 0 }
        if dz == 0 {
            return "Neuron \(j)'s weight gradients are all 0: dL/dz1[\(j)] = 0, so its map in gradients.png is blank."
        }
        guard spread <= 1e-5 * abs(dz), zeroWhereDark else {
            return "Neuron \(j)'s weight gradients are not the image times one number here (ratios differ by \(format(spread)))."
        }
        return "Why neuron \(j)'s map in gradients.png looks like the image: each dL/dw1[i,\(j)] = x_i * dL/dz1[\(j)], "
            + "so the nine gradients are the pixels times one number, dL/dz1[\(j)] = \(format(dz)) (every lit pixel's "
            + "ratio dL/dw1[i,\(j)] / x_i is that number, and a dark pixel's gradient is 0)"
            + (dz < 0 ? "; the number is negative, so bright pixels show as blue." : "; bright pixels show as red.")
    }

    /// Relative errors below this say that the two gradients agree (Float32 and a finite nudge
    /// leave errors of about 1e-4 to 1e-2 on a smooth loss).
    static let agreementThreshold: Float = 0.05

    /// Whether nudging and backpropagation agree, in words that follow the numbers.
    static func agreement(worst: Float, comparisons: [GradientComparison]) -> String {
        if worst <= agreementThreshold {
            return "The two methods agree on every parameter (every relative error is at most \(format(agreementThreshold)))."
        }
        let far = comparisons.filter { $0.relativeError() > agreementThreshold }.map {
            "dL/d" + TraceName.parameter($0.param, $0.index)
        }
        return "The two methods disagree on \(far.count) parameter\(far.count == 1 ? "" : "s") "
            + "(\(far.prefix(6).joined(separator: ", "))\(far.count > 6 ? ", ..." : "")): a relative error above "
            + "\(format(agreementThreshold)). Where a ReLU's z sits within the nudge of 0, nudging steps over the kink "
            + "and the two slopes differ; try a smaller nudge in lesson 8's file."
    }
}
