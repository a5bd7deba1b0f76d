import NeuralCore
// Learning and determinism: XOR is learnt from a fixed seed; the same seed gives the same bits;
// the recording tracer changes nothing; one thread or two give the same weights.
import Testing

func xorExamples() -> MatrixExamples {
    MatrixExamples(inputs: Matrix([[0, 0], [0, 1], [1, 0], [1, 1]]), targets: oneHot([0, 1, 1, 0], count: 2))
}

/// A small random classification set: 37 examples of 6 features, 3 classes.
func randomExamples() -> MatrixExamples {
    var random = SeededRandom(seed: 5)
    let inputs = randomMatrix(37, 6, seed: 4)
    return MatrixExamples(inputs: inputs, targets: oneHot((0..<37).map { _ in random.nextIndex(below: 3) }, count: 3))
}

/// How `train` drives the trainer: whole epochs (the fast path), or one `step` per batch (the
/// lessons' path), with or without a recording tracer.
enum Drive {
    case epochs
    case steps(RecordingTracer?)
}

func train(
    steps: Int, threads: Int, shards: Int = 2, seed: UInt64 = 3, drive: Drive = .epochs,
    momentum: Float = 0.9, weightDecay: Float = 1e-4, layerSizes: [Int] = [6, 9, 3], soloAfter: Int? = nil
) -> [Float] {
    let examples = randomExamples()
    let network = Network(layerSizes: layerSizes)
    var random = SeededRandom(seed: seed)
    network.initialize(.he, random: &random)
    let optimizer = SGD(
        learningRate: 0.1, momentum: momentum, weightDecay: weightDecay, parameterCount: network.parameterCount)
    let trainer = Trainer(
        network: network, loss: .softmaxCrossEntropy, optimizer: optimizer, batchSize: 8,
        shards: shards, threads: threads)
    trainer.forceSoloAfterBatch = soloAfter
    defer {
        if soloAfter != nil && threads == 2 { #expect(trainer.lastEpochAloneFromBatch == soloAfter.map { $0 + 2 }) }
    }
    var batches = MiniBatches(exampleCount: examples.count, batchSize: 8, seed: seed)
    var done = 0
    while done < steps {
        batches.startEpoch()
        switch drive {
        case .epochs:
            _ = trainer.trainEpoch(source: examples, batches: batches)
            done += batches.batchCount
        case .steps(let tracer):
            for b in 0..<batches.batchCount where done < steps {
                let indices = Array(batches.indices(ofBatch: b))
                var input = Matrix(rows: indices.count, cols: 6), target = Matrix(rows: indices.count, cols: 3)
                input.withMutableView { x in
                    target.withMutableView { t in
                        indices.withUnsafeBufferPointer { examples.fill(input: x, target: t, indices: $0) }
                        if let tracer {
                            trainer.step(input: x, target: t, tracer: tracer)
                        } else {
                            trainer.step(input: x, target: t, tracer: NoTracer())
                        }
                    }
                }
                done += 1
            }
        }
    }
    return network.parameters.array
}

@Suite struct LearningTests {
    @Test func learnsXOR() {
        let network = Network(layerSizes: [2, 8, 2])
        var random = SeededRandom(seed: 1)
        network.initialize(.he, random: &random)
        let trainer = Trainer(
            network: network, loss: .softmaxCrossEntropy,
            optimizer: SGD(learningRate: 0.5, parameterCount: network.parameterCount), batchSize: 4, shards: 1,
            threads: 1)
        let batches = MiniBatches(exampleCount: 4, batchSize: 4, seed: 1, shuffle: false)
        let first = trainer.trainEpoch(source: xorExamples(), batches: batches).meanLoss
        var last = first
        for _ in 0..<500 { last = trainer.trainEpoch(source: xorExamples(), batches: batches).meanLoss }
        let evaluation = network.evaluate(source: xorExamples(), loss: .softmaxCrossEntropy)
        #expect(last < first / 10, "loss \(first) -> \(last)")
        #expect(evaluation.predictions == [0, 1, 1, 0])
    }

    @Test func sameSeedSameBits() {
        // 37 examples in batches of 8: 5 batches an epoch, the last one partial; 100 steps.
        #expect(train(steps: 100, threads: 2) == train(steps: 100, threads: 2))
        #expect(train(steps: 100, threads: 2) != train(steps: 100, threads: 2, seed: 4))
    }

    @Test func takingOverTheSecondThreadsPartKeepsTheBits() {
        // Thread 0 runs both parts alone from batch 2 (or 3) of every 5-batch epoch, as it does
        // when the second thread's core is busy: the weights are the one-thread weights.
        let one = train(steps: 100, threads: 1)
        #expect(one == train(steps: 100, threads: 2, soloAfter: 0))
        #expect(one == train(steps: 100, threads: 2, soloAfter: 1))
        #expect(
            train(steps: 60, threads: 1, layerSizes: [6, 11, 5, 3])
                == train(steps: 60, threads: 2, layerSizes: [6, 11, 5, 3], soloAfter: 0))
    }

    @Test func oneThreadOrTwoSameBitsWithMoreLayers() {
        // Two hidden layers: the layers after the first run alike on both threads, each on its own
        // copy; an odd first layer (11 units) splits 6 + 5.
        for layerSizes in [[6, 11, 5, 3], [6, 8, 4, 4, 3]] {
            let one = train(steps: 60, threads: 1, layerSizes: layerSizes)
            #expect(one == train(steps: 60, threads: 2, layerSizes: layerSizes), "\(layerSizes)")
            let plain = train(steps: 60, threads: 1, shards: 1, drive: .steps(nil), layerSizes: layerSizes)
            #expect(maxDifference(one, plain) < 1e-4, "\(layerSizes): \(maxDifference(one, plain))")
        }
    }

    @Test func oneThreadOrTwoSameBits() {
        #expect(train(steps: 100, threads: 1) == train(steps: 100, threads: 2))
    }

    @Test func recordingTracerChangesNothing() {
        let recorder = RecordingTracer()
        let traced = train(steps: 20, threads: 1, shards: 1, drive: .steps(recorder))
        let silent = train(steps: 20, threads: 1, shards: 1, drive: .steps(nil))
        #expect(traced == silent)
        #expect(recorder.steps(named: .update).count == 20 * (6 * 9 + 9 + 9 * 3 + 3))
    }

    @Test(arguments: [1, 2], [(Float(0), Float(0)), (0.9, 0), (0.9, 1e-4), (0, 1e-3)])
    func fusedEpochAgreesWithPlainSteps(shards: Int, optimizer: (momentum: Float, weightDecay: Float)) {
        // 10 epochs of 5 batches: the fused two-part update against gradient-then-step, for each
        // of the update's branches. Same maths, different rounding order: Float differences stay
        // far below the weights' size (about 0.5).
        let fused = train(
            steps: 50, threads: shards, shards: shards, momentum: optimizer.momentum,
            weightDecay: optimizer.weightDecay)
        let plain = train(
            steps: 50, threads: 1, shards: 1, drive: .steps(nil), momentum: optimizer.momentum,
            weightDecay: optimizer.weightDecay)
        #expect(maxDifference(fused, plain) < 1e-4, "largest difference \(maxDifference(fused, plain))")
    }

    @Test func miniBatchesKeepTheLastPartialBatch() {
        var batches = MiniBatches(exampleCount: 10, batchSize: 4, seed: 2)
        batches.startEpoch()
        #expect(batches.batchCount == 3)
        #expect(batches.range(ofBatch: 2) == 8..<10)
        #expect(Set(batches.order) == Set((0..<10).map(Int32.init)))
        let first = batches.order
        batches.startEpoch()
        #expect(batches.order != first)  // reshuffled (10! orders: a repeat would be a bug)
    }

    @Test func divergenceStopsAtOnce() {
        let network = Network(layerSizes: [6, 9, 3])
        var random = SeededRandom(seed: 3)
        network.initialize(.he, random: &random)
        let trainer = Trainer(
            network: network, loss: .softmaxCrossEntropy,
            optimizer: SGD(learningRate: 1e30, parameterCount: network.parameterCount), batchSize: 8)
        var batches = MiniBatches(exampleCount: 37, batchSize: 8, seed: 3)
        var diverged: Int?
        for _ in 0..<5 where diverged == nil {
            batches.startEpoch()
            diverged = trainer.trainEpoch(source: randomExamples(), batches: batches).divergedAtBatch
        }
        #expect(diverged != nil)
        // Stopping at once means the batch whose loss was not finite updated nothing (and no batch
        // after it ran): every parameter is still a number. Going on would write NaN into them.
        #expect(network.parameters.array.allSatisfy { $0.isFinite })
    }
}

@Suite struct RandomTests {
    @Test func seededSequenceIsPinned() {
        // Seed 0 expands through SplitMix64 to the published state e220a8397b1dcdaf,
        // 6e789e6aa1b965f4, 06c45d188009454f, f88bb8a8724c81ec; xoshiro256** from that state gives
        // these first outputs (worked out with an independent implementation of the published
        // algorithm). Every seeded result of the project rests on this sequence.
        var random = SeededRandom(seed: 0)
        #expect(
            (0..<3).map { _ in random.next() } == [0x99ec_5f36_cb75_f2b4, 0xbf6e_1f78_4956_452a, 0x1a5f_849d_4933_e6e0])
    }

    @Test func normalHasUnitVariance() {
        var random = SeededRandom(seed: 9)
        let samples = (0..<20_000).map { _ in Double(random.normal()) }
        let mean = samples.reduce(0, +) / Double(samples.count)
        let variance = samples.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(samples.count)
        #expect(abs(mean) < 0.03)  // standard error 1/sqrt(20000) = 0.007
        #expect(abs(variance - 1) < 0.05)
    }

    @Test func indexIsInRangeAndCoversIt() {
        var random = SeededRandom(seed: 10)
        var seen = Set<Int>()
        for _ in 0..<1000 { let i = random.nextIndex(below: 7); #expect(i >= 0 && i < 7); seen.insert(i) }
        #expect(seen.count == 7)
    }
}

@Suite struct KernelChoiceTests {
    @Test func prefersAVX512ThenAVX2() {
        let skylake: Set<String> = [
            "sse2", "avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl",
        ]
        #expect(BLASKernel.preferredCoreType(cpuFlags: skylake) == "SkylakeX")
        #expect(BLASKernel.preferredCoreType(cpuFlags: ["sse2", "avx", "avx2", "fma"]) == "Haswell")
        // AVX-512 foundation alone (no BW/DQ/VL, as on Knights Landing) is not enough for SkylakeX.
        #expect(BLASKernel.preferredCoreType(cpuFlags: ["avx2", "fma", "avx512f"]) == "Haswell")
        #expect(BLASKernel.preferredCoreType(cpuFlags: ["sse2", "sse3", "avx"]) == nil)
    }

    @Test func reportsAKernel() {
        #expect(!BLASKernel.coreName.isEmpty && BLASKernel.coreName != "unknown")
    }
}
