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

    static func run(_ log: LessonLog, context: LessonContext) throws {
        let setup = try setup(log.file)
        let network = setup.network

        try log.explain("The network")
        let (_, forward) = log.record { tracer in
            setup.input.withView { x in
                setup.target.withView { t in
                    network.lossOnly(
                        input: x, target: t, loss: .meanSquaredError,
                        workspace: Workspace(for: network, capacity: 1), kernel: .naive, tracer: tracer)
                }
            }
        }
        log.show(only(forward, "input", "weights", "bias"))
        log.show(only(forward, "z", "activation"))
        log.show(only(forward, "output", "target", "loss"), isResult: true)

        try log.explain("Nudging each parameter")
        let (_, nudged) = log.record { tracer in
            setup.input.withView { x in
                setup.target.withView { t in
                    network.numericalGradient(
                        input: x, target: t, loss: .meanSquaredError, h: setup.nudge, tracer: tracer)
                }
            }
        }
        log.show(nudged)

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
}
