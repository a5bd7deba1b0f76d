import NeuralCore
// The BLAS product against its naive twin, all transpose combinations, odd shapes, random data;
// and its backward against central finite differences.
import Testing

@Suite struct MatrixProductTests {
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func blasMatchesNaive(transposeA: Bool, transposeB: Bool) {
        for (m, n, k) in [(3, 5, 7), (7, 1, 3), (1, 9, 4), (13, 11, 17), (64, 10, 129)] {
            let a = randomMatrix(transposeA ? k : m, transposeA ? m : k, seed: UInt64(m * 100 + k))
            let b = randomMatrix(transposeB ? n : k, transposeB ? k : n, seed: UInt64(n * 100 + k + 1))
            var fast = randomMatrix(m, n, seed: 99)  // beta = 0.5 must blend in the old contents
            var slow = fast
            a.withView { a in
                b.withView { b in
                    fast.withMutableView {
                        matrixProduct(
                            $0, a, transposeA: transposeA, b, transposeB: transposeB, alpha: 1.5, beta: 0.5,
                            kernel: .blas)
                    }
                    slow.withMutableView {
                        matrixProduct(
                            $0, a, transposeA: transposeA, b, transposeB: transposeB, alpha: 1.5, beta: 0.5,
                            kernel: .naive)
                    }
                }
            }
            // Sums of up to 129 products of numbers below 1: Float rounding stays below 1e-4.
            #expect(
                maxDifference(fast.values, slow.values) < 1e-4,
                "\(m)x\(n)x\(k) transposeA \(transposeA) transposeB \(transposeB)")
        }
    }

    @Test func naiveProductByHand() {
        // [1 2; 3 4] * [5; 6] = [1*5 + 2*6; 3*5 + 4*6] = [17; 39]
        var out = Matrix(rows: 2, cols: 1)
        Matrix([[1, 2], [3, 4]]).withView { a in
            Matrix([[5], [6]]).withView { b in
                out.withMutableView { matrixProductNaive($0, a, b) }
            }
        }
        #expect(out.values == [17, 39])
    }

    @Test func backwardMatchesFiniteDifferences() {
        // L = sum(G .* (A*B)) for a fixed random G, so dL/d(A*B) = G.
        let a = randomMatrix(3, 5, seed: 1), b = randomMatrix(5, 7, seed: 2), g = randomMatrix(3, 7, seed: 3)
        func lossOf(_ a: Matrix, _ b: Matrix) -> Double {
            var out = Matrix(rows: 3, cols: 7)
            a.withView { a in b.withView { b in out.withMutableView { matrixProductNaive($0, a, b) } } }
            return zip(out.values, g.values).reduce(0.0) { $0 + Double($1.0 * $1.1) }
        }
        var dA = Matrix(rows: 3, cols: 5), dB = Matrix(rows: 5, cols: 7)
        a.withView { av in
            b.withView { bv in
                g.withView { gv in
                    dA.withMutableView { dAv in
                        dB.withMutableView { dBv in
                            matrixProductBackward(dA: dAv, dB: dBv, dOut: gv, a: av, b: bv, kernel: .blas)
                        }
                    }
                }
            }
        }
        let h: Float = 1e-2  // the loss is linear in each entry: only rounding error remains
        for i in 0..<a.count {
            var plus = a, minus = a
            plus.values[i] += h; minus.values[i] -= h
            let numeric = Float((lossOf(plus, b) - lossOf(minus, b)) / Double(plus.values[i] - minus.values[i]))
            #expect(isClose(numeric, dA.values[i], absolute: 1e-3, relative: 1e-3), "dA[\(i)]")
        }
        for i in 0..<b.count {
            var plus = b, minus = b
            plus.values[i] += h; minus.values[i] -= h
            let numeric = Float((lossOf(a, plus) - lossOf(a, minus)) / Double(plus.values[i] - minus.values[i]))
            #expect(isClose(numeric, dB.values[i], absolute: 1e-3, relative: 1e-3), "dB[\(i)]")
        }
    }
}
