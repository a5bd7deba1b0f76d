// Lesson 2, the neuron: N(x) = w*x + b with one input, then w1*x1 + ... + wn*xn + b with several,
// every product and the sum from the core's traced dense layer. Activations come in lesson 4.
import NeuralCore

enum Lesson02Neuron: Lesson {
    static func run(_ log: LessonLog, context: LessonContext) throws {
        let one = log.file.inputs["one_input"], several = log.file.inputs["several_inputs"]
        let x = try one["x"].number(), weight = try one["weight"].number(), bias = try one["bias"].number()
        let xs = try atLeastOne(several["x"].numbers(), several["x"], "input")
        let weights = try several["weights"].numbers(count: xs.count)
        let severalBias = try several["bias"].number()

        try log.explain("One input")
        let neuron = Network(layerSizes: [1, 1], activations: [.identity])
        neuron.setLayer(0, weights: Matrix([[weight]]), bias: [bias])
        let (_, steps) = log.record { neuron.traceForward(Matrix([[x]]), tracer: $0) }
        log.show(only(steps, .input, .weights, .bias))
        log.show(only(steps, .product))
        log.show(only(steps, .z), isResult: true)
        // The same neuron on a range of inputs around x: a straight line through (x, z).
        let z = only(steps, .z)[0].value.numbers[0]
        let reach = max(abs(x) * 1.5, 1)
        let grid = evenlySpaced(-reach, reach, count: 61)
        log.picture(
            "neuron.png",
            .plot(
                title: "N(x) = \(format(weight))*x + \(operand(bias)): a straight line", xLabel: "x", yLabel: "N(x)",
                series: [
                    PlotSeries("N(x) on a range of x", xs: grid, ys: neuron.outputs(column(grid)).values),
                    PlotSeries("the input: N(\(format(x))) = \(format(z))", xs: [x], ys: [z], points: true),
                ]))

        try log.explain("Several inputs")
        let wide = Network(layerSizes: [xs.count, 1], activations: [.identity])
        wide.setLayer(0, weights: column(weights), bias: [severalBias])
        let (_, wideSteps) = log.record { wide.traceForward(Matrix(rows: 1, cols: xs.count, values: xs), tracer: $0) }
        log.show(only(wideSteps, .input, .weights, .bias))
        log.show(only(wideSteps, .product))
        log.show(only(wideSteps, .z), isResult: true)
        let products = only(wideSteps, .product)
        let sum = only(wideSteps, .z)[0].value.numbers[0]
        log.picture(
            "products.png",
            .bars(
                title: "Each product w_i*x_i, the bias, and their sum z",
                panels: [
                    BarPanel(
                        "", labels: products.map(\.label) + ["b", "z"],
                        values: products.map { $0.value.numbers[0] } + [severalBias, sum], highlight: products.count + 1
                    )
                ]))
    }
}
