// The temporary files being written right now, and a signal handler that deletes them when the
// process is interrupted (SIGINT, SIGTERM, SIGHUP), then dies of the signal as it would have.
// SIGKILL cannot be caught: `AtomicFile.removeAbandonedTemporaries` cleans up after it instead.
import Foundation

/// The registry the signal handler reads. Paths live in fixed C buffers, written before their
/// slot is marked in use, so the handler needs nothing but `unlink` (async-signal-safe).
public enum TemporaryFiles {
    static let slotCount = 16
    static let slotBytes = Int(PATH_MAX) + 1

    /// Marks `path` for deletion if a signal ends the process before `unregister`. With every slot
    /// in use (never, with one write at a time) the path is simply not covered.
    public static func register(_ path: String) {
        let table = cleanupTable
        lock.lock()
        defer { lock.unlock() }
        installHandlersOnce()
        let bytes = Array(path.utf8)
        guard bytes.count < slotBytes, let slot = (0..<slotCount).first(where: { table.inUse[$0] == 0 }) else { return }
        let start = table.paths + slot * slotBytes
        for (i, byte) in bytes.enumerated() { start[i] = CChar(bitPattern: byte) }
        start[bytes.count] = 0
        table.inUse[slot] = 1
    }

    /// `path` is renamed or deleted: a signal no longer needs to delete it.
    public static func unregister(_ path: String) {
        let table = cleanupTable
        lock.lock()
        defer { lock.unlock() }
        for slot in 0..<slotCount where table.inUse[slot] != 0 {
            if String(cString: table.paths + slot * slotBytes) == path { table.inUse[slot] = 0 }
        }
    }

    /// The paths now registered (for tests).
    public static var registered: [String] {
        let table = cleanupTable
        lock.lock()
        defer { lock.unlock() }
        return (0..<slotCount).filter { table.inUse[$0] != 0 }.map { String(cString: table.paths + $0 * slotBytes) }
    }

    nonisolated(unsafe) private static var installed = false
    private static let lock = NSLock()

    /// Installs the handler for each signal whose action is still the default (a signal the
    /// parent chose to ignore, as `nohup` does, stays ignored).
    private static func installHandlersOnce() {
        guard !installed else { return }
        installed = true
        for signal in [SIGINT, SIGTERM, SIGHUP] {
            var old = sigaction()
            guard sigaction(signal, nil, &old) == 0,
                unsafeBitCast(old.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(SIG_DFL, to: Int.self)
            else { continue }
            var action = sigaction()
            action.__sigaction_handler.sa_handler = removeTemporariesAndDie
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(signal, &action, nil)
        }
    }
}

/// The slots: `slotCount` paths of `slotBytes` bytes each, and a flag per slot.
final class CleanupTable: @unchecked Sendable {
    let paths = UnsafeMutablePointer<CChar>.allocate(capacity: TemporaryFiles.slotCount * TemporaryFiles.slotBytes)
    let inUse = UnsafeMutablePointer<sig_atomic_t>.allocate(capacity: TemporaryFiles.slotCount)

    init() { inUse.initialize(repeating: 0, count: TemporaryFiles.slotCount) }
}

/// Created on the first `register`, before any handler is installed, so the handler only ever
/// reads an initialised global.
private let cleanupTable = CleanupTable()

/// The signal handler: unlink every registered path, restore the default action and raise the
/// signal again (it is delivered when the handler returns), so the exit status says "killed by".
private func removeTemporariesAndDie(_ signal: Int32) {
    let table = cleanupTable
    var slot = 0
    while slot < TemporaryFiles.slotCount {
        if table.inUse[slot] != 0 { unlink(table.paths + slot * TemporaryFiles.slotBytes) }
        slot += 1
    }
    Foundation.signal(signal, SIG_DFL)
    raise(signal)
}
