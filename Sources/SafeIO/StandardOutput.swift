// Standard output that cannot fail in silence: every write is flushed and checked, and at exit the
// stdio buffer (where `print` writes) is flushed and checked too. A failed write (a full disk, a
// closed file) ends the program with a one-line message on stderr and exit code 1.
@preconcurrency import Glibc
import Foundation

/// Checked writes to standard output.
///
/// ```swift
/// StandardOutput.checkAtExit()      // once, at start-up: covers every `print`
/// StandardOutput.write("done\n")    // written now, or exit 1 with a message
/// ```
public enum StandardOutput {
    /// Writes `text` to stdout (through the same stdio buffer as `print`, so the two keep their
    /// order) and flushes it; on failure, reports it and exits with code 1.
    public static func write(_ text: String) {
        if fputs(text, standardOutputStream) < 0 || fflush(standardOutputStream) != 0 { failAndExit(errno) }
    }

    /// Registers a check run at exit: flush stdout, and if anything written to it was lost, say so
    /// and end with exit code 1 instead of the code the program was about to return.
    public static func checkAtExit() {
        atexit(checkStandardOutput)
    }

    /// glibc's `stdout`, which never changes (the compiler cannot know that of a C global).
    nonisolated(unsafe) static let standardOutputStream = stdout

    private static func failAndExit(_ code: Int32) -> Never {
        report(code)
        _exit(1)  // not exit(): the check at exit would report the same failure again
    }

    static func report(_ code: Int32) {
        let message = "error: cannot write to standard output: \(String(cString: strerror(code)))\n"
        _ = message.withCString { Foundation.write(STDERR_FILENO, $0, strlen($0)) }
    }
}

/// The exit check: what `print` left in the buffer must reach its file, or the exit code says so.
private func checkStandardOutput() {
    let flushed = fflush(StandardOutput.standardOutputStream) == 0
    let reason = errno
    if !flushed || ferror(StandardOutput.standardOutputStream) != 0 {
        StandardOutput.report(flushed ? EIO : reason)
        _exit(1)
    }
}

/// Messages to standard error. A failure to write them is ignored: there is nowhere left to say so.
public enum StandardError {
    /// Writes `line` and a newline in one write.
    public static func writeLine(_ line: String) {
        let text = line + "\n"
        _ = text.withCString { Foundation.write(STDERR_FILENO, $0, strlen($0)) }
    }
}
