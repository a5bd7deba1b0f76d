// `--trace-sample K`: one test image through the trained network with the recording tracer. Big
// steps (the 784-wide first layer) are kept as whole matrices and shown as summaries; the output
// layer, the softmax, the loss and the gradient norms are kept number by number. Text or JSON lines.
import Foundation
import NeuralCore

/// The recorded forward and backward pass of one example.
public struct SampleTrace: Sendable {
    public let index: Int
    public let label: Int
    public let predicted: Int
    public let probabilities: [Float]
    public let steps: [TraceStep]

    /// Traces example `index` of `examples` through `network` (its parameters are not changed).
    /// Operations up to the output layer's size (last hidden size x classes) are recorded element
    /// by element; larger ones as matrices.
    public init(network: Network, examples: DigitExamples, index: Int) {
        precondition(
            index >= 0 && index < examples.count, "SampleTrace: example \(index) outside 0..<\(examples.count)")
        let last = network.layerCount - 1
        let recorder = RecordingTracer(elementLimit: network.layerSizes[last] * network.outputSize)
        let workspace = Workspace(for: network, capacity: 1)
        let input = examples.input(index), target = examples.target(index)
        input.withView { x in
            target.withView { t in
                _ = network.lossAndGradients(
                    input: x, target: t, loss: .softmaxCrossEntropy, workspace: workspace, tracer: recorder)
            }
        }
        // The gradient norms, per parameter block: how hard this one example pulls on each layer.
        for l in 0..<network.layerCount {
            let names = DenseNames(layer: l, layerCount: network.layerCount)
            for (param, offset, count) in [
                (names.weights, network.weightOffsets[l], network.layerSizes[l] * network.layerSizes[l + 1]),
                (names.bias, network.biasOffsets[l], network.layerSizes[l + 1]),
            ] {
                var squares: Double = 0
                for i in offset..<(offset + count) {
                    let g = Double(workspace.gradients.base[i])
                    squares += g * g
                }
                recorder.record(
                    TraceStep(
                        .gradientNorm, label: "|dL/d\(param)|", value: .scalar(Float(squares.squareRoot())),
                        note: "sqrt(sum of \(count) squared gradients)",
                        parameter: TraceParameter(layer: l + 1, kind: param == names.weights ? .weights : .bias, index: [], name: param),
                        layer: l + 1))
            }
        }
        self.index = index
        label = examples.label(index)
        probabilities = workspace.probabilities(rows: 1).toMatrix().values
        predicted = argmaxIndex(probabilities)
        steps = recorder.steps
    }

    /// Runs of more than this many steps of the same name are shortened in the text form.
    static let longestRun = 24

    /// The trace for people: a header, then one step per line; long runs of the same step (the
    /// 1,280 products of the output layer) show their first and last few, matrices their summary.
    public func text(classNames: [String]? = nil) -> [String] {
        func name(_ c: Int) -> String { classNames.map { "\(c) (\($0[c]))" } ?? String(c) }
        var lines = [
            "trace of test image \(index): label \(name(label)), predicted \(name(predicted)) with p = \(TraceNumber.format(probabilities[predicted]))"
        ]
        let labelWidth = Swift.min(36, steps.map(\.label.count).max() ?? 0)
        // Each product x_k*w_kj is already written out inside its z's formula: say how many
        // there were, once per layer, and leave them to --json.
        var steps: [TraceStep] = []
        var productsAnnounced = Set<Int>()
        for step in self.steps {
            guard step.name == "product" else { steps.append(step); continue }
            let layer = step.layer ?? 0
            if productsAnnounced.insert(layer).inserted {
                let count = self.steps.filter { $0.name == "product" && $0.layer == step.layer }.count
                steps.append(
                    TraceStep(
                        .products, label: "\(count) products x_k*w_kj", value: .scalar(Float(count)),
                        note: "each one summed into a z below (every one with --json)", layer: layer))
            }
        }
        var start = 0
        while start < steps.count {
            var end = start + 1
            while end < steps.count && steps[end].name == steps[start].name && steps[end].layer == steps[start].layer {
                end += 1
            }
            let run = steps[start..<end]
            let shown: [TraceStep]
            if run.count > SampleTrace.longestRun {
                shown = Array(run.prefix(8))
                lines += shown.map { SampleTrace.line($0, labelWidth: labelWidth) }
                lines.append("    ... \(run.count - 10) more \(steps[start].name) steps (all of them with --json) ...")
                lines += run.suffix(2).map { SampleTrace.line($0, labelWidth: labelWidth) }
            } else {
                lines += run.map { SampleTrace.line($0, labelWidth: labelWidth) }
            }
            start = end
        }
        return lines
    }

    static func line(_ step: TraceStep, labelWidth: Int) -> String {
        let layer = step.layer.map { "L\($0) " } ?? "   "
        let name = step.name.padding(toLength: 17, withPad: " ", startingAt: 0)
        if step.name == "products" { return "\(layer)\(name) \(step.label), \(step.note ?? "")" }
        let label =
            step.label.count >= labelWidth
            ? step.label : step.label.padding(toLength: labelWidth, withPad: " ", startingAt: 0)
        var text = "\(layer)\(name) \(label) = \(describe(step.value))"
        if let formula = step.formula { text += "   \(formula)" }
        if let note = step.note { text += "   (\(note))" }
        return text
    }

    /// A scalar, a short matrix in full, or a long one as its shape and statistics.
    static func describe(_ value: TraceValue) -> String {
        switch value {
        case .scalar(let number): return TraceNumber.format(number)
        case .matrix(let matrix):
            if matrix.count <= 12 { return "[" + matrix.values.map(TraceNumber.format).joined(separator: ", ") + "]" }
            let s = Statistics(matrix.values)
            return
                "\(matrix.rows)x\(matrix.cols) matrix: min \(TraceNumber.format(s.min)), max \(TraceNumber.format(s.max)), mean \(TraceNumber.format(s.mean)), nonzero \(s.nonzero)"
        }
    }

    /// Matrices with more numbers than this are written as summaries in JSON.
    static let jsonMatrixLimit = 1280

    /// One JSON object per step, as the lessons write theirs but led by the sample:
    /// `{"sample":K,"step":..,"index":[..],"layer":..,"label":..,"value":..,"formula":..}`.
    public func jsonLines() -> [String] {
        steps.map { $0.json(leading: [("sample", .integer(index))], matrixLimit: SampleTrace.jsonMatrixLimit).text }
    }
}

/// Minimum, maximum, mean and how many are not zero.
struct Statistics {
    var min: Float = .infinity, max: Float = -.infinity, mean: Float = 0, nonzero = 0

    init(_ values: [Float]) {
        var sum: Double = 0
        for v in values {
            min = Swift.min(min, v)
            max = Swift.max(max, v)
            sum += Double(v)
            if v != 0 { nonzero += 1 }
        }
        mean = values.isEmpty ? 0 : Float(sum / Double(values.count))
    }
}

/// Position of the largest value (the first on ties).
func argmaxIndex(_ values: [Float]) -> Int {
    values.withUnsafeBufferPointer { argmax($0.baseAddress!, $0.count) }
}
