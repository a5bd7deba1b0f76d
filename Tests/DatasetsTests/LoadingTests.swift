// Loading small synthetic datasets written by the test: raw and gzip files, the Float conversion,
// and which file wins when both forms are there. Broken files are in BrokenDataTests.
import Datasets
import Foundation
import Testing

@Suite("Loading synthetic datasets")
struct LoadingTests {
    @Test("raw and gzip folders load to the same values", arguments: [false, true])
    func loadsBothForms(gzip: Bool) throws {
        let folder = try makeTemporaryFolder()
        defer { removeTemporaryFolder(folder) }
        try writeSyntheticDataset(to: folder, trainCount: 12, testCount: 5, gzip: gzip)

        let dataset = try Dataset.load(kind: .mnist, folder: folder)
        #expect(dataset.name == "MNIST")
        #expect(dataset.classNames == ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"])
        #expect((dataset.train.count, dataset.train.rows, dataset.train.cols) == (12, 2, 3))
        #expect(dataset.test.count == 5)
        #expect(dataset.train.pixels == (0..<72).map { UInt8(truncatingIfNeeded: $0 * 7) })
        #expect(dataset.train.labels == (0..<12).map { UInt8($0 % 10) })
        #expect(dataset.test.labels == [3, 4, 5, 6, 7])
        #expect(Array(dataset.train.image(at: 1)) == [42, 49, 56, 63, 70, 77])
    }

    @Test("a gzip file is recognised by its magic bytes, not its name")
    func gzipByMagic() throws {
        let folder = try makeTemporaryFolder()
        defer { removeTemporaryFolder(folder) }
        let labels = idxLabels([1, 2, 3])
        // Compressed content under the raw name, and raw content under the .gz name.
        try write(storedGzip(labels), to: folder, name: "compressed-without-suffix")
        try write(labels, to: folder, name: "plain.gz")
        for name in ["compressed-without-suffix", "plain.gz"] {
            let content = try DataFile.readContents(atPath: folder.appendingPathComponent(name).path)
            #expect(content == labels, "\(name)")
        }
    }

    @Test("several gzip members one after another read as one stream")
    func multiMemberGzip() throws {
        let folder = try makeTemporaryFolder()
        defer { removeTemporaryFolder(folder) }
        let labels = idxLabels([4, 5, 6, 7])
        try write(storedGzip(Array(labels[0..<5])) + storedGzip(Array(labels[5...])), to: folder, name: "two.gz")
        #expect(try DataFile.readContents(atPath: folder.appendingPathComponent("two.gz").path) == labels)
    }

    @Test("with both forms in the folder, the .gz one is read")
    func gzipWins() throws {
        let folder = try makeTemporaryFolder()
        defer { removeTemporaryFolder(folder) }
        try writeSyntheticDataset(to: folder, trainCount: 12, testCount: 5, gzip: true)
        try write(idxLabels([UInt8](repeating: 9, count: 12)), to: folder, name: "train-labels-idx1-ubyte")
        let dataset = try Dataset.load(kind: .mnist, folder: folder.path)
        #expect(dataset.train.labels == (0..<12).map { UInt8($0 % 10) })
    }

    @Test("copyFloats writes byte / 255 for the chosen images, in their order")
    func copyFloats() throws {
        let pixels: [UInt8] = [0, 255, 51, 102, 1, 2, 3, 4, 200, 100, 50, 25]  // three 2 x 2 images
        let images = LabeledImages(count: 3, rows: 2, cols: 2, pixels: pixels, labels: [0, 1, 2])
        var batch = [Float](repeating: -1, count: 10)  // room for two images, and two spare
        images.copyFloats(indices: [2, 0], into: &batch)
        let expected: [Float] = [200, 100, 50, 25, 0, 255, 51, 102].map { Float($0) / 255 }
        #expect(Array(batch[0..<8]) == expected)
        #expect(Array(batch[8...]) == [-1, -1], "nothing written past the batch")

        images.copyFloats(indices: 1..<3, into: &batch)
        #expect(batch[0] == Float(1) / 255 && batch[7] == Float(25) / 255)
        #expect(batch.allSatisfy { $0 >= -1 && $0 <= 1 })
    }

    @Test("prefix keeps the first images and their labels")
    func prefix() throws {
        let images = LabeledImages(count: 3, rows: 1, cols: 2, pixels: [1, 2, 3, 4, 5, 6], labels: [7, 8, 9])
        let firstTwo = images.prefix(2)
        #expect(firstTwo.count == 2 && firstTwo.pixels == [1, 2, 3, 4] && firstTwo.labels == [7, 8])
        #expect(images.prefix(10).count == 3)
    }
}
