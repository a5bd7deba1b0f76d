// One JSON object per line, keys in the order given (so output reads the same every run), for
// `--json`. Only what the training commands print: strings, numbers, booleans, arrays, objects.
import Foundation

/// A JSON value whose objects keep their key order.
public enum JSONValue: Equatable, Sendable {
    case string(String)
    case number(Double)
    case integer(Int)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.text == b.text }

    /// A Float as a number, or null when it is NaN or infinite (JSON has no such numbers).
    public static func float(_ value: Float) -> JSONValue { value.isFinite ? .number(Double(value)) : .null }

    /// Compact text on one line.
    public var text: String {
        switch self {
        case .string(let value): return JSONValue.quoted(value)
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

extension EpochRecord {
    /// `{"epoch":k,"train_loss":..,"train_accuracy":..,"test_accuracy":..,"seconds":..,"images_per_second":..}`
    public var json: JSONValue {
        .object([
            ("epoch", .integer(epoch)),
            ("train_loss", .float(trainLoss)),
            ("train_accuracy", .number(trainAccuracy)),
            ("test_accuracy", .number(testAccuracy)),
            ("seconds", .number((seconds * 1000).rounded() / 1000)),
            ("images_per_second", .integer(Int(imagesPerSecond.rounded()))),
        ])
    }
}
