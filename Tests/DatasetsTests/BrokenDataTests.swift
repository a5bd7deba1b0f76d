// Broken data gives a clear, one-line, typed error that names the file: truncated gzip, corrupt
// gzip, wrong magic, bad sizes, counts that disagree, missing and empty files. Good data is in LoadingTests.
import Datasets
import Foundation
import Testing

@Suite("Broken data")
struct BrokenDataTests {
    /// A synthetic dataset folder where `name` is replaced by `bytes`; returns the load error.
    private func loadError(replacing name: String, with bytes: [UInt8], gzip: Bool = false) throws -> (
        DatasetError?, URL
    ) {
        let folder = try makeTemporaryFolder()
        try writeSyntheticDataset(to: folder, trainCount: 12, testCount: 5, gzip: gzip)
        try write(bytes, to: folder, name: name)
        return (datasetError { _ = try Dataset.load(kind: .mnist, folder: folder) }, folder)
    }

    /// The checks every message must pass: one line, the file named.
    private func expectOneLine(
        _ error: DatasetError?, naming path: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let text = error?.description ?? "(no error)"
        #expect(text.contains(path), "\(text)", sourceLocation: sourceLocation)
        #expect(!text.contains("\n"), "\(text)", sourceLocation: sourceLocation)
    }

    @Test("a truncated .gz (synthetic) is reported as truncated, wherever it is cut")
    func truncatedSyntheticGzip() throws {
        let whole = storedGzip(idxImages(count: 12))
        for keep in [12, 40, whole.count - 8, whole.count - 1] {
            let (error, folder) = try loadError(
                replacing: "train-images-idx3-ubyte.gz", with: Array(whole[0..<keep]), gzip: true)
            defer { removeTemporaryFolder(folder) }
            guard case .truncated = error else {
                Issue.record("keeping \(keep) of \(whole.count) bytes: \(String(describing: error))")
                continue
            }
            expectOneLine(error, naming: folder.appendingPathComponent("train-images-idx3-ubyte.gz").path)
        }
    }

    @Test(
        "the first bytes of a real MNIST .gz are reported as truncated",
        .enabled(if: mnistFolder != nil, "MNIST_DIR is not set to the MNIST folder; skipping the real-file test"))
    func truncatedRealGzip() throws {
        let real = try DataFile.readBytes(
            atPath: mnistFolder!.appendingPathComponent("train-labels-idx1-ubyte.gz").path)
        let (error, folder) = try loadError(
            replacing: "train-labels-idx1-ubyte.gz", with: Array(real[0..<real.count / 2]), gzip: true)
        defer { removeTemporaryFolder(folder) }
        guard case .truncated = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        expectOneLine(error, naming: "train-labels-idx1-ubyte.gz")
    }

    @Test("a damaged .gz (bad CRC) and junk after the gzip stream are corrupt gzip")
    func corruptGzip() throws {
        var damaged = storedGzip(idxLabels([1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2]))
        damaged[20] ^= 0x01  // a content byte of the stored block: the CRC no longer matches
        let withJunk = storedGzip(idxLabels([1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2])) + [0x00, 0x42]
        for bytes in [damaged, withJunk] {
            let (error, folder) = try loadError(replacing: "train-labels-idx1-ubyte.gz", with: bytes, gzip: true)
            defer { removeTemporaryFolder(folder) }
            guard case .corruptGzip = error else {
                Issue.record("\(String(describing: error))")
                continue
            }
            expectOneLine(error, naming: "train-labels-idx1-ubyte.gz")
        }
    }

    @Test("a labels file where images belong is a wrong magic number")
    func wrongMagic() throws {
        let (error, folder) = try loadError(replacing: "t10k-images-idx3-ubyte", with: idxLabels([1, 2, 3, 4, 5]))
        defer { removeTemporaryFolder(folder) }
        #expect(
            error
                == .wrongMagic(
                    path: folder.appendingPathComponent("t10k-images-idx3-ubyte").path, found: 0x801, expected: 0x803))
        #expect(error?.description.contains("0x00000801") == true)
        expectOneLine(error, naming: "t10k-images-idx3-ubyte")
    }

    @Test("image and label counts that disagree name both files")
    func countsDisagree() throws {
        let (error, folder) = try loadError(replacing: "train-labels-idx1-ubyte", with: idxLabels([1, 2, 3]))
        defer { removeTemporaryFolder(folder) }
        #expect(
            error
                == .countMismatch(
                    imagesPath: folder.appendingPathComponent("train-images-idx3-ubyte").path, imageCount: 12,
                    labelsPath: folder.appendingPathComponent("train-labels-idx1-ubyte").path, labelCount: 3))
        expectOneLine(error, naming: "train-labels-idx1-ubyte")
        expectOneLine(error, naming: "train-images-idx3-ubyte")
    }

    @Test("a missing file is named, with how to get it")
    func missingFile() throws {
        let folder = try makeTemporaryFolder()
        defer { removeTemporaryFolder(folder) }
        try writeSyntheticDataset(to: folder, gzip: true)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("t10k-labels-idx1-ubyte.gz"))
        let error = datasetError { _ = try Dataset.load(kind: .mnist, folder: folder) }
        guard case .missingFile(_, let name, let folderExists, _) = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(name == "t10k-labels-idx1-ubyte" && folderExists)
        expectOneLine(error, naming: folder.path)
        #expect(error!.description.contains("tracer download"))
        #expect(error!.description.contains("--data"))
    }

    @Test("a folder that does not exist says so; Fashion-MNIST's hint names Debian's package")
    func missingFolder() throws {
        let nowhere = URL(fileURLWithPath: "/nonexistent/neuraltracer-test-\(UUID().uuidString)")
        let error = datasetError { _ = try Dataset.load(kind: .fashion, folder: nowhere) }
        #expect(error?.description.contains("the folder does not exist") == true, "\(String(describing: error))")
        #expect(error?.description.contains("dataset-fashion-mnist") == true)
    }

    @Test("an empty file, raw or .gz, is reported as empty")
    func emptyFile() throws {
        for (name, gzip) in [("train-images-idx3-ubyte", false), ("train-images-idx3-ubyte.gz", true)] {
            let (error, folder) = try loadError(replacing: name, with: [], gzip: gzip)
            defer { removeTemporaryFolder(folder) }
            #expect(error == .emptyFile(path: folder.appendingPathComponent(name).path))
            expectOneLine(error, naming: name)
        }
    }

    @Test("a payload shorter than the header says is truncated; a longer one is trailing data")
    func payloadSize() throws {
        let short = Array(idxImages(count: 12).dropLast(5))
        let (shortError, folder1) = try loadError(replacing: "train-images-idx3-ubyte", with: short)
        defer { removeTemporaryFolder(folder1) }
        guard case .truncated = shortError else {
            Issue.record("\(String(describing: shortError))")
            return
        }

        let (longError, folder2) = try loadError(
            replacing: "train-images-idx3-ubyte", with: idxImages(count: 12) + [0, 0, 0])
        defer { removeTemporaryFolder(folder2) }
        #expect(
            longError
                == .trailingData(path: folder2.appendingPathComponent("train-images-idx3-ubyte").path, extraBytes: 3))

        let (headerError, folder3) = try loadError(replacing: "train-labels-idx1-ubyte", with: [0, 0, 8, 1, 0, 0])
        defer { removeTemporaryFolder(folder3) }
        guard case .truncated = headerError else {
            Issue.record("\(String(describing: headerError))")
            return
        }
    }

    @Test("zero-sized images and labels outside 0...9 are rejected")
    func badHeaderAndLabels() throws {
        let (zeroError, folder1) = try loadError(
            replacing: "t10k-images-idx3-ubyte", with: idxImages(count: 5, rows: 0, cols: 3))
        defer { removeTemporaryFolder(folder1) }
        guard case .badHeader = zeroError else {
            Issue.record("\(String(describing: zeroError))")
            return
        }

        let labels: [UInt8] = [0, 1, 2, 3, 10, 5, 6, 7, 8, 9, 0, 1]
        let (labelError, folder2) = try loadError(replacing: "train-labels-idx1-ubyte", with: idxLabels(labels))
        defer { removeTemporaryFolder(folder2) }
        #expect(
            labelError
                == .labelOutOfRange(
                    path: folder2.appendingPathComponent("train-labels-idx1-ubyte").path, index: 4, label: 10,
                    classCount: 10))
    }

    @Test("train and test images of different sizes are rejected")
    func shapesDisagree() throws {
        let (error, folder) = try loadError(
            replacing: "t10k-images-idx3-ubyte", with: idxImages(count: 5, rows: 3, cols: 2))
        defer { removeTemporaryFolder(folder) }
        guard case .badHeader = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        expectOneLine(error, naming: "t10k-images-idx3-ubyte")
    }

    @Test("a folder given as a file path is unreadable, not a crash")
    func folderAsFile() throws {
        let folder = try makeTemporaryFolder()
        defer { removeTemporaryFolder(folder) }
        let error = datasetError { _ = try DataFile.readContents(atPath: folder.path) }
        guard case .unreadable = error else {
            Issue.record("\(String(describing: error))")
            return
        }
    }
}
