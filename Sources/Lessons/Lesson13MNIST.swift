// Lesson 13, on to MNIST: first the baseline before any learning (each test digit given the class
// of the nearest mean training image), then a small network trained briefly on a slice of the
// real training set, then one real test digit traced through it (hidden layer summarised, output
// layer in full).
// Without the data it says how to get it; full training is `tracer train`'s job.
import Datasets
import Foundation
import NeuralCore

enum Lesson13MNIST: Lesson {
    static func run(_ log: LessonLog, context: LessonContext) throws {
        let inputs = log.file.inputs
        let testIndex = try inputs["test_image"].integer(in: 0...9_999)
        let hiddenCount = try inputs["hidden_neurons"].integer(in: 1...512)
        let trainCount = try inputs["training_images"].integer(in: 1...60_000)
        let epochs = try inputs["epochs"].integer(in: 1...50)
        let batchSize = try inputs["batch_size"].integer(in: 1...1024)
        let learningRate = try inputs["learning_rate"].number(in: 0...10)
        let seed = try inputs["seed"].integer(in: 0...Int(Int32.max))

        try log.explain("The data")
        let train: LabeledImages, test: LabeledImages
        do {
            let folder = context.mnistDirectory
            train = try Dataset.loadSplit(
                images: .trainImages, labels: .trainLabels, kind: .mnist, folder: folder, classCount: 10)
            test = try Dataset.loadSplit(
                images: .testImages, labels: .testLabels, kind: .mnist, folder: folder, classCount: 10)
        } catch let error as DatasetError {
            if case .missingFile = error {
                log.note(
                    "MNIST is not in \(context.mnistDirectory.path). Get it with '.build/release/tracer download' (or point "
                        + "MNIST_DIR at a folder that has it), then run '.build/release/tracer lesson 13' again.",
                    isResult: true)
            } else {
                log.note(
                    "MNIST could not be read: \(error). Fetch it again with '.build/release/tracer download'.",
                    isResult: true)
            }
            try log.explain("Full training")
            return
        }
        log.note(
            "\(grouped(train.count)) training and \(grouped(test.count)) test images of \(train.rows)x\(train.cols) pixels, "
                + "from \(context.mnistDirectory.path).")

        let pixels = train.rows * train.cols
        let count = min(trainCount, train.count)
        let held = min(1000, test.count)
        let trainImages = floats(train, count: count), heldImages = floats(test, count: held)

        try log.explain("Before any learning: the nearest mean image")
        let baseline = nearestMean(
            train: trainImages, labels: Array(train.labels.prefix(count)), test: heldImages,
            testLabels: Array(test.labels.prefix(held)))
        log.show(
            step(
                .accuracy, "nearest mean image: accuracy on the first \(held) test images",
                Float(baseline.correct) / Float(held),
                formula: "\(baseline.correct)/\(held)"), isResult: true)
        log.picture(
            "mean-digits.png",
            .digits(
                title: "Each digit's mean over the first \(grouped(count)) training images",
                panels: (0..<10).map { c in
                    (
                        caption: "\(c) (\(baseline.counts[c]))",
                        pixels: Matrix(rows: train.rows, cols: train.cols, values: baseline.means.row(c))
                    )
                }))

        try log.explain("A quick training")
        let examples = MatrixExamples(inputs: trainImages, targets: oneHot(train, count: count))
        let network = Network(layerSizes: [pixels, hiddenCount, 10])
        var random = SeededRandom(seed: UInt64(seed))
        network.initialize(.he, random: &random)
        let trainer = Trainer(
            network: network, loss: .softmaxCrossEntropy,
            optimizer: SGD(learningRate: learningRate, parameterCount: network.parameterCount), batchSize: batchSize,
            shards: 1, threads: 1)
        var batches = MiniBatches(exampleCount: count, batchSize: batchSize, seed: UInt64(seed))
        var epochSteps: [TraceStep] = []
        for epoch in 1...epochs {
            batches.startEpoch()
            let result = trainer.trainEpoch(source: examples, batches: batches)
            epochSteps.append(
                step(.epochLoss, "mean loss in epoch \(epoch)", result.meanLoss, index: [epoch], iteration: epoch))
        }
        let evaluation = network.evaluate(
            source: MatrixExamples(inputs: heldImages, targets: oneHot(test, count: held)),
            loss: .softmaxCrossEntropy)
        log.note(
            "A \(pixels)-\(hiddenCount)-10 network, \(epochs) epoch\(epochs == 1 ? "" : "s") over the first \(grouped(count)) training images, "
                + "batches of \(batchSize), learning rate \(format(learningRate)).")
        log.show(epochSteps)
        log.show(
            step(
                .accuracy, "accuracy on the first \(held) test images", Float(evaluation.accuracy),
                formula: "\(evaluation.correct)/\(held)"), isResult: true)
        log.note(
            quickVerdict(accuracy: evaluation.accuracy, losses: epochSteps.map { $0.value.numbers[0] }), isResult: true)
        let baselineAccuracy = Double(baseline.correct) / Double(held)
        log.note(
            evaluation.accuracy > baselineAccuracy
                ? "That is above the nearest mean image's \(format(Float(100 * baselineAccuracy)))%: the learned weights "
                    + "see more than one average shape per digit."
                : "That is not above the nearest mean image's \(format(Float(100 * baselineAccuracy)))%: this short run "
                    + "has not yet learned more than one average shape per digit.",
            isResult: true)

        try log.explain("One test digit, traced")
        let index = min(testIndex, test.count - 1)
        let digit = floats(test, from: index, count: 1)
        let label = Int(test.labels[index])
        log.picture(
            "digit.png",
            .digit(title: "Test image \(index): a \(label)", pixels: digit.reshaped(rows: test.rows, cols: test.cols)))
        let target = Matrix(rows: 1, cols: 10, values: (0..<10).map { $0 == label ? 1 : 0 })
        let workspace = Workspace(for: network, capacity: 1)
        // Each layer with more than 1,000 products is recorded as a whole, the others element by element.
        let (_, steps) = log.record(elementLimit: 1000) { tracer in
            digit.withView { x in
                target.withView { t in
                    network.lossOnly(
                        input: x, target: t, loss: .softmaxCrossEntropy, workspace: workspace, kernel: .naive,
                        tracer: tracer)
                }
            }
        }
        let black = digit.values.filter { $0 == 0 }.count
        log.note(
            "x: \(pixels) pixels from 0 to 1, \(pixels - black) of them not black. The other \(black) "
                + "(\(Int((100 * Double(black) / Double(pixels)).rounded()))%) are exactly 0: as in lesson 6, a black pixel "
                + "adds nothing to any sum, whatever its weight, so the work that matters is on the few lit pixels.")
        log.show(steps.filter { $0.kind == .z && $0.layer == 1 })
        let firing = steps.filter { $0.kind == .activation && $0.layer == 1 && $0.value.numbers[0] > 0 }.count
        log.note(
            "\(firing) of the \(hiddenCount) hidden neuron\(hiddenCount == 1 ? "" : "s") "
                + "\(firing == 1 ? "fires" : "fire") (ReLU above 0).")
        log.show(steps.filter { $0.kind == .z && $0.layer == 2 })
        log.show(only(steps, .softmax, .lossTerm))
        let probabilities = only(steps, .softmax).first?.value.numbers ?? []
        let predicted = probabilities.indices.max { probabilities[$0] < probabilities[$1] } ?? 0
        log.show(
            step(
                .prediction, "predicted digit", Float(predicted),
                note: "the digit with the largest p, \(format(probabilities[predicted]))"),
            isResult: true)
        log.note(
            predicted == label ? "Right: the image is a \(label)." : "Wrong: the image is a \(label).", isResult: true)
        log.picture(
            "probabilities.png",
            .bars(
                title: "p(digit) for test image \(index); the predicted digit \(predicted) in orange",
                panels: [
                    BarPanel(
                        "", labels: (0..<10).map { "\($0)" }, values: probabilities, highlight: predicted,
                        decimals: 2)
                ]))

        try log.explain("Full training")
    }

    /// The baseline before learning: the mean image of each class over `train`, and each test
    /// image given the class whose mean is nearest (squared distance |x|^2 - 2 x.m + |m|^2, the dot
    /// products by the core's matrix product).
    static func nearestMean(train: Matrix, labels: [UInt8], test: Matrix, testLabels: [UInt8])
        -> (means: Matrix, counts: [Int], correct: Int)
    {
        var means = Matrix(rows: 10, cols: train.cols)
        var counts = [Int](repeating: 0, count: 10)
        for i in 0..<train.rows {
            let c = Int(labels[i])
            counts[c] += 1
            for k in 0..<train.cols { means[c, k] += train[i, k] }
        }
        for c in 0..<10 where counts[c] > 0 {
            for k in 0..<train.cols { means[c, k] /= Float(counts[c]) }
        }
        var meansT = Matrix(rows: train.cols, cols: 10)
        for c in 0..<10 { for k in 0..<train.cols { meansT[k, c] = means[c, k] } }
        let dots = test.times(meansT)
        let squares = (0..<10).map { c in means.row(c).reduce(Float(0)) { $0 + $1 * $1 } }
        var correct = 0
        for i in 0..<test.rows {
            // |x|^2 is the same for every class: the nearest mean has the smallest |m|^2 - 2 x.m.
            let distances = (0..<10).map { c in counts[c] > 0 ? squares[c] - 2 * dots[i, c] : .infinity }
            let nearest = distances.indices.min { distances[$0] < distances[$1] } ?? 0
            if nearest == Int(testLabels[i]) { correct += 1 }
        }
        return (means, counts, correct)
    }

    /// What the quick training did, from its numbers: near chance, diverged, or most digits right.
    static func quickVerdict(accuracy: Double, losses: [Float]) -> String {
        let percent = "\(format(Float(100 * accuracy)))%"
        if losses.contains(where: { !$0.isFinite }) {
            return "The training diverged (the loss stopped being a number): try a smaller learning_rate."
        }
        if accuracy < 0.2 {
            return
                "Only \(percent) right, near the 10% of guessing: the steps were too large or too few; try a smaller "
                + "learning_rate or more training_images and epochs."
        }
        if accuracy >= 0.5 { return "Even this short run gets \(percent) of these test digits right." }
        return "This short run gets \(percent) of these test digits right: better than guessing, far from done."
    }

    /// Images `from..<from+count` as a (count, pixels) matrix of intensities 0-1.
    static func floats(_ images: LabeledImages, from: Int = 0, count: Int) -> Matrix {
        var values = [Float](repeating: 0, count: count * images.pixelsPerImage)
        images.copyFloats(indices: from..<(from + count), into: &values)
        return Matrix(rows: count, cols: images.pixelsPerImage, values: values)
    }

    /// One-hot targets of the first `count` labels.
    static func oneHot(_ images: LabeledImages, count: Int) -> Matrix {
        var targets = Matrix(rows: count, cols: 10)
        for i in 0..<count { targets[i, Int(images.labels[i])] = 1 }
        return targets
    }
}
