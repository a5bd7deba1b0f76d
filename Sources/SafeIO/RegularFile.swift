// Where data enters: opening a path for reading only when it is a regular file (never blocking on a
// named pipe, never reading a device), with a size cap, and saying what the path is when it is not.
// Parsing what was read is the callers' business.
import Foundation

/// Why a path could not be read or written, as a reason that completes "cannot read PATH: ...".
public struct FileProblem: Error, Equatable, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }

    /// The current `errno` as the system words it ("No such file or directory").
    static func system(_ path: String) -> FileProblem {
        FileProblem(path: path, reason: String(cString: strerror(errno)))
    }
}

/// What a file-type mode is, in words, for messages: "a named pipe (FIFO)", "a character device".
public func fileKindName(mode: mode_t) -> String {
    switch mode & S_IFMT {
    case S_IFREG: "a regular file"
    case S_IFDIR: "a folder"
    case S_IFIFO: "a named pipe (FIFO)"
    case S_IFCHR: "a character device"
    case S_IFBLK: "a block device"
    case S_IFSOCK: "a socket"
    case S_IFLNK: "a symbolic link"
    default: "not a regular file"
    }
}

/// Reading regular files only.
public enum RegularFile {
    /// The size of the regular file at `path` (following links), or a problem saying what is there
    /// instead: missing, a folder, a named pipe, a device.
    public static func size(_ path: String) throws(FileProblem) -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .system(path) }
        try requireRegular(info, path)
        return Int(info.st_size)
    }

    /// The whole content of the regular file at `path`, at most `limit` bytes (a larger file is an
    /// error, read not at all), or only its first `prefix` bytes. The file is opened without
    /// blocking, so a named pipe put where a file was expected is reported, not waited on.
    public static func read(_ path: String, limit: Int, prefix: Int? = nil) throws(FileProblem) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw .system(path) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .system(path) }
        try requireRegular(info, path)
        guard Int(info.st_size) <= limit else {
            throw FileProblem(path: path, reason: "it is \(info.st_size) bytes, more than the \(limit) bytes allowed here")
        }
        let size = min(Int(info.st_size), prefix ?? Int.max)
        var failure: FileProblem?
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = 0
            while count < size {
                let got = Foundation.read(descriptor, buffer.baseAddress! + count, size - count)
                if got < 0 {
                    if errno == EINTR { continue }
                    failure = .system(path)
                    return
                }
                if got == 0 { break }  // the file shrank while we read it: keep what is there
                count += got
            }
        }
        if let failure { throw failure }
        return bytes
    }

    static func requireRegular(_ info: stat, _ path: String) throws(FileProblem) {
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw FileProblem(path: path, reason: "it is \(fileKindName(mode: info.st_mode)), not a regular file")
        }
    }
}
