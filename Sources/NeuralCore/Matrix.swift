// Matrix: the one container of numbers in the core, Float32, contiguous and row-major.
// Shapes are checked with `precondition` (a mismatch is a programmer error, never bad input).

/// A `rows` x `cols` matrix of `Float`, stored row-major: element (r, c) is `values[r * cols + c]`.
///
/// A vector is a 1 x n matrix; a batch of inputs is (batch, features). Value semantics come from
/// the `Array` inside; the hot paths borrow its storage through `MatrixView` to avoid copies.
public struct Matrix: Equatable, Sendable {
    public private(set) var rows: Int
    public private(set) var cols: Int
    public var values: [Float] {
        didSet {
            precondition(values.count == rows * cols, "Matrix values changed size: \(values.count) for \(rows)x\(cols)")
        }
    }

    /// A matrix of zeros.
    public init(rows: Int, cols: Int) {
        precondition(rows >= 0 && cols >= 0, "Matrix shape must not be negative: \(rows)x\(cols)")
        self.rows = rows
        self.cols = cols
        self.values = Array(repeating: 0, count: rows * cols)
    }

    /// A matrix from row-major values; `values.count` must be `rows * cols`.
    public init(rows: Int, cols: Int, values: [Float]) {
        precondition(
            values.count == rows * cols, "Matrix \(rows)x\(cols) needs \(rows * cols) values, got \(values.count)")
        self.rows = rows
        self.cols = cols
        self.values = values
    }

    /// A matrix from nested rows, as a lesson writes it: `Matrix([[1, 2], [3, 4]])`.
    public init(_ nestedRows: [[Float]]) {
        let cols = nestedRows.first?.count ?? 0
        precondition(
            nestedRows.allSatisfy { $0.count == cols }, "Matrix rows differ in length: \(nestedRows.map(\.count))")
        self.init(rows: nestedRows.count, cols: cols, values: nestedRows.flatMap { $0 })
    }

    public var count: Int { values.count }

    public subscript(row: Int, col: Int) -> Float {
        get {
            precondition(
                row >= 0 && row < rows && col >= 0 && col < cols, "Index (\(row), \(col)) outside \(rows)x\(cols)")
            return values[row * cols + col]
        }
        set {
            precondition(
                row >= 0 && row < rows && col >= 0 && col < cols, "Index (\(row), \(col)) outside \(rows)x\(cols)")
            values[row * cols + col] = newValue
        }
    }

    /// One row as an array (a copy), for printing and tests.
    public func row(_ r: Int) -> [Float] { Array(values[r * cols..<(r + 1) * cols]) }

    /// The same values read as another shape (flattening a 3x3 image into a 1x9 vector).
    public func reshaped(rows newRows: Int, cols newCols: Int) -> Matrix {
        precondition(newRows * newCols == count, "Cannot reshape \(rows)x\(cols) to \(newRows)x\(newCols)")
        return Matrix(rows: newRows, cols: newCols, values: values)
    }

    /// Borrows the storage read-only as a view for the duration of `body`.
    @inlinable
    public func withView<R>(_ body: (MatrixView) throws -> R) rethrows -> R {
        try values.withUnsafeBufferPointer { buffer in
            try body(
                MatrixView(
                    rows: rows, cols: cols,
                    base: buffer.baseAddress.map { UnsafeMutablePointer(mutating: $0) } ?? emptyStorage))
        }
    }

    /// Borrows the storage for writing as a view for the duration of `body`.
    @inlinable
    public mutating func withMutableView<R>(_ body: (MatrixView) throws -> R) rethrows -> R {
        let (rows, cols) = (self.rows, self.cols)
        return try values.withUnsafeMutableBufferPointer { buffer in
            try body(MatrixView(rows: rows, cols: cols, base: buffer.baseAddress ?? emptyStorage))
        }
    }
}

/// Storage for views of empty matrices, so a view's pointer is never nil.
@usableFromInline nonisolated(unsafe) let emptyStorage = UnsafeMutablePointer<Float>.allocate(capacity: 1)

/// A borrowed, unowned window on a `rows` x `cols` block of row-major floats: what the kernels
/// work on. Row r starts `stride` floats after row r - 1 (`cols` for a whole matrix; more for a
/// band of columns, e.g. the hidden units one training thread owns).
///
/// Views carry no ownership and no copy-on-write checks, so inner loops see plain pointers. The
/// owner (a `Matrix` or a `Workspace`) must outlive the view.
public struct MatrixView: @unchecked Sendable {
    public let rows: Int
    public let cols: Int
    public let base: UnsafeMutablePointer<Float>
    /// Floats from the start of one row to the start of the next (the leading dimension).
    public let stride: Int

    @inlinable
    public init(rows: Int, cols: Int, base: UnsafeMutablePointer<Float>, stride: Int? = nil) {
        precondition((stride ?? cols) >= cols, "MatrixView: stride \(stride ?? cols) below \(cols) columns")
        self.rows = rows
        self.cols = cols
        self.base = base
        self.stride = stride ?? cols
    }

    @inlinable public var count: Int { rows * cols }

    /// Whether the rows follow one another with no gap (a whole matrix, not a band of columns).
    @inlinable public var isContiguous: Bool { stride == cols || rows <= 1 }

    @inlinable
    public subscript(row: Int, col: Int) -> Float {
        get { base[row * stride + col] }
        nonmutating set { base[row * stride + col] = newValue }
    }

    /// Row r's first element.
    @inlinable
    public func row(_ r: Int) -> UnsafeMutablePointer<Float> { base + r * stride }

    /// Rows `range` of this view, sharing storage (a shard of a batch).
    @inlinable
    public func rows(_ range: Range<Int>) -> MatrixView {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows, "Rows \(range) outside \(rows)x\(cols)")
        return MatrixView(rows: range.count, cols: cols, base: base + range.lowerBound * stride, stride: stride)
    }

    /// Columns `range` of this view, sharing storage (a band of hidden units).
    @inlinable
    public func columns(_ range: Range<Int>) -> MatrixView {
        precondition(range.lowerBound >= 0 && range.upperBound <= cols, "Columns \(range) outside \(rows)x\(cols)")
        return MatrixView(rows: rows, cols: range.count, base: base + range.lowerBound, stride: stride)
    }

    /// A copy as an owning `Matrix`.
    public func toMatrix() -> Matrix {
        var values: [Float] = []
        values.reserveCapacity(count)
        for r in 0..<rows { values.append(contentsOf: UnsafeBufferPointer(start: row(r), count: cols)) }
        return Matrix(rows: rows, cols: cols, values: values)
    }

    @inlinable
    public func fill(_ value: Float) {
        if isContiguous { return base.update(repeating: value, count: count) }
        for r in 0..<rows { row(r).update(repeating: value, count: cols) }
    }

    @inlinable
    public func copy(from other: MatrixView) {
        precondition(
            rows == other.rows && cols == other.cols,
            "Copy needs equal shapes: \(rows)x\(cols) vs \(other.rows)x\(other.cols)")
        if isContiguous && other.isContiguous { return base.update(from: other.base, count: count) }
        for r in 0..<rows { row(r).update(from: other.row(r), count: cols) }
    }
}

/// Stops with both shapes in the message when two shapes that must agree do not.
@inlinable
public func precondition(shape a: MatrixView, equals b: MatrixView, _ what: @autoclosure () -> String) {
    precondition(
        a.rows == b.rows && a.cols == b.cols, "\(what()): shapes \(a.rows)x\(a.cols) and \(b.rows)x\(b.cols) differ")
}

/// An owned, fixed-size buffer of floats that lives as long as the object: the backing of
/// parameters, gradients and activations, allocated once and reused for every batch.
public final class FloatBuffer: @unchecked Sendable {
    public let count: Int
    public let base: UnsafeMutablePointer<Float>

    public init(count: Int) {
        self.count = count
        // On a cache line of its own: the two training threads each own a band of the first layer,
        // and whole lines are what a core owns.
        let bytes = Swift.max(count, 1) * MemoryLayout<Float>.stride
        self.base = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
            .bindMemory(to: Float.self, capacity: Swift.max(count, 1))
        base.initialize(repeating: 0, count: Swift.max(count, 1))
    }

    deinit { UnsafeMutableRawPointer(base).deallocate() }

    /// A view on `rows * cols` floats starting at `offset`.
    @inlinable
    public func view(offset: Int = 0, rows: Int, cols: Int) -> MatrixView {
        precondition(
            offset >= 0 && offset + rows * cols <= count,
            "View \(rows)x\(cols) at \(offset) outside a buffer of \(count)")
        return MatrixView(rows: rows, cols: cols, base: base + offset)
    }

    public var array: [Float] { Array(UnsafeBufferPointer(start: base, count: count)) }
}
