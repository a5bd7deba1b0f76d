// Looking inside a run: the augmentation's resampling against hand-made references (a shift is a
// shift, a quarter turn is a transpose), its draws reproducible and the same on one thread or two;
// the diagnostics against hand-computed ratios and dead units, and their warnings on a broken run;
// the digit explanation's numbers recomputed here from the weights; the linear 784-10 model; the
// model file's data-use record (and version 1 files still read).
import Foundation
import NeuralCore
import Testing

@testable import Training

@Suite struct AugmentationTests {
    /// A 5x7 image whose every pixel differs (so any misplacement shows).
    let image = DigitExamples(
        pixels: (0..<35).map { UInt8(($0 * 37 + 11) % 251) }, labels: [3], imageRows: 5, imageCols: 7,
        classCount: 4)

    func resampled(_ draw: AugmentedDigits.Draw) -> [Float] {
        var output = [Float](repeating: -1, count: 35)
        image.pixels.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer {
                AugmentedDigits.resample(source.baseAddress!, rows: 5, cols: 7, into: $0.baseAddress!, draw)
            }
        }
        return output
    }

    func pixel(_ x: Int, _ y: Int) -> Float {
        x >= 0 && x < 7 && y >= 0 && y < 5 ? Float(image.pixels[y * 7 + x]) / 255 : 0
    }

    @Test func identityKeepsEveryPixel() {
        let output = resampled(.init())
        #expect(output == (0..<35).map { pixel($0 % 7, $0 / 7) })
    }

    @Test func shiftsMoveThePictureAndBlendBetweenPixels() {
        // A shift of (2, -1): output (x, y) shows source (x - 2, y + 1); outside is background.
        var draw = AugmentedDigits.Draw()
        draw.shiftX = 2
        draw.shiftY = -1
        let moved = resampled(draw)
        for y in 0..<5 {
            for x in 0..<7 { #expect(moved[y * 7 + x] == pixel(x - 2, y + 1), "(\(x), \(y))") }
        }
        // Half a pixel: each output the mean of two horizontal neighbours.
        draw = AugmentedDigits.Draw()
        draw.shiftX = 0.5
        let half = resampled(draw)
        for y in 0..<5 {
            for x in 0..<7 {
                let expected = (pixel(x - 1, y) + pixel(x, y)) / 2
                #expect(isClose(half[y * 7 + x], expected, absolute: 1e-6), "(\(x), \(y))")
            }
        }
    }

    @Test func aQuarterTurnOfASquareIsATranspose() {
        let square = DigitExamples(
            pixels: (0..<25).map { UInt8($0 * 9 + 3) }, labels: [0], imageRows: 5, imageCols: 5, classCount: 1)
        var draw = AugmentedDigits.Draw()
        draw.angle = .pi / 2  // source = c + R p: output (x, y) reads source (c + (c - y), x)... on a 5x5, (4 - y, x)
        var output = [Float](repeating: -1, count: 25)
        square.pixels.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer {
                AugmentedDigits.resample(source.baseAddress!, rows: 5, cols: 5, into: $0.baseAddress!, draw)
            }
        }
        for y in 0..<5 {
            for x in 0..<5 {
                let expected = Float(square.pixels[x * 5 + (4 - y)]) / 255
                #expect(isClose(output[y * 5 + x], expected, absolute: 1e-5), "(\(x), \(y))")
            }
        }
    }

    @Test func drawsAreReproducibleAndIndependentOfTheBatch() {
        let examples = quadrantExamples(count: 40, seed: 5)
        let distortion = Distortion.standard(strength: 1, elastic: 1.5)
        func rows(_ source: AugmentedDigits, _ indices: [Int32]) -> [[Float]] {
            var input = Matrix(rows: indices.count, cols: 36), target = Matrix(rows: indices.count, cols: 4)
            input.withMutableView { x in
                target.withMutableView { t in
                    indices.withUnsafeBufferPointer { source.fill(input: x, target: t, indices: $0) }
                }
            }
            #expect(target.values.reduce(0, +) == Float(indices.count))  // one-hot
            return (0..<indices.count).map { input.row($0) }
        }
        let epoch1 = AugmentedDigits(base: examples, distortion: distortion, seed: 9, epoch: 1)
        let together = rows(epoch1, [3, 17, 29])
        // Example 17 alone, or in another batch at another row, is distorted the same way.
        #expect(rows(epoch1, [17])[0] == together[1])
        #expect(rows(epoch1, [29, 0, 3])[2] == together[0])
        // Another epoch, or another seed, draws another distortion.
        #expect(rows(AugmentedDigits(base: examples, distortion: distortion, seed: 9, epoch: 2), [3])[0] != together[0])
        #expect(
            rows(AugmentedDigits(base: examples, distortion: distortion, seed: 10, epoch: 1), [3])[0] != together[0])
        // The distorted values stay in [0, 1].
        #expect(together.joined().allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test func oneThreadOrTwoTrainTheSameBits() {
        let examples = quadrantExamples(count: 300, seed: 6)
        func trained(threads: Int) -> [Float] {
            let network = Network(layerSizes: [36, 12, 4])
            var random = SeededRandom(seed: 3)
            network.initialize(.he, random: &random)
            let trainer = Trainer(
                network: network, loss: .softmaxCrossEntropy,
                optimizer: SGD(learningRate: 0.1, momentum: 0.9, parameterCount: network.parameterCount),
                batchSize: 32, shards: 2, threads: threads)
            var batches = MiniBatches(exampleCount: examples.count, batchSize: 32, seed: 4)
            for epoch in 1...2 {
                batches.startEpoch()
                let source = AugmentedDigits(base: examples, distortion: .standard, seed: 8, epoch: epoch)
                _ = trainer.trainEpoch(source: source, batches: batches)
            }
            return network.parameters.array
        }
        #expect(trained(threads: 1) == trained(threads: 2))
    }

    @Test func augmentedRunStillLearns() throws {
        var options = TrainingOptions()
        options.hiddenSizes = [16]
        options.batchSize = 16
        options.seed = 7
        options.distortion = Distortion(shift: 1, rotation: 10, scale: 0.1, shear: 0.1, elastic: 0)
        let run = TrainingRun(
            options: options, train: quadrantExamples(count: 400, seed: 1),
            validation: quadrantExamples(count: 100, seed: 2))
        for _ in 0..<3 { try run.runEpoch() }
        #expect(run.history.last!.validationAccuracy! >= 0.9)
    }
}

@Suite struct DiagnosticsTests {
    @Test func updateRatioAndDeadUnitsAsComputedByHand() throws {
        // 4 inputs -> 3 hidden -> 2 outputs; hidden unit 1 has a bias so negative it never fires.
        let network = Network(layerSizes: [4, 3, 2])
        network.setLayer(0, weights: Matrix([[1, 0, 2], [0, 1, 0], [3, 0, 0], [0, 4, 1]]), bias: [0, -100, 0])
        network.setLayer(1, weights: Matrix([[1, 0], [0, 1], [2, 2]]), bias: [0, 0])
        let probe = DigitExamples(
            pixels: [255, 0, 0, 0, 0, 255, 0, 0, 0, 0, 255, 255], labels: [0, 1, 1], imageRows: 2, imageCols: 2,
            classCount: 2)
        let diagnostics = DiagnosticsProbe(network: network, probe: probe, probeSet: "validation")
        // The last step was W <- W - lr v: layer 1's velocity holds 3 and -4 in two entries, so
        // with lr 0.1 the step is 0.5 long; the weights before it were W + lr v.
        let optimizer = SGD(learningRate: 0.1, momentum: 0.9, parameterCount: network.parameterCount)
        let v = try #require(optimizer.velocity(of: network.weights(0), in: network.parameters))
        v.base[0] = 3
        v.base[5] = -4
        var before = network.weights(0).toMatrix().values
        before[0] += 0.3
        before[5] -= 0.4
        let measured = diagnostics.measure(optimizer: optimizer)
        let expected = 0.5 / before.map { $0 * $0 }.reduce(0, +).squareRoot()
        #expect(isClose(measured.updateRatio[0], expected, absolute: 1e-6))
        #expect(measured.updateRatio[1] == 0)
        // Without momentum the step is estimated from the probe's gradient: lr * |g| / |W + lr g|.
        let plain = diagnostics.measure(optimizer: SGD(learningRate: 0.1, parameterCount: network.parameterCount))
        #expect(plain.updateRatio[1] > 0 && plain.updateRatio[1] < 0.1 * plain.gradientNorm[1])
        #expect(measured.deadFraction == [1.0 / 3.0])
        #expect(!measured.nonFinite)
        // The gradient norm of the last layer: its dW = a^T (p - t) / rows, checked against the core.
        let workspace = Workspace(for: network, capacity: 3)
        var x = Matrix(rows: 3, cols: 4), t = Matrix(rows: 3, cols: 2)
        x.withMutableView { xv in
            t.withMutableView { tv in
                [Int32(0), 1, 2].withUnsafeBufferPointer { probe.fill(input: xv, target: tv, indices: $0) }
                _ = network.lossAndGradients(
                    input: xv, target: tv, loss: .softmaxCrossEntropy, workspace: workspace, tracer: NoTracer())
            }
        }
        let g = (0..<6).map { workspace.gradients.base[network.weightOffsets[1] + $0] }
        #expect(isClose(measured.gradientNorm[1], g.map { $0 * $0 }.reduce(0, +).squareRoot(), absolute: 1e-6))
        let w2 = network.weights(1).toMatrix().values
        let estimated =
            0.1 * g.map { $0 * $0 }.reduce(0, +).squareRoot()
            / zip(w2, g).map { ($0 + 0.1 * $1) * ($0 + 0.1 * $1) }.reduce(0, +).squareRoot()
        #expect(isClose(plain.updateRatio[1], estimated, absolute: 1e-6))
        #expect(measured.gradientNorm[1] > 0)
        #expect(measured.warnings(epoch: 1, learningRate: 0.1, baseRate: 0.1).isEmpty == false)  // ratio 0 on layer 2
    }

    @Test func healthyFiguresGiveNoWarning() {
        let healthy = Diagnostics(
            deadFraction: [0.05], updateRatio: [1e-3, 2e-3], gradientNorm: [0.2, 0.1], nonFinite: false,
            probeImages: 100, probeSet: "validation")
        #expect(healthy.warnings(epoch: 3, learningRate: 0.1, baseRate: 0.1).isEmpty)
        // Late in a cosine schedule a tiny ratio is expected, not a fault.
        var late = healthy
        late.updateRatio = [1e-6, 1e-6]
        #expect(late.warnings(epoch: 20, learningRate: 0.001, baseRate: 0.1).isEmpty)
        #expect(
            late.warnings(epoch: 2, learningRate: 0.1, baseRate: 0.1).map(\.kind) == ["ratio low 1", "ratio low 2"])
        var broken = healthy
        broken.deadFraction = [0.9]
        broken.updateRatio = [0.5, 1e-3]
        broken.nonFinite = true
        let kinds = broken.warnings(epoch: 1, learningRate: 2, baseRate: 2).map(\.kind)
        #expect(kinds == ["non-finite", "dead 1", "ratio high 1"])
        #expect(broken.warnings(epoch: 1, learningRate: 2, baseRate: 2)[1].text.contains("--lr 0.1"))
    }

    @Test func aTooLargeStepIsFlagged() throws {
        var options = TrainingOptions()
        options.hiddenSizes = [16]
        options.batchSize = 16
        options.learningRate = 5
        options.seed = 7
        let run = TrainingRun(
            options: options, train: quadrantExamples(count: 400, seed: 1),
            validation: quadrantExamples(count: 100, seed: 2))
        do { try run.runEpoch() } catch { return }  // diverging outright is flagged too (as an error)
        let kinds = run.warnings.map(\.kind)
        #expect(kinds.contains { $0.hasPrefix("dead") || $0.hasPrefix("ratio high") || $0 == "non-finite" }, "\(kinds)")
        // The same run at a sane rate is not flagged.
        options.learningRate = 0.1
        let sane = TrainingRun(
            options: options, train: quadrantExamples(count: 400, seed: 1),
            validation: quadrantExamples(count: 100, seed: 2))
        try sane.runEpoch()
        #expect(sane.warnings.filter { !$0.kind.hasPrefix("ratio low") }.isEmpty, "\(sane.warnings)")
    }
}

@Suite struct ExplanationTests {
    func network(_ sizes: [Int], seed: UInt64) -> Network {
        let network = Network(layerSizes: sizes)
        var random = SeededRandom(seed: seed)
        network.initialize(.he, random: &random)
        for l in 0..<network.layerCount {
            for j in 0..<network.bias(l).count { network.bias(l).base[j] = random.uniform(-0.3, 0.3) }
        }
        return network
    }

    @Test func numbersAgreeWithTheWeights() {
        let net = network([36, 7, 4], seed: 11)
        let examples = quadrantExamples(count: 5, seed: 3)
        let x = examples.input(2).values
        let e = DigitExplanation(network: net, input: x, label: 1, imageRows: 6, imageCols: 6, shownUnits: 3)
        let w1 = net.weights(0), b1 = net.bias(0), w2 = net.weights(1), b2 = net.bias(1)
        // Recomputed here, plainly: hidden a_j = max(0, sum_k x_k w1[k,j] + b1[j]); logits.
        let a = (0..<7).map { j in Swift.max(0, (0..<36).map { x[$0] * w1[$0, j] }.reduce(0, +) + b1[0, j]) }
        let logits = (0..<4).map { c in (0..<7).map { a[$0] * w2[$0, c] }.reduce(0, +) + b2[0, c] }
        for j in 0..<7 { #expect(isClose(e.firstLayer[j], a[j], absolute: 1e-5)) }
        for c in 0..<4 { #expect(isClose(e.logits[c], logits[c], absolute: 1e-5)) }
        #expect(e.predicted == logits.indices.max { logits[$0] < logits[$1] }!)
        #expect(e.forwardMismatch < 1e-4)
        #expect(isClose(e.probabilities.reduce(0, +), 1, absolute: 1e-5))
        // The shown units: those pushing hardest toward the predicted class, a_j * w2[j, p], in order.
        let p = e.predicted
        let push = (0..<7).map { a[$0] * w2[$0, p] }
        #expect(e.units.map(\.index) == Array(push.indices.sorted { push[$0] > push[$1] }.prefix(3)))
        for u in e.units {
            #expect(isClose(u.towardPredicted, push[u.index], absolute: 1e-5))
            #expect(u.weightToPredicted == w2[u.index, p])
            #expect(u.products == (0..<36).map { x[$0] * w1[$0, u.index] })
            #expect(isClose(u.sum, u.products.reduce(0, +), absolute: 1e-5))
            #expect(isClose(u.z, u.sum + u.bias, absolute: 1e-5) && u.activation == Swift.max(0, u.z))
        }
        // Each class's contributions and bias add up to its logit.
        for c in 0..<4 {
            #expect(isClose(e.contributions.map { $0[c] }.reduce(0, +) + e.outputBias[c], e.logits[c], absolute: 1e-5))
        }
        let text = e.text(classNames: ["a", "b", "c", "d"], title: "test image 2")
        #expect(text[0].hasPrefix("test image 2: label b, predicted"))
        #expect(e.picture(classNames: ["a", "b", "c", "d"], title: "t").width > 0)
    }

    @Test func deeperNetworksPushThroughTheUpperLayers() {
        // 36-6-5-4: the push of first-layer unit j is a_j * dlogit_p/da_j; check it by nudging a_j
        // through the layers above (they are linear near the point, away from ReLU kinks).
        let net = network([36, 6, 5, 4], seed: 12)
        let x = quadrantExamples(count: 3, seed: 4).input(1).values
        let e = DigitExplanation(network: net, input: x, label: nil, imageRows: 6, imageCols: 6, shownUnits: 6)
        func logit(fromFirstLayer a1: [Float]) -> Float {
            let w2 = net.weights(1), b2 = net.bias(1), w3 = net.weights(2), b3 = net.bias(2)
            let a2 = (0..<5).map { j in Swift.max(0, (0..<6).map { a1[$0] * w2[$0, j] }.reduce(0, +) + b2[0, j]) }
            return (0..<5).map { a2[$0] * w3[$0, e.predicted] }.reduce(0, +) + b3[0, e.predicted]
        }
        for u in e.units where u.activation > 0 {
            var up = e.firstLayer, down = e.firstLayer
            let h: Float = 1e-2
            up[u.index] += h
            down[u.index] -= h
            let slope = (logit(fromFirstLayer: up) - logit(fromFirstLayer: down)) / (2 * h)
            #expect(isClose(u.towardPredicted, u.activation * slope, absolute: 1e-3, relative: 1e-3))
        }
    }
}

@Suite struct LinearModelTests {
    @Test func noHiddenLayerTrainsTenTemplates() throws {
        var options = TrainingOptions()
        options.hiddenSizes = []
        options.batchSize = 16
        options.filmstripStep = 10
        let run = TrainingRun(
            options: options, train: quadrantExamples(count: 400, seed: 1),
            validation: quadrantExamples(count: 100, seed: 2))
        #expect(run.network.layerSizes == [36, 4])
        for _ in 0..<2 { try run.runEpoch() }
        #expect(run.history.last!.validationAccuracy! >= 0.95)
        #expect(run.history.last!.diagnostics.deadFraction.isEmpty)
        // The filmstrip shows every class's template (one thread: all of them are safe to read
        // mid-epoch): at init, after 10 steps, after each epoch.
        #expect(run.filmstrip.units == [0, 1, 2, 3])
        #expect(run.filmstrip.frames.map(\.label) == ["init", "step 10", "epoch 1", "epoch 2"])
        #expect(run.filmstrip.frames[3].maps[2] == (0..<36).map { run.network.weights(0)[$0, 2] })
        // Class c's template favours its own quadrant: the mean weight there is the largest.
        let w = run.network.weights(0)
        for c in 0..<4 {
            func mean(_ q: Int) -> Float {
                let cells = (0..<36).filter { ($0 / 6 / 3) * 2 + ($0 % 6) / 3 == q }
                return cells.map { w[$0, c] }.reduce(0, +) / Float(cells.count)
            }
            #expect((0..<4).allSatisfy { $0 == c || mean(c) > mean($0) }, "class \(c)")
        }
        let per = TrainingPictures.weightsPerTile(run.network, imageRows: 6, imageCols: 6, title: "t")
        #expect(per.width > 0)
    }
}

@Suite struct DataUseTests {
    let network: Network = {
        let network = Network(layerSizes: [36, 5, 4])
        var random = SeededRandom(seed: 2)
        network.initialize(.he, random: &random)
        return network
    }()
    let use = DataUse(
        dataset: "mnist", training: 0..<50_000, validation: 50_000..<60_000, test: 0..<10_000,
        augmentation: Distortion.standard.summary)

    @Test func modelFilesRecordWhichImagesWereUsed() throws {
        let bytes = ModelFile.encode(network, dataUse: use)
        #expect(Array(bytes[8..<12]) == [2, 0, 0, 0])
        let read = try ModelFile.decodeWithDataUse(bytes, path: "m.ntm")
        #expect(read.dataUse == use)
        #expect(read.network.parameters.array == network.parameters.array)
        #expect(use.summary.contains("validation 50000..<60000"))
        // Version 1 files (no record) still load, with no record.
        let old = ModelFile.encode(network)
        #expect(Array(old[8..<12]) == [1, 0, 0, 0])
        let oldRead = try ModelFile.decodeWithDataUse(old, path: "m.ntm")
        #expect(oldRead.dataUse == nil && oldRead.network.parameters.array == network.parameters.array)
    }

    @Test func damagedRecordsAreRejected() {
        let bytes = ModelFile.encode(network, dataUse: use)
        func rejection(_ bytes: [UInt8]) -> ModelFileError? {
            do { _ = try ModelFile.decodeWithDataUse(bytes, path: "m.ntm") } catch { return error }
            return nil
        }
        #expect(rejection(Array(bytes.dropLast(3)))?.description.contains("truncated") == true)
        #expect(rejection(bytes + [0])?.description.contains("its header says") == true)
        var garbled = bytes
        garbled[garbled.count - 2] = UInt8(ascii: "#")
        #expect(rejection(garbled) == .invalidHeader(path: "m.ntm", detail: "its data-use record is not readable"))
    }
}
