// Every formula line of every lesson's text trace, checked as a learner with a calculator would:
// the arithmetic shown, evaluated from the operands shown, gives the result shown at the
// precision shown; and no sum of 16 terms or fewer is elided. On the shipped lessons and on
// edited ones with every count at its minimum.
import Foundation
import NeuralCore
import Testing

@testable import Lessons

/// The step lines of a text trace, with wrapped formula lines joined back (a continuation line
/// is indented by six spaces and starts with "+", "-" or "=").
func stepLines(_ text: String) -> [String] {
    var lines: [String] = []
    for line in text.components(separatedBy: "\n") {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if line.hasPrefix("      ") && (trimmed.hasPrefix("+ ") || trimmed.hasPrefix("- ") || trimmed.hasPrefix("= ")), !lines.isEmpty {
            lines[lines.count - 1] += " " + trimmed
        } else if line.hasPrefix("  ") && !line.hasPrefix("    ") && !line.hasPrefix("  - ") {
            lines.append(line)
        }
    }
    return lines
}

/// Checks one line "label = formula = result   (note)"; returns a problem, or nil.
func checkLine(_ line: String) -> String? {
    var body = line
    if let note = body.range(of: "   (", options: .backwards), body.hasSuffix(")") { body = String(body[..<note.lowerBound]) }
    let parts = body.components(separatedBy: " = ")
    guard parts.count >= 3 else { return nil }
    let shown = parts[parts.count - 1].trimmingCharacters(in: .whitespaces)
    let formula = parts[parts.count - 2].trimmingCharacters(in: .whitespaces)
    guard let result = Double(shown), let value = TraceArithmetic.evaluate(formula) else { return nil }
    if formula.contains("...") { return "elided sum: \(line)" }
    // Half a unit in the last digit shown.
    let mantissa = shown.split(separator: "e")[0]
    let exponent = shown.contains("e") ? Int(shown.split(separator: "e")[1])! : 0
    let decimals = mantissa.split(separator: ".").count > 1 ? mantissa.split(separator: ".")[1].count : 0
    let halfUnit = 0.5 * pow(10, Double(exponent - decimals))
    if abs(value - result) > halfUnit * (1 + 1e-9) + 1e-300 {
        return "\(formula) = \(value), shown as \(shown): \(line)"
    }
    return nil
}

@Suite struct ArithmeticAsPrintedTests {
    @Test("every formula line checks out by hand", arguments: 1...12)
    func shippedLessons(_ number: Int) throws {
        let text = TraceText.render(try runLesson(number), style: TextStyle())
        var checked = 0
        for line in stepLines(text) {
            if let problem = checkLine(line) { Issue.record("lesson \(number): \(problem)") }
            if line.contains(" = ") { checked += 1 }
        }
        #expect(checked > 0)
        for line in stepLines(text) { #expect(!line.contains("..."), "lesson \(number) elides: \(line)") }
    }

    @Test func theCheckerCatchesAWrongLine() {
        #expect(checkLine("  z = 0.3 + 0.25 = 0.55") == nil)
        #expect(checkLine("  z = 0.8529 - 0.8584 / 0.002 = -2.775") != nil)
        #expect(checkLine("  d = (0.8529 - 0.8584) / 0.002 = -2.775") != nil)  // by hand: -2.75
        #expect(checkLine("  w1 <- w - lr*g = -0.3428 - 0.002*(-24.81) = -0.2931") != nil)  // by hand: -0.29318
    }

    @Test func longSumsSayWhatTheyHide() {
        let terms = (0..<20).map { String($0) }
        let values = (0..<20).map { Float($0) }
        let text = TraceNumber.sum(terms, values: values)
        #expect(text.contains("[12 more terms: 114]"))  // 4 + 5 + ... + 15 = 114
        #expect(TraceArithmetic.evaluate(text) == 190)
        #expect(TraceNumber.sum(Array(terms.prefix(16)), values: Array(values.prefix(16))) == terms.prefix(16).joined(separator: " + "))
    }
}

@Suite struct TypedStepTests {
    @Test("a step's formula is arithmetic that gives its value; remarks are notes", arguments: 1...12)
    func formulasAreOnlyArithmetic(_ number: Int) throws {
        for step in try runLesson(number).steps {
            guard let formula = step.formula else { continue }
            #expect(!formula.contains("  ("), "a remark inside the formula: \(formula)")
            guard case .scalar(let value) = step.value, value.isFinite else { continue }
            let evaluated = try #require(TraceArithmetic.evaluate(formula), "not arithmetic: \(step.label) = \(formula)")
            #expect(
                abs(evaluated - Double(value)) <= 1e-4 * max(abs(Double(value)), 1e-3),
                "\(step.label) = \(formula) = \(evaluated), recorded \(value)")
        }
    }

    @Test func oneByOneValuesCarryTheirFullIndex() throws {
        // Lesson 2's one-input neuron: one sample, one neuron, one term.
        let steps = try runLesson(2).steps
        #expect(steps.first { $0.kind == .z }?.index == [0, 0])
        #expect(steps.first { $0.kind == .product }?.index == [0, 0, 0])
        let json = TraceJSON.render(try runLesson(2))
        #expect(json.contains(#""step":"z","index":[0,0]"#))
        #expect(!json.contains(#""index":[]"#))
    }
}
