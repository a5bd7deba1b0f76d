// A teacher edits a number and reruns: a temporary copy of lessons/ with other pixels and
// weights gives a trace with the right new values.
import Foundation
import Testing

@testable import Lessons

@Suite struct EditedLessonTests {
    @Test func editedPixelsAndWeightsChangeTheDotProduct() throws {
        let folder = try temporaryLessonsCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        try edit(
            folder, "06-dot-product.md", replacing: "  - [3, 0, 1]\n  - [5, 9, 2]\n  - [0, 4, 7]",
            with: "  - [1, 2, 3]\n  - [4, 5, 6]\n  - [7, 8, 9]")
        try edit(folder, "06-dot-product.md", replacing: "bias: -0.15", with: "bias: 0.5")
        try edit(folder, "06-dot-product.md", replacing: "  - [0.1, -0.2, 0.3]", with: "  - [1, 1, 1]")
        let trace = try runLesson(6, in: folder)
        // Products: 1*1 + 2*1 + 3*1 = 6; 4*(-0.1) + 5*0.05 + 6*(-0.2) = -0.4 + 0.25 - 1.2 = -1.35;
        // 7*0.1 + 8*(-0.1) + 9*0.02 = 0.7 - 0.8 + 0.18 = 0.08. z = 6 - 1.35 + 0.08 + 0.5 = 5.23.
        #expect(value(trace, "product", label: "x1*w1") == 2)
        #expect(isClose(value(trace, "z", label: "z"), 5.23, absolute: 1e-5))
        #expect(isClose(value(trace, "activation", label: "a"), 5.23, absolute: 1e-5))  // max(5.23, 0)
        let text = TraceText.render(trace, style: TextStyle())
        #expect(text.contains("x0*w0 = 1*1"))
        #expect(text.contains("a = max(5.23, 0) = 5.23"))
    }

    @Test func editedNudgeReachesLessonNine() throws {
        let folder = try temporaryLessonsCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        try edit(folder, "08-gradient-by-nudging.md", replacing: "target: 1", with: "target: 2")
        // Lesson 9 reads lesson 8's network: y = 0.075, so dL/dy = 2*(0.075 - 2) = -3.85.
        let trace = try runLesson(9, in: folder)
        let dOutput = try #require(trace.steps.first { $0.name == "d_output" })
        #expect(isClose(dOutput.value.numbers[0], -3.85, absolute: 1e-5))
    }
}
