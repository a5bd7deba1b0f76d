// Sequences a reader steps through (the loop's iterations, a fit's stages, runs side by side):
// each frame is a picture drawn by the same run and the steps of that frame. The book shows them
// with a slider; the text and JSON forms leave them out (their steps are in the trace already).
// Also the drawing of a lesson's pictures, several at a time.
import Dispatch
import Foundation
import NeuralCore

/// One frame of a sequence: what its picture shows, the picture's file name, and its steps.
public struct TraceFrame: Sendable {
    public var caption: String
    public var picture: String
    public var steps: [TraceStep]
}

/// Frames shown together, after the entry they follow.
public struct FrameSequence: Sendable {
    public var title: String
    /// How many of the trace's entries come before the sequence (where it belongs).
    public var position: Int
    public var frames: [TraceFrame]
}

extension LessonLog {
    /// Adds a sequence at the current place in the trace; its pictures are drawn with the others.
    func frames(
        _ title: String, _ frames: [(caption: String, name: String, picture: LessonPicture, steps: [TraceStep])]
    ) {
        guard !frames.isEmpty else { return }
        for frame in frames { addPicture(frame.name, frame.picture) }
        appendSequence(
            FrameSequence(
                title: title, position: trace.entries.count,
                frames: frames.map { TraceFrame(caption: $0.caption, picture: $0.name, steps: $0.steps) }))
    }
}

/// At most `limit` of `count` positions, evenly spread, always with the first and the last.
func framePositions(count: Int, limit: Int) -> [Int] {
    guard count > limit, limit > 1 else { return Array(0..<count) }
    return (0..<limit).map { Int((Double($0) * Double(count - 1) / Double(limit - 1)).rounded()) }
}

/// "loop-007.png": numbered so that the files sort in order.
func frameName(_ prefix: String, _ number: Int) -> String {
    let digits = String(number)
    return prefix + "-" + String(repeating: "0", count: max(0, 3 - digits.count)) + digits + ".png"
}

extension LessonPictures {
    /// Draws every picture of a lesson, several at a time: each is a file of its own, and encoding
    /// PNGs is most of what a lesson run costs once its frames are drawn too. The first error (in
    /// the lesson's order) is thrown after all have finished.
    static func writeAll(_ pictures: [(name: String, picture: LessonPicture)], to folder: URL) throws {
        final class Failures: @unchecked Sendable {
            let lock = NSLock()
            var errors: [Int: Error] = [:]
        }
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: pictures.count) { i in
            do {
                try write(pictures[i].picture, to: folder.appendingPathComponent(pictures[i].name))
            } catch {
                failures.lock.withLock { failures.errors[i] = error }
            }
        }
        if let first = failures.errors.keys.min() { throw failures.errors[first]! }
    }
}
