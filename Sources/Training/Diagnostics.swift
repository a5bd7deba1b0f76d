// Why a run goes wrong: per-epoch health figures of a network, measured from outside the trainer
// after each epoch (the weights, the optimiser's last step, a forward and a backward pass on held-out
// images), and the plain warnings they turn into. Leaves out per-batch figures: an epoch's is enough
// to see a run die, and measuring during an epoch would race with the training threads' writes.
import Foundation
import NeuralCore

/// One epoch's health figures. Layers are counted from 1, as the traces count them.
public struct Diagnostics: Sendable, Equatable {
    /// Per hidden layer: the fraction of its units that are 0 on every probe image (dead ReLUs:
    /// no gradient reaches their weights, so they never come back).
    public var deadFraction: [Double]
    /// Per layer: |W after a step - W before| / |W before| (Frobenius norms) for the epoch's last
    /// step. About 1e-3 is healthy; near 1 the steps throw the weights away.
    public var updateRatio: [Float]
    /// Per layer: |dLoss/dW| on a batch of probe images.
    public var gradientNorm: [Float]
    /// NaN or infinity in the weights, the probe loss or the gradients.
    public var nonFinite: Bool
    /// How many images the dead-unit count saw, and where they came from ("validation" or "training").
    public var probeImages: Int
    public var probeSet: String

    public init(
        deadFraction: [Double], updateRatio: [Float], gradientNorm: [Float], nonFinite: Bool, probeImages: Int,
        probeSet: String
    ) {
        self.deadFraction = deadFraction
        self.updateRatio = updateRatio
        self.gradientNorm = gradientNorm
        self.nonFinite = nonFinite
        self.probeImages = probeImages
        self.probeSet = probeSet
    }

    /// Limits beyond which a figure is "far off".
    public static let mostlyDead = 0.5
    public static let ratioTooLarge: Float = 1e-1
    public static let ratioTooSmall: Float = 1e-5

    /// Plain warnings, each with what to try; empty when every figure is in range. Each comes with
    /// a kind ("dead 1", "ratio high 2") so a caller can say a thing once, not every epoch.
    /// `learningRate` is the epoch's rate and `baseRate` the --lr: a tiny ratio late in a falling
    /// schedule is the schedule's doing, not a fault.
    public func warnings(epoch: Int, learningRate: Float, baseRate: Float) -> [(kind: String, text: String)] {
        var warnings: [(kind: String, text: String)] = []
        let smaller = TrainingError.suggestion(below: baseRate)
        if nonFinite {
            warnings.append(
                (
                    "non-finite",
                    "epoch \(epoch): NaN or infinite values in the weights, gradients or loss: the run has diverged; try a smaller learning rate, e.g. --lr \(smaller)"
                ))
        }
        let mostlyDead = deadFraction.contains { $0 >= Diagnostics.mostlyDead }
        for (l, dead) in deadFraction.enumerated() where dead >= Diagnostics.mostlyDead {
            warnings.append(
                (
                    "dead \(l + 1)",
                    "epoch \(epoch): \(Diagnostics.percent(dead)) of layer \(l + 1)'s units never fire on \(probeImages) \(probeSet) images (dead ReLUs): too large a step pushed them below zero for every input, and no gradient brings them back; try a smaller learning rate, e.g. --lr \(smaller)"
                ))
        }
        for (l, ratio) in updateRatio.enumerated() {
            if ratio > Diagnostics.ratioTooLarge || !ratio.isFinite {
                warnings.append(
                    (
                        "ratio high \(l + 1)",
                        "epoch \(epoch): layer \(l + 1)'s update-to-weight ratio is \(Diagnostics.scientific(ratio)) (healthy is about 1e-3): each step replaces a large part of the weights; try a smaller learning rate, e.g. --lr \(smaller)"
                    ))
            } else if ratio < Diagnostics.ratioTooSmall && learningRate >= baseRate / 10 {
                // With dead units upstream the step is small because no gradient gets through: the
                // cure is a smaller rate (said above), not a larger one.
                let text =
                    mostlyDead
                    ? "epoch \(epoch): layer \(l + 1)'s update-to-weight ratio is \(Diagnostics.scientific(ratio)) (healthy is about 1e-3): no gradient reaches it through the dead units; start again with a smaller learning rate, e.g. --lr \(smaller)"
                    : "epoch \(epoch): layer \(l + 1)'s update-to-weight ratio is \(Diagnostics.scientific(ratio)) (healthy is about 1e-3): the layer barely moves; try a larger learning rate, e.g. --lr \(TraceNumber.format(baseRate * 10))"
                warnings.append(("ratio low \(l + 1)", text))
            }
        }
        return warnings
    }

    /// `dead 3.1%  upd/w 1.2e-03,8.0e-04  |g| 0.21,0.09` for the epoch line.
    public var summary: String {
        var parts: [String] = []
        if !deadFraction.isEmpty {
            parts.append("dead " + deadFraction.map(Diagnostics.percent).joined(separator: ","))
        }
        parts.append("upd/w " + updateRatio.map(Diagnostics.scientific).joined(separator: ","))
        parts.append("|g| " + gradientNorm.map(Diagnostics.scientific).joined(separator: ","))
        if nonFinite { parts.append("NaN/inf!") }
        return parts.joined(separator: "  ")
    }

    public var json: JSONValue {
        .object([
            ("dead_fraction", .array(deadFraction.map(JSONValue.number))),
            ("update_ratio", .array(updateRatio.map(JSONValue.float))),
            ("gradient_norm", .array(gradientNorm.map(JSONValue.float))),
            ("non_finite", .bool(nonFinite)),
            ("probe_images", .integer(probeImages)),
            ("probe_set", .string(probeSet)),
        ])
    }

    static func percent(_ fraction: Double) -> String { String(format: "%.1f%%", fraction * 100) }
    static func scientific(_ value: Float) -> String {
        value.isFinite ? String(format: "%.1e", Double(value)) : TraceNumber.format(value)
    }
}

/// Measures `Diagnostics` for one network: sized once (a probe workspace), then used after every
/// epoch, when the training threads have stopped.
final class DiagnosticsProbe {
    let network: Network
    let probe: DigitExamples
    let probeSet: String
    /// Images per forward pass (and in the batch the gradient is taken on).
    let chunk: Int
    private let workspace: Workspace
    private let input: FloatBuffer, target: FloatBuffer

    init(network: Network, probe: DigitExamples, probeSet: String, chunk: Int = 1000) {
        self.network = network
        self.probe = probe
        self.probeSet = probeSet
        self.chunk = Swift.max(1, Swift.min(chunk, probe.count))
        workspace = Workspace(for: network, capacity: self.chunk)
        input = FloatBuffer(count: self.chunk * network.inputSize)
        target = FloatBuffer(count: self.chunk * network.outputSize)
    }

    /// |step| / |W before it| of layer l's last step. With momentum the step was exactly lr * v
    /// (W <- W - lr v), read from the optimiser's velocity; without, it is estimated as
    /// lr * (the probe batch's gradient + weight decay * W).
    private func stepRatio(layer l: Int, optimizer: SGD, gradient: UnsafePointer<Float>) -> Float {
        let weights = network.weights(l)
        let count = weights.count
        let w = weights.base, lr = Double(optimizer.learningRate)
        let velocity = optimizer.velocity(of: weights, in: network.parameters)
        var step: Double = 0, before: Double = 0
        for i in 0..<count {
            let d =
                velocity.map { lr * Double($0.base[i]) }
                ?? lr * (Double(gradient[i]) + Double(optimizer.weightDecay) * Double(w[i]))
            step += d * d
            let previous = Double(w[i]) + d
            before += previous * previous
        }
        if before > 0 { return Float((step / before).squareRoot()) }
        return step > 0 ? .infinity : 0
    }

    /// The epoch's figures: its last step (from `optimizer`) and passes over the probe images.
    func measure(optimizer: SGD) -> Diagnostics {
        let sizes = network.layerSizes
        var everFired = (0..<(network.layerCount - 1)).map { [Bool](repeating: false, count: sizes[$0 + 1]) }
        var nonFinite = false
        for i in 0..<network.parameterCount where !network.parameters.base[i].isFinite {
            nonFinite = true
            break
        }
        var gradientNorm = [Float](repeating: 0, count: network.layerCount)
        var updateRatio = [Float](repeating: 0, count: network.layerCount)
        let order = (0..<probe.count).map { Int32($0) }
        var start = 0
        order.withUnsafeBufferPointer { order in
            while start < probe.count {
                let rows = Swift.min(chunk, probe.count - start)
                let x = input.view(rows: rows, cols: network.inputSize)
                let t = target.view(rows: rows, cols: network.outputSize)
                probe.fill(input: x, target: t, indices: UnsafeBufferPointer(rebasing: order[start..<(start + rows)]))
                if start == 0 {
                    // The first chunk also gives the gradient (its forward pass is the same).
                    let loss = network.lossAndGradients(
                        input: x, target: t, loss: .softmaxCrossEntropy, workspace: workspace, tracer: NoTracer())
                    if !loss.isFinite { nonFinite = true }
                    for l in 0..<network.layerCount {
                        let g = workspace.gradients.base + network.weightOffsets[l]
                        var squares: Double = 0
                        for i in 0..<(sizes[l] * sizes[l + 1]) { squares += Double(g[i]) * Double(g[i]) }
                        gradientNorm[l] = Float(squares.squareRoot())
                        if !gradientNorm[l].isFinite { nonFinite = true }
                        updateRatio[l] = stepRatio(layer: l, optimizer: optimizer, gradient: g)
                    }
                } else {
                    _ = network.forward(x, workspace: workspace, tracer: NoTracer())
                }
                for l in 0..<everFired.count {
                    let a = workspace.activation(l, rows: rows)
                    for r in 0..<rows {
                        for j in 0..<a.cols where a.base[r * a.cols + j] > 0 { everFired[l][j] = true }
                    }
                }
                start += rows
            }
        }
        return Diagnostics(
            deadFraction: everFired.map { fired in Double(fired.filter { !$0 }.count) / Double(fired.count) },
            updateRatio: updateRatio,
            gradientNorm: gradientNorm, nonFinite: nonFinite, probeImages: probe.count, probeSet: probeSet)
    }
}
