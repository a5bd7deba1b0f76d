// Helpers shared by the core's tests: random matrices of odd shapes, and the one approximate
// equality with its tolerance stated at every call.
import NeuralCore

/// A matrix of uniform random values in [-1, 1), never all zero.
func randomMatrix(_ rows: Int, _ cols: Int, seed: UInt64) -> Matrix {
    var random = SeededRandom(seed: seed)
    return Matrix(rows: rows, cols: cols, values: (0..<(rows * cols)).map { _ in random.uniform(-1, 1) })
}

/// One-hot rows for the given classes.
func oneHot(_ classes: [Int], count: Int) -> Matrix {
    var m = Matrix(rows: classes.count, cols: count)
    for (i, c) in classes.enumerated() { m[i, c] = 1 }
    return m
}

/// |a - b| <= absolute + relative * max(|a|, |b|).
func isClose(_ a: Float, _ b: Float, absolute: Float, relative: Float = 0) -> Bool {
    abs(a - b) <= absolute + relative * max(abs(a), abs(b))
}

/// Largest elementwise |a - b|.
func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count)
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}
