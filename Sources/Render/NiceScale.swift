// "Nice" axis ranges and ticks (steps of 1, 2 or 5 times a power of ten) for linear axes, whole
// decades for log axes, and their labels (short e-notation for very large or small numbers). No dates.
import Foundation

/// A linear axis range widened to whole steps of 1, 2 or 5 times a power of ten, with its ticks.
public struct NiceScale: Equatable, Sendable {
    public let lower: Double
    public let upper: Double
    public let step: Double

    /// A range that covers `min...max` with about `tickCount` ticks. A single value (or a
    /// constant series) gets a range around it; non-finite input falls back to 0...1.
    public init(min: Double, max: Double, tickCount: Int = 5) {
        var low = min, high = max
        if !low.isFinite || !high.isFinite || low > high { (low, high) = (0, 1) }
        if low == high {
            let pad = low == 0 ? 1 : abs(low) * 0.5
            (low, high) = (low - pad, high + pad)
        }
        let raw = (high - low) / Double(Swift.max(tickCount, 1))
        let magnitude = pow(10, floor(log10(raw)))
        let residual = raw / magnitude
        let step = (residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10) * magnitude
        self.step = step
        // A small tolerance keeps 0.30000000000000004 from adding a whole extra step.
        lower = floor(low / step + 1e-9) * step
        upper = ceil(high / step - 1e-9) * step
    }

    /// A log axis in decades: `min` and `max` are log10 of the data; the range widens to whole
    /// decades, with a tick every `step` decades (at most about 6 ticks).
    public init(decadesFrom min: Double, to max: Double) {
        var low = min, high = max
        if !low.isFinite || !high.isFinite || low > high { (low, high) = (0, 1) }
        lower = floor(low)
        upper = Swift.max(ceil(high), lower + 1)
        step = Swift.max(1, ceil((upper - lower) / 6))
    }

    /// The label of a log axis's tick at 10^exponent: "0.01", "1", "100", or "1e-5", "1e6".
    public static func decadeLabel(_ exponent: Double) -> String {
        let e = Int(exponent.rounded())
        if e >= 0 && e <= 3 { return String(format: "%.0f", pow(10, Double(e))) }
        if e < 0 && e >= -2 { return String(format: "%.\(-e)f", pow(10, Double(e))) }
        return "1e\(e)"
    }

    /// The tick values from `lower` to `upper`.
    public var ticks: [Double] {
        let count = Int(((upper - lower) / step).rounded())
        return (0...count).map { lower + Double($0) * step }
    }

    /// Decimals needed to tell the ticks apart.
    public var decimals: Int { Swift.max(0, -Int(floor(log10(step) + 1e-9))) }

    /// A tick's label, with as many decimals as the step needs and no "-0".
    public func label(_ value: Double) -> String {
        // Very large or very small ticks in short e-notation ("3e29", "5e-6"), never 30 digits.
        let largest = Swift.max(abs(lower), abs(upper))
        if value != 0 && (largest >= 1e6 || decimals > 5) {
            let digits = Swift.max(1, Int(floor(log10(abs(value)) + 1e-9) - floor(log10(step) + 1e-9)) + 1)
            var text = String(format: "%.\(Swift.min(digits, 6))g", value)
            text = text.replacingOccurrences(of: "e+0", with: "e").replacingOccurrences(of: "e-0", with: "e-")
                .replacingOccurrences(of: "e+", with: "e")
            return text
        }
        let text = String(format: "%.\(decimals)f", value)
        return Double(text) == 0 ? text.replacingOccurrences(of: "-", with: "") : text
    }

    /// Where `value` falls between `lower` (0) and `upper` (1), clamped to -1...2: a value far off
    /// a fixed axis (or not a number, which gives 0) still maps to a pixel near the edge, so turning
    /// it into pixel coordinates can never overflow an Int.
    public func fraction(_ value: Double) -> Double {
        let f = (value - lower) / (upper - lower)
        return f.isNaN ? 0 : Swift.min(Swift.max(f, -1), 2)
    }
}
