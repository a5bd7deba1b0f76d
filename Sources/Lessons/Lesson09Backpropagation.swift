// Lesson 9, the gradient by calculus: backpropagation through lesson 8's network, every chain-rule
// step from the core, then each parameter's nudged and backprop gradients side by side.
import NeuralCore

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
        let worst = comparisons.map { $0.relativeError() }.max() ?? 0
        log.note(
            "Largest relative error: \(format(worst)) over \(comparisons.count) parameters, from one forward and one backward pass "
                + "instead of \(2 * comparisons.count) forward passes.", isResult: true)
        log.note(agreement(worst: worst, comparisons: comparisons), isResult: true)
        log.picture(
            "relative-errors.png",
            .bars(
                title: "Relative error of each parameter's gradient (largest \(format(worst)))",
                panels: [
                    BarPanel(
                        "", labels: comparisons.map { network.traceParameter(at: $0.flatIndex).label },
                        values: comparisons.map { $0.relativeError() }, showValues: false)
                ]))
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
