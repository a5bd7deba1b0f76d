// Colour maps from numbers to colours (diverging, sequential, grey) and the colour bar that
// explains one. The look shared by every picture (ink, margins, series colours) is in Theme.swift.
import Foundation

/// Maps a number to a colour. Use the same map kinds everywhere so a colour means the same thing
/// in every picture:
/// - `diverging(limit:)` for weights and gradients: blue for negative, white for zero, red for
///   positive, symmetric over `-limit...limit` so zero is always white.
/// - `sequential(min:max:)` for activations, probabilities and counts: white to dark blue.
/// - `grey(min:max:)` for images: black to white.
/// Values outside the range are clamped; NaN is drawn mid grey.
public struct ColorMap: Equatable, Sendable {
    public enum Kind: Equatable, Sendable { case diverging, sequential, grey }

    public let kind: Kind
    public let min: Float
    public let max: Float

    /// The diverging end for the most negative value.
    public static let negativeEnd = RGB(33, 82, 160)
    /// The diverging end for the most positive value.
    public static let positiveEnd = RGB(186, 28, 40)
    /// The colour of zero in the diverging map.
    public static let zeroColor = RGB.white
    /// What a NaN is drawn as.
    public static let nanColor = RGB(150, 150, 150)
    /// Stops of the sequential map, from its minimum to its maximum, evenly spaced.
    public static let sequentialStops: [RGB] = [
        RGB(255, 255, 255), RGB(206, 224, 242), RGB(132, 182, 220), RGB(58, 125, 188),
        RGB(16, 62, 128),
    ]

    /// Blue - white - red over `-limit...limit`. A zero or invalid limit maps everything to white.
    public static func diverging(limit: Float) -> ColorMap {
        let l = limit.isFinite ? abs(limit) : 0
        return ColorMap(kind: .diverging, min: -l, max: l)
    }

    /// A diverging map whose limit is the largest magnitude in `values`.
    public static func diverging(fitting values: [Float]) -> ColorMap {
        diverging(limit: values.reduce(0) { $1.isFinite ? Swift.max($0, abs($1)) : $0 })
    }

    /// White (at `min`) to dark blue (at `max`).
    public static func sequential(min: Float = 0, max: Float = 1) -> ColorMap {
        ColorMap(kind: .sequential, min: min, max: max)
    }

    /// A sequential map spanning the finite values in `values`.
    public static func sequential(fitting values: [Float]) -> ColorMap {
        let finite = values.filter { $0.isFinite }
        return sequential(min: finite.min() ?? 0, max: finite.max() ?? 1)
    }

    /// Black (at `min`) to white (at `max`).
    public static func grey(min: Float = 0, max: Float = 1) -> ColorMap {
        ColorMap(kind: .grey, min: min, max: max)
    }

    /// The colour of `value`.
    public func color(for value: Float) -> RGB {
        guard value.isFinite else { return ColorMap.nanColor }
        switch kind {
        case .diverging:
            guard max > 0 else { return ColorMap.zeroColor }
            let t = Double(Swift.min(Swift.max(value / max, -1), 1))
            return t < 0
                ? ColorMap.zeroColor.mixed(with: ColorMap.negativeEnd, -t)
                : ColorMap.zeroColor.mixed(with: ColorMap.positiveEnd, t)
        case .sequential:
            let t = fraction(of: value)
            let stops = ColorMap.sequentialStops
            let position = t * Double(stops.count - 1)
            let index = Swift.min(Int(position), stops.count - 2)
            return stops[index].mixed(with: stops[index + 1], position - Double(index))
        case .grey:
            return RGB(grey: UInt8((fraction(of: value) * 255).rounded()))
        }
    }

    /// Where `value` falls in `min...max`, clamped to 0...1 (0 when the range is empty). In Double:
    /// `max - min` of two large Floats (3e38 and -3e38) is infinite as a Float.
    private func fraction(of value: Float) -> Double {
        guard max > min else { return 0 }
        let f = (Double(value) - Double(min)) / (Double(max) - Double(min))
        return f.isNaN ? 0 : Swift.min(Swift.max(f, 0), 1)
    }
}

/// A vertical colour bar for a colour map, with its maximum written at the top, its minimum at the
/// bottom and, for a diverging map, 0 in the middle. Draw it beside a heat map so a reader can
/// turn colours back into numbers.
public struct ColorBar: Sendable {
    public let colorMap: ColorMap
    /// Height of the coloured strip in pixels.
    public let height: Int
    /// Width of the coloured strip in pixels.
    public let barWidth: Int
    public let textScale: Int

    public init(colorMap: ColorMap, height: Int, barWidth: Int = 14, textScale: Int = 1) {
        self.colorMap = colorMap
        self.height = Swift.max(height, 3 * BitmapFont.textHeight(scale: textScale))
        self.barWidth = barWidth
        self.textScale = textScale
    }

    var labels: [(text: String, value: Float)] {
        var labels = [
            (formatNumber(colorMap.max), colorMap.max),
            (formatNumber(colorMap.min), colorMap.min),
        ]
        if colorMap.kind == .diverging { labels.append(("0", 0)) }
        return labels
    }

    /// Total width: strip, gap, widest label.
    public var width: Int {
        barWidth + 6 + labels.map { BitmapFont.textWidth($0.text, scale: textScale) }.max()!
    }

    /// Draws the bar with the top-left of its strip at (x, y).
    public func draw(into canvas: inout Canvas, x: Int, y: Int) {
        // In Double: the span of two large Floats (3e38 and -3e38) is not a finite Float.
        let low = Double(colorMap.min), high = Double(colorMap.max)
        for row in 0..<height {
            // Top row is the maximum.
            let t = height == 1 ? 1 : Double(height - 1 - row) / Double(height - 1)
            let value = Float(low + (high - low) * t)
            canvas.fillRect(
                x: x, y: y + row, width: barWidth, height: 1,
                colorMap.color(for: value))
        }
        canvas.strokeRect(x: x - 1, y: y - 1, width: barWidth + 2, height: height + 2, Theme.axis)
        let textHeight = BitmapFont.capHeight * textScale
        for (text, value) in labels {
            let span = high - low
            let t = span > 0 && span.isFinite ? Swift.min(Swift.max((high - Double(value)) / span, 0), 1) : 0
            let centre = y + Int((Double(height - 1) * t).rounded())
            let top = Swift.min(Swift.max(centre - textHeight / 2, y), y + height - textHeight)
            canvas.fillRect(x: x + barWidth, y: centre, width: 2, height: 1, Theme.axis)
            canvas.drawText(text, x: x + barWidth + 6, y: top, scale: textScale, color: Theme.ink)
        }
    }
}

/// A short, readable form of a number for labels: at most three significant figures, no
/// trailing zeros, no "-0".
public func formatNumber(_ value: Float) -> String {
    guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "inf" : "-inf") }
    if value == 0 { return "0" }
    let magnitude = abs(Double(value))
    if magnitude >= 10_000 || magnitude < 0.001 {
        return String(format: "%.2e", Double(value))
    }
    let decimals = Swift.max(0, 2 - Int(floor(log10(magnitude))))
    var text = String(format: "%.\(decimals)f", Double(value))
    if text.contains(".") {
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
    }
    return text == "-0" ? "0" : text
}
