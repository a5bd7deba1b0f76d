// Helpers for the Render tests: a fresh temporary folder per test, removed afterwards, and small
// canvas queries. No assertions live here.
import Foundation

@testable import Render

/// Runs `body` with the path of a new empty folder, then removes the folder and all in it.
func withTemporaryFolder(_ body: (String) throws -> Void) throws {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("render-tests-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try body(folder)
}

/// The names in a folder, sorted (hidden temporary files included).
func contents(of folder: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
}

/// How many pixels of the canvas have exactly this colour.
func count(_ colour: RGB, in canvas: Canvas) -> Int {
    var total = 0
    for y in 0..<canvas.height {
        for x in 0..<canvas.width where canvas[x, y] == colour { total += 1 }
    }
    return total
}
