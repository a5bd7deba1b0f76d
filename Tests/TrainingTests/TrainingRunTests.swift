import NeuralCore
// The training loop on synthetic images: it learns, it is reproducible, a huge learning rate is
// reported as divergence with the step and a suggestion; and the byte-image source fills batches.
import Testing

@testable import Training

@Suite struct TrainingRunTests {
    func options(learningRate: Float = 0.1, epochs: Int = 3) -> TrainingOptions {
        var options = TrainingOptions()
        options.hiddenSizes = [16]
        options.epochs = epochs
        options.batchSize = 16
        options.learningRate = learningRate
        options.seed = 7
        return options
    }

    @Test func learnsSyntheticClasses() throws {
        let run = TrainingRun(
            options: options(), train: quadrantExamples(count: 400, seed: 1),
            validation: quadrantExamples(count: 100, seed: 2))
        var progressCalls = 0
        for _ in 0..<3 { try run.runEpoch(progressEvery: 5) { _, _ in progressCalls += 1 } }
        #expect(run.history.count == 3)
        #expect(run.history.last!.validationAccuracy! >= 0.95)
        #expect(run.history.last!.trainLoss < run.history.first!.trainLoss)
        #expect(progressCalls == 3 * 5)  // 25 batches an epoch: after 5, 10, 15, 20, 25
        #expect(run.lastValidation!.predictions.count == 100)
    }

    @Test func sameSeedSameWeightsAndFigures() throws {
        func trained() throws -> ([Float], [EpochRecord]) {
            let run = TrainingRun(
                options: options(), train: quadrantExamples(count: 1000, seed: 1),
                validation: quadrantExamples(count: 20, seed: 2))
            try run.runEpoch()
            try run.runEpoch()
            return (
                run.network.parameters.array,
                run.history.map {
                    var r = $0; r.seconds = 0; r.imagesPerSecond = 0; return r
                }
            )
        }
        let (first, second) = (try trained(), try trained())
        #expect(first.0 == second.0)
        #expect(first.1 == second.1)  // the running train accuracy too (counted by two threads)
    }

    @Test func cosineScheduleFallsFromTheFullRate() {
        var options = TrainingOptions()
        options.learningRate = 0.1
        options.epochs = 5
        let rates = (1...5).map { options.learningRate(epoch: $0) }
        #expect(rates[0] == 0.1)
        #expect(isClose(rates[2], 0.1 * 0.6545085, absolute: 1e-6))  // (1 + cos(2pi/5)) / 2
        #expect(zip(rates, rates.dropFirst()).allSatisfy { $0 > $1 } && rates[4] > 0)
        options.schedule = .constant
        #expect((1...5).allSatisfy { options.learningRate(epoch: $0) == 0.1 })
    }

    @Test func hugeLearningRateIsReportedAsDivergence() {
        let run = TrainingRun(
            options: options(learningRate: 1e30), train: quadrantExamples(count: 200, seed: 1),
            validation: quadrantExamples(count: 20, seed: 2))
        var caught: TrainingError?
        do { for _ in 0..<3 { try run.runEpoch() } } catch { caught = error }
        guard case .diverged(let epoch, let batch, let batchCount, let step, let rate)? = caught else {
            Issue.record("a learning rate of 1e30 must diverge")
            return
        }
        #expect(epoch >= 1 && batch >= 1 && batchCount == 13 && step == (epoch - 1) * 13 + batch && rate == 1e30)
        #expect(run.history.count == epoch - 1)  // the diverged epoch is not recorded
        let message = caught!.description
        #expect(message.contains("at epoch \(epoch), batch \(batch) of 13 (step \(step))"))
        #expect(message.contains("try a smaller learning rate, e.g. --lr 0.1 (the default)"))
        #expect(TrainingError.suggestion(below: 0.05) == "0.005")
    }

    @Test func fillScalesBytesAndWritesOneHotTargets() {
        let examples = DigitExamples(
            pixels: [0, 255, 51, 102, 0, 0, 255, 255], labels: [2, 0],
            imageRows: 2, imageCols: 2, classCount: 3)
        var input = Matrix(rows: 2, cols: 4), target = Matrix(rows: 2, cols: 3)
        target.values = [9, 9, 9, 9, 9, 9]  // stale values must be cleared
        input.withMutableView { x in
            target.withMutableView { t in
                [Int32(1), 0].withUnsafeBufferPointer { examples.fill(input: x, target: t, indices: $0) }
            }
        }
        #expect(input.values == [0, 0, 1, 1, 0, 1, 0.2, 0.4])  // byte / 255, correctly rounded
        #expect(target.values == [1, 0, 0, 0, 0, 1])
        #expect(examples.prefix(1).count == 1 && examples.prefix(1).pixels == [0, 255, 51, 102])
        #expect(examples.prefix(5).count == 2)
    }

    @Test func mistakesComeMostConfidentFirst() {
        let predictions = [0, 1, 2, 1], labels = [0, 2, 1, 1]
        let found = mistakes(
            labels: labels, predictions: predictions,
            probabilities: Matrix([[0.9, 0.05, 0.05], [0.2, 0.7, 0.1], [0.05, 0.15, 0.8], [0.1, 0.8, 0.1]]))
        #expect(found.map { $0.index } == [2, 1])
        #expect(found[0].confidence == 0.8 && found[0].top.map { $0.0 } == [2, 1, 0])
        #expect(
            confusionMatrix(labels: labels, predictions: predictions, classes: 3) == [
                [1, 0, 0], [0, 1, 1], [0, 1, 0],
            ])
    }

    @Test func sampleTraceKeepsTheOutputLayerInFull() throws {
        let run = TrainingRun(
            options: options(), train: quadrantExamples(count: 100, seed: 1),
            validation: quadrantExamples(count: 20, seed: 2))
        try run.runEpoch()
        let trace = SampleTrace(network: run.network, examples: run.validation!, index: 3)
        // 36 -> 16 -> 4: the output layer has 16*4 products, recorded one by one, the first
        // layer's 36*16 = 576 > 64 as a matrix.
        #expect(trace.steps.filter { $0.name == "product" && $0.layer == 2 }.count == 64)
        #expect(trace.steps.filter { $0.name == "product" && $0.layer == 1 }.isEmpty)
        #expect(trace.steps.contains { $0.name == "z" && $0.layer == 1 && $0.value.numbers.count == 16 })
        #expect(trace.steps.contains { $0.name == "softmax" })
        #expect(trace.steps.filter { $0.name == "gradient_norm" }.count == 4)
        #expect(isClose(trace.probabilities.reduce(0, +), 1, absolute: 1e-5))
        let text = trace.text()
        #expect(text[0].hasPrefix("trace of test image 3: label \(trace.label)"))
        #expect(text.contains { $0.contains("64 products x_k*w_kj") })
        #expect(text.contains { $0.contains("more gradient_backprop steps") })  // 64 + 4 in one run
        let json = trace.jsonLines()
        #expect(json.count == trace.steps.count)
        #expect(json[0].hasPrefix("{\"sample\":3,\"step\":\"input\""))
    }

    @Test func jsonAndProgressText() {
        let diagnostics = Diagnostics(
            deadFraction: [0.03125], updateRatio: [0.0012, 0.0008], gradientNorm: [0.21, 0.09], nonFinite: false,
            probeImages: 2000, probeSet: "validation")
        let record = EpochRecord(
            epoch: 2, learningRate: 0.05, trainLoss: 0.125, trainAccuracy: 0.96, validationLoss: 0.1,
            validationAccuracy: 0.975, seconds: 0.31234, imagesPerSecond: 192_345.6, diagnostics: diagnostics)
        #expect(
            record.json().text
                == "{\"epoch\":2,\"learning_rate\":0.05,\"train_loss\":0.125,\"train_accuracy\":0.96,\"validation_loss\":0.1,\"validation_accuracy\":0.975,\"seconds\":0.312,\"images_per_second\":192346,"
                + "\"diagnostics\":{\"dead_fraction\":[0.03125],\"update_ratio\":[0.0012,0.0008],\"gradient_norm\":[0.21,0.09],\"non_finite\":false,\"probe_images\":2000,\"probe_set\":\"validation\"},\"warnings\":[]}"
        )
        #expect(
            JSONValue.object([("a", .string("q\"\n")), ("b", .float(.nan))]).text == "{\"a\":\"q\\\"\\n\",\"b\":null}")
        #expect(
            ProgressLine.epochSummary(record, epochs: 5)
                == "epoch 2/5  train loss 0.1250  train acc 96.00%  val acc 97.50%  0.31 s  192,346 img/s  dead 3.1%  upd/w 1.2e-03,8.0e-04  |g| 2.1e-01,9.0e-02"
        )
        let bar = ProgressLine.bar(
            epoch: 1, epochs: 5,
            batchesDone: 469, batchCount: 938, examplesSeen: 30_016, meanLoss: 0.3, correct: 27_014, seconds: 0.15)
        #expect(bar == "epoch 1/5 [############------------] 469/938  loss 0.3000  acc 90.00%  200,106 img/s  ETA 0.1s")
    }
}
