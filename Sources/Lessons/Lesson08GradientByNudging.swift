// Lesson 8, the gradient by nudging: for each parameter of a small network, the core's loss at
// p + h and p - h and (L+ - L-)/2h; then the count of loss evaluations, here and for MNIST.
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
