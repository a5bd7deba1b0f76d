// The inputs that are exactly zero, and the products that skip them. Most of an MNIST digit is
// black background, and a black pixel contributes nothing whatever its weight (lesson 6): the first
// layer's forward product and its weight update visit only the non-zero pixels. The loops are the
// Kernels target's (C, with AVX-512 / AVX2+FMA / portable bodies chosen at run time); this file
// says when to use them and wraps them in views. Dense batches keep OpenBLAS.
import Kernels

/// Which body of the hand-written kernels runs: the CPU's widest by default.
public enum KernelPath: String, CaseIterable, Sendable {
    case avx512 = "AVX-512"
    case avx2 = "AVX2+FMA"
    case portable = "portable C"

    var cValue: nt_path {
        switch self {
        case .avx512: return NT_PATH_AVX512
        case .avx2: return NT_PATH_AVX2
        case .portable: return NT_PATH_PORTABLE
        }
    }

    /// The path the kernels take now.
    public static var active: KernelPath {
        switch nt_active_path() {
        case NT_PATH_AVX512: return .avx512
        case NT_PATH_AVX2: return .avx2
        default: return .portable
        }
    }

    /// Whether this CPU can run the path.
    public var isSupported: Bool { nt_path_supported(cValue) != 0 }

    /// Forces `path` (nil: back to the CPU's best), for tests that run every path. Returns false,
    /// changing nothing, when the CPU cannot run it. Never while kernels run on other threads.
    @discardableResult
    public static func force(_ path: KernelPath?) -> Bool { nt_force_path(path?.cValue ?? NT_PATH_AUTO) != 0 }
}

/// Where a batch's inputs are non-zero: one bit per entry, measured once a batch and read by the
/// first layer's forward product and weight update. Sized once for the largest batch.
public final class InputZeros: @unchecked Sendable {
    /// Batches whose zero-skipping products would do more than this fraction of the dense work
    /// take the dense (BLAS) path instead. The kernels run at about sgemm's speed per multiply-add
    /// they do, and they visit columns in groups of four, so what counts is the share of (row,
    /// group) pairs with any non-zero entry: 28% on MNIST, about half on objects on a black
    /// background, 87% on noise with 60% of its entries 0 (where the kernels still measured 20%
    /// faster than sgemm), 99% on noise with 30% zeros. Measured with `tracer bench`.
    public static let workLimit = 0.9

    public let capacity: Int
    public let cols: Int
    /// ceil(capacity / 64) * cols words: bit i % 64 of word (i / 64) * cols + k is x[i, k] != 0.
    let masks: UnsafeMutablePointer<UInt64>
    /// Rows and non-zero entries of the last batch measured.
    public private(set) var rows = 0
    public private(set) var nonzeroCount = 0
    /// Multiply-adds per output column the zero-skipping products would do (`nt_grouped_work`).
    public private(set) var groupedWork = 0

    public init(capacity: Int, cols: Int) {
        precondition(capacity > 0 && cols > 0, "InputZeros needs positive sizes, got \(capacity)x\(cols)")
        self.capacity = capacity
        self.cols = cols
        let words = (capacity + 63) / 64 * cols
        masks = .allocate(capacity: words)
        masks.initialize(repeating: 0, count: words)
    }

    deinit { masks.deallocate() }

    /// Records where `input`'s non-zero entries are (NaN counts as non-zero).
    public func measure(_ input: MatrixView) {
        precondition(
            input.cols == cols && input.rows <= capacity,
            "InputZeros.measure: input \(input.rows)x\(input.cols), sized for \(capacity)x\(cols)")
        rows = input.rows
        nonzeroCount = Int(nt_nonzero_masks(Int32(input.rows), Int32(cols), input.base, Int64(input.stride), masks))
        groupedWork = Int(nt_grouped_work(Int32(input.rows), Int32(cols), masks))
    }

    /// Fraction of the last batch's entries that are exactly zero.
    public var zeroFraction: Double { rows == 0 ? 0 : 1 - Double(nonzeroCount) / Double(rows * cols) }

    /// Whether the last batch is sparse enough for the kernels that skip zeros to beat sgemm (and the kernels
    /// are fast here: the portable C on an x86-64 without FMA would call a software fmaf).
    public var skipsZeros: Bool {
        rows > 0 && InputZeros.kernelsAreFast && Double(groupedWork) <= InputZeros.workLimit * Double(rows * cols)
    }

    static var kernelsAreFast: Bool {
        #if arch(x86_64)
            return KernelPath.active != .portable
        #else
            return true
        #endif
    }

    func check(_ x: MatrixView) {
        precondition(
            x.rows == rows && x.cols == cols, "InputZeros measured \(rows)x\(cols), used for \(x.rows)x\(x.cols)")
    }
}

/// out (rows, n) = x (rows, k) * w (k, n), visiting only x's non-zero entries (`zeros` must have
/// measured x). Same sums as the dense product in the same order: sum over k ascending.
@inlinable
public func sparseProduct(_ out: MatrixView, _ x: MatrixView, zeros: InputZeros, _ w: MatrixView) {
    precondition(
        w.rows == x.cols && out.rows == x.rows && out.cols == w.cols,
        "sparseProduct: x \(x.rows)x\(x.cols), w \(w.rows)x\(w.cols), out \(out.rows)x\(out.cols)")
    sparseProductKernel(out, x, zeros: zeros, w)
}

@usableFromInline
func sparseProductKernel(_ out: MatrixView, _ x: MatrixView, zeros: InputZeros, _ w: MatrixView) {
    zeros.check(x)
    nt_sparse_product(
        Int32(x.rows), Int32(w.cols), Int32(x.cols), x.base, Int64(x.stride), zeros.masks, w.base, Int64(w.stride),
        out.base, Int64(out.stride))
}

/// out (k, n) = alpha * x^T * dz + beta * out, where x is (rows, k) and dz (rows, n), visiting only
/// x's non-zero entries: the weight gradient of a first layer folded into the weights (or the
/// velocity). Rows of `out` whose input column is all zero are left alone when beta is 1.
public func sparseTransposedProduct(
    _ out: MatrixView, _ x: MatrixView, zeros: InputZeros, _ dz: MatrixView, alpha: Float, beta: Float
) {
    precondition(
        dz.rows == x.rows && out.rows == x.cols && out.cols == dz.cols,
        "sparseTransposedProduct: x \(x.rows)x\(x.cols), dz \(dz.rows)x\(dz.cols), out \(out.rows)x\(out.cols)")
    zeros.check(x)
    nt_sparse_transposed_product(
        Int32(x.rows), Int32(dz.cols), Int32(x.cols), x.base, Int64(x.stride), zeros.masks, dz.base, Int64(dz.stride),
        alpha, beta, out.base, Int64(out.stride))
}

/// out[i] = bytes[i] / 255 for `count` bytes (255 gives exactly 1): a batch's pixels as floats,
/// 16 at a time on AVX-512.
public func convertPixels(_ bytes: UnsafePointer<UInt8>, to out: UnsafeMutablePointer<Float>, count: Int) {
    nt_bytes_to_unit_floats(bytes, out, Int64(count))
}

/// Makes this thread treat values below about 1e-38 (denormals) as 0, or stops it; returns the
/// previous setting. Training turns it on: a momentum velocity that decays towards 0 for a pixel
/// that stays black would otherwise spend batches in denormals, which x86 CPUs handle about a
/// hundred times slower.
@discardableResult
public func flushDenormals(_ on: Bool) -> Bool { nt_flush_denormals(on ? 1 : 0) != 0 }

/// Starts loading `byteCount` bytes at `address` into the caches (a hint: results do not change).
public func prefetch(_ address: UnsafeRawPointer, byteCount: Int) { nt_prefetch(address, Int64(byteCount)) }
