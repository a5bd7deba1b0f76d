// A lesson file: Markdown with a YAML front matter block (the inputs a teacher edits) and a body
// of `## ` sections (the narrative). Reading it checks nothing about the lesson's meaning; the
// typed accessors below check each field as a lesson asks for it, with file and line in errors.
import Foundation
import NeuralCore
import SafeIO
import Yams

/// A problem with a lesson file, with enough to find and fix it: the file, the line where known,
/// the field, and what was expected.
public struct LessonError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    public var line: Int?
    public var field: String?
    public var problem: String

    public init(file: String, line: Int? = nil, field: String? = nil, problem: String) {
        self.file = file
        self.line = line
        self.field = field
        self.problem = problem
    }

    /// One line: "lessons/06-dot-product.md:7: field 'pixels': expected 9 numbers, found 8".
    /// Control characters from the file (a NUL, a line break in a title) are shown escaped, so
    /// the message stays one line whatever the file holds.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if let field { text += "field '\(field)': " }
        return LessonError.oneLine(text + problem)
    }

    /// `text` with every control character written as `\u{…}`.
    static func oneLine(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if LessonFile.isControl(scalar) {
                result += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

/// One lesson file, read and split into its front matter (inputs) and its narrative sections.
public struct LessonFile: Sendable {
    /// Where the file is, as shown in messages (the path it was opened with).
    public let path: String
    /// "06" of "06-dot-product.md".
    public let number: Int
    /// "06-dot-product": the file name without ".md", also the output folder's name.
    public let slug: String
    public let title: String
    /// The front matter's top-level mapping, where every input is read from.
    public let inputs: LessonField
    /// The narrative before the first `## ` heading.
    public let introduction: [String]
    /// The `## ` sections of the body in order: heading and the lines below it.
    public let sections: [(heading: String, lines: [String])]

    /// Reads and parses `url`. Throws `LessonError` for anything unreadable or malformed.
    public init(url: URL, displayPath: String? = nil) throws {
        let path = displayPath ?? url.path
        let name = url.deletingPathExtension().lastPathComponent
        guard let number = LessonFile.number(ofFileNamed: name) else {
            throw LessonError(
                file: path, problem: "the file name must start with the lesson number, as in 06-dot-product.md")
        }
        // Only a regular file of sensible size (a named pipe is reported, never waited on).
        let bytes: [UInt8]
        do { bytes = try RegularFile.read(url.path, limit: LessonFile.maximumBytes) } catch {
            throw LessonError(file: path, problem: "cannot read the file (\(error.reason))")
        }
        guard let text = String(bytes: bytes, encoding: .utf8) else {
            throw LessonError(file: path, problem: "the file is not UTF-8 text")
        }
        try self.init(text: text, path: path, number: number, slug: name)
    }

    /// Parses lesson text (for tests and for files already read).
    public init(text: String, path: String, number: Int, slug: String) throws {
        self.path = path
        self.number = number
        self.slug = slug
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---" else {
            throw LessonError(
                file: path, line: 1, problem: "expected a front matter block starting with '---' on the first line")
        }
        guard let end = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" }) else {
            throw LessonError(file: path, problem: "the front matter block has no closing '---' line")
        }
        try LessonFile.checkBeforeParsing(lines, frontMatterEnd: end, file: path)
        let yaml = lines[1..<end].joined(separator: "\n")
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw LessonFile.describe(error, file: path, lineOffset: 1)
        } catch {
            throw LessonError(file: path, problem: "invalid YAML front matter: \(error)")
        }
        guard let root, case .mapping = root else {
            throw LessonError(
                file: path, line: 2, problem: "the front matter must be a mapping of 'field: value' lines")
        }
        try LessonFile.rejectDuplicateKeys(root, file: path, lineOffset: 1)
        inputs = LessonField(node: root, path: "", file: path, lineOffset: 1)
        title = try inputs["title"].string()

        // The body: an introduction, then `## ` sections.
        var introduction: [String] = []
        var sections: [(heading: String, lines: [String])] = []
        for line in lines[(end + 1)...] {
            if line.hasPrefix("## ") {
                sections.append((String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces), []))
            } else if line.hasPrefix("# ") && sections.isEmpty && introduction.allSatisfy({ $0.isEmpty }) {
                continue  // a top-level title repeats the front matter's
            } else if sections.isEmpty {
                introduction.append(line)
            } else {
                sections[sections.count - 1].lines.append(line)
            }
        }
        self.introduction = introduction
        self.sections = sections
    }

    /// The narrative lines of section `heading` (matched without regard to case).
    public func section(_ heading: String) throws -> [String] {
        guard let found = sections.first(where: { $0.heading.lowercased() == heading.lowercased() }) else {
            throw LessonError(file: path, problem: "missing narrative section '## \(heading)' in the body")
        }
        return found.lines
    }

    /// The largest lesson file read (the shipped ones are a few kilobytes).
    static let maximumBytes = 1 << 20
    /// The deepest nesting of lists and mappings accepted in the front matter; lessons need 3.
    static let maximumDepth = 32

    /// Checks that the YAML parser can be given the front matter safely: no control characters
    /// anywhere in the file (a NUL would cut the text short), and no nesting deeper than
    /// `maximumDepth` (the parser recurses once per level, and thousands of `[` overflow its stack).
    /// The depth counted is an upper bound: open brackets outside quotes and comments, plus the
    /// indentation and the `- ` markers that start the line.
    static func checkBeforeParsing(_ lines: [String], frontMatterEnd end: Int, file: String) throws {
        for (index, line) in lines.enumerated() {
            if let bad = line.unicodeScalars.first(where: { isControl($0) && $0 != "\t" }) {
                throw LessonError(
                    file: file, line: index + 1,
                    problem: "contains the control character U+\(String(format: "%04X", bad.value)); remove it")
            }
        }
        var flowDepth = 0
        for index in 1..<end {
            let line = Array(lines[index].unicodeScalars)
            var column = 0
            var blockDepth = 0
            while column < line.count, line[column] == " " {
                column += 1
                blockDepth += 1
            }
            while column + 1 < line.count, line[column] == "-" || line[column] == "?", line[column + 1] == " " {
                column += 2
                blockDepth += 2
            }
            var quote: Unicode.Scalar?
            var previous: Unicode.Scalar = " "
            while column < line.count {
                let scalar = line[column]
                if let open = quote {
                    if scalar == open { quote = nil }
                } else if scalar == "\"" || scalar == "'" {
                    quote = scalar
                } else if scalar == "#" && (previous == " " || previous == "\t") {
                    break
                } else if scalar == "[" || scalar == "{" {
                    flowDepth += 1
                } else if scalar == "]" || scalar == "}" {
                    flowDepth = max(0, flowDepth - 1)
                }
                previous = scalar
                column += 1
            }
            if flowDepth + blockDepth / 2 > maximumDepth {
                throw LessonError(
                    file: file, line: index + 1,
                    problem: "the front matter nests lists or mappings more than \(maximumDepth) deep; "
                        + "a lesson's inputs need only a few levels")
            }
        }
    }

    /// A control character: C0 (tab and line ends included), DEL, or C1.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// The most values the front matter may hold once aliases (`*name`) are expanded; lessons
    /// need a few hundred. Without a bound, ten aliases of ten aliases of... are a billion values.
    static let maximumValues = 100_000

    /// A key written twice in one mapping would otherwise let one value win without a word. The
    /// walk also bounds what aliases can build: at most `maximumValues` values, `maximumDepth` deep.
    static func rejectDuplicateKeys(_ root: Node, file: String, lineOffset: Int) throws {
        var budget = maximumValues
        try rejectDuplicateKeys(root, file: file, lineOffset: lineOffset, depth: 0, budget: &budget)
    }

    private static func rejectDuplicateKeys(
        _ node: Node, file: String, lineOffset: Int, depth: Int, budget: inout Int
    ) throws {
        budget -= 1
        guard budget >= 0, depth <= maximumDepth else {
            throw LessonError(
                file: file, line: node.mark.map { $0.line + lineOffset },
                problem: budget < 0
                    ? "the front matter holds more than \(maximumValues) values once its aliases are expanded"
                    : "the front matter nests lists or mappings more than \(maximumDepth) deep (through aliases)")
        }
        switch node {
        case .scalar:
            return
        case .sequence(let sequence):
            for item in sequence {
                try rejectDuplicateKeys(item, file: file, lineOffset: lineOffset, depth: depth + 1, budget: &budget)
            }
        case .mapping(let mapping):
            var seen: [String: Int] = [:]
            for (key, value) in mapping {
                let name = key.string ?? "\(key)"
                let line = key.mark.map { $0.line + lineOffset } ?? 0
                if let first = seen[name] {
                    throw LessonError(
                        file: file, line: line,
                        problem: "the key '\(name)' is given twice in the same mapping (first on line \(first)); keep one")
                }
                seen[name] = line
                try rejectDuplicateKeys(value, file: file, lineOffset: lineOffset, depth: depth + 1, budget: &budget)
            }
        }
    }

    /// 6 for "06-dot-product", nil when the name does not start with digits and a dash.
    static func number(ofFileNamed name: String) -> Int? {
        let digits = name.prefix(while: \.isNumber)
        guard !digits.isEmpty, name.dropFirst(digits.count).first == "-" else { return nil }
        return Int(digits)
    }

    /// A YAML error as a lesson error with the file's line number (the front matter starts on line 2).
    static func describe(_ error: YamlError, file: String, lineOffset: Int) -> LessonError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            return LessonError(file: file, line: mark.line + lineOffset, problem: "invalid YAML: \(detail)")
        default:
            return LessonError(file: file, problem: "invalid YAML front matter: \(error)")
        }
    }
}

/// A value in the front matter with its path ("patterns[2].pixels") and line, and typed
/// accessors that throw a `LessonError` naming both when the value is not what a lesson needs.
public struct LessonField: @unchecked Sendable {
    /// nil when the field is missing.
    let node: Node?
    public let path: String
    let file: String
    let lineOffset: Int
    /// The line of the enclosing mapping, for a missing field.
    var parentLine: Int?

    init(node: Node?, path: String, file: String, lineOffset: Int, parentLine: Int? = nil) {
        self.node = node
        self.path = path
        self.file = file
        self.lineOffset = lineOffset
        self.parentLine = parentLine
    }

    /// The line of this value in the file, or of its parent when missing.
    public var line: Int? { node?.mark.map { $0.line + lineOffset } ?? parentLine }

    public var exists: Bool { node != nil }

    func error(_ problem: String) -> LessonError {
        LessonError(file: file, line: line, field: path.isEmpty ? nil : path, problem: problem)
    }

    /// The field `key` of this mapping (missing fields throw only when read).
    public subscript(key: String) -> LessonField {
        let child: Node? = if case .mapping(let mapping) = node { mapping[key] } else { nil }
        return LessonField(
            node: child, path: path.isEmpty ? key : path + "." + key, file: file,
            lineOffset: lineOffset, parentLine: line)
    }

    private func present() throws -> Node {
        guard let node else { throw error("missing; add it to the front matter") }
        return node
    }

    private func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): return "'\(scalar.string)'"
        case .mapping: return "a mapping"
        case .sequence(let s): return "a list of \(s.count)"
        }
    }

    /// The largest magnitude a lesson number may have. Lessons multiply, square and sum their
    /// inputs; within this bound everything they derive stays finite as a Float (3.4e38).
    public static let largestNumber: Float = 1e6

    /// A number, finite as a Float and at most `largestNumber` in size (1e308 is finite as a
    /// Double but not as a Float; 3e38 is a Float whose square is not).
    public func number() throws -> Float {
        let node = try present()
        guard case .scalar = node, let value = node.float, value.isFinite else {
            throw error("expected a number, found \(describe(node))")
        }
        let limit = LessonField.largestNumber
        guard abs(value) <= Double(limit) else {
            throw error(
                "expected a number from -\(TraceNumber.format(limit)) to \(TraceNumber.format(limit)), found \(describe(node))")
        }
        return Float(value)
    }

    /// A number in `range`.
    public func number(in range: ClosedRange<Float>) throws -> Float {
        let value = try number()
        guard range.contains(value) else {
            throw error(
                "expected a number from \(TraceNumber.format(range.lowerBound)) to \(TraceNumber.format(range.upperBound)), found \(TraceNumber.format(value))"
            )
        }
        return value
    }

    /// A whole number in `range`.
    public func integer(in range: ClosedRange<Int> = Int.min...Int.max) throws -> Int {
        let node = try present()
        guard case .scalar = node, let value = node.float, value.isFinite, value.rounded() == value,
            abs(value) < 1e15
        else { throw error("expected a whole number, found \(describe(node))") }
        let integer = Int(value)
        guard range.contains(integer) else {
            throw error("expected a whole number from \(range.lowerBound) to \(range.upperBound), found \(integer)")
        }
        return integer
    }

    /// One line of text (a line break or NUL written as an escape in quotes is refused too).
    public func string() throws -> String {
        let node = try present()
        guard case .scalar(let scalar) = node else { throw error("expected text, found \(describe(node))") }
        if let bad = scalar.string.unicodeScalars.first(where: LessonFile.isControl) {
            throw error("expected one line of text, found the control character U+\(String(format: "%04X", bad.value))")
        }
        return scalar.string
    }

    /// The items of a list, each with its own path and line.
    public func items(count expected: ClosedRange<Int>? = nil) throws -> [LessonField] {
        let node = try present()
        guard case .sequence(let sequence) = node else { throw error("expected a list, found \(describe(node))") }
        let items = Array(sequence)
        if let expected, !expected.contains(items.count) {
            let wanted =
                expected.lowerBound == expected.upperBound
                ? "\(expected.lowerBound)" : "\(expected.lowerBound) to \(expected.upperBound)"
            throw error("expected a list of \(wanted) items, found \(items.count)")
        }
        return items.enumerated().map { i, item in
            LessonField(node: item, path: "\(path)[\(i)]", file: file, lineOffset: lineOffset, parentLine: line)
        }
    }

    /// A list of numbers, `count` of them when given.
    public func numbers(count: Int? = nil, in range: ClosedRange<Float>? = nil) throws -> [Float] {
        let node = try present()
        guard case .sequence(let sequence) = node else {
            throw error(
                "expected a list of \(count.map(String.init) ?? "") numbers like [1, 2, 3], found \(describe(node))"
                    .replacingOccurrences(of: "of  numbers", with: "of numbers"))
        }
        if let count, sequence.count != count {
            throw error("expected \(count) numbers, found \(sequence.count)")
        }
        return try items().map { try range.map($0.number(in:)) ?? $0.number() }
    }

    /// A grid written as a list of rows, [[3, 0, 1], [5, 9, 2], [0, 4, 7]]: `rows` x `cols` when
    /// given, else any shape whose rows are all as long.
    public func grid(rows: Int? = nil, cols: Int? = nil, in range: ClosedRange<Float>? = nil) throws -> Matrix {
        let node = try present()
        let shape = "\(rows.map(String.init) ?? "") rows of \(cols.map(String.init) ?? "equally many") numbers"
            .replacingOccurrences(of: " rows", with: rows == nil ? "rows" : " rows")
        guard case .sequence(let sequence) = node, sequence.count == (rows ?? sequence.count), sequence.count > 0 else {
            throw error("expected \(shape), found \(describe(node))")
        }
        var values: [Float] = []
        var width = cols
        for row in try items() {
            guard case .sequence(let cells) = row.node!, cells.count == (width ?? cells.count), cells.count > 0 else {
                throw row.error(
                    "expected a row of \(width.map(String.init) ?? "") numbers, found \(row.describe(row.node!))"
                        .replacingOccurrences(of: "of  numbers", with: "of numbers"))
            }
            width = cells.count
            values += try row.numbers(count: cells.count, in: range)
        }
        return Matrix(rows: values.count / width!, cols: width!, values: values)
    }

    /// A 3x3 image of pixel intensities 0-9, written as three rows of three.
    public func image() throws -> Matrix { try grid(rows: 3, cols: 3, in: 0...9) }
}
