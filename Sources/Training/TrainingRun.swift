// The full-data training loop: a network from the options, epochs of two-thread SGD on the core's
// `Trainer`, a test-set evaluation after each epoch, and a typed stop when the loss diverges.
// Printing progress and writing files are the caller's business (see ProgressLine, JSONLine).
import Foundation
import NeuralCore

/// What to train and how. The defaults are the `tracer train` defaults.
public struct TrainingOptions: Sendable, Equatable {
    /// Hidden layer sizes between the 784 inputs and the 10 outputs.
    public var hiddenSizes: [Int] = [128]
    public var epochs = 5
    public var batchSize = 64
    public var learningRate: Float = 0.1
    public var momentum: Float = 0.9
    public var weightDecay: Float = 0
    public var seed: UInt64 = 1
    public var schedule: LearningRateSchedule = .cosine

    public init() {}

    /// The learning rate of epoch `epoch` (1-based) of `epochs`.
    public func learningRate(epoch: Int) -> Float {
        switch schedule {
        case .constant: return learningRate
        case .cosine:
            // Half a cosine from the full rate down towards zero, one step per epoch: big steps
            // while far from a minimum, small ones to settle into it.
            let progress = Double(epoch - 1) / Double(Swift.max(epochs, 1))
            return learningRate * Float(0.5 * (1 + cos(Double.pi * progress)))
        }
    }
}

/// How the learning rate changes from epoch to epoch.
public enum LearningRateSchedule: String, Sendable, CaseIterable {
    /// The same rate every epoch.
    case constant
    /// rate * (1 + cos(pi * (epoch - 1) / epochs)) / 2: 1, 0.90, 0.65, 0.35, 0.10 of it over 5 epochs.
    case cosine
}

/// One epoch's figures, as the per-epoch line and JSON object report them.
public struct EpochRecord: Sendable, Equatable {
    public var epoch: Int
    public var trainLoss: Float
    public var trainAccuracy: Double
    public var testLoss: Float
    public var testAccuracy: Double
    /// Training time of the epoch alone (not the test evaluation).
    public var seconds: Double
    public var imagesPerSecond: Double
}

/// Why training stopped early.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    /// The loss became NaN or infinite at this epoch (1-based) and batch (1-based); `step` counts
    /// batches from the start of training. No update was applied for that batch.
    case diverged(epoch: Int, batch: Int, batchCount: Int, step: Int, learningRate: Float)

    public var description: String {
        switch self {
        case .diverged(let epoch, let batch, let batchCount, let step, let learningRate):
            let smaller = TrainingError.suggestion(below: learningRate)
            return
                "training diverged: the loss became NaN or infinite at epoch \(epoch), batch \(batch) of \(batchCount) (step \(step)) with --lr \(TraceNumber.format(learningRate)); try a smaller learning rate, e.g. --lr \(smaller)"
        }
    }

    /// The default rate when `rate` is above it, else a tenth of `rate`.
    public static func suggestion(below rate: Float) -> String {
        let standard = TrainingOptions().learningRate
        return rate > standard ? "\(TraceNumber.format(standard)) (the default)" : TraceNumber.format(rate / 10)
    }
}

/// A network being trained on a training set and measured on a test set.
public final class TrainingRun {
    public let options: TrainingOptions
    public let network: Network
    public let train: DigitExamples
    public let test: DigitExamples
    public private(set) var history: [EpochRecord] = []
    private let trainer: Trainer
    private var batches: MiniBatches

    /// Builds and initialises (He, seeded) a `inputSize`-hidden...-`classes` ReLU network.
    public init(options: TrainingOptions, train: DigitExamples, test: DigitExamples) {
        precondition(train.count > 0 && test.count > 0, "TrainingRun needs examples in both sets")
        self.options = options
        self.train = train
        self.test = test
        network = Network(layerSizes: [train.inputSize] + options.hiddenSizes + [train.targetSize])
        var random = SeededRandom(seed: options.seed)
        network.initialize(.he, random: &random)
        let optimizer = SGD(
            learningRate: options.learningRate, momentum: options.momentum,
            weightDecay: options.weightDecay, parameterCount: network.parameterCount)
        // The trainer cuts each batch in two and runs the halves on two threads; one OpenBLAS
        // thread per call keeps the two from fighting over the cores.
        BLASKernel.threads = 1
        trainer = Trainer(
            network: network, loss: .softmaxCrossEntropy, optimizer: optimizer,
            batchSize: options.batchSize, shards: 2, threads: 2)
        batches = MiniBatches(exampleCount: train.count, batchSize: options.batchSize, seed: options.seed &+ 1)
    }

    public var batchCount: Int { batches.batchCount }

    /// Trains one more epoch, then evaluates on the test set. `progress` is called on this thread
    /// every `progressEvery` batches with the epoch's progress and the seconds since it began.
    @discardableResult
    public func runEpoch(progressEvery: Int = 20, progress: ((BatchProgress, Double) -> Void)? = nil)
        throws(TrainingError) -> EpochRecord
    {
        let epoch = history.count + 1
        trainer.optimizer.learningRate = options.learningRate(epoch: epoch)
        batches.startEpoch()
        let start = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        let result = trainer.trainEpoch(
            source: train, batches: batches, progressEvery: progressEvery,
            progress: progress.map { report in { report($0, elapsed()) } })
        let seconds = elapsed()
        if let batch = result.divergedAtBatch {
            throw .diverged(
                epoch: epoch, batch: batch + 1, batchCount: batches.batchCount,
                step: (epoch - 1) * batches.batchCount + batch + 1, learningRate: options.learningRate)
        }
        let evaluation = network.evaluate(source: test, loss: .softmaxCrossEntropy)
        let record = EpochRecord(
            epoch: epoch, trainLoss: result.meanLoss, trainAccuracy: result.accuracy,
            testLoss: evaluation.meanLoss, testAccuracy: evaluation.accuracy, seconds: seconds,
            imagesPerSecond: Double(result.examples) / Swift.max(seconds, 1e-9))
        history.append(record)
        lastEvaluation = evaluation
        return record
    }

    /// The test-set evaluation after the last epoch (nil before the first).
    public private(set) var lastEvaluation: Evaluation?
}
