// The loader on the real files: MNIST from $MNIST_DIR (skipped, visibly, when it is not set) and
// Fashion-MNIST from Debian's package folder (skipped when the package is not installed).
import Datasets
import Foundation
import Testing

@Suite("Real MNIST and Fashion-MNIST files")
struct MNISTTests {
    // Skips rather than fails without the data: CI sets MNIST_DIR, a bare checkout may not have it.
    @Test(
        "MNIST: 60,000 + 10,000 images of 28 x 28, first labels 5 0 4 1 9",
        .enabled(if: mnistFolder != nil, "MNIST_DIR is not set to the MNIST folder; skipping the real-data test"))
    func loadsMNIST() throws {
        let mnist = try Dataset.load(kind: .mnist, folder: mnistFolder!)
        #expect(mnist.train.count == 60_000 && mnist.test.count == 10_000)
        #expect((mnist.train.rows, mnist.train.cols) == (28, 28))
        #expect(mnist.train.pixels.count == 60_000 * 784 && mnist.test.pixels.count == 10_000 * 784)
        #expect(Array(mnist.train.labels.prefix(5)) == [5, 0, 4, 1, 9])
        #expect(Array(mnist.test.labels.prefix(5)) == [7, 2, 1, 0, 4])
        // Every class is there, in roughly equal shares (each between 5,400 and 6,800 in training).
        var perClass = [Int](repeating: 0, count: 10)
        for label in mnist.train.labels { perClass[Int(label)] += 1 }
        #expect(perClass.allSatisfy { (5_400...6_800).contains($0) }, "\(perClass)")

        var batch = [Float](repeating: 0, count: 2 * 784)
        mnist.train.copyFloats(indices: 0..<2, into: &batch)
        #expect(batch.allSatisfy { (0...1).contains($0) } && batch.contains(1) && batch.contains(0))
    }

    @Test(
        "MNIST: the decompressed files have the MD5 sums of MD5SUMS and of the built-in table",
        .enabled(if: mnistFolder != nil, "MNIST_DIR is not set to the MNIST folder; skipping the real-data test"))
    func checksums() throws {
        // MD5SUMS lines: "<32 hex>  <name>"; comment lines start with '#'.
        let sumsText = try String(contentsOf: mnistFolder!.appendingPathComponent("MD5SUMS"), encoding: .utf8)
        var listed: [String: String] = [:]
        for line in sumsText.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count == 2 { listed[String(fields[1])] = String(fields[0]) }
        }
        #expect(listed == DatasetKind.mnist.expectedMD5)
        for file in DatasetFile.allCases {
            let path = try #require(file.existingPath(in: mnistFolder!))
            #expect(MD5.hex(of: try DataFile.readContents(atPath: path)) == listed[file.rawName], "\(path)")
        }
    }

    @Test(
        "Fashion-MNIST from Debian's package: sizes, class names, checksums",
        .enabled(
            if: FileManager.default.fileExists(atPath: DataFolder.debianFashionFolder),
            "Debian's dataset-fashion-mnist is not installed; skipping the Fashion-MNIST test"))
    func loadsFashion() throws {
        let folder = DataFolder.resolve(kind: .fashion, dataFlag: nil)
        #expect(folder.source == .systemPackage)
        let fashion = try Dataset.load(kind: .fashion, folder: folder.url)
        #expect(fashion.name == "Fashion-MNIST")
        #expect(fashion.train.count == 60_000 && fashion.test.count == 10_000)
        #expect(fashion.classNames.count == 10 && fashion.classNames[9] == "Ankle boot")
        for file in DatasetFile.allCases {
            let path = try #require(file.existingPath(in: folder.url))
            #expect(
                MD5.hex(of: try DataFile.readContents(atPath: path)) == DatasetKind.fashion.expectedMD5[file.rawName])
        }
    }
}
