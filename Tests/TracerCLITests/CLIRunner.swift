// Runs the built `tracer` executable as a user would and captures what it prints.
import Foundation

struct CLIResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// The `tracer` built next to this test bundle (SwiftPM builds the executable for its tests).
func tracerExecutable() -> URL {
    let buildFolder = Bundle.main.bundleURL.deletingLastPathComponent()
    for candidate in [
        buildFolder.appendingPathComponent("tracer"),
        Bundle.main.bundleURL.appendingPathComponent("tracer"),
    ] {
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    // Fall back to the package's debug build folder, found from this file's path.
    let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    return packageRoot.appendingPathComponent(".build/debug/tracer")
}

/// Runs `tracer` with `arguments`, `environment` additions and `unset` variables removed, in
/// `directory` if given, with `input` on its standard input (else the test's own).
func runTracer(
    _ arguments: [String], environment: [String: String] = [:], unset: [String] = [], directory: URL? = nil,
    input: String? = nil
) throws -> CLIResult {
    let process = Process()
    process.executableURL = tracerExecutable()
    process.arguments = arguments
    var variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    for name in unset { variables[name] = nil }
    process.environment = variables
    if let directory { process.currentDirectoryURL = directory }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let stdin = Pipe()
    if input != nil { process.standardInput = stdin }
    try process.run()
    if let input {
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
    }
    // Read both pipes before waiting, so a full pipe cannot block the child.
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CLIResult(
        status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self))
}

/// The JSON objects of a JSON-lines text.
func jsonLines(_ text: String) -> [[String: Any]] {
    text.split(separator: "\n").compactMap {
        try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
}
