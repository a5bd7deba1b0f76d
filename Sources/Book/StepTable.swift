// A run of recorded steps as a table: label, the formula with its numbers, the value, and the
// note that says what the step is. Values are written with the core's number format, as in the
// text trace, so a number on the page is the number in trace.txt.
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
            out += "<td class=\"value\(isNumber ? "" : " list")\">" + value(row.value).markup + "</td>"
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

/// What a table row shows of a step.
struct StepParts {
    var label: String
    var formula: String?
    var value: TraceValue
    var note: String?

    init(_ step: TraceStep) {
        label = step.label
        value = step.value
        guard var formula = step.formula else { return }
        // A trailing "  (remark)" is the step's note (the trace text splits it the same way).
        if let range = formula.range(of: "  (", options: .backwards), formula.hasSuffix(")") {
            note = String(
                formula[formula.index(range.lowerBound, offsetBy: 3)..<formula.index(before: formula.endIndex)])
            formula = String(formula[..<range.lowerBound])
        }
        // A formula that is only the value again adds nothing.
        if case .scalar(let number) = step.value, formula == TraceNumber.format(number) { return }
        self.formula = formula.isEmpty ? nil : formula
    }
}
