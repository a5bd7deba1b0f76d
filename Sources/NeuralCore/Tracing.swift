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

/// The name of a step: what kind of value it is. Stable and machine-readable (its raw value is
/// the `"step"` of the JSON form, documented in the README: add cases, never rename one), and
/// checked by the compiler wherever a step is recorded or picked out.
public enum TraceStepName: String, Sendable, CaseIterable {
    // The forward pass.
    case input, weights, bias, product, runningSum = "running_sum", z, activation, output
    // Losses.
    case target, softmax, exponential, exponentialSum = "exponential_sum", probability, lossTerm = "loss_term", loss
    // The backward pass and the update.
    case dOutput = "d_output", dZ = "d_z", gradientBackprop = "gradient_backprop", dInput = "d_input", update
    // Nudging.
    case lossPlus = "loss_plus", lossMinus = "loss_minus", lossDifference = "loss_difference"
    case gradientNumeric = "gradient_numeric", gradientCheck = "gradient_check"
    // Steps the lessons and the trained-model trace record about values the core computed.
    case sample, guess, image, flatten, combinedWeights = "combined_weights", combinedBias = "combined_bias"
    case example, epochLoss = "epoch_loss", accuracy, prediction, gradientNorm = "gradient_norm"
    case products
    // A gradient written out by the chain rule: each factor (a layer's local derivative) and their product.
    case chainRule = "chain_rule"
    // A one-variable function's value, and the slope of a secant (rise over run) on its curve.
    case functionValue = "function_value", secantSlope = "secant_slope"
    // SGD with momentum: a parameter's velocity, updated before the parameter moves along it.
    case velocity
}

/// Which parameter a step is about, as a value: layer (1-based), weights or bias, and the
/// element's full index ([input, neuron] for a weight, [neuron] for a bias).
public struct TraceParameter: Equatable, Sendable {
    public enum Kind: String, Sendable { case weights, bias }
    public var layer: Int
    public var kind: Kind
    public var index: [Int]
    /// The block's name in traces ("w1", "b2"; "w", "b" for a one-layer network).
    public var name: String
    /// The element's name for people, size-one dimensions left out ("w3" rather than "w[3,0]").
    public var label: String

    public init(layer: Int, kind: Kind, index: [Int], name: String, label: String? = nil) {
        self.layer = layer
        self.kind = kind
        self.index = index
        self.name = name
        self.label = label ?? TraceName.parameter(name, index)
    }
}

/// One named step of a traced computation.
///
/// `name` says what the value is; `label` is for people ("x0*w0"); `formula` is the arithmetic
/// with its numbers filled in, nothing else, so that evaluating it gives `value`; `note` is a
/// remark for people ("products + b") that renderers show beside the value. `index` is the
/// element's full position (sample, neuron, term), size-one dimensions included.
public struct TraceStep: Equatable, Sendable {
    public var kind: TraceStepName
    public var label: String
    public var value: TraceValue
    public var formula: String?
    public var note: String?
    public var index: [Int]?
    public var parameter: TraceParameter?
    public var layer: Int?
    public var iteration: Int?
    /// Whether to show the value exactly (the shortest decimal that reads back as the same
    /// Float) rather than to the usual 4 digits: a loss whose small change a later line computes.
    public var showsAllDigits: Bool

    /// The stable name, as written in the JSON form.
    public var name: String { kind.rawValue }
    /// The parameter block's name ("w1"), for the JSON form and tables.
    public var param: String? { parameter?.name }

    public init(
        _ kind: TraceStepName, label: String, value: TraceValue, formula: String? = nil, note: String? = nil,
        index: [Int]? = nil, parameter: TraceParameter? = nil, layer: Int? = nil, iteration: Int? = nil,
        showsAllDigits: Bool = false
    ) {
        self.kind = kind
        self.label = label
        self.value = value
        self.formula = formula
        self.note = note
        self.index = index
        self.parameter = parameter
        self.layer = layer
        self.iteration = iteration
        self.showsAllDigits = showsAllDigits
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
    public func steps(named kind: TraceStepName) -> [TraceStep] { steps.filter { $0.kind == kind } }
}

/// How the core writes numbers, so that every line can be checked by hand.
///
/// The rule: an operand inside a formula is written with all the digits a Float holds (the
/// shortest decimal within two rounding units of it), a result with up to 4. Evaluated from operands that precise, the arithmetic a
/// line shows gives the result it shows at the result's precision; operands rounded to 4 digits
/// would not (0.8529 - 0.8584 is not the -0.00555 that the losses really differ by).
public enum TraceNumber {
    /// A result: up to 4 significant digits, no trailing zeros ("0.3", "-2.775", "8.732e-5").
    public static func format(_ value: Float) -> String { format(value, digits: 4) }

    /// `value` with up to `digits` significant digits and no trailing zeros.
    public static func format(_ value: Float, digits: Int) -> String { format(Double(value), digits: digits) }

    /// A Double (an exact evaluation of shown arithmetic) written like a Float.
    public static func format(_ value: Double, digits: Int) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == 0 { return "0" }
        // C's %g straight into a stack buffer: Foundation's String(format:) and its replacing
        // calls cost most of a long lesson loop's time (every operand of every traced line).
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer -> String in
            let length = withVaList([Int32(digits), value]) { vsnprintf(buffer.baseAddress, 64, "%.*g", $0) }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(Int(length))
            var i = 0
            while i < Int(length) {
                let byte = UInt8(bitPattern: buffer[i])
                bytes.append(byte)
                i += 1
                // 1.234e-05 -> 1.234e-5, 1e+20 -> 1e20: no "+" and no leading zero in the exponent.
                guard byte == UInt8(ascii: "e") else { continue }
                let sign = UInt8(bitPattern: buffer[i])
                if sign == UInt8(ascii: "-") { bytes.append(sign) }
                if sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { i += 1 }
                if i < Int(length) - 1 && buffer[i] == CChar(UInt8(ascii: "0")) { i += 1 }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Significant digits of an operand: every digit a Float holds.
    public static let operandDigits = 7

    /// A number as the first operand of a formula: the shortest decimal that is within two
    /// rounding units (ulps) of the Float, so at most 7 or so significant digits, and no more
    /// than needed ("0.55" for the sum 0.3 + 0.25 that a Float holds as 0.55000007).
    public static func precise(_ value: Float) -> String {
        guard value.isFinite, value != 0 else { return format(value) }
        let tolerance = 2 * Double(value.ulp)
        for digits in 1...8 {
            let text = format(value, digits: digits)
            if let shown = Double(text), abs(shown - Double(value)) <= tolerance { return text }
        }
        return format(value, digits: 9)
    }

    /// The shortest decimal that reads back as exactly this Float (up to 9 significant digits), for
    /// operands whose small difference a formula takes.
    public static func exact(_ value: Float) -> String {
        guard value.isFinite, value != 0 else { return format(value) }
        for digits in 1...9 {
            let text = format(value, digits: digits)
            if Float(text) == value { return text }
        }
        return format(value, digits: 9)
    }

    /// A number as an operand after an operator: up to 7 significant digits, parenthesised when
    /// negative ("3*(-0.2)").
    public static func operand(_ value: Float) -> String {
        let text = precise(value)
        return text.hasPrefix("-") ? "(\(text))" : text
    }

    /// Sums of this many terms or fewer are written out in full.
    public static let longestWrittenSum = 16

    /// A sum written out term by term. Past 16 terms it keeps the first and last 4 and replaces
    /// the others by one term that says how many there are and what they add up to:
    /// "a + b + c + d + [12 more terms: 1.234] + w + x + y + z".
    public static func sum(_ terms: [String], values: [Float]? = nil) -> String {
        guard terms.count > longestWrittenSum, let values, values.count == terms.count else {
            return terms.joined(separator: " + ")
        }
        let hidden = values[4..<(values.count - 4)].reduce(Float(0), +)
        let middle = "[\(values.count - 8) more terms: \(precise(hidden))]"
        return (terms.prefix(4) + [middle] + terms.suffix(4)).joined(separator: " + ")
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

extension Network {
    /// Parameter `flatIndex` as a trace value: its layer, block and full index.
    public func traceParameter(at flatIndex: Int) -> TraceParameter {
        let (name, index) = parameterName(at: flatIndex)
        let layer = (0..<layerCount).last { flatIndex >= weightOffsets[$0] }! + 1
        let kind: TraceParameter.Kind = flatIndex >= biasOffsets[layer - 1] ? .bias : .weights
        let sizes = kind == .weights ? [layerSizes[layer - 1], layerSizes[layer]] : [layerSizes[layer]]
        return TraceParameter(
            layer: layer, kind: kind, index: index, name: name,
            label: TraceName.element(name, index, sizes: sizes))
    }
}
