// Data files made to hurt: gzip bombs (made here with the system's gzip), headers that declare more
// than any dataset, named pipes and device links in the data folder, endless bodies from a mirror.
// Each must end in a one-line DatasetError, quickly, in bounded memory, leaving nothing behind.
import Datasets
import Foundation
import Testing

/// `header` followed by `zeros` zero bytes, gzip-compressed by the system's gzip (a bomb: a few
/// hundred kilobytes that inflate to `zeros` bytes).
func gzipBomb(header: [UInt8], zeros: Int, to path: String) throws {
    try Data(header).write(to: URL(fileURLWithPath: path + ".head"))
    let shell = Process()
    shell.executableURL = URL(fileURLWithPath: "/bin/sh")
    shell.arguments = ["-c", "(cat \"$0.head\"; head -c \(zeros) /dev/zero) | gzip -1 > \"$0\"", path]
    try shell.run()
    shell.waitUntilExit()
    try FileManager.default.removeItem(atPath: path + ".head")
    #expect(shell.terminationStatus == 0)
}

/// The largest resident size this process has had, in bytes.
func peakResidentBytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss * 1024
}

@Suite("Hostile data files")
struct HostileDataTests {
    @Test("a gzip bomb of labels stops at the size its header declares, in bounded memory")
    func labelsBomb() throws {
        let folder = try makeTemporaryFolder()
        defer { removeTemporaryFolder(folder) }
        let path = folder.appendingPathComponent("train-labels-idx1-ubyte.gz").path
        try gzipBomb(header: bigEndian(0x801) + bigEndian(10), zeros: 400 << 20, to: path)
        let compressed = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        #expect(compressed < 2 << 20, "the bomb is small: \(compressed) bytes")
        let before = peakResidentBytes()
        let started = Date()
        let error = datasetError { _ = try IDX.readLabels(atPath: path) }
        guard case .oversized(let errorPath, let detail) = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(errorPath == path && detail.contains("18 bytes its header declares"), "\(detail)")
        #expect(peakResidentBytes() - before < 64 << 20, "inflating stopped early")
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(!error!.description.contains("\n"))
    }

    @Test("a gzip bomb with a plausible MNIST header stops soon after the 47 MB it declares")
    func imagesBomb() throws {
        let folder = try makeTemporaryFolder()
        defer { removeTemporaryFolder(folder) }
        let path = folder.appendingPathComponent("t.gz").path
        let header = bigEndian(0x803) + bigEndian(60_000) + bigEndian(28) + bigEndian(28)
        try gzipBomb(header: header, zeros: 400 << 20, to: path)
        let before = peakResidentBytes()
        let error = datasetError { _ = try IDX.readImages(atPath: path) }
        guard case .oversized = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(peakResidentBytes() - before < 128 << 20)
        // Without a header to go by, the general limit stops it.
        let checksumRead = datasetError { _ = try DataFile.readContents(atPath: path) }
        guard case .oversized(_, let detail) = checksumRead else {
            Issue.record("\(String(describing: checksumRead))")
            return
        }
        #expect(detail.contains("more than \(DataFile.maximumBytes) bytes"))
    }

    @Test("an uncompressed file far longer than its header declares is refused unread")
    func rawOversized() throws {
        let folder = try makeTemporaryFolder()
        defer { removeTemporaryFolder(folder) }
        let path = folder.appendingPathComponent("labels").path
        try Data(idxLabels([1, 2, 3])).write(to: URL(fileURLWithPath: path))
        #expect(truncate(path, 100 << 20) == 0)  // sparse: 100 MiB of zeros after three labels
        let before = peakResidentBytes()
        let error = datasetError { _ = try IDX.readLabels(atPath: path) }
        #expect(error == .oversized(path: path, detail: "it is \(100 << 20) bytes, longer than the 11 bytes its header declares"))
        #expect(peakResidentBytes() - before < 32 << 20)
        // A little trailing data is still counted exactly.
        #expect(truncate(path, 11 + 5) == 0)
        #expect(datasetError { _ = try IDX.readLabels(atPath: path) } == .trailingData(path: path, extraBytes: 5))
    }

    @Test("a header that declares more than any dataset is refused before its payload is read")
    func hugeHeader() throws {
        let folder = try makeTemporaryFolder()
        defer { removeTemporaryFolder(folder) }
        let path = folder.appendingPathComponent("i.gz").path
        try gzipBomb(header: bigEndian(0x803) + bigEndian(4_000_000_000) + bigEndian(28) + bigEndian(28), zeros: 16, to: path)
        let error = datasetError { _ = try IDX.readImages(atPath: path) }
        guard case .badHeader(_, let detail) = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(detail.contains("declare more than"), "\(detail)")
        // Images a network could not take as input (a million pixels each) are refused as well.
        try write(storedGzip(bigEndian(0x803) + bigEndian(1) + bigEndian(1000) + bigEndian(1000)), to: folder, name: "w.gz")
        let wide = datasetError { _ = try IDX.readImages(atPath: folder.appendingPathComponent("w.gz").path) }
        guard case .badHeader(_, let wideDetail) = wide else {
            Issue.record("\(String(describing: wide))")
            return
        }
        #expect(wideDetail.contains("up to \(IDX.maximumSide) x \(IDX.maximumSide)"), "\(wideDetail)")
        // A small file with the right header still reads.
        try write(storedGzip(idxLabels([1, 2, 3])), to: folder, name: "l.gz")
        #expect(try IDX.readLabels(atPath: folder.appendingPathComponent("l.gz").path, classCount: 10) == [1, 2, 3])
    }

    @Test("a named pipe in the data folder is reported at once, not waited on")
    func namedPipe() throws {
        let folder = try makeTemporaryFolder()
        defer { removeTemporaryFolder(folder) }
        try writeSyntheticDataset(to: folder)
        let images = folder.appendingPathComponent("train-images-idx3-ubyte").path
        try FileManager.default.removeItem(atPath: images)
        #expect(mkfifo(images, 0o644) == 0)
        let started = Date()
        let error = datasetError { _ = try Dataset.load(kind: .mnist, folder: folder) }
        #expect(error == .unreadable(path: images, reason: "it is a named pipe (FIFO), not a regular file"))
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test("a link to /dev/urandom is a character device, not an empty file")
    func deviceLink() throws {
        let folder = try makeTemporaryFolder()
        defer { removeTemporaryFolder(folder) }
        try writeSyntheticDataset(to: folder)
        let labels = folder.appendingPathComponent("t10k-labels-idx1-ubyte").path
        try FileManager.default.removeItem(atPath: labels)
        try FileManager.default.createSymbolicLink(atPath: labels, withDestinationPath: "/dev/urandom")
        let error = datasetError { _ = try Dataset.load(kind: .mnist, folder: folder) }
        #expect(error == .unreadable(path: labels, reason: "it is a character device, not a regular file"))
        #expect(error?.description.contains("empty") == false)
    }
}

@Suite("Hostile mirrors")
struct HostileMirrorTests {
    @Test("a body larger than the cap is cut off there; nothing is left in the folder")
    func endlessBody() throws {
        let body = [UInt8](repeating: 7, count: 3 << 20)
        let server = try LocalHTTPServer { _ in body }
        defer { server.stop() }
        let target = try makeTemporaryFolder()
        defer { removeTemporaryFolder(target) }
        let downloader = Downloader(kind: .mnist, mirrors: [server.baseURL], timeout: 10, maximumBodyBytes: 1 << 20)
        let error = datasetError { try downloader.download(into: target) }
        guard case .network(_, let reason) = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(reason.contains("larger than \(1 << 20) bytes"), "\(reason)")
        #expect(folderListing(target).isEmpty)
    }

    @Test("a gzip bomb from a mirror is stopped at its declared size; nothing is kept")
    func bombFromMirror() throws {
        let folder = try makeTemporaryFolder()
        defer { removeTemporaryFolder(folder) }
        let bombPath = folder.appendingPathComponent("bomb.gz").path
        try gzipBomb(header: bigEndian(0x803) + bigEndian(10) + bigEndian(28) + bigEndian(28), zeros: 300 << 20, to: bombPath)
        let bomb = try [UInt8](Data(contentsOf: URL(fileURLWithPath: bombPath)))
        let server = try LocalHTTPServer { _ in bomb }
        defer { server.stop() }
        let target = try makeTemporaryFolder()
        defer { removeTemporaryFolder(target) }
        let before = peakResidentBytes()
        let error = datasetError { try Downloader(kind: .mnist, mirrors: [server.baseURL], timeout: 10).download(into: target) }
        guard case .oversized = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(peakResidentBytes() - before < 64 << 20)
        #expect(folderListing(target).isEmpty)
    }

    @Test("a named pipe where a file should go is refused before fetching, and left alone")
    func pipeInFolder() throws {
        let server = try LocalHTTPServer { _ in [1, 2, 3] }
        defer { server.stop() }
        let target = try makeTemporaryFolder()
        defer { removeTemporaryFolder(target) }
        let pipe = target.appendingPathComponent("train-images-idx3-ubyte").path
        #expect(mkfifo(pipe, 0o644) == 0)
        let error = datasetError { try Downloader(kind: .mnist, mirrors: [server.baseURL], timeout: 5).download(into: target) }
        guard case .cannotWrite(let path, let reason) = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(path == pipe && reason.contains("named pipe"), "\(reason)")
        #expect(server.requests.isEmpty)
        #expect(folderListing(target) == ["train-images-idx3-ubyte"])
    }
}
