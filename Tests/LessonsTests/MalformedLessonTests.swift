// Broken lesson files give a LessonError naming the file, the line or field, and what was
// expected: bad YAML, a missing field, a wrong count, a string where a number belongs.
import Foundation
import Testing

@testable import Lessons

@Suite struct MalformedLessonTests {
    /// Lesson 6 with `old` replaced by `new`; returns the error its run throws.
    func failure(replacing old: String, with new: String) throws -> LessonError? {
        let folder = try temporaryLessonsCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        try edit(folder, "06-dot-product.md", replacing: old, with: new)
        do {
            _ = try runLesson(6, in: folder)
            return nil
        } catch let error as LessonError {
            #expect(error.file.hasSuffix("06-dot-product.md"))
            #expect(!error.description.contains("\n"), "one line")
            return error
        }
    }

    @Test func badYAML() throws {
        let error = try #require(try failure(replacing: "bias: -0.15", with: "bias: [-0.15"))
        #expect(error.line != nil)
        #expect(error.description.contains("invalid YAML"))
    }

    @Test func missingField() throws {
        let error = try #require(try failure(replacing: "bias: -0.15", with: ""))
        #expect(error.field == "bias")
        #expect(error.description.contains("missing"))
    }

    @Test func eightPixelsForANineImage() throws {
        // A short row: the row's own line and its place in the field are named.
        let short = try #require(try failure(replacing: "  - [0, 4, 7]", with: "  - [0, 4]"))
        #expect(short.field == "pixels[2]")
        #expect(short.line == 7)  // file lines: 1 "---", 2 title, 3 comment, 4 "pixels:", 5-7 the rows
        #expect(short.description.contains("expected a row of 3 numbers, found a list of 2"))
        // Eight pixels in one flat list.
        let flat = try #require(
            try failure(replacing: "  - [3, 0, 1]\n  - [5, 9, 2]\n  - [0, 4, 7]", with: "  [3, 0, 1, 5, 9, 2, 0, 4]"))
        #expect(flat.field == "pixels")
        #expect(flat.description.contains("expected 3 rows of 3 numbers, found a list of 8"))
    }

    @Test func textWhereANumberBelongs() throws {
        let error = try #require(try failure(replacing: "bias: -0.15", with: "bias: minus a bit"))
        #expect(error.field == "bias")
        #expect(error.description.contains("expected a number, found 'minus a bit'"))
        #expect(error.line != nil)
        let quoted = try #require(try failure(replacing: "[0.1, -0.2, 0.3]", with: "[0.1, \"-0.2\", 0.3]"))
        #expect(quoted.field == "weights[0][1]")
    }

    @Test func pixelOutOfRange() throws {
        let error = try #require(try failure(replacing: "  - [5, 9, 2]", with: "  - [5, 12, 2]"))
        #expect(error.field == "pixels[1][1]")
        #expect(error.description.contains("expected a number from 0 to 9, found 12"))
    }

    @Test func noFrontMatter() throws {
        let error = try #require(try failure(replacing: "---\ntitle: The dot product", with: "title: The dot product"))
        #expect(error.line == 1)
    }

    /// Loops whose size a teacher sets are bounded, so an edited file cannot make a lesson run for
    /// minutes: lesson 10's iterations, and lesson 12's epochs * points * hidden_neurons.
    @Test func loopsStayBounded() throws {
        let folder = try temporaryLessonsCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        try edit(folder, "10-gradient-descent.md", replacing: "steps: 40 ", with: "steps: 1001 ")
        do {
            _ = try runLesson(10, in: folder)
            Issue.record("lesson 10 ran 1,001 iterations")
        } catch let error as LessonError {
            #expect(error.field == "steps")
        }
        // 2,000 epochs * 1,000 points * 12 units = 24 million, above the budget of 20 million.
        try edit(folder, "12-universal-approximation.md", replacing: "points: 25", with: "points: 1000")
        #expect(2_000 * 1_000 * 12 > lesson12WorkBudget)
        do {
            _ = try runLesson(12, in: folder)
            Issue.record("lesson 12 ran a loop over its budget")
        } catch let error as LessonError {
            #expect(error.field == "trained.epochs")
            #expect(error.description.contains("epochs * points * hidden_neurons is 24000000"))
        }
    }

    @Test func unknownLessonNumber() throws {
        #expect(throws: LessonError.self) { try runLesson(99) }
    }
}
