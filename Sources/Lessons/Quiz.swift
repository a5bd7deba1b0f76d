// `tracer lesson N --quiz`: the lesson's text, stopping at the steps its file names under `quiz`
// to ask for the value before showing it; right or wrong within a stated tolerance, then the
// step with its arithmetic either way. Reads answers through a closure (standard input in the
// tool, a list in tests) and writes through another; leaves colour and terminals to the caller.
import Foundation
import NeuralCore

public enum Quiz {
    /// An answer counts as right within 1% of the value or 0.01 of it, whichever is larger.
    public static let relativeTolerance = 0.01
    public static let absoluteTolerance = 0.01

    /// Whether `answer` is within the tolerance of `value`.
    public static func accepts(_ answer: Double, for value: Float) -> Bool {
        abs(answer - Double(value)) <= max(absoluteTolerance, relativeTolerance * abs(Double(value)))
    }

    /// The steps to ask about: for each item of the lesson file's `quiz` list, a step name (the
    /// first step of that name with a single number as its value) or `{step: name, label: text}`
    /// (the step with that label). Steps the text shows as a table (JSON-only data) count too.
    /// Their positions are (entry, step) in `trace.entries`. An unknown step name is a lesson-file
    /// error naming the field; a step this run does not show is skipped.
    static func questions(_ trace: LessonTrace, file: LessonFile) throws -> [(entry: Int, step: Int)] {
        let field = file.inputs["quiz"]
        guard field.exists else { return [] }
        var positions: [(entry: Int, step: Int)] = []
        for item in try field.items(count: 1...20) {
            let name = try item["step"].exists ? item["step"].string() : item.string()
            let label = item["label"].exists ? try item["label"].string() : nil
            guard let kind = TraceStepName(rawValue: name) else {
                throw item.error("'\(name)' is not a step name (see the README's list, e.g. z, loss, d_z, update)")
            }
            var found: (Int, Int)?
            search: for (e, entry) in trace.entries.enumerated() {
                let steps: [TraceStep]
                switch entry {
                case .steps(let shown, _): steps = shown
                case .data(let data): steps = data
                default: continue
                }
                for (s, step) in steps.enumerated() where step.kind == kind && (label == nil || step.label == label) {
                    if case .scalar = step.value {
                        found = (e, s)
                        break search
                    }
                }
            }
            // A step this run does not show (lesson 13 without MNIST) is not asked.
            guard let found else { continue }
            if !positions.contains(where: { $0 == found }) { positions.append(found) }
        }
        return positions
    }

    /// Prints `trace` through `write`, stopping at each quiz step of `file` to ask; `read`
    /// returns the learner's line, or nil at the end of input (the step is then shown unasked).
    /// Returns how many answers were right out of how many were asked.
    public static func run(
        _ trace: LessonTrace, file: LessonFile, style: TextStyle, read: () -> String?, write: (String) -> Void
    ) throws -> (right: Int, asked: Int) {
        let questions = try questions(trace, file: file)
        let title = "Lesson \(trace.number): \(trace.title) (quiz)"
        write(title + "\n" + String(repeating: "=", count: title.count) + "\n")
        if questions.isEmpty {
            write("This run shows none of the steps the lesson file names under quiz; here is the lesson.\n")
        } else {
            write(
                "At \(questions.count) step\(questions.count == 1 ? "" : "s") you type the value before it is shown; answers "
                    + "within 1% (or 0.01) count as right. A number or arithmetic such as 3*0.1 + 0.2 will do.\n")
        }
        var right = 0, asked = 0, inputEnded = false
        for (e, entry) in trace.entries.enumerated() {
            let here = questions.filter { $0.entry == e }.map(\.step)
            let steps: [TraceStep], isResult: Bool, isData: Bool
            switch entry {
            case .steps(let shown, let result): (steps, isResult, isData) = (shown, result, false)
            case .data(let data): (steps, isResult, isData) = (data, false, true)
            default: (steps, isResult, isData) = ([], false, false)
            }
            guard !steps.isEmpty, !here.isEmpty else {
                write(text(TraceText.lines(of: [entry], style: style)))
                continue
            }
            var start = 0
            for s in here.sorted() {
                if s > start && !isData {
                    write(
                        text(TraceText.lines(of: [.steps(Array(steps[start..<s]), isResult: isResult)], style: style)))
                }
                let step = steps[s]
                let shown = TraceText.lines(of: [.steps([step], isResult: isResult)], style: style)
                guard case .scalar(let value) = step.value else { continue }
                let question = "  Your turn: \(step.label) = " + (step.formula.map { "\($0) = " } ?? "") + "?"
                write(question + (step.note.map { "   (\($0))" } ?? "") + "\n")
                let line = inputEnded ? nil : read()
                if line == nil { inputEnded = true }
                if let line {
                    asked += 1
                    let trimmed = line.trimmingCharacters(in: .whitespaces)
                    if let answer = Double(trimmed) ?? TraceArithmetic.evaluate(trimmed) {
                        if accepts(answer, for: value) {
                            right += 1
                            write("  Right: \(step.label) is \(TraceNumber.format(value)).\n")
                        } else {
                            write(
                                "  Not quite: you said \(trimmed); \(step.label) is \(TraceNumber.format(value)). The arithmetic:\n"
                            )
                        }
                    } else {
                        write(
                            "  '\(trimmed)' is not a number; \(step.label) is \(TraceNumber.format(value)). The arithmetic:\n"
                        )
                    }
                }
                write(text(shown))
                start = s + 1
            }
            if start < steps.count && !isData {
                write(text(TraceText.lines(of: [.steps(Array(steps[start...]), isResult: isResult)], style: style)))
            }
        }
        write(
            "\n\(right) of \(asked) right"
                + (questions.count > asked ? " (\(questions.count - asked) not answered)" : "") + ".\n")
        return (right, asked)
    }

    static func text(_ lines: [String]) -> String { lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n" }
}
