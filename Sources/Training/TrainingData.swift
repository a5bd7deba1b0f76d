// Loading a dataset for training: resolve the folder (--data, $MNIST_DIR, the cache; Debian's
// Fashion-MNIST), read both files through Datasets, hold a validation split out of the training
// images, and wrap the parts as example sources. The reading and its checks are Datasets'.
import Datasets
import Foundation

/// A dataset cut for training: the images trained on, a validation split held out of the
/// training file for the per-epoch figures, and the test set, scored once at the end.
public struct TrainingData: Sendable {
    public let name: String
    public let kind: DatasetKind
    public let folder: DataFolder
    public let train: DigitExamples
    /// Held out of the training file (its last images); empty when none are held out.
    public let validation: DigitExamples
    public let test: DigitExamples
    public let classNames: [String]
    /// Which images of which file went where, for the saved model.
    public let use: DataUse

    /// Reads `kind` from the folder `dataFlag` or the defaults pick. The last `validationCount`
    /// training images are held out as the validation split; of the rest, the first `trainLimit`
    /// are trained on (all when nil). `testLimit` keeps the first test images. Throws `DatasetError`.
    public static func load(
        kind: DatasetKind, dataFlag: String?, validationCount: Int = 0, trainLimit: Int? = nil, testLimit: Int? = nil
    ) throws -> TrainingData {
        let folder = DataFolder.resolve(kind: kind, dataFlag: dataFlag)
        let dataset = try Dataset.load(kind: kind, folder: folder.url)
        let classes = dataset.classNames.count
        let file = DigitExamples(dataset.train, classCount: classes)
        // Held out from the end, so that --limit N still means "the first N images".
        let held = Swift.min(Swift.max(validationCount, 0), file.count - 1)
        let validationStart = file.count - held
        let trained = Swift.min(trainLimit ?? validationStart, validationStart)
        var test = DigitExamples(dataset.test, classCount: classes)
        if let testLimit { test = test.prefix(testLimit) }
        let use = DataUse(
            dataset: kind.rawValue, training: 0..<trained, validation: validationStart..<file.count,
            test: 0..<test.count)
        return TrainingData(
            name: dataset.name, kind: kind, folder: folder, train: file.slice(use.training),
            validation: file.slice(use.validation), test: test, classNames: dataset.classNames, use: use)
    }
}

/// Which images were used for what: ranges of image indices in the dataset's training file
/// (training and validation) and test file. Saved with a model.
public struct DataUse: Sendable, Equatable, Codable {
    /// `mnist` or `fashion`.
    public var dataset: String
    /// Images of the training file trained on.
    public var training: Range<Int>
    /// Images of the training file held out for the per-epoch figures.
    public var validation: Range<Int>
    /// Images of the test file, scored once after training.
    public var test: Range<Int>
    /// The distortions applied to the training images, when augmented (`Distortion.summary`).
    public var augmentation: String?

    public init(
        dataset: String, training: Range<Int>, validation: Range<Int>, test: Range<Int>, augmentation: String? = nil
    ) {
        self.dataset = dataset
        self.training = training
        self.validation = validation
        self.test = test
        self.augmentation = augmentation
    }

    /// `training images 0..<50000, validation 50000..<60000 of train-images; test 0..<10000 of t10k-images`
    public var summary: String {
        "\(dataset): trained on training-file images \(describe(training)), validation \(describe(validation)), test-file images \(describe(test)) scored once"
            + (augmentation.map { "; augmented (\($0))" } ?? "")
    }

    func describe(_ range: Range<Int>) -> String {
        range.isEmpty ? "none" : "\(range.lowerBound)..<\(range.upperBound)"
    }
}

extension DigitExamples {
    /// Examples `range` (a copy of their bytes).
    public func slice(_ range: Range<Int>) -> DigitExamples {
        DigitExamples(
            pixels: Array(pixels[(range.lowerBound * inputSize)..<(range.upperBound * inputSize)]),
            labels: Array(labels[range]), imageRows: imageRows, imageCols: imageCols, classCount: targetSize)
    }
}

extension TrainingData {
    /// The test split alone (for `tracer eval`: no need to read 47 MB of training images), and
    /// the class names. Throws `DatasetError`.
    public static func loadTest(kind: DatasetKind, dataFlag: String?) throws -> (
        test: DigitExamples, name: String, classNames: [String]
    ) {
        let folder = DataFolder.resolve(kind: kind, dataFlag: dataFlag)
        let test = try Dataset.loadSplit(
            images: .testImages, labels: .testLabels, kind: kind, folder: folder.url, classCount: kind.classNames.count)
        return (DigitExamples(test, classCount: kind.classNames.count), kind.displayName, kind.classNames)
    }
}

extension DigitExamples {
    /// The images and labels of a dataset split, sharing their storage (no copy).
    public init(_ images: LabeledImages, classCount: Int) {
        self.init(
            pixels: images.pixels, labels: images.labels, imageRows: images.rows, imageCols: images.cols,
            classCount: classCount)
    }
}
