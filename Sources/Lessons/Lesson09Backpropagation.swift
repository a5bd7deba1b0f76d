// Lesson 9, the gradient by calculus: backpropagation through lesson 8's network, every chain-rule
// step from the core, then each parameter's nudged and backprop gradients side by side.
import NeuralCore

enum Lesson09Backpropagation: Lesson {
    static func run(_ log: LessonLog, context: LessonContext) throws {
        let source = try log.file.inputs["network_from_lesson"].integer(in: 1...99)
        let setup = try Lesson08GradientByNudging.setup(context.catalog.file(source))
        let network = setup.network
        let workspace = Workspace(for: network, capacity: 1)

        try log.explain("Forward, keeping every value")
        let (_, steps) = log.record { tracer in
            setup.input.withView { x in
                setup.target.withView { t in
                    network.lossAndGradients(
                        input: x, target: t, loss: .meanSquaredError, workspace: workspace,
                        kernel: .naive, tracer: tracer)
                }
            }
        }
        log.show(only(steps, "z", "activation"))
        log.show(only(steps, "output", "target", "loss"))

        try log.explain("Backward, one layer at a time")
        log.show(only(steps, "d_output"))
        log.show(only(steps, "d_z").filter { $0.layer == 2 })
        log.show(only(steps, "gradient_backprop").filter { $0.layer == 2 })
        log.show(only(steps, "d_input").filter { $0.layer == 2 })
        log.show(only(steps, "d_z").filter { $0.layer == 1 })
        log.show(only(steps, "gradient_backprop").filter { $0.layer == 1 })

        try log.explain("Checking against nudging")
        let comparisons = setup.input.withView { x in
            setup.target.withView { t in
                network.checkGradients(input: x, target: t, loss: .meanSquaredError, h: setup.nudge)
            }
        }
        var rows: [[String]] = []
        var checks: [TraceStep] = []
        for c in comparisons {
            let name = TraceName.parameter(c.param, c.index)
            let error = c.relativeError()
            rows.append([name, format(c.numeric), format(c.backprop), format(error)])
            checks.append(
                step(
                    "gradient_check", "relative error dL/d\(name)", error,
                    formula: "|\(format(c.numeric)) - \(operand(c.backprop))| / max(|numeric|, |backprop|, 0.001)",
                    index: c.index, param: c.param))
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
        log.picture(
            "relative-errors.png",
            .bars(
                title: "Relative error of each parameter's gradient (largest \(format(worst)))",
                panels: [
                    BarPanel(
                        "", labels: comparisons.map { TraceName.parameter($0.param, $0.index) },
                        values: comparisons.map { $0.relativeError() }, showValues: false)
                ]))
    }
}
