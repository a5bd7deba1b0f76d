// Writing a file so that nothing is lost: the new content goes to a hidden temporary file in the
// destination's folder and is renamed over it, through symbolic links to their target, never over a
// folder, pipe or device. Temporaries are removed on SIGINT/SIGTERM/SIGHUP, and those of processes
// that died (SIGKILL) are removed by the next write into the same folder. No locking between writers.
import Foundation

/// Atomic replacement of files.
///
/// ```swift
/// try AtomicFile.write(bytes, to: "output/model.bin")  // readers see the old file or the new one
/// ```
public enum AtomicFile {
    /// The longest file name the file systems here accept, in bytes.
    public static let maximumNameBytes = 255

    /// Checks, before any work is done, that `path` can be written: its folder exists, is a folder
    /// and is writable, its name is not too long, and what is there now (after following symbolic
    /// links) is nothing or a regular file. Returns the path that will really be replaced (the
    /// link's target for a link).
    @discardableResult
    public static func checkDestination(_ path: String) throws(FileProblem) -> String {
        guard !path.isEmpty else { throw FileProblem(path: path, reason: "an empty path names no file") }
        let target = try resolveLinks(path)
        let name = (target as NSString).lastPathComponent
        guard name.utf8.count <= maximumNameBytes else {
            throw FileProblem(
                path: path, reason: "the file name is \(name.utf8.count) bytes long, more than the \(maximumNameBytes) allowed")
        }
        let folder = folderOf(target)
        var info = stat()
        guard stat(folder, &info) == 0 else {
            if errno == ENOENT { throw FileProblem(path: path, reason: "the folder \(folder) does not exist") }
            if errno == ENOTDIR { throw FileProblem(path: path, reason: "a part of \(folder) is not a folder") }
            throw FileProblem(path: path, reason: "the folder \(folder): \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw FileProblem(path: path, reason: "\(folder) is \(fileKindName(mode: info.st_mode)), not a folder")
        }
        guard access(folder, W_OK) == 0 else {
            throw FileProblem(path: path, reason: "the folder \(folder) is not writable")
        }
        return target
    }

    /// Replaces `path` with `bytes`, flushed to disk before the rename.
    public static func write(_ bytes: [UInt8], to path: String) throws(FileProblem) {
        try replace(path) { temporary throws(FileProblem) in
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw .system(path) }
            var failure: FileProblem?
            bytes.withUnsafeBytes { buffer in
                var written = 0
                while written < buffer.count {
                    let count = Foundation.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                    if count < 0 {
                        if errno == EINTR { continue }
                        failure = .system(path)
                        return
                    }
                    written += count
                }
            }
            if failure == nil, fsync(descriptor) != 0 { failure = .system(path) }
            if close(descriptor) != 0, failure == nil { failure = .system(path) }
            if let failure { throw failure }
        }
    }

    /// Replaces `path` with a file that `body` writes at the temporary path it is given (for
    /// writers that want a path, like libpng). A throw from `body` leaves `path` as it was.
    public static func replace(
        _ path: String, writing body: (_ temporaryPath: String) throws(FileProblem) -> Void
    ) throws(FileProblem) {
        let temporary = try beginTemporary(for: path)
        defer { abandon(temporary) }
        try body(temporary)
        try commit(temporary, to: path)
    }

    /// The first half of `replace`, for writers that decide late where the file goes: checks
    /// `path` as `checkDestination` does, clears abandoned temporaries from its folder, and returns
    /// a fresh temporary path there, deleted if a signal ends the process. End with `commit` or
    /// `abandon` (both, as `replace` does, is fine).
    public static func beginTemporary(for path: String) throws(FileProblem) -> String {
        let target = try checkDestination(path)
        let folder = folderOf(target)
        removeAbandonedTemporaries(in: folder)
        let temporary = (folder as NSString).appendingPathComponent(
            temporaryName(for: (target as NSString).lastPathComponent, pid: getpid()))
        TemporaryFiles.register(temporary)
        unlink(temporary)  // only a leftover of an earlier process with our id can be there
        return temporary
    }

    /// Renames the finished `temporary` over `path` (over a link's target, never over anything but
    /// a regular file). A replaced file keeps its permissions.
    public static func commit(_ temporary: String, to path: String) throws(FileProblem) {
        let target = try checkDestination(path)
        var old = stat()
        if stat(target, &old) == 0 { chmod(temporary, old.st_mode & 0o7777) }
        guard rename(temporary, target) == 0 else { throw .system(path) }
        TemporaryFiles.unregister(temporary)
    }

    /// Deletes `temporary` if it is still there (after `commit` it is not) and forgets it.
    public static func abandon(_ temporary: String) {
        unlink(temporary)
        TemporaryFiles.unregister(temporary)
    }

    /// Creates the folder `path` and its parents when missing (like `mkdir -p`). A failure says
    /// which part is in the way and what it is ("out is a named pipe (FIFO), not a folder"), or
    /// gives the system's reason for the part that could not be made.
    public static func createFolder(_ path: String) throws(FileProblem) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
            if mkdir(prefix, 0o755) == 0 { continue }
            let reason = errno
            var info = stat()
            if stat(prefix, &info) == 0 {
                guard (info.st_mode & S_IFMT) == S_IFDIR else {
                    throw FileProblem(path: path, reason: "\(prefix) is \(fileKindName(mode: info.st_mode)), not a folder")
                }
                continue
            }
            throw FileProblem(path: path, reason: "\(prefix): \(String(cString: strerror(reason)))")
        }
    }

    /// `.NAME.tmp-PID`, with NAME shortened (at a character boundary) when the whole would be
    /// longer than a file name may be.
    static func temporaryName(for name: String, pid: pid_t) -> String {
        let suffix = ".tmp-\(pid)"
        let room = maximumNameBytes - 1 - suffix.utf8.count
        var kept = Substring(name)
        while kept.utf8.count > room { kept = kept.dropLast() }
        return "." + kept + suffix
    }

    /// Deletes `.NAME.tmp-PID` and `.NAME.partial-PID` files in `folder` whose process no longer
    /// exists (it was killed between writing and renaming). A running process's file stays.
    public static func removeAbandonedTemporaries(in folder: String) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for entry in entries where entry.hasPrefix(".") {
            guard let pid = abandonedOwner(of: entry), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlink((folder as NSString).appendingPathComponent(entry)) }
        }
    }

    /// The process id in a temporary's name (`.x.tmp-123`, `.x.partial-123`), nil for other names.
    static func abandonedOwner(of entry: String) -> pid_t? {
        for marker in [".tmp-", ".partial-"] {
            guard let range = entry.range(of: marker, options: .backwards), range.lowerBound > entry.startIndex
            else { continue }
            let digits = entry[range.upperBound...]
            if !digits.isEmpty, digits.allSatisfy(\.isASCII), let pid = pid_t(digits), pid > 0 { return pid }
        }
        return nil
    }

    /// `path` with every symbolic link along its last component followed, so a write replaces the
    /// link's target and leaves the link a link. What is there must be a regular file or nothing.
    static func resolveLinks(_ path: String) throws(FileProblem) -> String {
        var current = path
        for _ in 0..<40 {
            var info = stat()
            guard lstat(current, &info) == 0 else {
                if errno == ENOENT || errno == ENOTDIR { return current }  // a new file (the folder is checked later)
                throw .system(path)
            }
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                return current
            case S_IFLNK:
                var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                let count = readlink(current, &buffer, buffer.count - 1)
                guard count >= 0 else { throw .system(path) }
                let target = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                current = target.hasPrefix("/") ? target : (folderOf(current) as NSString).appendingPathComponent(target)
            default:
                let what = current == path ? "it" : "its link target \(current)"
                throw FileProblem(
                    path: path,
                    reason: "\(what) is \(fileKindName(mode: info.st_mode)), not a regular file, and is not replaced")
            }
        }
        throw FileProblem(path: path, reason: "too many levels of symbolic links")
    }

    static func folderOf(_ path: String) -> String {
        let parent = (path as NSString).deletingLastPathComponent
        return parent.isEmpty ? "." : parent
    }
}
