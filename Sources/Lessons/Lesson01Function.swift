// Lesson 1, a function: samples of an unknown f, and a first guess N(x) = w*x + b scored by the
// core's loss. Leaves neurons and learning to the lessons after it.
import NeuralCore

enum Lesson01Function: Lesson {
    static func run(_ log: LessonLog, context: LessonContext) throws {
        let inputs = log.file.inputs
        let xs = try atLeastOne(inputs["samples"]["x"].numbers(), inputs["samples"]["x"], "sample")
        // The truth is t (y is the network's guess in every lesson); files written before the
        // rename call it y, which still reads.
        let truth = inputs["samples"]["t"].exists || !inputs["samples"]["y"].exists ? "t" : "y"
        let ys = try inputs["samples"][truth].numbers(count: xs.count)
        let weight = try inputs["guess"]["weight"].number(), bias = try inputs["guess"]["bias"].number()

        try log.explain("Samples")
        log.show(
            xs.indices.map { i in
                step(.sample, "t = f(\(format(xs[i])))", ys[i], index: [i, 0])
            })

        try log.explain("A guess")
        let guess = Network(layerSizes: [1, 1], activations: [.identity])
        guess.setLayer(0, weights: Matrix([[weight]]), bias: [bias])
        let samples = column(xs), targets = column(ys)
        let (_, steps) = log.record { guess.loss(.meanSquaredError, input: samples, target: targets, tracer: $0) }
        log.show(only(steps, .z).map { relabel($0, xs: xs) })

        try log.explain("How far off")
        log.show(only(steps, .lossTerm))
        log.show(only(steps, .loss), isResult: true)
        let worst = only(steps, .lossTerm).max { $0.value.numbers[0] < $1.value.numbers[0] }!
        let sample = worst.index![0]
        log.note(
            xs.count == 1
                ? "With one sample the mean is that one squared gap."
                : "The largest squared gap is at x = \(format(xs[sample])): N(\(format(xs[sample]))) is "
                    + "\(format(guess.outputs(column([xs[sample]]))[0, 0])) where f is \(format(ys[sample])).")

        let grid = evenlySpaced(xs.min()! - 0.5, xs.max()! + 0.5, count: 61)
        log.picture(
            "samples.png",
            .plot(
                title: "Samples of f and the guess N(x) = w*x + b", xLabel: "x", yLabel: "y",
                series: [
                    PlotSeries("samples t = f(x)", xs: xs, ys: ys, points: true),
                    PlotSeries(
                        "N(x) = \(format(weight))*x + \(format(bias))", xs: grid, ys: guess.outputs(column(grid)).values
                    ),
                ]))
    }

    /// "z3" reads better here as "N(-0.5)".
    static func relabel(_ step: TraceStep, xs: [Float]) -> TraceStep {
        var step = step
        if let i = step.index?.first { step.label = "N(\(format(xs[i])))" }
        return step
    }
}
