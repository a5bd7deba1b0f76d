// `Downloader` against HTTP servers on 127.0.0.1 that the tests start and stop themselves: the
// real files, a corrupted file, a mirror that is down. Nothing here reaches any other address.
import Datasets
import Foundation
import Testing

@Suite("Downloader")
struct DownloaderTests {
    @Test(
        "downloads the four MNIST files from a local mirror, after a mirror that 404s; a second run fetches nothing",
        .enabled(if: mnistFolder != nil, "MNIST_DIR is not set to the MNIST folder; skipping the download test"))
    func downloadsFromLocalMirror() throws {
        let server = try LocalHTTPServer(serving: mnistFolder!, under: "mnist")
        defer { server.stop() }
        let target = try makeTemporaryFolder()
        defer { removeTemporaryFolder(target) }
        // A stale, wrong copy is replaced.
        try write(idxLabels([1, 2, 3]), to: target, name: "train-labels-idx1-ubyte")
        // A temporary file left by a download that was killed (its process is gone) is cleared.
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        try Data([1, 2, 3]).write(
            to: target.appendingPathComponent(".train-images-idx3-ubyte.gz.partial-\(finished.processIdentifier)"))

        let mirrors = [
            server.baseURL.appendingPathComponent("missing/"), server.baseURL.appendingPathComponent("mnist/"),
        ]
        let downloader = Downloader(kind: .mnist, mirrors: mirrors, timeout: 10)
        var lines: [String] = []
        let outcomes = try downloader.download(into: target) { lines.append($0) }

        #expect(outcomes.count == 4)
        for (file, outcome) in outcomes {
            guard case .downloaded(let path, let source, _) = outcome else {
                Issue.record("\(file): \(outcome)")
                continue
            }
            #expect(path == target.appendingPathComponent(file.gzipName).path)
            #expect(source.absoluteString.contains("/mnist/"))
        }
        #expect(
            folderListing(target) == DatasetFile.allCases.map(\.gzipName).sorted(), "no temporary files, no stale copy")
        #expect(lines.contains { $0.contains("present but") }, "\(lines)")
        let mnist = try Dataset.load(kind: .mnist, folder: target)
        #expect(mnist.train.count == 60_000 && mnist.test.count == 10_000)

        let requestsBefore = server.requests.count
        let again = try downloader.download(into: target)
        #expect(again.values.allSatisfy { if case .alreadyPresent = $0 { true } else { false } })
        #expect(server.requests.count == requestsBefore, "nothing fetched the second time")
    }

    @Test("a corrupted file (valid gzip, wrong content; or not gzip at all) is a checksum error and leaves nothing")
    func corruptedFile() throws {
        let wrongButValidGzip = storedGzip(idxImages(count: 3))
        let notGzip = Array("<html>this is not MNIST</html>".utf8)
        for body in [wrongButValidGzip, notGzip] {
            let server = try LocalHTTPServer { _ in body }
            defer { server.stop() }
            let target = try makeTemporaryFolder()
            defer { removeTemporaryFolder(target) }

            let downloader = Downloader(kind: .mnist, mirrors: [server.baseURL], timeout: 10)
            let error = datasetError { try downloader.download(into: target) }
            guard case .checksumMismatch(let source, let expected, _) = error else {
                Issue.record("\(String(describing: error))")
                continue
            }
            #expect(source == server.baseURL.appendingPathComponent("train-images-idx3-ubyte.gz").absoluteString)
            #expect(expected == DatasetKind.mnist.expectedMD5["train-images-idx3-ubyte"])
            #expect(error!.description.contains(source) && !error!.description.contains("\n"))
            #expect(folderListing(target).isEmpty, "nothing left in place: \(folderListing(target))")
        }
    }

    @Test("a truncated gzip from the server is reported as truncated and leaves nothing")
    func truncatedDownload() throws {
        let whole = storedGzip(idxImages(count: 40))
        let server = try LocalHTTPServer { _ in Array(whole[0..<whole.count / 2]) }
        defer { server.stop() }
        let target = try makeTemporaryFolder()
        defer { removeTemporaryFolder(target) }
        let error = datasetError {
            try Downloader(kind: .mnist, mirrors: [server.baseURL], timeout: 10).download(into: target)
        }
        guard case .truncated = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(folderListing(target).isEmpty)
    }

    @Test("no server at the address: one line that names the URL and the reason")
    func noNetwork() throws {
        // A port that was free a moment ago: the server is stopped before the download starts.
        let server = try LocalHTTPServer { _ in nil }
        let deadURL = server.baseURL.appendingPathComponent("mnist/")
        server.stop()
        let target = try makeTemporaryFolder()
        defer { removeTemporaryFolder(target) }

        let single = datasetError {
            try Downloader(kind: .mnist, mirrors: [deadURL], timeout: 5).download(into: target)
        }
        guard case .network(let url, let reason) = single else {
            Issue.record("\(String(describing: single))")
            return
        }
        #expect(url == deadURL.appendingPathComponent("train-images-idx3-ubyte.gz").absoluteString)
        #expect(reason.contains("cannot connect"), "\(reason)")
        #expect(!single!.description.contains("\n"))

        let both = datasetError {
            try Downloader(kind: .mnist, mirrors: [deadURL, deadURL.appendingPathComponent("other/")], timeout: 5)
                .download(into: target)
        }
        guard case .allMirrorsFailed(let file, let attempts) = both else {
            Issue.record("\(String(describing: both))")
            return
        }
        #expect(file == "train-images-idx3-ubyte.gz" && attempts.count == 2)
        #expect(both!.description.contains("/other/") && !both!.description.contains("\n"))
        #expect(folderListing(target).isEmpty)
    }

    @Test("a 404 is named with its status")
    func notFound() throws {
        let server = try LocalHTTPServer { _ in nil }
        defer { server.stop() }
        let error = datasetError { _ = try Downloader(timeout: 5).fetch(server.baseURL.appendingPathComponent("x.gz")) }
        guard case .network(_, let reason) = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(reason.contains("404"), "\(reason)")
    }

    @Test("the standard mirrors are used when none are given, in order, and every file has a checksum")
    func standardMirrors() {
        for kind in DatasetKind.allCases {
            #expect(Downloader(kind: kind).mirrors == kind.standardMirrors && !kind.standardMirrors.isEmpty)
            #expect(Set(kind.expectedMD5.keys) == Set(DatasetFile.allCases.map(\.rawName)))
        }
        #expect(DatasetKind.mnist.standardMirrors.first?.host == "ossci-datasets.s3.amazonaws.com")
    }
}
