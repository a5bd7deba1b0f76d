// Loading a whole dataset (train and test splits) from a folder of the four standard files, with
// every check that two files can fail together (counts, shapes). Finding the folder is DataFolder's.
import Foundation

/// A dataset in memory: both splits and the names of the classes.
///
/// ```swift
/// let folder = DataFolder.resolve(kind: .mnist, dataFlag: nil)
/// let mnist = try Dataset.load(kind: .mnist, folder: folder.url)
/// mnist.train.count  // 60_000
/// ```
public struct Dataset: Sendable {
    /// "MNIST" or "Fashion-MNIST".
    public let name: String
    /// Which dataset this is.
    public let kind: DatasetKind
    /// The training split (60,000 images for both kinds).
    public let train: LabeledImages
    /// The test split (10,000 images for both kinds).
    public let test: LabeledImages
    /// Label `i` means `classNames[i]`.
    public let classNames: [String]

    /// Reads the four standard files (each `.gz` or raw) from `folder`. Throws `DatasetError`:
    /// a missing file (with a hint on getting it), a truncated or corrupt file, a wrong magic, a
    /// label outside the classes, image and label counts that disagree, or train and test images
    /// of different sizes.
    public static func load(kind: DatasetKind, folder: URL) throws -> Dataset {
        let classCount = kind.classNames.count
        let train = try loadSplit(
            images: .trainImages, labels: .trainLabels, kind: kind, folder: folder,
            classCount: classCount)
        let test = try loadSplit(
            images: .testImages, labels: .testLabels, kind: kind, folder: folder,
            classCount: classCount)
        if (train.rows, train.cols) != (test.rows, test.cols) {
            let testPath = DatasetFile.testImages.existingPath(in: folder) ?? DatasetFile.testImages.rawName
            throw DatasetError.badHeader(
                path: testPath,
                detail: "its images are \(test.rows) x \(test.cols) "
                    + "but the training images are \(train.rows) x \(train.cols)")
        }
        return Dataset(name: kind.displayName, kind: kind, train: train, test: test, classNames: kind.classNames)
    }

    /// `load(kind:folder:)` with the folder as a path.
    public static func load(kind: DatasetKind, folder: String) throws -> Dataset {
        try load(kind: kind, folder: URL(fileURLWithPath: folder))
    }

    /// One split: an images file and its labels file, which must agree on the count.
    public static func loadSplit(
        images: DatasetFile, labels: DatasetFile, kind: DatasetKind, folder: URL, classCount: Int
    ) throws -> LabeledImages {
        let imagesPath = try path(of: images, kind: kind, in: folder)
        let labelsPath = try path(of: labels, kind: kind, in: folder)
        let parsed = try IDX.readImages(atPath: imagesPath)
        let labelBytes = try IDX.readLabels(atPath: labelsPath, classCount: classCount)
        guard labelBytes.count == parsed.count else {
            throw DatasetError.countMismatch(
                imagesPath: imagesPath, imageCount: parsed.count, labelsPath: labelsPath, labelCount: labelBytes.count)
        }
        return LabeledImages(
            count: parsed.count, rows: parsed.rows, cols: parsed.cols,
            pixels: parsed.pixels, labels: labelBytes)
    }

    private static func path(of file: DatasetFile, kind: DatasetKind, in folder: URL) throws -> String {
        if let path = file.existingPath(in: folder) { return path }
        var isFolder: ObjCBool = false
        let folderExists =
            FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder) && isFolder.boolValue
        throw DatasetError.missingFile(
            folder: folder.path, name: file.rawName, folderExists: folderExists, hint: kind.howToGetFiles)
    }
}
