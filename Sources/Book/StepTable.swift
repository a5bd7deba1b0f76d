// A run of recorded steps as a table: label, the formula with its numbers, the value, and the
// note that says what the step is. Values are written as the text trace writes them, so a number
// on the page is the number in trace.txt.
import Lessons
import NeuralCore

enum StepTable {
    /// The steps as one table; a note column only when some step has a note.
    static func html(_ steps: [TraceStep]) -> HTML {
        let rows = steps.map(StepParts.init)
        let hasNote = rows.contains { $0.note != nil }
        let hasFormula = rows.contains { $0.formula != nil }
        var out = "<div class=\"scroll\"><table class=\"trace\"><thead><tr><th>step</th>"
        if hasFormula { out += "<th>formula</th>" }
        out += "<th class=\"num\">value</th>"
        if hasNote { out += "<th>note</th>" }
        out += "</tr></thead><tbody>"
        for row in rows {
            out += "<tr><td class=\"label\">" + row.label.escaped + "</td>"
            if hasFormula { out += "<td class=\"formula\">" + (row.formula ?? "").escaped + "</td>" }
            let isNumber = if case .scalar = row.value { true } else { false }
            out += "<td class=\"value\(isNumber ? "" : " list")\">"
            out += (row.shown.map(HTML.init(text:)) ?? value(row.value)).markup + "</td>"
            if hasNote { out += "<td class=\"remark\">" + (row.note ?? "").escaped + "</td>" }
            out += "</tr>"
        }
        return HTML(raw: out + "</tbody></table></div>")
    }

    /// A number, a short row "[1, 2, 3]", or a matrix as a grid of numbers.
    static func value(_ value: TraceValue) -> HTML {
        switch value {
        case .scalar(let number):
            return HTML(text: TraceNumber.format(number))
        case .matrix(let matrix):
            if matrix.rows <= 1 || (matrix.cols == 1 && matrix.rows <= 16) {
                let text = "[" + matrix.values.map(TraceNumber.format).joined(separator: ", ") + "]"
                return HTML(text: matrix.rows > 1 ? text + "ᵀ" : text)
            }
            var out = "<table class=\"matrix\">"
            for r in 0..<matrix.rows {
                out +=
                    "<tr>" + matrix.row(r).map { "<td>" + TraceNumber.format($0).escaped + "</td>" }.joined() + "</tr>"
            }
            return HTML(raw: out + "</table>")
        }
    }
}

/// What a table row shows of a step: what the text trace shows (TraceText.parts), so that a number
/// on the page is the number in trace.txt and its line checks out by hand the same way.
struct StepParts {
    var label: String
    var formula: String?
    /// A scalar's value as shown; nil for a matrix.
    var shown: String?
    var value: TraceValue
    var note: String?

    init(_ step: TraceStep) {
        let parts = TraceText.parts(step)
        label = parts.label
        formula = parts.formula
        shown = parts.value
        value = step.value
        note = step.note
    }
}
