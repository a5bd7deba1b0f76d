// `tracer download`'s engine: fetch each of the four files from a list of mirrors, streaming it to a
// temporary file with a size cap, check the MD5 of its decompressed content, then rename it into
// place. No resuming of partial downloads, no progress bar.
import Foundation
import SafeIO

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Fetches a dataset's four files into a folder, verified, one file at a time.
///
/// ```swift
/// let folder = DataFolder.resolve(kind: .mnist, dataFlag: nil, forDownload: true)
/// let results = try Downloader(kind: .mnist).download(into: folder.url) { print($0) }
/// ```
///
/// For each file: a copy already in the folder (`.gz` or raw) whose content has the expected MD5
/// is kept; otherwise the mirrors are tried in order for `<mirror>/<name>.gz`, and the first
/// response whose decompressed content has the expected MD5 is written to a temporary file in
/// the folder and renamed into place. A bad response leaves nothing behind.
public struct Downloader: Sendable {
    /// What happened to one file.
    public enum Outcome: Sendable, Equatable {
        /// A valid copy was already there; nothing was fetched.
        case alreadyPresent(path: String)
        /// Fetched from `source` (`bytes` as transferred) and written to `path`.
        case downloaded(path: String, source: URL, bytes: Int)
    }

    /// Which dataset (decides the checksums and the default mirrors).
    public let kind: DatasetKind
    /// Base URLs tried in order; each must serve `<base>/<file>.gz`.
    public let mirrors: [URL]
    /// Seconds a request may wait for the next bytes before it counts as failed (a whole file may
    /// take 20 times as long, at least a minute).
    public let timeout: TimeInterval

    /// The most bytes a response body may have: a larger one (an endless body) is cut off there
    /// and counts as failed. The largest file of either dataset is 47 MB uncompressed.
    public let maximumBodyBytes: Int

    /// The default `maximumBodyBytes`: 64 MiB. URLSession may hold a few times what has arrived
    /// but not yet been handed on, so the cap also bounds the memory a download takes.
    public static let defaultMaximumBodyBytes = 64 << 20

    /// `mirrors` nil means `kind.standardMirrors`; a user's `--mirror` passes a one-element list.
    public init(
        kind: DatasetKind = .mnist, mirrors: [URL]? = nil, timeout: TimeInterval = 30,
        maximumBodyBytes: Int = Downloader.defaultMaximumBodyBytes
    ) {
        self.kind = kind
        self.mirrors = mirrors ?? kind.standardMirrors
        self.timeout = timeout
        self.maximumBodyBytes = maximumBodyBytes
    }

    /// Makes sure all four files are in `folder` (created if needed) with the right content.
    /// `progress` gets one human line per step. Throws `DatasetError` on the first file that
    /// cannot be had: the error of its only mirror, or `allMirrorsFailed` listing each mirror's.
    @discardableResult
    public func download(into folder: URL, progress: (String) -> Void = { _ in }) throws -> [DatasetFile: Outcome] {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw DatasetError.cannotWrite(path: folder.path, reason: reasonText(error))
        }
        var outcomes: [DatasetFile: Outcome] = [:]
        for file in DatasetFile.allCases {
            outcomes[file] = try fetchIfNeeded(file, into: folder, progress: progress)
        }
        return outcomes
    }

    private func fetchIfNeeded(_ file: DatasetFile, into folder: URL, progress: (String) -> Void) throws -> Outcome {
        guard let expected = kind.expectedMD5[file.rawName] else {
            preconditionFailure("no checksum for \(file.rawName)")
        }
        // A valid copy already there wins; an invalid one is replaced below.
        var staleCopy: String?
        if let existing = file.existingPath(in: folder) {
            // A pipe, device or folder under the file's name is not ours to replace or delete.
            do { _ = try RegularFile.size(existing) } catch {
                throw DatasetError.cannotWrite(path: existing, reason: error.reason + "; move it away first")
            }
            do {
                let actual = MD5.hex(of: try IDX.readAnyContents(atPath: existing))
                if actual == expected {
                    progress("\(existing): already present, checksum ok")
                    return .alreadyPresent(path: existing)
                }
                progress("\(existing): present but its MD5 is \(actual), not \(expected); fetching it again")
            } catch {
                progress("\(existing): present but unusable (\(reasonText(error))); fetching it again")
            }
            staleCopy = existing
        }

        var failures: [DatasetError] = []
        for mirror in mirrors {
            let url = mirror.appendingPathComponent(file.gzipName)
            progress("fetching \(url.absoluteString)")
            do {
                let destination = try fetchVerified(url, file: file, expectedMD5: expected, into: folder)
                if let staleCopy, staleCopy != destination.path {
                    // The stale copy would shadow the new one (or confuse a reader): it is known bad.
                    try? FileManager.default.removeItem(atPath: staleCopy)
                }
                progress("\(destination.path): downloaded \(destination.bytes) bytes, checksum ok")
                return .downloaded(path: destination.path, source: url, bytes: destination.bytes)
            } catch let error as DatasetError {
                progress("  failed: \(Self.shortReason(error))")
                failures.append(error)
            }
        }
        if failures.count == 1 { throw failures[0] }
        throw DatasetError.allMirrorsFailed(file: file.gzipName, attempts: failures.map(Self.shortReason))
    }

    /// Streams `url` to a temporary file in `folder`, checks the MD5 of its content, and renames it
    /// to the file's `.gz` name (its raw name when the body came uncompressed). Nothing is left
    /// behind when any step fails, or when the process is interrupted.
    private func fetchVerified(
        _ url: URL, file: DatasetFile, expectedMD5: String, into folder: URL
    ) throws -> (path: String, bytes: Int) {
        let gzipPath = folder.appendingPathComponent(file.gzipName).path
        let temporary: String
        do { temporary = try AtomicFile.beginTemporary(for: gzipPath) } catch {
            throw DatasetError.cannotWrite(path: error.path, reason: error.reason)
        }
        defer { AtomicFile.abandon(temporary) }
        let bytes = try fetch(url, to: temporary)
        let body = try DataFile.readBytes(atPath: temporary)
        let content = try DataFile.decompressIfGzip(body, path: url.absoluteString) {
            try IDX.declaredSizeOfAnyKind($0, path: url.absoluteString)
        }
        let actual = MD5.hex(of: content)
        guard actual == expectedMD5 else {
            throw DatasetError.checksumMismatch(source: url.absoluteString, expected: expectedMD5, actual: actual)
        }
        // Keep what was sent: compressed when it came compressed.
        let destination = DataFile.isGzip(body) ? gzipPath : folder.appendingPathComponent(file.rawName).path
        do { try AtomicFile.commit(temporary, to: destination) } catch {
            throw DatasetError.cannotWrite(path: error.path, reason: error.reason)
        }
        return (destination, bytes)
    }

    /// The body of a `GET url` in memory (at most `maximumBodyBytes`), or `DatasetError.network`
    /// naming the URL and the reason.
    public func fetch(_ url: URL) throws -> [UInt8] {
        let temporary = (NSTemporaryDirectory() as NSString).appendingPathComponent(
            "neuraltracer-fetch-\(getpid())-\(UUID().uuidString)")
        TemporaryFiles.register(temporary)
        defer { AtomicFile.abandon(temporary) }
        _ = try fetch(url, to: temporary)
        return try DataFile.readBytes(atPath: temporary)
    }

    /// Streams the body of a `GET url` into a new file at `path` and returns its size. Each piece
    /// is written as it arrives; the transfer is watched from here and cancelled once more than
    /// `maximumBodyBytes` have come (an endless body), so neither memory nor disk fills up.
    func fetch(_ url: URL, to path: String) throws -> Int {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw DatasetError.cannotWrite(path: path, reason: systemReason()) }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        // A mirror that trickles a byte now and then never trips the per-read timeout: the whole
        // transfer gets 20 times as long (10 minutes by default), and no longer.
        configuration.timeoutIntervalForResource = max(timeout * 20, 60)
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        let transfer = StreamingTransfer(descriptor: descriptor, limit: maximumBodyBytes)
        // Pieces still queued for the delegate must not be written once the descriptor is closed
        // (its number may by then belong to another file).
        defer {
            transfer.finish()
            close(descriptor)
        }
        let session = URLSession(configuration: configuration, delegate: transfer, delegateQueue: nil)
        defer { session.invalidateAndCancel() }
        let task = session.dataTask(with: URLRequest(url: url))
        task.resume()
        while transfer.done.wait(timeout: .now() + .milliseconds(10)) == .timedOut {
            if task.countOfBytesReceived > Int64(maximumBodyBytes) || transfer.stopped {
                task.cancel()
                _ = transfer.done.wait(timeout: .now() + .seconds(10))
                break
            }
        }
        let (received, writeFailure, error) = transfer.outcome()
        if let writeFailure { throw DatasetError.cannotWrite(path: path, reason: writeFailure) }
        if received > maximumBodyBytes || task.countOfBytesReceived > Int64(maximumBodyBytes) {
            throw DatasetError.network(
                url: url.absoluteString,
                reason: "the body is larger than \(maximumBodyBytes) bytes, more than any file of this dataset; stopped there")
        }
        if let http = task.response as? HTTPURLResponse, http.statusCode != 200 {
            let text = HTTPURLResponse.localizedString(forStatusCode: http.statusCode)
            throw DatasetError.network(
                url: url.absoluteString, reason: "the server answered HTTP \(http.statusCode) \(text)")
        }
        if let error {
            throw DatasetError.network(url: url.absoluteString, reason: networkReason(error, url: url))
        }
        guard received > 0 else {
            throw DatasetError.network(url: url.absoluteString, reason: "the server sent an empty body")
        }
        if fsync(descriptor) != 0 { throw DatasetError.cannotWrite(path: path, reason: systemReason()) }
        return received
    }

    /// One mirror's failure in a few words, for the list in `allMirrorsFailed`.
    static func shortReason(_ error: DatasetError) -> String {
        switch error {
        case .network(let url, let reason): "\(url): \(reason)"
        case .checksumMismatch(let source, let expected, let actual): "\(source): MD5 \(actual), expected \(expected)"
        case .truncated(let path, let detail): "\(path): truncated (\(detail))"
        case .corruptGzip(let path, let detail): "\(path): not valid gzip (\(detail))"
        default: error.description
        }
    }

    private func networkReason(_ error: Error, url: URL) -> String {
        guard let urlError = error as? URLError else { return reasonText(error) }
        let host = url.host ?? "the host"
        switch urlError.code {
        case .notConnectedToInternet: return "no network connection"
        case .cannotFindHost, .dnsLookupFailed:
            return "cannot resolve \(host) (no network, or no DNS)"
        case .cannotConnectToHost: return "cannot connect to \(host) (refused or unreachable; no network?)"
        case .timedOut: return "no answer from \(host) within \(Int(timeout)) s"
        case .networkConnectionLost: return "the connection to \(host) was lost"
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
            .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot:
            return "TLS with \(host) failed"
        case .unsupportedURL: return "unsupported URL (use http:// or https://)"
        default: return "network error \(urlError.code.rawValue) (\(urlError.localizedDescription))"
        }
    }
}

/// A data task's delegate: writes each piece of the body to `descriptor` as it arrives, stops
/// at an HTTP error status, past `limit` bytes or on a failed write, and signals `done` at the end.
private final class StreamingTransfer: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let done = DispatchSemaphore(value: 0)
    private let descriptor: Int32
    private let limit: Int
    private let lock = NSLock()
    private var received = 0
    private var writeFailure: String?
    private var error: Error?

    init(descriptor: Int32, limit: Int) {
        self.descriptor = descriptor
        self.limit = limit
    }

    private var finished = false

    /// No more writes: the caller is about to close the descriptor.
    func finish() { lock.withLock { finished = true } }

    /// True once the body is past the limit or could not be written: the watcher cancels.
    var stopped: Bool { lock.withLock { received > limit || writeFailure != nil } }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        let ok = (response as? HTTPURLResponse).map { $0.statusCode == 200 } ?? true
        completionHandler(ok ? .allow : .cancel)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.withLock {
            guard !finished, received <= limit, writeFailure == nil else { return }
            received += data.count
            guard received <= limit else { return }
            data.withUnsafeBytes { buffer in
                var written = 0
                while written < buffer.count {
                    let count = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                    if count < 0 {
                        if errno == EINTR { continue }
                        writeFailure = systemReason()
                        return
                    }
                    written += count
                }
            }
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        lock.withLock { self.error = error }
        done.signal()
    }

    func outcome() -> (received: Int, writeFailure: String?, error: Error?) {
        lock.withLock { (received, writeFailure, error) }
    }
}

/// A thrown error as one line: a `DatasetError`'s description, else the system's text.
func reasonText(_ error: Error) -> String {
    if let datasetError = error as? DatasetError { return datasetError.description }
    return (error as NSError).localizedDescription
}
