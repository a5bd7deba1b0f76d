import NeuralCore
// Every backward pass against central finite differences on random inputs of odd shapes.
// The probe loss is L = sum(G .* f(X)) for a fixed random G, so the backward is fed dY = G.
import Testing

/// Central differences of L(X) = sum(G .* f(X)) with respect to every entry of X, accumulated in
/// Double so that the only error left is Float's in f itself.
func numericGradient(of f: (Matrix) -> Matrix, at x: Matrix, probe g: Matrix, h: Float) -> [Float] {
    func l(_ x: Matrix) -> Double { zip(f(x).values, g.values).reduce(0.0) { $0 + Double($1.0) * Double($1.1) } }
    return (0..<x.count).map { i in
        var plus = x, minus = x
        plus.values[i] += h
        minus.values[i] -= h
        return Float((l(plus) - l(minus)) / Double(plus.values[i] - minus.values[i]))
    }
}

@Suite struct BackwardTests {
    @Test func reluForwardIsMaxWithZero() {
        // The vector select against Swift.max(z, 0) element by element, NaN and -0 included.
        var z = randomMatrix(2, 35, seed: 23)
        z[0, 3] = .nan
        z[1, 20] = -0.0
        z[1, 34] = .nan
        var a = Matrix(rows: 2, cols: 35)
        z.withView { zv in a.withMutableView { Activation.relu.forward($0, zv) } }
        for i in 0..<z.count {
            let expected = Swift.max(z.values[i], 0)
            #expect(expected.bitPattern == a.values[i].bitPattern || expected.isNaN && a.values[i].isNaN, "\(i)")
        }
    }

    @Test func biasBackward() {
        let z = randomMatrix(3, 5, seed: 11), bias = randomMatrix(1, 5, seed: 12), g = randomMatrix(3, 5, seed: 13)
        let numeric = numericGradient(
            of: { b in
                var out = z
                b.withView { bv in out.withMutableView { addBias($0, bv) } }
                return out
            }, at: bias, probe: g, h: 1e-2)
        var dBias = Matrix(rows: 1, cols: 5)
        g.withView { gv in dBias.withMutableView { addBiasBackward(dBias: $0, dZ: gv) } }
        #expect(maxDifference(numeric, dBias.values) < 1e-3)  // linear: rounding only
    }

    @Test(arguments: [Activation.relu, .sigmoid, .identity])
    func activationBackward(_ activation: Activation) {
        // 3 x 37: two 16-wide vector steps and a tail of 5 in each row.
        var x = randomMatrix(3, 37, seed: 21)
        // Keep ReLU inputs away from its kink at 0, where the derivative is not defined.
        for i in 0..<x.count where abs(x.values[i]) < 0.05 { x.values[i] = 0.3 }
        let g = randomMatrix(3, 37, seed: 22)
        let forward: (Matrix) -> Matrix = { z in
            var a = Matrix(rows: z.rows, cols: z.cols)
            z.withView { zv in a.withMutableView { activation.forward($0, zv) } }
            return a
        }
        let numeric = numericGradient(of: forward, at: x, probe: g, h: 1e-3)
        let a = forward(x)
        var dZ = Matrix(rows: 3, cols: 37)
        x.withView { zv in
            a.withView { av in
                g.withView { gv in
                    dZ.withMutableView { activation.backward(dZ: $0, dActivation: gv, z: zv, activation: av) }
                }
            }
        }
        // h = 1e-3 on Float values near 1: truncation ~1e-7, rounding ~6e-8/1e-3: 1e-3 is ample.
        for i in 0..<x.count {
            #expect(isClose(numeric[i], dZ.values[i], absolute: 1e-3, relative: 1e-2), "\(activation) \(i)")
        }
    }

    @Test(arguments: [Loss.meanSquaredError, .softmaxCrossEntropy])
    func lossBackward(_ loss: Loss) {
        let output = randomMatrix(3, 5, seed: 31).values.map { $0 * 3 }
        let x = Matrix(rows: 3, cols: 5, values: output)
        let target = loss == .softmaxCrossEntropy ? oneHot([4, 0, 2], count: 5) : randomMatrix(3, 5, seed: 32)
        var probabilities = Matrix(rows: 3, cols: 5)
        func value(_ y: Matrix) -> Double {
            y.withView { yv in
                target.withView { tv in
                    probabilities.withMutableView { pv in
                        Double(
                            loss.forward(output: yv, target: tv, probabilities: pv, batchSize: 3, tracer: NoTracer()))
                    }
                }
            }
        }
        _ = value(x)
        var dOutput = Matrix(rows: 3, cols: 5)
        x.withView { yv in
            target.withView { tv in
                probabilities.withView { pv in
                    dOutput.withMutableView {
                        loss.backward(dOutput: $0, output: yv, target: tv, probabilities: pv, batchSize: 3)
                    }
                }
            }
        }
        let h: Float = 1e-2
        for i in 0..<x.count {
            var plus = x, minus = x
            plus.values[i] += h
            minus.values[i] -= h
            let numeric = Float((value(plus) - value(minus)) / Double(plus.values[i] - minus.values[i]))
            // Smooth losses, h = 1e-2: truncation error ~h^2 = 1e-4.
            #expect(isClose(numeric, dOutput.values[i], absolute: 5e-4, relative: 1e-2), "\(loss) \(i)")
        }
    }

    @Test func softmaxCrossEntropyIsFiniteForHugeLogits() {
        let logits = Matrix([[1e4, 0, -1e4], [-1e4, 1e4, 1e4]])
        let target = oneHot([1, 2], count: 3)
        var probabilities = Matrix(rows: 2, cols: 3), dLogits = Matrix(rows: 2, cols: 3)
        let loss = logits.withView { y in
            target.withView { t in
                probabilities.withMutableView { p in
                    Loss.softmaxCrossEntropy.forward(
                        output: y, target: t, probabilities: p, batchSize: 2, tracer: NoTracer())
                }
            }
        }
        logits.withView { y in
            target.withView { t in
                probabilities.withView { p in
                    dLogits.withMutableView {
                        Loss.softmaxCrossEntropy.backward(
                            dOutput: $0, output: y, target: t, probabilities: p, batchSize: 2)
                    }
                }
            }
        }
        #expect(loss.isFinite)
        // Row 0: class 1 is 1e4 below the top: loss 1e4. Row 1: two tied tops: -log(1/2).
        #expect(isClose(loss, (1e4 + 0.6931472) / 2, absolute: 0, relative: 1e-6))
        #expect(dLogits.values.allSatisfy { $0.isFinite })
        #expect(isClose(dLogits[0, 0], 0.5, absolute: 1e-6))  // (1 - 0) / 2
        #expect(isClose(dLogits[1, 2], -0.25, absolute: 1e-6))  // (0.5 - 1) / 2
    }

    @Test(arguments: [[9, 7, 1], [5, 4, 3, 2], [3, 5, 1]])
    func wholeNetworkGradient(layerSizes: [Int]) {
        for loss in Loss.allCases {
            for hidden in [Activation.relu, .sigmoid] {
                let network = Network(layerSizes: layerSizes, hidden: hidden)
                var random = SeededRandom(seed: 7)
                network.initialize(.xavier, random: &random)
                for l in 0..<network.layerCount {  // non-zero biases, so the bias path is exercised
                    let b = network.bias(l)
                    for j in 0..<b.count { b.base[j] = random.uniform(-0.5, 0.5) }
                }
                let rows = 3
                let input = randomMatrix(rows, layerSizes[0], seed: 8)
                let target =
                    loss == .softmaxCrossEntropy
                    ? oneHot((0..<rows).map { $0 % layerSizes.last! }, count: layerSizes.last!)
                    : randomMatrix(rows, layerSizes.last!, seed: 9)
                let comparisons = input.withView { x in
                    target.withView { t in
                        network.checkGradients(input: x, target: t, loss: loss, h: 1e-2)
                    }
                }
                #expect(comparisons.count == network.parameterCount)
                // Float32 losses, h = 1e-2: differences agree to about 1e-2 relative, except at
                // a ReLU kink crossed by the nudge, which random data of this size avoids.
                let worst = comparisons.map { $0.relativeError(floor: 1e-2) }.max() ?? 0
                #expect(worst < 2e-2, "\(layerSizes) \(loss) \(hidden): worst relative error \(worst)")
            }
        }
    }
}

/// The fused variant of the one dense backward against its storing variant followed by the
/// optimiser's plain step: same maths, so the weights agree to Float rounding. Run on a whole
/// layer, on a band of its rows (dInput's columns) and on a band of its columns (a first layer's
/// hidden units), with dense and mostly-zero inputs, and with each of the optimiser's branches.
@Suite struct FusedBackwardTests {
    struct Case {
        let momentum: Float, weightDecay: Float, zeroFraction: Double
    }

    static let cases = [
        Case(momentum: 0, weightDecay: 0, zeroFraction: 0.81), Case(momentum: 0.9, weightDecay: 0, zeroFraction: 0.81),
        Case(momentum: 0.9, weightDecay: 1e-3, zeroFraction: 0.5),
        Case(momentum: 0, weightDecay: 1e-3, zeroFraction: 0),
        Case(momentum: 0, weightDecay: 0, zeroFraction: 1),
    ]

    @Test(arguments: cases)
    func fusedUpdateEqualsGradientThenStep(_ c: Case) {
        let rows = 7, inputs = 13, outputs = 11
        let network = Network(layerSizes: [inputs, outputs])
        var random = SeededRandom(seed: 31)
        network.initialize(.xavier, random: &random)
        for j in 0..<outputs { network.bias(0).base[j] = random.uniform(-0.5, 0.5) }
        let x = sparseMatrix(rows, inputs, zeroFraction: c.zeroFraction, seed: 32)
        let dZ = randomMatrix(rows, outputs, seed: 33)
        let names = DenseNames(layer: 0, layerCount: 1)
        func optimizer() -> SGD {
            SGD(
                learningRate: 0.3, momentum: c.momentum, weightDecay: c.weightDecay,
                parameterCount: network.parameterCount)
        }
        // Reference: store the gradient, then the plain step (twice, so momentum's velocity matters).
        let reference = network.copy(), referenceOptimizer = optimizer()
        let gradients = FloatBuffer(count: network.parameterCount)
        var dInputReference = Matrix(rows: rows, cols: inputs)
        for _ in 0..<2 {
            x.withView { xv in
                dZ.withView { dzv in
                    dInputReference.withMutableView { dxv in
                        denseBackward(
                            .store(
                                dWeights: gradients.view(rows: inputs, cols: outputs),
                                dBias: gradients.view(offset: reference.biasOffsets[0], rows: 1, cols: outputs)),
                            dInput: dxv, dZ: dzv, input: xv, weights: reference.weights(0), kernel: .naive,
                            names: names, layer: 1, tracer: NoTracer())
                    }
                }
            }
            referenceOptimizer.step(
                parameters: reference.parameters, gradients: gradients, range: 0..<network.parameterCount)
        }
        // Fused, in bands: rows 0..<6 and 6..<13 (each with its dInput columns), then the same
        // again by column bands 0..<4 and 4..<11 (the first layer's split, no dInput).
        for byColumns in [false, true] {
            let fused = network.copy(), fusedOptimizer = optimizer()
            let zeros = InputZeros(capacity: rows, cols: inputs)
            var dInput = Matrix(rows: rows, cols: inputs)
            for _ in 0..<2 {
                x.withView { xv in
                    zeros.measure(xv)
                    dZ.withView { dzv in
                        dInput.withMutableView { dxv in
                            let bands = byColumns ? [0..<4, 4..<outputs] : [0..<6, 6..<inputs]
                            for (b, band) in bands.enumerated() {
                                let weights = byColumns ? fused.weights(0).columns(band) : fused.weights(0).rows(band)
                                let bias = byColumns ? fused.bias(0).columns(band) : fused.bias(0)
                                let ownsBias = byColumns || b == 0
                                denseBackward(
                                    .update(
                                        DenseUpdate(
                                            optimizer: fusedOptimizer,
                                            weightsVelocity: fusedOptimizer.velocity(of: weights, in: fused.parameters),
                                            bias: ownsBias ? bias : nil,
                                            biasVelocity: ownsBias
                                                ? fusedOptimizer.velocity(of: bias, in: fused.parameters) : nil,
                                            zeros: byColumns ? zeros : nil)),
                                    dInput: byColumns ? nil : dxv.columns(band),
                                    dZ: byColumns ? dzv.columns(band) : dzv,
                                    input: byColumns ? xv : xv.columns(band), weights: weights, kernel: .blas,
                                    names: names, layer: 1, tracer: NoTracer())
                            }
                        }
                    }
                }
            }
            #expect(
                maxDifference(fused.parameters.array, reference.parameters.array) < 1e-5,
                "bands by \(byColumns ? "columns" : "rows"): \(maxDifference(fused.parameters.array, reference.parameters.array))"
            )
            if !byColumns { #expect(maxDifference(dInput.values, dInputReference.values) < 1e-5) }
            #expect(fused.parameters.array != network.parameters.array || c.zeroFraction == 1 && c.momentum == 0)
        }
    }

    @Test func bandBackwardMatchesFiniteDifferences() {
        // L = sum(G .* (x * W[:, band] + b[band])) for a band of 5 of 9 hidden units: the stored
        // gradient of that band, through a band view, against central differences.
        let x = sparseMatrix(4, 6, zeroFraction: 0.5, seed: 41), g = randomMatrix(4, 5, seed: 42)
        let band = 3..<8
        var w = randomMatrix(6, 9, seed: 43)
        func loss(_ w: Matrix) -> Double {
            var z = Matrix(rows: 4, cols: 5)
            x.withView { xv in w.withView { wv in z.withMutableView { matrixProductNaive($0, xv, wv.columns(band)) } } }
            return zip(z.values, g.values).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
        var dW = Matrix(rows: 6, cols: 5), dB = Matrix(rows: 1, cols: 5)
        x.withView { xv in
            g.withView { gv in
                w.withMutableView { wv in
                    dW.withMutableView { dwv in
                        dB.withMutableView { dbv in
                            denseBackward(
                                .store(dWeights: dwv, dBias: dbv), dInput: nil, dZ: gv, input: xv,
                                weights: wv.columns(band), kernel: .blas, names: DenseNames(layer: 0, layerCount: 1),
                                layer: 1, tracer: NoTracer())
                        }
                    }
                }
            }
        }
        let h: Float = 1e-2  // linear in each weight: rounding only
        for k in 0..<6 {
            for (j, column) in band.enumerated() {
                var plus = w, minus = w
                plus[k, column] += h
                minus[k, column] -= h
                let numeric = Float((loss(plus) - loss(minus)) / Double(plus[k, column] - minus[k, column]))
                #expect(isClose(numeric, dW[k, j], absolute: 1e-3, relative: 1e-3), "dW[\(k), \(j)]")
            }
        }
        w[0, 0] = 0  // silence "never mutated"
    }
}
