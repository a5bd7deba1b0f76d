// `tracer download`'s engine: fetch each of the four files from a list of mirrors, check the MD5 of
// its decompressed content, then write it atomically. No resuming of partial downloads, no progress bar.
import Foundation

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
    /// Seconds a request may wait for the next bytes before it counts as failed.
    public let timeout: TimeInterval

    /// `mirrors` nil means `kind.standardMirrors`; a user's `--mirror` passes a one-element list.
    public init(kind: DatasetKind = .mnist, mirrors: [URL]? = nil, timeout: TimeInterval = 30) {
        self.kind = kind
        self.mirrors = mirrors ?? kind.standardMirrors
        self.timeout = timeout
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
            do {
                let actual = MD5.hex(of: try DataFile.readContents(atPath: existing))
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
                let body = try fetch(url)
                let content = try DataFile.decompressIfGzip(body, path: url.absoluteString)
                let actual = MD5.hex(of: content)
                guard actual == expected else {
                    throw DatasetError.checksumMismatch(source: url.absoluteString, expected: expected, actual: actual)
                }
                // Keep what was sent: compressed when it came compressed.
                let name = DataFile.isGzip(body) ? file.gzipName : file.rawName
                let destination = folder.appendingPathComponent(name).path
                try writeAtomically(body, to: destination)
                if let staleCopy, staleCopy != destination {
                    // The stale copy would shadow the new one (or confuse a reader): it is known bad.
                    try? FileManager.default.removeItem(atPath: staleCopy)
                }
                progress("\(destination): downloaded \(body.count) bytes, checksum ok")
                return .downloaded(path: destination, source: url, bytes: body.count)
            } catch let error as DatasetError {
                progress("  failed: \(Self.shortReason(error))")
                failures.append(error)
            }
        }
        if failures.count == 1 { throw failures[0] }
        throw DatasetError.allMirrorsFailed(file: file.gzipName, attempts: failures.map(Self.shortReason))
    }

    /// The body of a `GET url`, or `DatasetError.network` naming the URL and the reason.
    public func fetch(_ url: URL) throws -> [UInt8] {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = max(timeout, 600)
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }

        let result = FetchResult()
        let done = DispatchSemaphore(value: 0)
        let task = session.dataTask(with: URLRequest(url: url)) { data, response, error in
            result.store(data: data, response: response, error: error)
            done.signal()
        }
        task.resume()
        done.wait()

        let (data, response, error) = result.load()
        if let error {
            throw DatasetError.network(url: url.absoluteString, reason: networkReason(error, url: url))
        }
        if let http = response as? HTTPURLResponse, http.statusCode != 200 {
            let text = HTTPURLResponse.localizedString(forStatusCode: http.statusCode)
            throw DatasetError.network(
                url: url.absoluteString, reason: "the server answered HTTP \(http.statusCode) \(text)")
        }
        guard let data, !data.isEmpty else {
            throw DatasetError.network(url: url.absoluteString, reason: "the server sent an empty body")
        }
        return [UInt8](data)
    }

    /// Writes `bytes` to a hidden temporary file next to `path`, flushes it, and renames it onto
    /// `path`, so a reader sees the old file or the whole new one, never half of it.
    func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        Downloader.removeAbandonedPartials(of: name, in: folder)
        let temporary = (folder as NSString).appendingPathComponent(".\(name).partial-\(getpid())")
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if descriptor < 0 { throw DatasetError.cannotWrite(path: temporary, reason: systemReason()) }
        var failure: String?
        bytes.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let count = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = systemReason()
                    return
                }
                written += count
            }
        }
        if failure == nil, fsync(descriptor) != 0 { failure = systemReason() }
        if close(descriptor) != 0, failure == nil { failure = systemReason() }
        if failure == nil, rename(temporary, path) != 0 { failure = systemReason() }
        if let failure {
            unlink(temporary)
            throw DatasetError.cannotWrite(path: path, reason: failure)
        }
    }

    /// Deletes `.NAME.partial-PID` files left in `folder` by downloads that were killed between
    /// writing and renaming: those whose process no longer exists. A running download's file stays.
    static func removeAbandonedPartials(of name: String, in folder: String) {
        let prefix = ".\(name).partial-"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for entry in entries where entry.hasPrefix(prefix) {
            guard let pid = pid_t(entry.dropFirst(prefix.count)), pid > 0 else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlink((folder as NSString).appendingPathComponent(entry)) }
        }
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

/// The completion handler's results, handed from URLSession's queue to the waiting caller.
private final class FetchResult: @unchecked Sendable {
    private let lock = NSLock()
    private var data: Data?
    private var response: URLResponse?
    private var error: Error?

    func store(data: Data?, response: URLResponse?, error: Error?) {
        lock.lock()
        defer { lock.unlock() }
        (self.data, self.response, self.error) = (data, response, error)
    }

    func load() -> (Data?, URLResponse?, Error?) {
        lock.lock()
        defer { lock.unlock() }
        return (data, response, error)
    }
}

/// A thrown error as one line: a `DatasetError`'s description, else the system's text.
func reasonText(_ error: Error) -> String {
    if let datasetError = error as? DatasetError { return datasetError.description }
    return (error as NSError).localizedDescription
}
