// The tracing hook: every core operation takes a generic `Tracer`. `RecordingTracer` keeps each
// named step with its numbers and its formula; `NoTracer` compiles to nothing in the fast path.
// Their JSON form is in JSONValue.swift; laying them out for a terminal is the lessons' business.
import Foundation

/// Something that can receive the steps of a computation.
///
/// Operations check `isRecording` before building any label or formula, so with `NoTracer` (whose
/// `isRecording` is a constant `false`) the specialised code contains no tracing work at all.
public protocol Tracer {
    var isRecording: Bool { get }
    /// Whether to record an operation element by element (each product, each sum) when it has
    /// `count` elements, rather than as whole matrices: lessons want every number, a traced
    /// MNIST digit wants its 100,352 first-layer products summarised.
    func recordsElements(count: Int) -> Bool
    func record(_ step: TraceStep)
}

/// The tracer of the fast path: records nothing and costs nothing once specialised.
public struct NoTracer: Tracer {
    @inlinable public init() {}
    @inlinable public var isRecording: Bool { false }
    @inlinable public func recordsElements(count: Int) -> Bool { false }
    @inlinable public func record(_ step: TraceStep) {}
}

/// A value seen during a computation: a number, or a matrix of numbers.
public enum TraceValue: Equatable, Sendable {
    case scalar(Float)
    case matrix(Matrix)

    /// Every number in the value, row-major.
    public var numbers: [Float] {
        switch self {
        case .scalar(let value): return [value]
        case .matrix(let matrix): return matrix.values
        }
    }
}

/// One named step of a traced computation.
///
/// `name` is stable and machine-readable (`input`, `weights`, `bias`, `product`, `z`,
/// `activation`, `output`, `target`, `loss`, `loss_term`, `gradient_backprop`, `update`, ...);
/// `label` is for people ("x0*w0"); `formula` shows the arithmetic with its numbers filled in.
public struct TraceStep: Equatable, Sendable {
    public var name: String
    public var label: String
    public var value: TraceValue
    public var formula: String?
    public var index: [Int]?
    public var param: String?
    public var layer: Int?
    public var iteration: Int?

    public init(
        _ name: String, label: String, value: TraceValue, formula: String? = nil, index: [Int]? = nil,
        param: String? = nil, layer: Int? = nil, iteration: Int? = nil
    ) {
        self.name = name
        self.label = label
        self.value = value
        self.formula = formula
        self.index = index
        self.param = param
        self.layer = layer
        self.iteration = iteration
    }
}

/// Keeps every step it is given, in order. A class so that one recorder can be handed down
/// through nested operations and read afterwards.
public final class RecordingTracer: Tracer, @unchecked Sendable {
    public private(set) var steps: [TraceStep] = []
    /// When set, stamped on every recorded step that has no iteration of its own (a training loop
    /// sets it before each step so that every product and update knows its iteration).
    public var iteration: Int?
    /// Operations with more elements than this are recorded as whole matrices.
    public var elementLimit: Int

    public init(elementLimit: Int = 4096) { self.elementLimit = elementLimit }

    public var isRecording: Bool { true }
    public func recordsElements(count: Int) -> Bool { count <= elementLimit }

    public func record(_ step: TraceStep) {
        var step = step
        if step.iteration == nil { step.iteration = iteration }
        steps.append(step)
    }

    /// The steps with a given name, in order.
    public func steps(named name: String) -> [TraceStep] { steps.filter { $0.name == name } }
}

/// How the core writes numbers inside formulas: up to four significant digits, no trailing zeros,
/// negative numbers in parentheses when they follow an operator ("3*(-0.2)").
public enum TraceNumber {
    public static func format(_ value: Float) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == 0 { return "0" }
        var text = String(format: "%.4g", Double(value))
        if text.contains("e") {
            // 1.234e-05 -> keep, but drop a "+" and leading zeros of the exponent.
            text = text.replacingOccurrences(of: "e+0", with: "e").replacingOccurrences(of: "e-0", with: "e-")
                .replacingOccurrences(of: "e+", with: "e")
        }
        return text
    }

    /// The number as an operand: parenthesised when negative.
    public static func operand(_ value: Float) -> String {
        let text = format(value)
        return value < 0 || text.hasPrefix("-") ? "(\(text))" : text
    }

    /// A sum written out, eliding the middle of long ones: "a + b + c + ... + y + z".
    public static func sum(_ terms: [String], keepingEnds ends: Int = 4) -> String {
        if terms.count <= 2 * ends + 1 { return terms.joined(separator: " + ") }
        return (terms.prefix(ends) + ["..."] + terms.suffix(ends)).joined(separator: " + ")
    }
}

/// Names for the elements the core traces. Indices stay explicit, but a dimension of size one is
/// left out so that a one-sample, one-neuron lesson reads "x0*w0" rather than "x[0,0]*W1[0,0]".
public enum TraceName {
    /// `name` with the indices whose dimension is larger than one: "x", [0, 2], [1, 9] -> "x2".
    public static func element(_ name: String, _ indices: [Int], sizes: [Int]) -> String {
        let kept = zip(indices, sizes).filter { $0.1 > 1 }.map { $0.0 }
        return parameter(name, kept)
    }

    /// A name with all of `indices`: "w3" for ("w", [3]), but "b1[0]" and "w2[1,0]" where
    /// digits would run together ("b10" could be b1[0] or b[10]).
    public static func parameter(_ name: String, _ indices: [Int]) -> String {
        let text = indices.map(String.init)
        if text.isEmpty { return name }
        if text.count == 1 && !(name.last?.isNumber ?? false) { return name + text[0] }
        return name + "[" + text.joined(separator: ",") + "]"
    }
}
