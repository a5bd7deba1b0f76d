// Lesson 6, the dot product: a neuron on the flattened image, each product x_i*w_i, the running
// sum (as the core's readable product recorded it while adding), plus the bias, then ReLU.
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
        log.show(only(steps, .input, .weights, .bias))
        log.picture("image.png", .image(title: "The image", pixels: image))
        log.picture("weights.png", .heatMap(title: "The weights, one per pixel", matrix: weightGrid, showValues: true))

        try log.explain("Products")
        let products = only(steps, .product)
        log.show(products)
        let contributions = Matrix(rows: 3, cols: 3, values: products.map { $0.value.numbers[0] })
        log.picture(
            "contributions.png",
            .heatMap(title: "Products x_i*w_i: what each pixel adds", matrix: contributions, showValues: true))

        try log.explain("The running sum")
        // Recorded by the readable product's loop as it added each product, left to right.
        log.show(only(steps, .runningSum))

        try log.explain("Plus the bias, then ReLU")
        let z = only(steps, .z)
        log.show(z, isResult: true)
        log.show(only(steps, .activation), isResult: true)
        log.note(verdict(z: z[0].value.numbers[0]), isResult: true)
    }

    /// What the ReLU did with this z, in words that follow the number.
    static func verdict(z: Float) -> String {
        if z > 0 {
            return "z = \(format(z)) is positive, so the ReLU passes it on: this neuron fires for this image."
        }
        if z == 0 { return "z is exactly 0, so the ReLU gives 0: this neuron stays silent for this image." }
        return "z = \(format(z)) is negative, so the ReLU gives 0: this neuron stays silent for this image."
    }
}
