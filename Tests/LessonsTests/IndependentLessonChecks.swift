// Lessons 1, 3, 4, 8, 9, 10 and 12 recomputed here, independently of the core: the lesson
// file's numbers (read with the file parser) through plain Double arithmetic written out in
// the test, against what the lesson recorded. Tolerances are for Float32 against Double.
import Foundation
import NeuralCore
import Testing

@testable import Lessons

private func file(_ number: Int) throws -> LessonField { try lessonContext().catalog.file(number).inputs }
private func doubles(_ field: LessonField) throws -> [Double] { try field.numbers().map(Double.init) }
private func rows(_ field: LessonField) throws -> [[Double]] {
    let m = try field.grid()
    return (0..<m.rows).map { r in m.row(r).map(Double.init) }
}
private func scalars(_ trace: LessonTrace, _ kind: TraceStepName) -> [Double] {
    trace.steps.filter { $0.kind == kind }.compactMap { step -> Double? in
        if case .scalar(let v) = step.value { return Double(v) }
        return nil
    }
}
private func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-5) -> Bool {
    abs(a - b) <= tolerance * max(1, abs(a), abs(b))
}

/// Forward and backward of lesson 8's 9-h-1 ReLU network with squared error, in Double.
private struct SmallNetwork {
    var w1: [[Double]]  // (9, h)
    var b1: [Double]
    var w2: [Double]
    var b2: Double
    var x: [Double]
    var t: Double

    func loss() -> Double {
        let a = (0..<b1.count).map { j in max((0..<9).reduce(b1[j]) { $0 + x[$1] * w1[$1][j] }, 0) }
        let y = (0..<b1.count).reduce(b2) { $0 + a[$1] * w2[$1] }
        return (y - t) * (y - t)
    }

    /// Gradients in the network's flat order: w1 row-major, b1, w2, b2.
    func gradients() -> [Double] {
        let h = b1.count
        let z = (0..<h).map { j in (0..<9).reduce(b1[j]) { $0 + x[$1] * w1[$1][j] } }
        let a = z.map { max($0, 0) }
        let y = (0..<h).reduce(b2) { $0 + a[$1] * w2[$1] }
        let dy = 2 * (y - t)
        let dz = (0..<h).map { j in z[j] > 0 ? dy * w2[j] : 0 }
        var g: [Double] = []
        for i in 0..<9 { for j in 0..<h { g.append(x[i] * dz[j]) } }
        g += dz
        g += a.map { $0 * dy }
        g.append(dy)
        return g
    }
}

private func lesson8Network() throws -> SmallNetwork {
    let inputs = try file(8)
    let hidden = try inputs["hidden"].items()
    var w1 = [[Double]](repeating: [Double](repeating: 0, count: hidden.count), count: 9)
    var b1: [Double] = []
    for (j, neuron) in hidden.enumerated() {
        let grid = try rows(neuron["weights"]).flatMap { $0 }
        for i in 0..<9 { w1[i][j] = grid[i] }
        b1.append(try Double(neuron["bias"].number()))
    }
    return SmallNetwork(
        w1: w1, b1: b1, w2: try doubles(inputs["output"]["weights"]), b2: Double(try inputs["output"]["bias"].number()),
        x: try rows(inputs["pixels"]).flatMap { $0 }, t: Double(try inputs["target"].number()))
}

@Suite struct IndependentLessonChecks {
    @Test func lesson1() throws {
        let inputs = try file(1)
        let xs = try doubles(inputs["samples"]["x"]), ts = try doubles(inputs["samples"]["t"])
        let w = Double(try inputs["guess"]["weight"].number()), b = Double(try inputs["guess"]["bias"].number())
        let trace = try runLesson(1)
        let guesses = xs.map { w * $0 + b }
        for (got, want) in zip(scalars(trace, .z), guesses) { #expect(close(got, want)) }
        let loss = zip(guesses, ts).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / Double(xs.count)
        #expect(close(scalars(trace, .loss)[0], loss))
    }

    @Test func lesson3() throws {
        let inputs = try file(3)
        let w1 = try rows(inputs["layer1"]["weights"]), b1 = try doubles(inputs["layer1"]["bias"])
        let w2 = try rows(inputs["layer2"]["weights"]), b2 = try doubles(inputs["layer2"]["bias"])
        let samples = try rows(inputs["inputs"])
        let trace = try runLesson(3)
        // W = w1*w2, B = b1*w2 + b2, written as sums.
        var combined: [Double] = []
        for r in 0..<w1.count { for c in 0..<w2[0].count { combined.append((0..<w2.count).reduce(0) { $0 + w1[r][$1] * w2[$1][c] }) } }
        let bias = (0..<w2[0].count).map { c in (0..<w2.count).reduce(b2[c]) { $0 + b1[$1] * w2[$1][c] } }
        for (got, want) in zip(scalars(trace, .combinedWeights), combined) { #expect(close(got, want)) }
        for (got, want) in zip(scalars(trace, .combinedBias), bias) { #expect(close(got, want)) }
        // With a ReLU between: relu(x*w1 + b1)*w2 + b2 for each sample, against the "with ReLU" rows.
        let bent = trace.steps.filter { $0.kind == .output && $0.label.hasPrefix("with ReLU") }.map(\.value.numbers)
        #expect(bent.count == samples.count)
        for (x, got) in zip(samples, bent) {
            let a = (0..<b1.count).map { j in max((0..<x.count).reduce(b1[j]) { $0 + x[$1] * w1[$1][j] }, 0) }
            let y = (0..<b2.count).map { c in (0..<a.count).reduce(b2[c]) { $0 + a[$1] * w2[$1][c] } }
            for (g, wanted) in zip(got, y) { #expect(close(Double(g), wanted)) }
        }
    }

    @Test func lesson4() throws {
        let inputs = try file(4)
        let values = try doubles(inputs["values"]), xs = try doubles(inputs["neuron"]["x"])
        let w = Double(try inputs["neuron"]["weight"].number()), b = Double(try inputs["neuron"]["bias"].number())
        let trace = try runLesson(4)
        let activations = scalars(trace, .activation)
        #expect(activations.count == values.count + xs.count)
        for (got, want) in zip(activations, values.map { max($0, 0) } + xs.map { max(w * $0 + b, 0) }) {
            #expect(close(got, want))
        }
    }

    @Test func lesson8NudgedGradientsNearTheDerivative() throws {
        let network = try lesson8Network()
        let nudged = scalars(try runLesson(8), .gradientNumeric)
        let exact = network.gradients()
        #expect(nudged.count == exact.count)
        for (got, want) in zip(nudged, exact) { #expect(abs(got - want) <= 2e-2 * max(1, abs(want)), "\(got) vs \(want)") }
        #expect(close(scalars(try runLesson(8), .loss)[0], network.loss()))
    }

    @Test func lesson9BackpropGradients() throws {
        let exact = try lesson8Network().gradients()
        let trace = try runLesson(9)
        // Recorded layer 2 first, then layer 1; each layer's weights then its bias.
        let steps = trace.steps.filter { $0.kind == .gradientBackprop }
        let byParameter = Dictionary(
            uniqueKeysWithValues: steps.map { ("\($0.param!)\($0.index!)", Double($0.value.numbers[0])) })
        let hidden = (exact.count - 1) / 11  // 9h + h + h + 1 parameters
        #expect(steps.count == exact.count)
        for i in 0..<9 { for j in 0..<hidden { #expect(close(byParameter["w1[\(i), \(j)]"] ?? .nan, exact[i * hidden + j])) } }
        for j in 0..<hidden {
            #expect(close(byParameter["b1[\(j)]"] ?? .nan, exact[9 * hidden + j]))
            #expect(close(byParameter["w2[\(j), 0]"] ?? .nan, exact[10 * hidden + j]))
        }
        #expect(close(byParameter["b2[0]"] ?? .nan, exact[11 * hidden]))
    }

    @Test func lesson10EveryIterationsLoss() throws {
        let inputs = try file(10)
        let examples = try inputs["examples"].items()
        let xs = try examples.map { try rows($0["pixels"]).flatMap { $0 } }
        let ts = try examples.map { Double(try $0["target"].number()) }
        let lr = Double(try inputs["learning_rate"].number())
        let trace = try runLesson(10)
        // The random start, as the lesson shows it (seeded), then plain gradient descent in Double.
        var w = trace.steps.first { $0.kind == .weights }!.value.numbers.map(Double.init)
        var b = 0.0
        var losses: [Double] = []
        for _ in 0..<trace.steps.filter({ $0.kind == .loss }).count {
            let ys = xs.map { x in (0..<9).reduce(b) { $0 + x[$1] * w[$1] } }
            let n = Double(xs.count)
            losses.append(zip(ys, ts).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / n)
            let dz = zip(ys, ts).map { 2 * ($0 - $1) / n }
            for k in 0..<9 { w[k] -= lr * (0..<xs.count).reduce(0) { $0 + xs[$1][k] * dz[$1] } }
            b -= lr * dz.reduce(0, +)
        }
        let recorded = scalars(trace, .loss)
        // The last "loss" is the final check's; the ones before are the iterations'.
        for (got, want) in zip(recorded, losses) { #expect(abs(got - want) <= 1e-3 * max(1e-3, want), "\(got) vs \(want)") }
    }

    @Test func lesson12HandSetPieces() throws {
        let hand = try file(12)["hand_set"]
        let pieces = try hand["pieces"].items()
        let weights = try pieces.map { Double(try $0["weight"].number()) }
        let biases = try pieces.map { Double(try $0["bias"].number()) }
        let out = try doubles(hand["output_weights"]), outBias = Double(try hand["output_bias"].number())
        let xs = try doubles(hand["x"])
        let trace = try runLesson(12)
        let output = trace.steps.first { $0.kind == .output }!.value.numbers.map(Double.init)
        let expected = xs.map { x in (0..<pieces.count).reduce(outBias) { $0 + max(weights[$1] * x + biases[$1], 0) * out[$1] } }
        #expect(output.count == xs.count)
        for (got, want) in zip(output, expected) { #expect(close(got, want)) }
    }

    @Test func lesson11FullBatchRun() throws {
        let inputs = try file(11)
        let classes = try inputs["classes"].items().count
        let examples = try inputs["examples"].items()
        // The lesson divides each pixel (0-9) by 9.
        let xs = try examples.map { try rows($0["pixels"]).flatMap { $0 }.map { $0 / 9 } }
        let labels = try examples.map { try $0["class"].integer() }
        let lr = Double(try inputs["learning_rate"].number())
        let seed = try inputs["seed"].integer()
        // The same seeded start as the lesson's (Xavier, biases 0), then full-batch gradient
        // descent on softmax cross-entropy written out in Double.
        let start = Network(layerSizes: [9, classes], activations: [.identity])
        var random = SeededRandom(seed: UInt64(seed))
        start.initialize(.xavier, random: &random)
        var w = (0..<9).map { k in (0..<classes).map { j in Double(start.weights(0)[k, j]) } }
        var b = [Double](repeating: 0, count: classes)
        let n = Double(xs.count)
        func lossAndGradient() -> (Double, [[Double]], [Double]) {
            var loss = 0.0
            var dw = [[Double]](repeating: [Double](repeating: 0, count: classes), count: 9)
            var db = [Double](repeating: 0, count: classes)
            for (x, label) in zip(xs, labels) {
                let z = (0..<classes).map { j in (0..<9).reduce(b[j]) { $0 + x[$1] * w[$1][j] } }
                let e = z.map { exp($0) }
                let p = e.map { $0 / e.reduce(0, +) }
                loss -= log(p[label]) / n
                for j in 0..<classes {
                    let dz = (p[j] - (j == label ? 1 : 0)) / n
                    db[j] += dz
                    for k in 0..<9 { dw[k][j] += x[k] * dz }
                }
            }
            return (loss, dw, db)
        }
        var losses = [lossAndGradient().0]
        let epochs = try inputs["epochs"].integer()
        for _ in 0..<epochs {
            let (_, dw, db) = lossAndGradient()
            for k in 0..<9 { for j in 0..<classes { w[k][j] -= lr * dw[k][j] } }
            for j in 0..<classes { b[j] -= lr * db[j] }
            losses.append(lossAndGradient().0)
        }
        let recorded = try runLesson(11).steps.filter { $0.kind == .epochLoss && $0.index?.first == 0 }
        #expect(recorded.count > 2)
        for step in recorded {
            let epoch = step.iteration!
            #expect(close(Double(step.value.numbers[0]), losses[epoch], 1e-4), "epoch \(epoch)")
        }
    }
}
