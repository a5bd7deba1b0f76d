// What a lesson produces: its narrative, the core's recorded steps in the order shown, tables,
// notes and the pictures to draw. Formatting it as text or JSON lives in TraceText/TraceJSON.
import NeuralCore

/// One piece of a lesson's output, in order.
public enum TraceEntry: Sendable {
    /// A section heading.
    case heading(String)
    /// Narrative Markdown lines from the lesson file, wrapped when printed.
    case narrative([String])
    /// A short line from the lesson itself ("46 loss evaluations"); `isResult` keeps it under --quiet.
    case note(String, isResult: Bool)
    /// Recorded steps shown one per line; `isResult` keeps them under --quiet.
    case steps([TraceStep], isResult: Bool)
    /// Recorded steps for the JSON form only (the text shows them as a table).
    case data([TraceStep])
    /// A table of numbers (its values are also in recorded steps).
    case table(TraceTable)
    /// A picture file the lesson drew, by file name.
    case picture(String)
}

/// A small table: headers and rows of text cells, numbers right-aligned.
public struct TraceTable: Sendable {
    public var headers: [String]
    public var rows: [[String]]
}

/// The whole output of one lesson run.
public struct LessonTrace: Sendable {
    public let number: Int
    public let slug: String
    public let title: String
    public var entries: [TraceEntry] = []
    /// Pictures to draw, by file name; drawn when the lesson's outputs are written.
    public var pictures: [(name: String, picture: LessonPicture)] = []

    /// Every recorded step in the order shown (what the JSON form lists).
    public var steps: [TraceStep] {
        entries.flatMap { entry -> [TraceStep] in
            switch entry {
            case .steps(let steps, _), .data(let steps): return steps
            default: return []
            }
        }
    }
}

/// Builds a lesson's trace as the lesson runs: narrative from its file, steps from the core.
final class LessonLog {
    let file: LessonFile
    private(set) var trace: LessonTrace

    init(file: LessonFile) {
        self.file = file
        trace = LessonTrace(number: file.number, slug: file.slug, title: file.title)
        if file.introduction.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            trace.entries.append(.narrative(file.introduction))
        }
    }

    /// Prints section `heading` of the lesson file: the heading, then its narrative.
    func explain(_ heading: String) throws {
        let lines = try file.section(heading)
        trace.entries.append(.heading(file.sections.first { $0.heading.lowercased() == heading.lowercased() }!.heading))
        if lines.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            trace.entries.append(.narrative(lines))
        }
    }

    func note(_ text: String, isResult: Bool = false) { trace.entries.append(.note(text, isResult: isResult)) }

    /// Shows recorded steps. A lesson that asks to show none has picked the wrong steps: a
    /// programming error that the tests' debug builds stop on (a release build shows nothing).
    func show(_ steps: [TraceStep], isResult: Bool = false) {
        assert(!steps.isEmpty, "lesson \(file.number) shows an empty pick of steps")
        guard !steps.isEmpty else { return }
        trace.entries.append(.steps(steps, isResult: isResult))
    }

    func show(_ step: TraceStep, isResult: Bool = false) { show([step], isResult: isResult) }

    /// Steps for the JSON form only.
    func data(_ steps: [TraceStep]) { trace.entries.append(.data(steps)) }

    func table(_ headers: [String], _ rows: [[String]]) {
        trace.entries.append(.table(TraceTable(headers: headers, rows: rows)))
    }

    /// Adds a picture to draw as `name` (a .png file in the lesson's folder).
    func picture(_ name: String, _ picture: LessonPicture) {
        trace.pictures.append((name, picture))
        trace.entries.append(.picture(name))
    }

    /// Runs `body` with a fresh recording tracer and returns its result and the recorded steps.
    func record<R>(elementLimit: Int = 4096, _ body: (RecordingTracer) throws -> R) rethrows -> (R, [TraceStep]) {
        let recorder = RecordingTracer(elementLimit: elementLimit)
        let result = try body(recorder)
        return (result, recorder.steps)
    }
}

/// Steps the lessons record themselves, for values the core computes but does not trace as such
/// (a flattened pixel, a combined weight matrix); the formula shows the numbers used.
func step(
    _ kind: TraceStepName, _ label: String, _ value: Float, formula: String? = nil, note: String? = nil,
    index: [Int]? = nil, parameter: TraceParameter? = nil, iteration: Int? = nil
) -> TraceStep {
    TraceStep(
        kind, label: label, value: .scalar(value), formula: formula, note: note, index: index, parameter: parameter,
        iteration: iteration)
}

func step(
    _ kind: TraceStepName, _ label: String, _ value: Matrix, formula: String? = nil, note: String? = nil,
    index: [Int]? = nil, iteration: Int? = nil
) -> TraceStep {
    TraceStep(kind, label: label, value: .matrix(value), formula: formula, note: note, index: index, iteration: iteration)
}

/// Short for the core's number format.
func format(_ value: Float) -> String { TraceNumber.format(value) }
func operand(_ value: Float) -> String { TraceNumber.operand(value) }
func precise(_ value: Float) -> String { TraceNumber.precise(value) }
func exact(_ value: Float) -> String { TraceNumber.exact(value) }
func exactOperand(_ value: Float) -> String { value < 0 ? "(\(exact(value)))" : exact(value) }
