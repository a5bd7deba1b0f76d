// The sentences that state a conclusion follow the numbers: the same lesson with numbers on
// either side of each conclusion says each side. And every count at its minimum still gives a
// complete trace; an empty list is a lesson-file error, not a trap.
import Foundation
import NeuralCore
import Testing

@testable import Lessons

@Suite struct EditedProseTests {
    func text(_ number: Int, _ file: String, _ edits: [(String, String)]) throws -> (LessonTrace, String) {
        let folder = try temporaryLessonsCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (old, new) in edits { try edit(folder, file, replacing: old, with: new) }
        let trace = try runLesson(number, in: folder)
        let text = TraceText.render(trace, style: TextStyle())
        for line in stepLines(text) {
            if let problem = checkLine(line) { Issue.record("lesson \(number) edited: \(problem)") }
        }
        return (trace, squeezed(text))
    }

    /// The text with every run of spaces and line breaks as one space, so that a sentence
    /// wrapped over two lines, or a padded column, reads as one line.
    func squeezed(_ text: String) -> String { text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }

    @Test func lesson6FiresOrStaysSilentAsZSays() throws {
        // Shipped: z = -0.26 < 0. With bias 0.5: z = -0.11 + 0.5 = 0.39 > 0.
        let (_, silent) = try text(6, "06-dot-product.md", [])
        #expect(silent.contains("stays silent") && !silent.contains("fires for this image"))
        let (_, fires) = try text(6, "06-dot-product.md", [("bias: -0.15", "bias: 0.5")])
        #expect(fires.contains("z = 0.39 is positive") && fires.contains("fires for this image"))
        #expect(!fires.contains("is negative"))
    }

    @Test func lesson10SaysWhetherTheRunConvergedOrDiverged() throws {
        let (_, converged) = try text(10, "10-gradient-descent.md", [])
        #expect(converged.contains("is below stop_below") && !converged.contains("diverged"))
        #expect(converged.contains("tell the examples apart") && !converged.contains("do not yet"))
        let (_, diverged) = try text(10, "10-gradient-descent.md", [("learning_rate: 0.002", "learning_rate: 0.01")])
        #expect(diverged.contains("The run diverged") && diverged.contains("smaller learning_rate"))
        #expect(!diverged.contains("now tell the examples apart") && !diverged.contains("is below stop_below"))
        let (_, flat) = try text(10, "10-gradient-descent.md", [("learning_rate: 0.002", "learning_rate: 0.0000001")])
        #expect(flat.contains("almost flat"))
        // One step: the loss before it (179.6) and after it, not the same number twice.
        let (_, one) = try text(10, "10-gradient-descent.md", [("steps: 40", "steps: 1"), ("traced_steps: 2", "traced_steps: 0")])
        #expect(one.contains("The loss fell from 179.6 to 60.58 in 1 iteration"))
    }

    @Test func lesson7NamesTheClassThatWins() throws {
        let (_, right) = try text(7, "07-layer-and-loss.md", [])
        #expect(right.contains("is on the right class 2"))
        let (_, wrong) = try text(7, "07-layer-and-loss.md", [("target: [0, 0, 1]", "target: [1, 0, 0]")])
        #expect(wrong.contains("is on class 2, not on the right class 0"))
    }

    @Test func lesson9SaysWhetherTheGradientsAgree() throws {
        let (_, agree) = try text(9, "09-backpropagation.md", [])
        #expect(agree.contains("agree on every parameter"))
        // Hidden neuron 0 with z1[0] = -0.11 + 0.1105 = 0.0005: a nudge of 0.01 on its bias
        // steps over the ReLU's kink, so the nudged slope is half the true one.
        let folder = try temporaryLessonsCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        try edit(folder, "08-gradient-by-nudging.md", replacing: "nudge: 0.001", with: "nudge: 0.01")
        try edit(folder, "08-gradient-by-nudging.md", replacing: "bias: 0.5", with: "bias: 0.1105")
        let text = squeezed(TraceText.render(try runLesson(9, in: folder), style: TextStyle()))
        #expect(text.contains("disagree on") && text.contains("dL/db1[0]"), "\(text.suffix(600))")
    }

    @Test func lesson1WithOneSample() throws {
        let (trace, text) = try text(
            1, "01-a-function.md",
            [("x: [-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2]", "x: [2]"), ("t: [1.9, 1.1, 0.5, 0.1, 0, 0.15, 0.55, 1.2, 2.1]", "t: [2.1]")])
        // N(2) = 0.5*2 + 0.3 = 1.3; e = (1.3 - 2.1)^2 = 0.64; L = 0.64.
        #expect(text.contains("N(2) = 2*0.5 + 0.3 = 1.3"))
        #expect(isClose(trace.steps.first { $0.kind == .loss }?.value.numbers[0], 0.64, absolute: 1e-5))
    }

    @Test func lesson1WithEmptyListsIsAFileError() throws {
        let folder = try temporaryLessonsCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        try edit(folder, "01-a-function.md", replacing: "x: [-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2]", with: "x: []")
        try edit(folder, "01-a-function.md", replacing: "t: [1.9, 1.1, 0.5, 0.1, 0, 0.15, 0.55, 1.2, 2.1]", with: "t: []")
        #expect(throws: LessonError.self) { try runLesson(1, in: folder) }
        do {
            _ = try runLesson(1, in: folder)
        } catch let error as LessonError {
            #expect(error.field == "samples.x" && error.line != nil, "\(error)")
        }
    }

    @Test func lesson12WithOneInputShowsEveryHiddenUnit() throws {
        let (trace, text) = try text(12, "12-universal-approximation.md", [("x: [-2, -0.5, 0.5, 1.5, 3]", "x: [1.5]")])
        // x = 1.5: z1 = 1.5 + [1, 0, -1, -2] = [2.5, 1.5, 0.5, -0.5]; a1 = [2.5, 1.5, 0.5, 0];
        // z2 = 2.5 - 1.5 - 0.5 + 0 = 0.5.
        let z = trace.steps.filter { $0.kind == .z && $0.layer == 1 && $0.index?.first == 0 }
        #expect(z.count == 4)
        #expect(text.contains("z2 = 2.5*1 + 1.5*(-1) + 0.5*(-1) + 0*1 + 0 = 0.5"), "\(text)")
    }

    @Test func lesson10WithOneExample() throws {
        let (trace, _) = try text(
            10, "10-gradient-descent.md",
            [("  - name: horizontal bar\n    pixels: [[0, 0, 0], [9, 9, 9], [0, 0, 0]]\n    target: 0\n", "")])
        let final = trace.steps.last { $0.kind == .z }
        #expect(final?.label.hasPrefix("N(vertical bar)") == true, "\(final?.label ?? "none")")
    }

    @Test func lesson9NamesADeadHiddenNeuron() throws {
        let (_, alive) = try text(9, "09-backpropagation.md", [])
        #expect(!alive.contains("0 or below"))
        // Lesson 9 reads lesson 8's network: with bias -0.5, z1[0] = -0.11 - 0.5 = -0.61 <= 0.
        let folder = try temporaryLessonsCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        try edit(folder, "08-gradient-by-nudging.md", replacing: "bias: 0.5", with: "bias: -0.5")
        let text = squeezed(TraceText.render(try runLesson(9, in: folder), style: TextStyle()))
        #expect(text.contains("z1[0] is 0 or below"))
        #expect(text.contains("dL/db1[0] = 0"))
    }

    @Test func lesson11SaysWhichRunEndedLowestOrThatAllGrew() throws {
        let (_, shipped) = try text(11, "11-mini-batches.md", [])
        #expect(shipped.contains("ended lowest") && !shipped.contains("grew"))
        // On pixels scaled to 0-1 softmax cross-entropy does not blow up for any learning_rate the
        // file allows (up to 10), so the other side is checked on the sentence's own inputs.
        let large = Lesson11MiniBatches.comparison([("full batch", 1.1, 3), ("stochastic", 1.1, .infinity)])
        #expect(large.contains("Every run's loss grew") && !large.contains("ended lowest"))
        let one = Lesson11MiniBatches.comparison([("full batch", 1.1, 0.2), ("stochastic", 1.1, 4)])
        #expect(one.contains("full batch ended lowest") && one.contains("The loss grew for stochastic"))
    }

    @Test func lesson1ReadsTheTruthUnderItsOldNameToo() throws {
        // Files written before the truth was renamed t call it y; they give the same loss.
        let shipped = try runLesson(1).steps.first { $0.kind == .loss }?.value
        let (trace, _) = try text(1, "01-a-function.md", [("  t: [1.9", "  y: [1.9")])
        #expect(trace.steps.first { $0.kind == .loss }?.value == shipped)
    }
}
