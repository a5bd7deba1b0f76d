import Kernels
import NeuralCore
// The hand-written kernels against their naive twins, on every dispatch path this CPU runs, odd
// shapes (more than 64 rows too: two mask words a column) and 0%, 50%, 81% and 100% zero inputs.
// Every path does the same fused multiply-adds in the same order, so they must agree exactly.
import Testing

/// (rows, cols) values in [-1, 1) of which `zeroFraction` (rounded) are exactly 0, at random places.
func sparseMatrix(_ rows: Int, _ cols: Int, zeroFraction: Double, seed: UInt64) -> Matrix {
    var m = randomMatrix(rows, cols, seed: seed)
    for i in 0..<m.count where m.values[i] == 0 { m.values[i] = 0.5 }
    var random = SeededRandom(seed: seed &+ 1000)
    var places = Array(0..<m.count)
    random.shuffle(&places)
    for i in places.prefix(Int((zeroFraction * Double(m.count)).rounded())) { m.values[i] = 0 }
    return m
}

let kernelShapes = [(5, 13, 7), (64, 29, 70), (70, 31, 33), (1, 9, 130), (3, 784, 64)]
let zeroFractions = [0.0, 0.5, 0.81, 1.0]

@Suite(.serialized) struct KernelTests {
    /// Runs `body` once on every path this CPU supports (at least the portable one), forced.
    func onEveryPath(_ body: (KernelPath) -> Void) {
        defer { KernelPath.force(nil) }
        for path in KernelPath.allCases where path.isSupported {
            #expect(KernelPath.force(path))
            #expect(KernelPath.active == path)
            body(path)
        }
    }

    @Test func portablePathIsAlwaysThere() {
        #expect(KernelPath.portable.isSupported)
        #expect(KernelPath.force(.portable) && KernelPath.active == .portable)
        KernelPath.force(nil)
        #expect(KernelPath.active.isSupported)
    }

    @Test func masksCountTheNonZeros() {
        onEveryPath { path in
            for (rows, cols, _) in kernelShapes {
                for fraction in zeroFractions {
                    let x = sparseMatrix(rows, cols, zeroFraction: fraction, seed: UInt64(rows * cols))
                    let zeros = InputZeros(capacity: rows, cols: cols)
                    x.withView { zeros.measure($0) }
                    #expect(
                        zeros.nonzeroCount == x.values.filter { $0 != 0 }.count, "\(path) \(rows)x\(cols) \(fraction)")
                    #expect(abs(zeros.zeroFraction - fraction) < 1.0 / Double(rows * cols) + 1e-12)
                }
            }
        }
    }

    @Test func sparseProductMatchesNaive() {
        onEveryPath { path in
            for (rows, k, n) in kernelShapes {
                for fraction in zeroFractions {
                    let x = sparseMatrix(rows, k, zeroFraction: fraction, seed: UInt64(rows + k))
                    let w = randomMatrix(k, n, seed: UInt64(k * n))
                    var fast = randomMatrix(rows, n, seed: 5)  // overwritten: old contents must not leak in
                    var naive = Matrix(rows: rows, cols: n)
                    let zeros = InputZeros(capacity: rows, cols: k)
                    x.withView { xv in
                        zeros.measure(xv)
                        w.withView { wv in
                            fast.withMutableView { sparseProduct($0, xv, zeros: zeros, wv) }
                            naive.withMutableView {
                                nt_sparse_product_naive(
                                    Int32(rows), Int32(n), Int32(k), xv.base, Int64(k), wv.base, Int64(n), $0.base,
                                    Int64(n))
                            }
                        }
                    }
                    #expect(fast.values == naive.values, "\(path) \(rows)x\(k)x\(n) zeros \(fraction)")
                    // And the plain Swift product (no fused multiply-add): rounding only.
                    var plain = Matrix(rows: rows, cols: n)
                    x.withView { xv in w.withView { wv in plain.withMutableView { matrixProductNaive($0, xv, wv) } } }
                    #expect(maxDifference(fast.values, plain.values) < 1e-4)
                }
            }
        }
    }

    @Test(arguments: [(Float(-0.1), Float(1)), (1, 0.9), (-0.05, 0.999)])
    func sparseTransposedProductMatchesNaive(alpha: Float, beta: Float) {
        onEveryPath { path in
            for (rows, k, n) in kernelShapes {
                for fraction in zeroFractions {
                    let x = sparseMatrix(rows, k, zeroFraction: fraction, seed: UInt64(rows * 7 + k))
                    let dz = randomMatrix(rows, n, seed: UInt64(n + 3))
                    var fast = randomMatrix(k, n, seed: 17)
                    var naive = fast
                    let zeros = InputZeros(capacity: rows, cols: k)
                    x.withView { xv in
                        zeros.measure(xv)
                        dz.withView { dzv in
                            fast.withMutableView {
                                sparseTransposedProduct($0, xv, zeros: zeros, dzv, alpha: alpha, beta: beta)
                            }
                            naive.withMutableView {
                                nt_sparse_transposed_product_naive(
                                    Int32(rows), Int32(n), Int32(k), xv.base, Int64(k), dzv.base, Int64(n), alpha, beta,
                                    $0.base, Int64(n))
                            }
                        }
                    }
                    #expect(fast.values == naive.values, "\(path) \(rows)x\(k)x\(n) zeros \(fraction) beta \(beta)")
                }
            }
        }
    }

    @Test func bandsOfColumnsStayInTheirBand() {
        // A band of 19 of 40 columns, as a training thread owns: the rest is untouched.
        let x = sparseMatrix(9, 23, zeroFraction: 0.81, seed: 1)
        var w = randomMatrix(23, 40, seed: 2)
        let dz = randomMatrix(9, 40, seed: 3)
        let before = w
        let zeros = InputZeros(capacity: 9, cols: 23)
        var bandZ = Matrix(rows: 9, cols: 40), wholeZ = Matrix(rows: 9, cols: 40)
        x.withView { xv in
            zeros.measure(xv)
            w.withMutableView { wv in
                bandZ.withMutableView { sparseProduct($0.columns(11..<30), xv, zeros: zeros, wv.columns(11..<30)) }
                wholeZ.withMutableView { sparseProduct($0, xv, zeros: zeros, wv) }
                dz.withView { dzv in
                    sparseTransposedProduct(
                        wv.columns(11..<30), xv, zeros: zeros, dzv.columns(11..<30), alpha: -0.5, beta: 1)
                }
            }
        }
        for i in 0..<9 {
            for j in 0..<40 { #expect(bandZ[i, j] == ((11..<30).contains(j) ? wholeZ[i, j] : 0)) }
        }
        for k in 0..<23 {
            for j in 0..<40 where !(11..<30).contains(j) { #expect(w[k, j] == before[k, j]) }
        }
        #expect(w != before)
    }

    @Test func pixelsToFloats() {
        let bytes = (0..<(256 * 4 + 7)).map { UInt8(truncatingIfNeeded: $0 &* 37) }
        onEveryPath { path in
            var fast = [Float](repeating: -1, count: bytes.count)
            bytes.withUnsafeBufferPointer { b in
                fast.withUnsafeMutableBufferPointer {
                    convertPixels(b.baseAddress!, to: $0.baseAddress!, count: b.count)
                }
            }
            #expect(fast == bytes.map { Float($0) / 255 }, "\(path)")
        }
        #expect(Float(UInt8(255)) / 255 == 1)
    }

    @Test func groupedWorkCountsRowsPerGroupOfFour() {
        // 2 rows x 6 columns: groups {0-3} and the tail columns 4, 5 alone.
        // Row 0: x at columns 1 and 5; row 1: x at column 4 only.
        let x = Matrix([[0, 2, 0, 0, 0, 3], [0, 0, 0, 0, 7, 0]])
        let zeros = InputZeros(capacity: 2, cols: 6)
        x.withView { zeros.measure($0) }
        // Group 0-3: row 0 only -> 4; column 4: row 1 -> 1; column 5: row 0 -> 1.
        #expect(zeros.groupedWork == 6)
        #expect(zeros.nonzeroCount == 3)
    }

    @Test func denseBatchesTakeTheDensePath() {
        let zeros = InputZeros(capacity: 8, cols: 40)
        sparseMatrix(8, 40, zeroFraction: 0.81, seed: 4).withView { zeros.measure($0) }
        #expect(zeros.skipsZeros)
        // 40% zeros at random places: nearly every group of four has a non-zero entry.
        sparseMatrix(8, 40, zeroFraction: 0.4, seed: 4).withView { zeros.measure($0) }
        #expect(!zeros.skipsZeros)
        // Half zeros as a block (an object on a black background): half the groups are empty.
        var block = randomMatrix(8, 40, seed: 5)
        for i in 0..<8 { for k in 0..<20 { block[i, k] = 0 } }
        for i in 0..<block.count where block.values[i] == 0 && i % 40 >= 20 { block.values[i] = 0.5 }
        block.withView { zeros.measure($0) }
        #expect(zeros.zeroFraction == 0.5 && zeros.skipsZeros)
        sparseMatrix(8, 40, zeroFraction: 0.3, seed: 4).withView { zeros.measure($0) }
        #expect(!zeros.skipsZeros)
    }
}
