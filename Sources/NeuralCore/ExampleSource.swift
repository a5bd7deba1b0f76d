// Where a trainer gets its examples. The source fills rows of preallocated input and target
// matrices from example indices; it is called from the training threads, so it must neither
// allocate nor change shared state.

/// A set of (input, target) examples that can copy any of them into a batch's rows.
public protocol ExampleSource: Sendable {
    var count: Int { get }
    var inputSize: Int { get }
    var targetSize: Int { get }
    /// Writes example `indices[r]` into row r of `input` (rows, inputSize) and `target` (rows, targetSize).
    func fill(input: MatrixView, target: MatrixView, indices: UnsafeBufferPointer<Int32>)
    /// Hints that examples `indices` come next, so a source whose examples sit in a large array
    /// can start loading them while the current batch computes. Changes no result.
    func prefetch(indices: UnsafeBufferPointer<Int32>)
}

extension ExampleSource {
    /// By default nothing: small sources are in the cache already.
    public func prefetch(indices: UnsafeBufferPointer<Int32>) {}
}

/// Examples held as two matrices, one example per row: for lessons and tests.
public struct MatrixExamples: ExampleSource {
    public let inputs: Matrix
    public let targets: Matrix

    public init(inputs: Matrix, targets: Matrix) {
        precondition(inputs.rows == targets.rows, "MatrixExamples: \(inputs.rows) inputs but \(targets.rows) targets")
        self.inputs = inputs
        self.targets = targets
    }

    public var count: Int { inputs.rows }
    public var inputSize: Int { inputs.cols }
    public var targetSize: Int { targets.cols }

    public func fill(input: MatrixView, target: MatrixView, indices: UnsafeBufferPointer<Int32>) {
        inputs.withView { source in
            targets.withView { sourceTargets in
                for (r, example) in indices.enumerated() {
                    (input.base + r * inputSize).update(from: source.base + Int(example) * inputSize, count: inputSize)
                    (target.base + r * targetSize).update(
                        from: sourceTargets.base + Int(example) * targetSize, count: targetSize)
                }
            }
        }
    }
}
