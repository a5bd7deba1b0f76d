// The human form of a trace: narrative wrapped to a width, one step per line with labels and
// values aligned, ANSI colour only when asked (the caller knows whether stdout is a terminal).
import NeuralCore

/// How to print a trace for people.
public struct TextStyle: Sendable {
    /// Columns to wrap narrative to.
    public var width: Int
    /// ANSI colours (only for a terminal).
    public var colour: Bool
    /// Only the title and the results.
    public var quiet: Bool

    public init(width: Int = 80, colour: Bool = false, quiet: Bool = false) {
        self.width = max(width, 40)
        self.colour = colour
        self.quiet = quiet
    }
}

public enum TraceText {
    /// The whole trace as text, ending with a newline.
    public static func render(_ trace: LessonTrace, style: TextStyle) -> String {
        var out: [String] = []
        let title = "Lesson \(trace.number): \(trace.title)"
        out.append(paint(title, "1;33", style))
        if !style.quiet { out.append(paint(String(repeating: "=", count: title.count), "33", style)) }
        for entry in trace.entries {
            switch entry {
            case .heading(let text):
                guard !style.quiet else { continue }
                if out.last?.isEmpty == false { out.append("") }
                out.append(paint("## " + text, "1;36", style))
            case .narrative(let lines):
                guard !style.quiet else { continue }
                out.append("")
                out += wrapMarkdown(lines, width: style.width)
                out.append("")
            case .note(let text, let isResult):
                guard !style.quiet || isResult else { continue }
                out += wrap(text, width: style.width, indent: "  ", hanging: "  ").map {
                    isResult ? paint($0, "1", style) : $0
                }
            case .steps(let steps, let isResult):
                guard !style.quiet || isResult else { continue }
                out += lines(of: steps, style: style)
            case .data:
                continue
            case .table(let table):
                guard !style.quiet else { continue }
                out += lines(of: table)
            case .picture(let name):
                guard !style.quiet else { continue }
                out.append(paint("  picture: \(name)", "2", style))
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    // MARK: Steps

    /// Steps one per line: "  label = formula = value   (comment)", labels padded to one width,
    /// formulas too when they are short enough for the values to line up.
    static func lines(of steps: [TraceStep], style: TextStyle) -> [String] {
        let parts = steps.map(split)
        let labelWidth = min(parts.map { $0.label.count }.max() ?? 0, 30)
        let formulas = parts.compactMap(\.formula)
        let formulaWidth = (formulas.map(\.count).max() ?? 0) <= 40 ? (formulas.map(\.count).max() ?? 0) : 0
        let valueWidth =
            steps.map { step -> Int in
                if case .scalar(let value) = step.value { return TraceNumber.format(value).count }
                return 0
            }.max() ?? 0
        var out: [String] = []
        for (step, part) in zip(steps, parts) {
            var line = "  " + paint(pad(part.label, labelWidth), "36", style)
            switch step.value {
            case .scalar(let value):
                if let formula = part.formula { line += " = " + pad(formula, formulaWidth) }
                let number = TraceNumber.format(value)
                line += " = " + paint(number, "1;32", style)
                if let comment = part.comment {
                    line +=
                        String(repeating: " ", count: max(valueWidth - number.count, 0) + 3)
                        + paint(comment, "2", style)
                }
                out.append(line)
            case .matrix(let matrix):
                if let formula = part.formula { line += " = " + formula }
                if matrix.rows <= 1 || (matrix.cols == 1 && matrix.rows <= 16) {
                    // A row, or a short column written as a transposed row.
                    let text =
                        "[" + matrix.values.map(TraceNumber.format).joined(separator: ", ") + "]"
                        + (matrix.rows > 1 ? "^T" : "")
                    line += " = " + paint(text, "1;32", style)
                    if let comment = part.comment { line += "   " + paint(comment, "2", style) }
                    out.append(line)
                } else {
                    line += " ="
                    if let comment = part.comment { line += "   " + paint(comment, "2", style) }
                    out.append(line)
                    out += matrixLines(matrix, indent: String(repeating: " ", count: 4)).map { paint($0, "32", style) }
                }
            }
        }
        return out
    }

    /// Label, formula without its parenthesised remark, and the remark ("(products + b)").
    static func split(_ step: TraceStep) -> (label: String, formula: String?, comment: String?) {
        guard var formula = step.formula else { return (step.label, nil, nil) }
        var comment: String?
        if let range = formula.range(of: "  (", options: .backwards), formula.hasSuffix(")") {
            comment = String(formula[formula.index(range.lowerBound, offsetBy: 2)...])
            formula = String(formula[..<range.lowerBound])
        }
        // A formula that is only the value again adds nothing.
        if case .scalar(let value) = step.value, formula == TraceNumber.format(value) {
            return (step.label, nil, comment)
        }
        return (step.label, formula.isEmpty ? nil : formula, comment)
    }

    /// A matrix as right-aligned columns, one row per line.
    static func matrixLines(_ matrix: Matrix, indent: String) -> [String] {
        let cells = (0..<matrix.rows).map { r in matrix.row(r).map(TraceNumber.format) }
        let width = cells.flatMap { $0 }.map(\.count).max() ?? 0
        return cells.map { row in indent + row.map { pad($0, width, right: true) }.joined(separator: "  ") }
    }

    // MARK: Tables

    static func lines(of table: TraceTable) -> [String] {
        let columns = table.headers.count
        var widths = table.headers.map(\.count)
        for row in table.rows {
            for (c, cell) in row.prefix(columns).enumerated() { widths[c] = max(widths[c], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            "  " + cells.enumerated().map { c, cell in pad(cell, widths[c], right: c > 0) }.joined(separator: "  ")
        }
        return [line(table.headers), "  " + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
            + table.rows.map(line)
    }

    // MARK: Narrative

    /// Markdown lines wrapped to `width`: paragraphs joined and re-wrapped, list items with a
    /// hanging indent, code (fenced or indented by four spaces) and tables kept as they are.
    static func wrapMarkdown(_ lines: [String], width: Int) -> [String] {
        var out: [String] = []
        var paragraph: [String] = []
        var inFence = false
        func flush() {
            guard !paragraph.isEmpty else { return }
            let text = paragraph.joined(separator: " ")
            if let marker = ["- ", "* "].first(where: { text.hasPrefix($0) }) {
                out += wrap(String(text.dropFirst(marker.count)), width: width, indent: "  - ", hanging: "    ")
            } else {
                out += wrap(text, width: width, indent: "", hanging: "")
            }
            paragraph = []
        }
        // Drop leading and trailing blank lines; keep single blank lines between blocks.
        var trimmed = lines
        while trimmed.first?.trimmingCharacters(in: .whitespaces).isEmpty == true { trimmed.removeFirst() }
        while trimmed.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { trimmed.removeLast() }
        for line in trimmed {
            if line.hasPrefix("```") {
                flush()
                inFence.toggle()
                continue
            }
            if inFence || line.hasPrefix("    ") || line.hasPrefix("|") {
                flush()
                out.append(inFence ? "    " + line : line)
            } else if line.trimmingCharacters(in: .whitespaces).isEmpty {
                flush()
                if out.last?.isEmpty == false { out.append("") }
            } else if line.hasPrefix("- ") || line.hasPrefix("* ") {
                flush()
                paragraph = [line]
            } else {
                paragraph.append(line.trimmingCharacters(in: .whitespaces))
            }
        }
        flush()
        return out
    }

    /// Words of `text` in lines of at most `width` columns (a longer word gets a line of its own).
    static func wrap(_ text: String, width: Int, indent: String, hanging: String) -> [String] {
        var lines: [String] = []
        var current = indent
        var empty = true
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if !empty && current.count + 1 + word.count > width {
                lines.append(current)
                current = hanging
                empty = true
            }
            current += (empty ? "" : " ") + word
            empty = false
        }
        if !empty { lines.append(current) }
        return lines
    }

    // MARK: Helpers

    static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let gap = width - text.count
        guard gap > 0 else { return text }
        return right ? String(repeating: " ", count: gap) + text : text + String(repeating: " ", count: gap)
    }

    static func paint(_ text: String, _ code: String, _ style: TextStyle) -> String {
        style.colour && !text.isEmpty ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
