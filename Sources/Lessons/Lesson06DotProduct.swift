// Lesson 6, the dot product: a neuron on the flattened image, each product x_i*w_i, the running
// sum (the core's readable product on ever longer prefixes), plus the bias, then ReLU.
import NeuralCore

enum Lesson06DotProduct: Lesson {
    static func run(_ log: LessonLog, context: LessonContext) throws {
        let image = try log.file.inputs["pixels"].image()
        let weightGrid = try log.file.inputs["weights"].grid(rows: 3, cols: 3)
        let bias = try log.file.inputs["bias"].number()
        let x = image.reshaped(rows: 1, cols: 9), w = weightGrid.reshaped(rows: 9, cols: 1)

        try log.explain("Inputs, weights, bias")
        let neuron = Network(layerSizes: [9, 1], activations: [.relu])
        neuron.setLayer(0, weights: w, bias: [bias])
        let (_, steps) = log.record { neuron.traceForward(x, tracer: $0) }
        log.show(only(steps, "input", "weights", "bias"))
        log.picture("image.png", .image(title: "The image", pixels: image))
        log.picture("weights.png", .heatMap(title: "The weights, one per pixel", matrix: weightGrid, showValues: true))

        try log.explain("Products")
        let products = only(steps, "product")
        log.show(products)
        let contributions = Matrix(rows: 3, cols: 3, values: products.map { $0.value.numbers[0] })
        log.picture(
            "contributions.png",
            .heatMap(title: "Products x_i*w_i: what each pixel adds", matrix: contributions, showValues: true))

        try log.explain("The running sum")
        var running: [TraceStep] = []
        var previous: Float = 0
        for k in 1...9 {
            // The sum of the first k products, by the same left-to-right loop as the layer's.
            var sum = Matrix(rows: 1, cols: 1)
            sum.withMutableView { out in
                x.withView { xv in
                    w.withView { wv in
                        matrixProductNaive(
                            out, MatrixView(rows: 1, cols: k, base: xv.base),
                            MatrixView(rows: k, cols: 1, base: wv.base))
                    }
                }
            }
            let product = products[k - 1].value.numbers[0]
            running.append(
                step(
                    "running_sum", "s\(k - 1)", sum[0, 0],
                    formula: k == 1 ? format(product) : "\(format(previous)) + \(operand(product))", index: [k - 1]))
            previous = sum[0, 0]
        }
        log.show(running)

        try log.explain("Plus the bias, then ReLU")
        log.show(only(steps, "z"), isResult: true)
        log.show(only(steps, "activation"), isResult: true)
    }
}
