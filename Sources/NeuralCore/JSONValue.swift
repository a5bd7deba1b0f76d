// The one JSON writer of the project: a value whose objects keep their key order, written as
// compact text on one line. Every `--json` output (trace steps, epochs, figures) goes through it.
import Foundation

/// A JSON value. Objects keep the order their keys were given in, so a line reads the same on
/// every run and a person scanning the output finds the keys where they expect them.
public enum JSONValue: Equatable, Sendable {
    case string(String)
    /// A Float, written as the shortest text that reads back as the same Float.
    case float(Float)
    /// A Double, written with up to 7 significant digits.
    case number(Double)
    case integer(Int)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.text == b.text }

    /// Compact text on one line. NaN and infinities, which JSON cannot express, become null.
    public var text: String {
        switch self {
        case .string(let value): return JSONValue.quoted(value)
        case .float(let value):
            guard value.isFinite else { return "null" }
            if value == value.rounded() && abs(value) < 1e7 { return String(Int(value)) }
            return "\(value)"
        case .number(let value):
            guard value.isFinite else { return "null" }
            if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
            return String(format: "%.7g", value)
        case .integer(let value): return String(value)
        case .bool(let value): return value ? "true" : "false"
        case .null: return "null"
        case .array(let values): return "[" + values.map(\.text).joined(separator: ",") + "]"
        case .object(let pairs):
            return "{" + pairs.map { JSONValue.quoted($0.0) + ":" + $0.1.text }.joined(separator: ",") + "}"
        }
    }

    /// `text` in double quotes, with quotes, backslashes and control characters escaped.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    result += String(format: "\\u%04x", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}

extension TraceStep {
    /// The step as one JSON object, keys in a fixed order: `leading` (e.g. `"lesson": 6`), then
    /// step, index, param, layer, iteration, label, value, formula, note (fields are added at the
    /// end, never renamed). A one-row matrix is a flat
    /// array, a larger one an array of rows; past `matrixLimit` numbers a matrix is written as
    /// `"summary": {"shape", "min", "max", "mean", "nonzero"}` instead of its value.
    public func json(leading: [(String, JSONValue)] = [], matrixLimit: Int = .max) -> JSONValue {
        var pairs = leading + [("step", JSONValue.string(name))]
        if let index { pairs.append(("index", .array(index.map(JSONValue.integer)))) }
        if let param { pairs.append(("param", .string(param))) }
        if let layer { pairs.append(("layer", .integer(layer))) }
        if let iteration { pairs.append(("iteration", .integer(iteration))) }
        pairs.append(("label", .string(label)))
        switch value {
        case .scalar(let number):
            pairs.append(("value", .float(number)))
        case .matrix(let matrix) where matrix.count > matrixLimit:
            let numbers = matrix.values
            let mean = numbers.reduce(0.0) { $0 + Double($1) } / Double(Swift.max(numbers.count, 1))
            pairs.append(
                (
                    "summary",
                    .object([
                        ("shape", .array([.integer(matrix.rows), .integer(matrix.cols)])),
                        ("min", .float(numbers.min() ?? 0)), ("max", .float(numbers.max() ?? 0)),
                        ("mean", .float(Float(mean))), ("nonzero", .integer(numbers.filter { $0 != 0 }.count)),
                    ])
                ))
        case .matrix(let matrix):
            let rows = (0..<matrix.rows).map { JSONValue.array(matrix.row($0).map(JSONValue.float)) }
            pairs.append(("value", matrix.rows <= 1 ? .array(matrix.values.map(JSONValue.float)) : .array(rows)))
        }
        if let formula { pairs.append(("formula", .string(formula))) }
        if let note { pairs.append(("note", .string(note))) }
        return .object(pairs)
    }
}
