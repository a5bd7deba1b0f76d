// Lesson 3, linear stays linear: two stacked linear layers equal one layer with combined weights
// and bias (computed with the core's matrix product), until a ReLU sits between them.
import NeuralCore

enum Lesson03LinearStaysLinear: Lesson {
    static func run(_ log: LessonLog, context: LessonContext) throws {
        let inputs = log.file.inputs
        let weights1 = try inputs["layer1"]["weights"].grid()
        let bias1 = try inputs["layer1"]["bias"].numbers(count: weights1.cols)
        let weights2 = try inputs["layer2"]["weights"].grid(rows: weights1.cols)
        let bias2 = try inputs["layer2"]["bias"].numbers(count: weights2.cols)
        let samples = try inputs["inputs"].grid(cols: weights1.rows)

        try log.explain("Two linear layers")
        let stacked = Network(
            layerSizes: [weights1.rows, weights1.cols, weights2.cols], activations: [.identity, .identity])
        stacked.setLayer(0, weights: weights1, bias: bias1)
        stacked.setLayer(1, weights: weights2, bias: bias2)
        log.show([
            step(.weights, "w1", weights1), step(.bias, "b1", Matrix(rows: 1, cols: bias1.count, values: bias1)),
            step(.weights, "w2", weights2), step(.bias, "b2", Matrix(rows: 1, cols: bias2.count, values: bias2)),
        ])

        try log.explain("One layer does the same")
        // W = w1*w2 and B = b1*w2 + b2, by the core's readable matrix product, which records each
        // product as it adds it; each combined number is shown as the sum of those products.
        let (combined, weightProducts) = log.record {
            weights1.times(weights2, tracer: $0, names: ProductTraceNames(a: "w1", b: "w2", sum: "s"))
        }
        let (combinedBias, biasProducts) = log.record {
            Matrix.row(bias1).times(
                weights2, plus: .row(bias2), tracer: $0, names: ProductTraceNames(a: "b1", b: "w2", sum: "s"))
        }
        /// The kernel's products for output element (r, c), as a sum: "0.5*1 + (-1)*0.5".
        func products(_ steps: [TraceStep], _ r: Int, _ c: Int) -> [String] {
            only(steps, .product).filter { $0.index?.prefix(2).elementsEqual([r, c]) == true }.enumerated().map {
                p, step in p == 0 || !(step.formula ?? "").hasPrefix("-") ? step.formula ?? "" : "(\(step.formula ?? ""))"
            }
        }
        var combinedSteps: [TraceStep] = []
        for r in 0..<combined.rows {
            for c in 0..<combined.cols {
                combinedSteps.append(
                    step(
                        .combinedWeights, "W[\(r),\(c)]", combined[r, c],
                        formula: products(weightProducts, r, c).joined(separator: " + "),
                        note: "row \(r) of w1 . column \(c) of w2", index: [r, c]))
            }
        }
        for c in 0..<combinedBias.cols {
            combinedSteps.append(
                step(
                    .combinedBias, "B[\(c)]", combinedBias[0, c],
                    formula: (products(biasProducts, 0, c) + [operand(bias2[c])]).joined(separator: " + "),
                    note: "b1 . column \(c) of w2 + b2", index: [0, c]))
        }
        log.show(combinedSteps)
        let single = Network(layerSizes: [weights1.rows, weights2.cols], activations: [.identity])
        single.setLayer(0, weights: combined, bias: combinedBias.values)

        let (stackedOut, _) = log.record { stacked.traceForward(samples, tracer: $0) }
        let (singleOut, _) = log.record { single.traceForward(samples, tracer: $0) }
        log.show(compare(samples, stackedOut, singleOut, first: "two layers", second: "one layer"))
        log.note(
            "Largest difference: \(format(largestDifference(stackedOut, singleOut))) (only rounding)", isResult: true)

        try log.explain("A ReLU in between")
        let bent = Network(layerSizes: stacked.layerSizes, activations: [.relu, .identity])
        bent.setLayer(0, weights: weights1, bias: bias1)
        bent.setLayer(1, weights: weights2, bias: bias2)
        let (bentOut, bentSteps) = log.record { bent.traceForward(samples, tracer: $0) }
        log.show(only(bentSteps, .z, .activation).filter { $0.layer == 1 })
        log.show(compare(samples, bentOut, singleOut, first: "with ReLU", second: "one layer"))
        let bentDifference = largestDifference(bentOut, singleOut)
        let clipped = only(bentSteps, .z).filter { $0.layer == 1 && $0.value.numbers[0] < 0 }.count
        log.note(
            clipped == 0
                ? "Largest difference: \(format(bentDifference)). No first-layer sum is negative for these inputs, so the "
                    + "ReLU changes nothing here: on these inputs it still matches the one layer. Try an input that makes a sum negative."
                : "Largest difference: \(format(bentDifference)). The ReLU set \(clipped) negative first-layer "
                    + "sum\(clipped == 1 ? "" : "s") to 0, which the one linear layer cannot do: the outputs bend away from it.",
            isResult: true)
        pictures(log, samples: samples, stacked: stacked, single: single, bent: bent)
    }

    /// The three networks along one straight line through input space: x = a + t*(b - a), from
    /// the first sample a (t = 0) to the second b (t = 1), or from 0 to the only sample.
    static func pictures(_ log: LessonLog, samples: Matrix, stacked: Network, single: Network, bent: Network) {
        guard samples.rows > 0 else { return }
        let a = samples.rows >= 2 ? samples.row(0) : [Float](repeating: 0, count: samples.cols)
        let b = samples.rows >= 2 ? samples.row(1) : samples.row(0)
        func path(_ ts: [Float]) -> Matrix {
            Matrix(rows: ts.count, cols: a.count, values: ts.flatMap { t in zip(a, b).map { $0 + t * ($1 - $0) } })
        }
        func point(_ v: [Float]) -> String { "(" + v.map(format).joined(separator: ", ") + ")" }
        let fine = evenlySpaced(-1, 2, count: 61), coarse = evenlySpaced(-1, 2, count: 13)
        let stackedOut = stacked.outputs(path(fine)), singleFine = single.outputs(path(fine))
        let singleCoarse = single.outputs(path(coarse)), bentOut = bent.outputs(path(fine))
        func series(_ name: String, _ ts: [Float], _ out: Matrix, points: Bool = false) -> [PlotSeries] {
            (0..<out.cols).map { k in
                PlotSeries("\(name): output \(k)", xs: ts, ys: (0..<ts.count).map { out[$0, k] }, points: points)
            }
        }
        let xLabel = "t (x = \(point(a)) at 0, \(point(b)) at 1)"
        log.picture(
            "linear.png",
            .plot(
                title: "Two linear layers and the one combined layer coincide", xLabel: xLabel, yLabel: "output",
                series: series("two layers", fine, stackedOut) + series("one layer", coarse, singleCoarse, points: true)
            ))
        log.picture(
            "relu-between.png",
            .plot(
                title: "With a ReLU in between, the outputs bend", xLabel: xLabel, yLabel: "output",
                series: series("with ReLU", fine, bentOut) + series("one layer", fine, singleFine)))
    }

    /// For each sample, the two networks' outputs as steps.
    static func compare(_ samples: Matrix, _ a: Matrix, _ b: Matrix, first: String, second: String) -> [TraceStep] {
        (0..<samples.rows).flatMap { i -> [TraceStep] in
            let x = "(" + samples.row(i).map(format).joined(separator: ", ") + ")"
            return [
                step(.output, "\(first) x=\(x)", Matrix(rows: 1, cols: a.cols, values: a.row(i)), index: [i]),
                step(.output, "\(second) x=\(x)", Matrix(rows: 1, cols: b.cols, values: b.row(i)), index: [i]),
            ]
        }
    }

    static func largestDifference(_ a: Matrix, _ b: Matrix) -> Float {
        zip(a.values, b.values).map { abs($0 - $1) }.max() ?? 0
    }
}
