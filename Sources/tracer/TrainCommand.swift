// `tracer train`: trains an MLP on MNIST or Fashion-MNIST with a validation split held out, shows
// progress and diagnostics, scores the test set once, renders the pictures, optionally saves the
// model and traces one test image. Thin: it parses flags into `TrainingSettings`; the work is
// Training's `TrainingSession`.
import ArgumentParser
import Datasets
import Foundation
import Training

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a multilayer perceptron on MNIST (or Fashion-MNIST), evaluate it and draw what it learned.",
        discussion: """
            The defaults (784-128-10, 5 epochs, batch 64, --lr 0.1 with a cosine schedule, --momentum 0.9) reach about 98% \
            test accuracy in a few seconds. The last --validation training images are held out: the per-epoch \
            figures and diagnostics (dead units, update-to-weight ratio, gradient norms, NaN/inf) are measured on \
            them, and the test set is scored once, at the end. Pictures go to --out: weights.png, \
            weights-per-tile.png, filmstrip.png, diagnostics.png, predictions.png, misclassified.png, confusion.png, \
            curves.png (and augmentation.png with --augment). With --json: one object per epoch, the trace (with \
            --trace-sample) as JSON lines, then a summary object.
            """)

    @Option(help: "Data folder (default: $MNIST_DIR, else $XDG_CACHE_HOME/neuraltracer/mnist; see 'tracer download').")
    var data: String?

    @Option(help: "Which dataset: \(DatasetKind.allCases.map(\.rawValue).joined(separator: " or ")).")
    var dataset: DatasetKind = .mnist

    @Option(help: "Passes over the training set.")
    var epochs: Int = 5

    @Option(help: "Examples per mini-batch.")
    var batch: Int = 64

    @Option(help: "Learning rate of SGD.")
    var lr: Float = 0.1

    @Option(help: "Momentum of SGD, in [0, 1).")
    var momentum: Float = 0.9

    @Option(help: "Learning-rate schedule over the epochs: cosine (from --lr down towards 0) or constant.")
    var schedule: LearningRateSchedule = .cosine

    @Option(name: .customLong("weight-decay"), help: "L2 weight decay added to each gradient.")
    var weightDecay: Float = 0

    @Option(help: "Hidden layer sizes, comma-separated, e.g. 128 or 512,256; none (or 0) for the linear 784-10 model.")
    var hidden: HiddenLayers = HiddenLayers(argument: "128")!

    @Option(help: "Random seed (weights, shuffling and distortions).")
    var seed: UInt64 = 1

    @Option(help: "Training images held out (from the end of the training file) as the validation split; 0 for none.")
    var validation: Int = 10_000

    @Option(help: "Train on the first N training images only (after the validation split is held out).")
    var limit: Int?

    @Flag(help: "Distort each training image afresh every epoch (shift, rotation, scale, shear).")
    var augment = false

    @Option(
        name: .customLong("augment-strength"),
        help: "With --augment: multiply the standard limits (2 px, 10 degrees, 10% size, shear 0.15) by this.")
    var augmentStrength: Float = 1

    @Option(help: "With --augment: largest elastic displacement in pixels (0: none).")
    var elastic: Float = 0

    @Option(help: "Folder for the pictures.")
    var out: String = "output/mnist"

    @Option(help: "Save the trained model to this file.")
    var save: String?

    @Flag(help: "Print JSON lines instead of text.")
    var json = false

    @Option(name: .customLong("trace-sample"), help: "Trace test image K through the trained network, step by step.")
    var traceSample: Int?

    func validate() throws {
        guard (1...10_000).contains(epochs) else {
            throw ValidationError("--epochs must be between 1 and 10000, not \(epochs)")
        }
        guard (1...60_000).contains(batch) else {
            throw ValidationError("--batch must be between 1 and 60000, not \(batch)")
        }
        guard lr.isFinite && lr > 0 else { throw ValidationError("--lr must be a positive number, not \(lr)") }
        guard momentum.isFinite && momentum >= 0 && momentum < 1 else {
            throw ValidationError("--momentum must be in [0, 1), not \(momentum)")
        }
        guard weightDecay.isFinite && weightDecay >= 0 else {
            throw ValidationError("--weight-decay must be zero or positive, not \(weightDecay)")
        }
        guard (0...59_999).contains(validation) else {
            throw ValidationError("--validation must be between 0 and 59999 images, not \(validation)")
        }
        if let limit { guard limit >= 1 else { throw ValidationError("--limit must be at least 1, not \(limit)") } }
        guard augmentStrength.isFinite && augmentStrength >= 0 && augmentStrength <= 5 else {
            throw ValidationError("--augment-strength must be between 0 and 5, not \(augmentStrength)")
        }
        guard elastic.isFinite && elastic >= 0 && elastic <= 10 else {
            throw ValidationError("--elastic must be between 0 and 10 pixels, not \(elastic)")
        }
        if !augment && (augmentStrength != 1 || elastic != 0) {
            throw ValidationError("--augment-strength and --elastic need --augment")
        }
        if let traceSample {
            guard traceSample >= 0 else {
                throw ValidationError("--trace-sample must be a test image index (0 or more), not \(traceSample)")
            }
        }
        guard !out.isEmpty else { throw ValidationError("--out must name a folder") }
        if let save { guard !save.isEmpty else { throw ValidationError("--save must name a file") } }
    }

    func run() throws {
        try checkDestinations(save: save, out: out)
        var settings = TrainingSettings()
        settings.dataset = dataset
        settings.dataFolder = data
        settings.validationCount = validation
        settings.limit = limit
        settings.options.hiddenSizes = hidden.sizes
        settings.options.epochs = epochs
        settings.options.batchSize = batch
        settings.options.learningRate = lr
        settings.options.momentum = momentum
        settings.options.weightDecay = weightDecay
        settings.options.seed = seed
        settings.options.schedule = schedule
        settings.options.distortion = augment ? Distortion.standard(strength: augmentStrength, elastic: elastic) : nil
        settings.out = out
        settings.save = save
        settings.json = json
        settings.traceSample = traceSample
        do { try TrainingSession.run(settings) } catch { try failWithMessage(error.description) }
    }
}
