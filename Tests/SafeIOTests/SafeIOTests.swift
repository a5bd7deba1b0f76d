// SafeIO against what a hostile user puts where a file is expected: named pipes, devices, links to
// devices, links to files, folders, huge files, names at the length limit, and temporaries left by
// processes that were killed. The signal handler is tested end to end in TracerCLITests.
import Foundation
import SafeIO
import Testing

/// A fresh folder under the system's temporary folder; the caller removes it.
func makeFolder() throws -> String {
    let path = NSTemporaryDirectory() + "safeio-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func listing(_ folder: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
}

/// The id of a process that has ended (so no live process has it, barring reuse).
func deadProcessID() throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/true")
    try process.run()
    process.waitUntilExit()
    return process.processIdentifier
}

@Suite("Reading regular files only")
struct RegularFileTests {
    @Test("a named pipe is named, not waited on")
    func namedPipe() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fifo = folder + "/data"
        #expect(mkfifo(fifo, 0o644) == 0)
        let started = Date()
        #expect(throws: FileProblem(path: fifo, reason: "it is a named pipe (FIFO), not a regular file")) {
            try RegularFile.read(fifo, limit: 100)
        }
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(throws: FileProblem.self) { try RegularFile.size(fifo) }
    }

    @Test("devices, links to devices and folders are named as what they are")
    func devicesAndFolders() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let link = folder + "/idx"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/dev/urandom")
        for (path, kind) in [("/dev/zero", "a character device"), (link, "a character device"), (folder, "a folder")] {
            do {
                _ = try RegularFile.read(path, limit: 100)
                Issue.record("\(path) was read")
            } catch {
                #expect(error.reason == "it is \(kind), not a regular file", "\(path)")
            }
        }
    }

    @Test("a file over the limit is refused without being read; one at the limit is read whole")
    func sizeLimit() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/f"
        try Data([1, 2, 3, 4]).write(to: URL(fileURLWithPath: path))
        #expect(try RegularFile.read(path, limit: 4) == [1, 2, 3, 4])
        #expect(throws: FileProblem.self) { try RegularFile.read(path, limit: 3) }
        #expect(throws: FileProblem.self) { try RegularFile.read(folder + "/missing", limit: 3) }
    }
}

@Suite("Atomic writes")
struct AtomicFileTests {
    @Test("a write through a symbolic link replaces the link's target and keeps the link")
    func throughLink() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/real", withIntermediateDirectories: true)
        try Data([9]).write(to: URL(fileURLWithPath: folder + "/real/model.bin"))
        try FileManager.default.createSymbolicLink(atPath: folder + "/model.bin", withDestinationPath: "real/model.bin")
        try AtomicFile.write([1, 2, 3], to: folder + "/model.bin")
        let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/model.bin")
        #expect(attributes[.type] as? FileAttributeType == .typeSymbolicLink)
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder + "/real/model.bin"))) == [1, 2, 3])
        #expect(listing(folder) == ["model.bin", "real"])
        #expect(listing(folder + "/real") == ["model.bin"])
    }

    @Test("a dangling link gets its target created")
    func danglingLink() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createSymbolicLink(atPath: folder + "/out", withDestinationPath: folder + "/target")
        try AtomicFile.write([7], to: folder + "/out")
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder + "/target"))) == [7])
    }

    @Test("a pipe, a device or a folder at the destination (or behind a link) is refused and left alone")
    func refusesNonRegular() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(mkfifo(folder + "/pipe", 0o644) == 0)
        try FileManager.default.createSymbolicLink(atPath: folder + "/null", withDestinationPath: "/dev/null")
        try FileManager.default.createDirectory(atPath: folder + "/dir", withIntermediateDirectories: true)
        for (name, kind) in [("pipe", "a named pipe (FIFO)"), ("null", "a character device"), ("dir", "a folder")] {
            do {
                try AtomicFile.write([1], to: folder + "/" + name)
                Issue.record("\(name) was replaced")
            } catch {
                #expect(error.reason.contains(kind), "\(error)")
                #expect(error.reason.contains("not a regular file"), "\(error)")
            }
        }
        var info = stat()
        #expect(stat(folder + "/pipe", &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO)
        #expect(stat("/dev/null", &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR)
        #expect(listing(folder) == ["dir", "null", "pipe"], "no temporary left")
    }

    @Test("a missing or unwritable folder is found by checkDestination, before any work")
    func destinationCheck() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(throws: FileProblem(path: folder + "/no/model.bin", reason: "the folder \(folder)/no does not exist")) {
            try AtomicFile.checkDestination(folder + "/no/model.bin")
        }
        try Data([1]).write(to: URL(fileURLWithPath: folder + "/file"))
        #expect(throws: FileProblem.self) { try AtomicFile.checkDestination(folder + "/file/model.bin") }
        #expect(try AtomicFile.checkDestination(folder + "/model.bin") == folder + "/model.bin")
        #expect(listing(folder) == ["file"])
    }

    @Test("a 250-byte name is written; its temporary name stays within 255 bytes")
    func longNames() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let name = String(repeating: "é", count: 123) + "x.png"  // 251 bytes
        try AtomicFile.write([1], to: folder + "/" + name)
        #expect(listing(folder) == [name])
        try AtomicFile.replace(folder + "/" + name) { temporary in
            let temporaryName = (temporary as NSString).lastPathComponent
            #expect(temporaryName.utf8.count <= 255)
            #expect(temporaryName.hasPrefix(".") && temporaryName.hasSuffix(".tmp-\(getpid())"))
            #expect(FileManager.default.createFile(atPath: temporary, contents: Data([2])))
        }
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))) == [2])
        let tooLong = String(repeating: "a", count: 256)
        #expect(throws: FileProblem.self) { try AtomicFile.write([1], to: folder + "/" + tooLong) }
    }

    @Test("a failed write leaves the old file whole and no temporary")
    func failedWrite() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try AtomicFile.write([1, 2], to: folder + "/f")
        #expect(throws: FileProblem.self) {
            try AtomicFile.replace(folder + "/f") { temporary throws(FileProblem) in
                _ = FileManager.default.createFile(atPath: temporary, contents: Data([3]))
                #expect(TemporaryFiles.registered.contains(temporary), "covered by the signal handler while written")
                throw FileProblem(path: temporary, reason: "disk full")
            }
        }
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder + "/f"))) == [1, 2])
        #expect(listing(folder) == ["f"])
        #expect(TemporaryFiles.registered.isEmpty)
    }

    @Test("temporaries of dead processes are removed by the next write; a live process's stay")
    func abandonedTemporaries() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let dead = try deadProcessID()
        let stale = [".model.bin.tmp-\(dead)", ".weights.png.tmp-\(dead)", ".t.gz.partial-\(dead)"]
        let kept = [".model.bin.tmp-1", ".notes.tmp-x", "other.tmp-\(dead)"]  // pid 1 lives; not ours
        for name in stale + kept { _ = FileManager.default.createFile(atPath: folder + "/" + name, contents: Data([1])) }
        try AtomicFile.write([1], to: folder + "/model.bin")
        #expect(listing(folder) == (kept + ["model.bin"]).sorted())
    }

    @Test("createFolder makes parents, and names what is in the way")
    func createFolder() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try AtomicFile.createFolder(folder + "/a/b/c")
        try AtomicFile.createFolder(folder + "/a/b/c")  // already there: fine
        #expect(listing(folder + "/a/b") == ["c"])
        #expect(mkfifo(folder + "/pipe", 0o644) == 0)
        #expect(throws: FileProblem(path: folder + "/pipe/x", reason: "\(folder)/pipe is a named pipe (FIFO), not a folder")) {
            try AtomicFile.createFolder(folder + "/pipe/x")
        }
        #expect(throws: FileProblem(path: "/dev/null/x", reason: "/dev/null is a character device, not a folder")) {
            try AtomicFile.createFolder("/dev/null/x")
        }
    }

    @Test("a replaced file keeps its permissions")
    func keepsMode() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try AtomicFile.write([1], to: folder + "/f")
        chmod(folder + "/f", 0o600)
        try AtomicFile.write([2], to: folder + "/f")
        let mode = try FileManager.default.attributesOfItem(atPath: folder + "/f")[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}
