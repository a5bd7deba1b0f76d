// The frames lessons 10, 11 and 12 leave for the book's step-through: one per iteration, run or
// stage, each drawn as a picture with its own steps, and none of it in the text or JSON trace.
import Foundation
import Testing

@testable import Lessons

@Suite struct FrameTests {
    @Test func positionsSpreadEvenlyWithBothEnds() {
        #expect(framePositions(count: 19, limit: 25) == Array(0..<19))
        #expect(framePositions(count: 101, limit: 5) == [0, 25, 50, 75, 100])
        #expect(framePositions(count: 0, limit: 5).isEmpty)
        #expect(frameName("loop", 7) == "loop-007.png" && frameName("fit", 2000) == "fit-2000.png")
    }

    @Test func lessonsTenToTwelveHaveFrames() throws {
        let expected = [10: "loop", 11: "run", 12: "fit"]
        for (number, prefix) in expected {
            let trace = try runLesson(number)
            let sequence = try #require(trace.sequences.first, "lesson \(number) has no frames")
            #expect(sequence.frames.count >= 2 && sequence.frames.count <= 25)
            let drawn = Set(trace.framePictures.map(\.name))
            for frame in sequence.frames {
                #expect(frame.picture.hasPrefix(prefix + "-") && drawn.contains(frame.picture))
                #expect(!frame.steps.isEmpty, "lesson \(number): \(frame.caption) has no steps")
            }
            // The frames are the book's: the text and JSON traces do not name them.
            let text = TraceText.render(trace, style: TextStyle()) + LessonRunner.jsonLines(trace)
            #expect(!text.contains(prefix + "-0"))
        }
    }

    @Test func eachLoopFrameHoldsItsOwnIteration() throws {
        let trace = try runLesson(10)
        let frames = try #require(trace.sequences.first).frames
        for frame in frames {
            let iterations = Set(frame.steps.compactMap(\.iteration))
            #expect(iterations.count == 1, "\(frame.caption): steps of iterations \(iterations)")
            #expect(frame.caption.hasPrefix("Iteration \(iterations.first ?? -1):"))
        }
        // Lesson 11: one frame per run (each run's loss before its first epoch is one step).
        let eleven = try runLesson(11)
        let runs = eleven.steps.filter { $0.kind == .epochLoss && $0.iteration == 0 }.count
        #expect(runs >= 2 && eleven.sequences.first?.frames.count == runs)
    }
}
