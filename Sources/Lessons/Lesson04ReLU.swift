// Lesson 4, ReLU: max(z, 0) on a range of values by the core's activation, then one neuron
// N(x) = max(w*x + b, 0) traced. Leaves stacking ReLUs to lesson 12.
import NeuralCore

enum Lesson04ReLU: Lesson {
    static func run(_ log: LessonLog, context: LessonContext) throws {
        let values = try atLeastOne(log.file.inputs["values"].numbers(), log.file.inputs["values"], "value")
        let neuronField = log.file.inputs["neuron"]
        let weight = try neuronField["weight"].number(), bias = try neuronField["bias"].number()
        let xs = try atLeastOne(neuronField["x"].numbers(), neuronField["x"], "x")

        try log.explain("max(z, 0)")
        let activated = Matrix.row(values).applying(.relu)
        log.show(
            values.indices.map { i in
                step(.activation, "relu(\(format(values[i])))", activated.values[i],
                    formula: Activation.relu.formula(values[i]), index: [0, i])
            })
        let negative = values.filter { $0 < 0 }.count, positive = values.filter { $0 > 0 }.count
        log.note(
            "\(negative) of these \(values.count) values \(negative == 1 ? "is" : "are") negative and became 0; "
                + "\(positive) \(positive == 1 ? "is" : "are") positive and passed through unchanged"
                + (values.count - negative - positive > 0 ? "; 0 stays 0." : "."))

        try log.explain("A neuron with a ReLU")
        let neuron = Network(layerSizes: [1, 1], activations: [.relu])
        neuron.setLayer(0, weights: Matrix([[weight]]), bias: [bias])
        let (_, steps) = log.record { neuron.traceForward(column(xs), tracer: $0) }
        log.show(only(steps, .weights, .bias))
        log.show(only(steps, .z))
        log.show(only(steps, .activation), isResult: true)

        let grid = evenlySpaced(-3, 3, count: 61)
        let relu = Matrix.column(grid).applying(.relu)
        log.picture(
            "relu.png",
            .plot(
                title: "ReLU and a neuron with a ReLU", xLabel: "x", yLabel: "y",
                series: [
                    PlotSeries("max(x, 0)", xs: grid, ys: relu.values),
                    PlotSeries(
                        "max(\(format(weight))*x + \(format(bias)), 0)", xs: grid,
                        ys: neuron.outputs(column(grid)).values),
                    PlotSeries(
                        "the traced x", xs: xs, ys: only(steps, .activation).map { $0.value.numbers[0] }, points: true),
                ]))
    }
}
