// The human form of a trace: narrative wrapped to a width, one step per line with labels and
// values aligned, ANSI colour only when asked (the caller knows whether stdout is a terminal).
import Foundation
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
        out += lines(of: trace.entries, style: style)
        return out.joined(separator: "\n") + "\n"
    }

    /// The lines of some entries of a trace, without its title (the quiz prints a trace in pieces).
    public static func lines(of entries: [TraceEntry], style: TextStyle) -> [String] {
        var out: [String] = []
        for entry in entries {
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
        return out
    }

    // MARK: Steps

    /// Steps one per line: "  label = formula = value   (note)", labels padded to one width,
    /// formulas too when they are short enough for the values to line up. A formula too long for
    /// the width wraps before a "+" or "-" between terms, never inside a number or a word.
    static func lines(of steps: [TraceStep], style: TextStyle) -> [String] {
        let parts = steps.map(parts)
        let labelWidth = min(parts.map { $0.label.count }.max() ?? 0, 30)
        let formulas = parts.compactMap(\.formula)
        let formulaWidth = (formulas.map(\.count).max() ?? 0) <= 40 ? (formulas.map(\.count).max() ?? 0) : 0
        let valueWidth = parts.map { $0.value?.count ?? 0 }.max() ?? 0
        var out: [String] = []
        for (step, part) in zip(steps, parts) {
            let head = "  " + pad(part.label, labelWidth)
            switch step.value {
            case .scalar:
                let number = part.value ?? ""
                var tail = " = " + paint(number, "1;32", style)
                if let note = step.note {
                    tail += String(repeating: " ", count: max(valueWidth - number.count, 0) + 3) + paint("(\(note))", "2", style)
                }
                guard let formula = part.formula else {
                    out.append(paint(head, "36", style) + tail)
                    continue
                }
                let plainTail =
                    " = " + number
                    + (step.note.map { String(repeating: " ", count: max(valueWidth - number.count, 0) + 3) + "(\($0))" } ?? "")
                let plainWidth = head.count + 3 + max(formula.count, formulaWidth) + plainTail.count
                if plainWidth <= style.width {
                    out.append(paint(head, "36", style) + " = " + pad(formula, formulaWidth) + tail)
                } else {
                    // The value and note travel with the last piece, or start a line of their own at "=".
                    let wrapped = wrapFormula(
                        formula, tail: plainTail, first: style.width - head.count - 3, indent: 6, width: style.width)
                    out.append(paint(head, "36", style) + " = " + wrapped.lines[0])
                    out += wrapped.lines.dropFirst().map { String(repeating: " ", count: 6) + $0 }
                    if wrapped.tailOnItsOwnLine {
                        out.append(String(repeating: " ", count: 6) + "=" + tail.dropFirst(2))
                    } else {
                        out[out.count - 1] += tail
                    }
                }
            case .matrix(let matrix):
                var line = paint(head, "36", style)
                if let formula = part.formula { line += " = " + formula }
                let note = step.note.map { "   " + paint("(\($0))", "2", style) } ?? ""
                if matrix.rows <= 1 || (matrix.cols == 1 && matrix.rows <= 16) {
                    // A row, or a short column written as a transposed row.
                    let text =
                        "[" + matrix.values.map(TraceNumber.format).joined(separator: ", ") + "]"
                        + (matrix.rows > 1 ? "^T" : "")
                    let plainWidth = head.count + 3 + text.count
                    if plainWidth <= style.width || style.colour {
                        out.append(line + " = " + paint(text, "1;32", style) + note)
                    } else {
                        // A long row wraps after a comma, never inside a number.
                        var rows: [String] = []
                        var current = ""
                        for piece in text.components(separatedBy: ", ") {
                            let limit = rows.isEmpty ? style.width - head.count - 3 : style.width - 6
                            if !current.isEmpty && current.count + 2 + piece.count > limit {
                                rows.append(current + ",")
                                current = piece
                            } else {
                                current += current.isEmpty ? piece : ", " + piece
                            }
                        }
                        rows.append(current)
                        out.append(line + " = " + rows[0])
                        out += rows.dropFirst().map { String(repeating: " ", count: 6) + $0 }
                        out[out.count - 1] += note
                    }
                } else {
                    out.append(line + " =" + note)
                    out += matrixLines(matrix, indent: String(repeating: " ", count: 4)).map { paint($0, "32", style) }
                }
            }
        }
        return out
    }

    /// Label, formula and the value as shown. A scalar's value is written to 4 significant digits
    /// (or in full, when the step asks) as its formula gives it from the operands shown, so that the
    /// line checks out by hand at the precision shown; that agrees with the computed value to
    /// within Float rounding. A formula that is only the value again is left out.
    static func parts(_ step: TraceStep) -> (label: String, formula: String?, value: String?) {
        guard case .scalar(let value) = step.value else { return (step.label, step.formula, nil) }
        if step.showsAllDigits { return (step.label, step.formula, TraceNumber.exact(value)) }
        let digits = 4
        var shown = TraceNumber.format(value, digits: digits)
        guard let formula = step.formula, !formula.isEmpty else { return (step.label, nil, shown) }
        if formula == shown || formula == TraceNumber.precise(value) { return (step.label, nil, shown) }
        if value.isFinite, let exact = TraceArithmetic.evaluate(formula), exact.isFinite,
            abs(exact - Double(value)) <= 1e-3 * max(abs(Double(value)), 1e-6)
        {
            shown = TraceNumber.format(exact, digits: digits)
        }
        return (step.label, formula, shown)
    }

    /// `formula` in lines no wider than `width` (the first `first` wide), each but the first
    /// starting with the "+" or "-" between two terms where it was cut; `tail` (" = value") goes
    /// after the last line when it fits there, else on a line of its own.
    static func wrapFormula(_ formula: String, tail: String, first: Int, indent: Int, width: Int) -> (
        lines: [String], tailOnItsOwnLine: Bool
    ) {
        // Cut points: " + " and " - " (binary operators are written with spaces, a sign without).
        var pieces: [String] = []
        var current = ""
        var rest = Substring(formula)
        while !rest.isEmpty {
            let plus = rest.range(of: " + "), minus = rest.range(of: " - ")
            let cut = [plus, minus].compactMap { $0 }.min { $0.lowerBound < $1.lowerBound }
            guard let cut else {
                current += rest
                break
            }
            current += rest[..<cut.lowerBound]
            pieces.append(current)
            current = String(rest[cut]).trimmingCharacters(in: .whitespaces) + " "
            rest = rest[cut.upperBound...]
        }
        pieces.append(current)
        var lines: [String] = []
        var line = ""
        for piece in pieces {
            let limit = lines.isEmpty ? first : width - indent
            if !line.isEmpty && line.count + 1 + piece.count > limit {
                lines.append(line)
                line = piece
            } else {
                line += line.isEmpty ? piece : " " + piece
            }
        }
        lines.append(line)
        let lastWidth = (lines.count == 1 ? width - first : indent) + line.count + tail.count
        return (lines, lastWidth > width)
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
