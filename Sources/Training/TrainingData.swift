// Loading a dataset for training: resolve the folder (--data, $MNIST_DIR, the cache; Debian's
// Fashion-MNIST), read both splits through Datasets, and wrap them as example sources. The
// reading and its checks are Datasets'; this only adapts and optionally cuts the training set.
import Datasets
import Foundation

/// Both splits of a dataset, ready for the trainer, with the names of the classes.
public struct TrainingData: Sendable {
    public let name: String
    public let kind: DatasetKind
    public let folder: DataFolder
    public let train: DigitExamples
    public let test: DigitExamples
    public let classNames: [String]

    /// Reads `kind` from the folder `dataFlag` or the defaults pick; keeps the first
    /// `trainLimit` training images and `testLimit` test images when given. Throws `DatasetError`.
    public static func load(kind: DatasetKind, dataFlag: String?, trainLimit: Int? = nil, testLimit: Int? = nil) throws
        -> TrainingData
    {
        let folder = DataFolder.resolve(kind: kind, dataFlag: dataFlag)
        let dataset = try Dataset.load(kind: kind, folder: folder.url)
        let classes = dataset.classNames.count
        var train = DigitExamples(dataset.train, classCount: classes)
        var test = DigitExamples(dataset.test, classCount: classes)
        if let trainLimit { train = train.prefix(trainLimit) }
        if let testLimit { test = test.prefix(testLimit) }
        return TrainingData(
            name: dataset.name, kind: kind, folder: folder, train: train, test: test, classNames: dataset.classNames)
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
