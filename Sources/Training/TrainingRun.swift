// The full-data training loop: a network from the options, epochs of two-thread SGD on the core's
// `Trainer` (on distorted images with augmentation), the validation figures and the diagnostics
// after each epoch, snapshots of chosen units' weights for the filmstrip, and a typed stop when the
// loss diverges. Printing progress and writing files are the caller's business (see TrainingSession).
import Foundation
import NeuralCore

/// What to train and how. The defaults are the `tracer train` defaults.
public struct TrainingOptions: Sendable, Equatable {
    /// Hidden layer sizes between the 784 inputs and the 10 outputs; empty for the linear
    /// softmax model (784-10), whose weights are ten templates.
    public var hiddenSizes: [Int] = [128]
    public var epochs = 5
    public var batchSize = 64
    public var learningRate: Float = 0.1
    public var momentum: Float = 0.9
    public var weightDecay: Float = 0
    public var seed: UInt64 = 1
    public var schedule: LearningRateSchedule = .cosine
    /// Random distortions of the training images, drawn afresh each epoch (nil: the images as they are).
    public var distortion: Distortion?
    /// The filmstrip's frame taken during the first epoch, after this many steps.
    public var filmstripStep = 300

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
    public var learningRate: Float
    public var trainLoss: Float
    public var trainAccuracy: Double
    /// On the validation split; nil when none is held out.
    public var validationLoss: Float?
    public var validationAccuracy: Double?
    /// Training time of the epoch alone (not the validation pass or the diagnostics).
    public var seconds: Double
    public var imagesPerSecond: Double
    public var diagnostics: Diagnostics
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

/// A network being trained on a training set and measured on a validation set each epoch.
public final class TrainingRun {
    public let options: TrainingOptions
    public let network: Network
    public let train: DigitExamples
    /// The held-out images of the per-epoch figures (nil: none).
    public let validation: DigitExamples?
    public private(set) var history: [EpochRecord] = []
    /// The filmstrip's frames: chosen units' weights at initialisation, after
    /// `options.filmstripStep` steps, and after each epoch.
    public private(set) var filmstrip: Filmstrip
    /// The validation evaluation after the last epoch (nil before the first, or without validation).
    public private(set) var lastValidation: Evaluation?
    /// Steps taken so far, over all epochs.
    public private(set) var steps = 0
    private let trainer: Trainer
    private var batches: MiniBatches
    private let probe: DiagnosticsProbe

    /// Images the diagnostics look at each epoch (dead units; the gradient takes the first 1,000).
    public static let probeImages = 2000

    /// Builds and initialises (He, seeded) a `inputSize`-hidden...-`classes` ReLU network.
    public init(options: TrainingOptions, train: DigitExamples, validation: DigitExamples?) {
        precondition(train.count > 0, "TrainingRun needs training examples")
        self.options = options
        self.train = train
        self.validation = validation.flatMap { $0.count > 0 ? $0 : nil }
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
        let probeSource = self.validation ?? train
        probe = DiagnosticsProbe(
            network: network, probe: probeSource.prefix(TrainingRun.probeImages),
            probeSet: self.validation == nil ? "training" : "validation")
        filmstrip = Filmstrip(network: network, imageRows: train.imageRows, imageCols: train.imageCols)
        filmstrip.capture(network, label: "init")
    }

    public var batchCount: Int { batches.batchCount }

    /// Trains one more epoch, then measures it on the validation split. `progress` is called on
    /// this thread every `progressEvery` batches with the epoch's progress and the seconds since it began.
    @discardableResult
    public func runEpoch(progressEvery: Int = 20, progress: ((BatchProgress, Double) -> Void)? = nil)
        throws(TrainingError) -> EpochRecord
    {
        let epoch = history.count + 1
        let rate = options.learningRate(epoch: epoch)
        trainer.optimizer.learningRate = rate
        batches.startEpoch()
        let stepsBefore = steps
        let filmstripStep = options.filmstripStep
        // Called between batches on this thread, while the other training thread may still be
        // updating the weights it owns: the filmstrip's units are ones this thread owns (see Filmstrip).
        let watch: (BatchProgress, Double) -> Void = { [self] batch, seconds in
            steps = stepsBefore + batch.batchesDone
            if steps == filmstripStep { filmstrip.capture(network, label: "step \(steps)") }
            if let progress, batch.batchesDone % progressEvery == 0 || batch.batchesDone == batch.batchCount {
                progress(batch, seconds)
            }
        }
        let start = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        let result: EpochResult
        if let distortion = options.distortion {
            let source = AugmentedDigits(base: train, distortion: distortion, seed: options.seed, epoch: epoch)
            result = trainer.trainEpoch(source: source, batches: batches, progressEvery: 1) { watch($0, elapsed()) }
        } else {
            result = trainer.trainEpoch(source: train, batches: batches, progressEvery: 1) { watch($0, elapsed()) }
        }
        let seconds = elapsed()
        if let batch = result.divergedAtBatch {
            throw .diverged(
                epoch: epoch, batch: batch + 1, batchCount: batches.batchCount,
                step: (epoch - 1) * batches.batchCount + batch + 1, learningRate: options.learningRate)
        }
        let evaluation = validation.map { network.evaluate(source: $0, loss: .softmaxCrossEntropy) }
        filmstrip.capture(network, label: "epoch \(epoch)")
        let record = EpochRecord(
            epoch: epoch, learningRate: rate, trainLoss: result.meanLoss, trainAccuracy: result.accuracy,
            validationLoss: evaluation?.meanLoss, validationAccuracy: evaluation?.accuracy, seconds: seconds,
            imagesPerSecond: Double(result.examples) / Swift.max(seconds, 1e-9),
            diagnostics: probe.measure(optimizer: trainer.optimizer))
        history.append(record)
        lastValidation = evaluation
        return record
    }

    /// The diagnostics' warnings for the last epoch, each with its kind.
    public var warnings: [(kind: String, text: String)] {
        guard let last = history.last else { return [] }
        return last.diagnostics.warnings(
            epoch: last.epoch, learningRate: last.learningRate, baseRate: options.learningRate)
    }
}
