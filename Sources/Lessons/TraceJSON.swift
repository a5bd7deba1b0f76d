// The machine form of a trace: one JSON object per recorded step, keys in a fixed order
// (lesson, step, index, param, layer, iteration, label, value, formula). Narrative is left out.
import Foundation
import NeuralCore

public enum TraceJSON {
    /// Every step of `trace` as JSON lines, each ending with a newline.
    public static func render(_ trace: LessonTrace) -> String {
        trace.steps.map { line(for: $0, lesson: trace.number) + "\n" }.joined()
    }

    /// {"lesson":6,"step":"product","index":[0],"label":"x0*w0","value":0.3,"formula":"3*0.1"}
    public static func line(for step: TraceStep, lesson: Int) -> String {
        var fields: [(String, String)] = [("lesson", String(lesson)), ("step", quote(step.name))]
        if let index = step.index {
            fields.append(("index", "[" + index.map(String.init).joined(separator: ",") + "]"))
        }
        if let param = step.param { fields.append(("param", quote(param))) }
        if let layer = step.layer { fields.append(("layer", String(layer))) }
        if let iteration = step.iteration { fields.append(("iteration", String(iteration))) }
        fields.append(("label", quote(step.label)))
        fields.append(("value", value(step.value)))
        if let formula = step.formula { fields.append(("formula", quote(formula))) }
        return "{" + fields.map { "\(quote($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }

    /// A number as the shortest text that reads back as the same Float; null when not finite.
    static func number(_ value: Float) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded() && abs(value) < 1e7 { return String(Int(value)) }
        return "\(value)"
    }

    /// A scalar, a row as a flat array, or a matrix as an array of rows.
    static func value(_ value: TraceValue) -> String {
        switch value {
        case .scalar(let x): return number(x)
        case .matrix(let m):
            if m.rows <= 1 { return "[" + m.values.map(number).joined(separator: ",") + "]" }
            return "["
                + (0..<m.rows).map { r in "[" + m.row(r).map(number).joined(separator: ",") + "]" }.joined(
                    separator: ",") + "]"
        }
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
