// The matrix product, out = alpha * op(a) * op(b) + beta * out, and its backward.
// `.blas` calls OpenBLAS's sgemm; `.naive` is the readable triple loop: the oracle in tests.
import CBLAS

/// Which implementation of the matrix product to run. Both compute the same thing.
public enum ProductKernel: Sendable {
    /// OpenBLAS `cblas_sgemm`: blocked, vectorised, the fast path.
    case blas
    /// Three plain loops in a fixed order: slow, obvious, and the reference the tests trust.
    case naive
}

/// out (m, n) = alpha * op(a) (m, k) * op(b) (k, n) + beta * out, where op transposes when asked.
/// Any of the three may be a band of columns of a larger matrix (its `stride` is the leading dimension).
///
/// With `beta == 0` the old contents of `out` are ignored (even NaN), as in BLAS.
@inlinable
public func matrixProduct(
    _ out: MatrixView, _ a: MatrixView, transposeA: Bool = false, _ b: MatrixView, transposeB: Bool = false,
    alpha: Float = 1, beta: Float = 0, kernel: ProductKernel = .blas
) {
    let m = transposeA ? a.cols : a.rows
    let k = transposeA ? a.rows : a.cols
    let kB = transposeB ? b.cols : b.rows
    let n = transposeB ? b.rows : b.cols
    precondition(k == kB, "matrixProduct: inner sizes differ: op(a) is \(m)x\(k), op(b) is \(kB)x\(n)")
    precondition(out.rows == m && out.cols == n, "matrixProduct: out is \(out.rows)x\(out.cols), expected \(m)x\(n)")
    switch kernel {
    case .blas:
        guard m > 0 && n > 0 else { return }
        if k == 0 {  // BLAS leaves this case to us: out = beta * out.
            for i in 0..<m {
                for j in 0..<n { out[i, j] = beta == 0 ? 0 : beta * out[i, j] }
            }
            return
        }
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a.base, Int32(a.stride), b.base, Int32(b.stride),
            beta, out.base, Int32(out.stride))
    case .naive:
        matrixProductNaive(out, a, transposeA: transposeA, b, transposeB: transposeB, alpha: alpha, beta: beta)
    }
}

/// The readable twin of `matrixProduct`: for each output element, a dot product summed left to right.
@inlinable
public func matrixProductNaive(
    _ out: MatrixView, _ a: MatrixView, transposeA: Bool = false, _ b: MatrixView, transposeB: Bool = false,
    alpha: Float = 1, beta: Float = 0
) {
    matrixProductNaive(
        out, a, transposeA: transposeA, b, transposeB: transposeB, alpha: alpha, beta: beta, tracer: NoTracer(),
        names: ProductTraceNames(a: "a", b: "b", sum: "s"))
}

/// What the readable product calls its operands when it narrates: op(a)[i,p]*op(b)[p,j] is
/// recorded as "x0*w0" and the running sum of element (i, j) after term p as "s0".
public struct ProductTraceNames: Sendable {
    public var a: String
    public var b: String
    public var sum: String
    public var layer: Int?

    public init(a: String, b: String, sum: String, layer: Int? = nil) {
        self.a = a
        self.b = b
        self.sum = sum
        self.layer = layer
    }
}

/// The readable product, narrating as it computes: with a tracer that wants elements, each
/// product op(a)[i,p]*op(b)[p,j] (step `product`) and each running sum after adding it (step
/// `running_sum`), both with the full index [i, j, p], are recorded by the loop that adds them,
/// so a lesson shows the sums this kernel made, not a recomputation. With `NoTracer` the
/// recording compiles away and this is the plain triple loop.
@inlinable
public func matrixProductNaive<T: Tracer>(
    _ out: MatrixView, _ a: MatrixView, transposeA: Bool = false, _ b: MatrixView, transposeB: Bool = false,
    alpha: Float = 1, beta: Float = 0, tracer: T, names: ProductTraceNames
) {
    let m = out.rows, n = out.cols
    let k = transposeA ? a.rows : a.cols
    let narrates = tracer.isRecording && tracer.recordsElements(count: m * n * k)
    for i in 0..<m {
        for j in 0..<n {
            var sum: Float = 0
            for p in 0..<k {
                let aValue = transposeA ? a[p, i] : a[i, p]
                let bValue = transposeB ? b[j, p] : b[p, j]
                let product = aValue * bValue
                let before = sum
                sum += product
                if narrates {
                    recordProductTerm(
                        a: aValue, b: bValue, product: product, before: before, sum: sum, i: i, j: j, p: p,
                        sizes: (m, n, k), names: names, tracer: tracer)
                }
            }
            out[i, j] = alpha * sum + (beta == 0 ? 0 : beta * out[i, j])
        }
    }
}

/// Records one term of the readable product: the product, and the running sum it made.
@usableFromInline
func recordProductTerm<T: Tracer>(
    a: Float, b: Float, product: Float, before: Float, sum: Float, i: Int, j: Int, p: Int,
    sizes: (m: Int, n: Int, k: Int), names: ProductTraceNames, tracer: T
) {
    let aName = TraceName.element(names.a, [i, p], sizes: [sizes.m, sizes.k])
    let bName = TraceName.element(names.b, [p, j], sizes: [sizes.k, sizes.n])
    let productFormula = TraceNumber.precise(a) + "*" + TraceNumber.operand(b)
    tracer.record(
        TraceStep(
            .product, label: "\(aName)*\(bName)", value: .scalar(product), formula: productFormula,
            index: [i, j, p], layer: names.layer))
    tracer.record(
        TraceStep(
            .runningSum, label: TraceName.element(names.sum, [i, j, p], sizes: [sizes.m, sizes.n, sizes.k]),
            value: .scalar(sum),
            formula: TraceNumber.precise(before) + " + " + TraceNumber.operand(product),
            note: p == 0 ? "start from 0, add \(aName)*\(bName)" : "the sum so far + \(aName)*\(bName)",
            index: [i, j, p], layer: names.layer))
}

/// Backward of `out = a * b`: given dOut, writes dA = dOut * b^T and dB = a^T * dOut.
///
/// Either gradient may be skipped (`nil`): the first layer of a network never needs dInput.
/// `accumulate` adds into dA/dB instead of overwriting them.
@inlinable
public func matrixProductBackward(
    dA: MatrixView?, dB: MatrixView?, dOut: MatrixView, a: MatrixView, b: MatrixView,
    accumulate: Bool = false, kernel: ProductKernel = .blas
) {
    let beta: Float = accumulate ? 1 : 0
    if let dA { matrixProduct(dA, dOut, b, transposeB: true, beta: beta, kernel: kernel) }
    if let dB { matrixProduct(dB, a, transposeA: true, dOut, beta: beta, kernel: kernel) }
}
