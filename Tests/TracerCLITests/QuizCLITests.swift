// `tracer lesson N --quiz` driven through standard input as a learner would: right and wrong
// answers, arithmetic as an answer, input that ends early, and flags it refuses.
import Foundation
import Testing

@Suite struct QuizCLITests {
    func squeezed(_ text: String) -> String { text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }

    @Test func rightAndWrongAnswersThroughStandardInput() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("quiz-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        // Lesson 6 asks x0*w0 (3*0.1 = 0.3), s0 (0.3), z (-0.26) and a (max(-0.26, 0) = 0).
        let result = try runTracer(["lesson", "6", "--quiz", "--out", out.path], input: "0.3\n5\n-0.11 - 0.15\nzero\n")
        #expect(result.status == 0, "\(result.stderr)")
        let text = squeezed(result.stdout)
        #expect(text.contains("Your turn: x0*w0 = 3*0.1 = ?"))
        #expect(text.contains("Right: x0*w0 is 0.3."))
        #expect(text.contains("Not quite: you said 5; s0 is 0.3. The arithmetic: s0 = 0 + 0.3 = 0.3"))
        #expect(text.contains("Right: z is -0.26."))  // arithmetic typed as the answer
        #expect(text.contains("'zero' is not a number; a is 0."))
        #expect(text.contains("2 of 4 right."))
        #expect(text.contains("within 1% (or 0.01)"))
        // The question comes before its answer is shown.
        let asked = try #require(result.stdout.range(of: "Your turn: z ="))
        let shown = try #require(result.stdout.range(of: "\n  z ", range: asked.upperBound..<result.stdout.endIndex))
        #expect(asked.upperBound <= shown.lowerBound)
    }

    @Test func inputThatEndsShowsTheRestUnasked() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("quiz-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try runTracer(["lesson", "6", "--quiz", "--out", out.path], input: "0.31\n")
        #expect(result.status == 0)
        let text = squeezed(result.stdout)
        #expect(text.contains("Right: x0*w0 is 0.3."))  // 0.31 is within 0.01
        #expect(text.contains("1 of 1 right (3 not answered)."))
        #expect(text.contains("a = max(-0.2599999, 0) = 0"))
    }

    @Test func quizRefusesJSON() throws {
        let result = try runTracer(["lesson", "6", "--quiz", "--json"], input: "")
        #expect(result.status == 64)
        #expect(result.stderr.contains("--quiz"))
    }
}
