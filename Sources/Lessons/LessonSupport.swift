// Small helpers the lessons share: running a network traced or silent on a lesson's matrices
// (always with the readable `.naive` kernel, so every sum is added left to right on every
// machine), and evenly spaced x values for plots. No maths of their own.
import NeuralCore

extension Network {
    /// Forward pass of `input` recorded by `tracer`; returns the output as a new matrix.
    func traceForward(_ input: Matrix, tracer: RecordingTracer) -> Matrix { output(input, tracer: tracer) }

    /// Output for each row of `input`, without tracing.
    func outputs(_ input: Matrix) -> Matrix { output(input, tracer: NoTracer()) }

    /// Output and each layer's activations for each row of `input`, without tracing.
    func activations(_ input: Matrix) -> [Matrix] {
        let workspace = Workspace(for: self, capacity: max(input.rows, 1))
        return input.withView { view in
            _ = forward(view, workspace: workspace, kernel: .naive, tracer: NoTracer())
            return (0..<layerCount).map { workspace.activation($0, rows: view.rows).toMatrix() }
        }
    }

    /// The loss of the whole set, without tracing.
    func loss(_ loss: Loss, inputs: Matrix, targets: Matrix) -> Float {
        self.loss(loss, input: inputs, target: targets, tracer: NoTracer())
    }

    /// Layer l's weights as a matrix (inputs, neurons).
    func weightMatrix(_ layer: Int) -> Matrix { weights(layer).toMatrix() }
}

/// `count` evenly spaced values from `low` to `high` (both included), for plotting.
func evenlySpaced(_ low: Float, _ high: Float, count: Int) -> [Float] {
    (0..<count).map { low + (high - low) * Float($0) / Float(max(count - 1, 1)) }
}

/// A column of values as a (count, 1) matrix: one input per row.
func column(_ values: [Float]) -> Matrix { .column(values) }

/// The steps of the kinds `kinds`, in their recorded order.
func only(_ steps: [TraceStep], _ kinds: TraceStepName...) -> [TraceStep] { steps.filter { kinds.contains($0.kind) } }

/// Thousands separated by commas: 203540 -> "203,540".
func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, ch) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
        out.append(ch)
    }
    return (n < 0 ? "-" : "") + out
}

/// `values` when there is at least one, else the lesson-file error that names the field.
func atLeastOne<Element>(_ values: [Element], _ field: LessonField, _ what: String) throws -> [Element] {
    guard !values.isEmpty else { throw field.error("expected at least one \(what), found an empty list") }
    return values
}

extension Matrix {
    /// The rows at `indices`, in that order, as a new matrix (a mini-batch of a lesson's examples).
    func selecting(rows indices: [Int]) -> Matrix {
        Matrix(rows: indices.count, cols: cols, values: indices.flatMap { row($0) })
    }
}

/// Whether positive values span at least two decades (max/min >= 100): a loss curve that reads
/// better on a log axis. Values <= 0 or not finite rule the log axis out.
func spansDecades(_ values: [Float]) -> Bool {
    guard let low = values.min(), let high = values.max(), low > 0, high.isFinite else { return false }
    return high / low >= 100
}
