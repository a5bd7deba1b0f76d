// Line and scatter plots of one or more (x, y) series on linear axes, with ticks, grid, legend,
// title and axis labels: loss and accuracy curves, target-versus-learned functions. The y axis may
// be logarithmic (a loss that falls through several decades), with ticks at whole decades.

import Foundation

/// Plots named series of (x, y) points as lines, points or both, on linear axes with nice ticks.
///
/// The ranges cover every finite point (non-finite points are skipped and break a line); a
/// single point or a constant series gets a range around its value. The legend sits in a row
/// under the title, so it never hides data.
public struct LinePlot: Picture {
    /// How a series is drawn.
    public enum Style: Sendable { case line, points, lineAndPoints }

    /// One named series.
    public struct Series: Sendable {
        public var name: String
        public var x: [Float]
        public var y: [Float]
        public var color: RGB?
        public var style: Style

        /// `x` and `y` pair up index for index; `color` defaults to the theme's next colour.
        public init(
            name: String, x: [Float], y: [Float], color: RGB? = nil,
            style: Style = .line
        ) {
            precondition(x.count == y.count, "Series \(name): \(x.count) x for \(y.count) y")
            self.name = name
            self.x = x
            self.y = y
            self.color = color
            self.style = style
        }

        /// y against 1, 2, 3, ... (for example a loss per epoch).
        public init(name: String, y: [Float], color: RGB? = nil, style: Style = .line) {
            self.init(
                name: name, x: (0..<y.count).map { Float($0 + 1) }, y: y, color: color,
                style: style)
        }
    }

    public let series: [Series]
    public let title: String?
    public let xLabel: String?
    public let yLabel: String?
    public let width: Int
    public let height: Int
    public let xRange: ClosedRange<Float>?
    public let yRange: ClosedRange<Float>?
    public let textScale: Int
    /// A logarithmic y axis: values <= 0 are left out; ticks at whole decades.
    public let logY: Bool

    /// - Parameters:
    ///   - width, height: size of the whole picture in pixels.
    ///   - xRange, yRange: fixed axis ranges (widened to nice ticks); default to the data.
    public init(
        series: [Series], title: String? = nil, xLabel: String? = nil,
        yLabel: String? = nil, width: Int = 720, height: Int = 440,
        xRange: ClosedRange<Float>? = nil, yRange: ClosedRange<Float>? = nil,
        textScale: Int = 2, logY: Bool = false
    ) {
        self.series = series
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.width = max(width, 160)
        self.height = max(height, 120)
        self.xRange = xRange
        self.yRange = yRange
        self.textScale = max(1, textScale)
        self.logY = logY
    }

    /// Where a y value sits on the axis: itself, or its log10 on a log axis (nan for y <= 0).
    func axisY(_ y: Float) -> Double { logY ? (y > 0 ? log10(Double(y)) : .nan) : Double(y) }

    func color(of index: Int) -> RGB { series[index].color ?? Theme.seriesColor(index) }

    public func render() -> Canvas {
        var canvas = Canvas(width: width, height: height, background: Theme.background)
        Layout.drawTitle(title, on: &canvas)
        let s = textScale
        let lineHeight = BitmapFont.textHeight(scale: s)

        // Legend rows under the title, wrapped to the width.
        var top = Theme.margin + Layout.titleHeight(title)
        let named = series.indices.filter { !series[$0].name.isEmpty }
        if !named.isEmpty {
            var x = Theme.margin
            for index in named {
                let entryWidth = 24 + BitmapFont.textWidth(series[index].name, scale: s)
                if x + entryWidth > width - Theme.margin && x > Theme.margin {
                    x = Theme.margin
                    top += lineHeight + 4
                }
                let middle = top + BitmapFont.capHeight * s / 2
                if series[index].style != .points {
                    canvas.fillRect(x: x, y: middle - 1, width: 18, height: 2, color(of: index))
                }
                if series[index].style != .line {
                    canvas.fillCircle(x: x + 9, y: middle, radius: 3, color(of: index))
                }
                x =
                    canvas.drawText(
                        series[index].name, x: x + 24, y: top, scale: s,
                        color: Theme.ink) + 16
            }
            top += lineHeight + 10
        }

        // Ranges and ticks.
        let points = series.flatMap { zip($0.x, $0.y.map(axisY)) }.filter { $0.0.isFinite && $0.1.isFinite }
        let xScale = NiceScale(
            min: Double(xRange?.lowerBound ?? points.map(\.0).min() ?? 0),
            max: Double(xRange?.upperBound ?? points.map(\.0).max() ?? 1))
        let yLow = yRange.map { axisY($0.lowerBound) } ?? points.map(\.1).min() ?? 0
        let yHigh = yRange.map { axisY($0.upperBound) } ?? points.map(\.1).max() ?? 1
        let yScale = logY ? NiceScale(decadesFrom: yLow, to: yHigh) : NiceScale(min: yLow, max: yHigh)
        let yLabels = yScale.ticks.map { logY ? NiceScale.decadeLabel($0) : yScale.label($0) }
        let yLabelWidth = yLabels.map { BitmapFont.textWidth($0, scale: s) }.max() ?? 0

        // The plot area.
        // A short y label ("y", "p") reads best upright; a longer one is turned.
        let uprightYLabel = (yLabel?.count ?? 0) <= 2
        let axisTitleRoom =
            yLabel.map {
                uprightYLabel ? BitmapFont.textWidth($0, scale: s) + 10 : lineHeight + 8
            } ?? 0
        let left = Theme.margin + axisTitleRoom + yLabelWidth + 8
        let bottomRoom = lineHeight + 8 + (xLabel == nil ? 0 : lineHeight + 8)
        let right =
            width - Theme.margin - BitmapFont.textWidth(
                xScale.ticks.last.map {
                    xScale.label($0)
                } ?? "", scale: s) / 2
        let bottom = height - Theme.margin - bottomRoom
        let plotWidth = max(right - left, 20), plotHeight = max(bottom - top, 20)
        // Data stays `pad` pixels inside the frame, so points on the range's edge show whole.
        let pad = 6
        func px(_ x: Double) -> Int {
            pad + Int((xScale.fraction(x) * Double(plotWidth - 1 - 2 * pad)).rounded())
        }
        func py(_ y: Double) -> Int {
            let span = Double(plotHeight - 1 - 2 * pad)
            return plotHeight - 1 - pad - Int((yScale.fraction(y) * span).rounded())
        }

        // Grid and series go on a canvas the size of the plot area, which clips them.
        var area = Canvas(width: plotWidth, height: plotHeight, background: Theme.background)
        for tick in xScale.ticks {
            area.fillRect(
                x: px(tick), y: 0, width: 1, height: plotHeight,
                Theme.grid)
        }
        for tick in yScale.ticks {
            area.fillRect(
                x: 0, y: py(tick), width: plotWidth, height: 1,
                Theme.grid)
        }
        if !logY && yScale.lower < 0 && yScale.upper > 0 {
            area.fillRect(
                x: 0, y: py(0), width: plotWidth, height: 1,
                Theme.axis.mixed(with: .white, 0.5))
        }
        for (index, one) in series.enumerated() {
            let colour = color(of: index)
            var previous: (Int, Int)?
            for (x, y) in zip(one.x, one.y.map(axisY)) {
                guard x.isFinite && y.isFinite else { previous = nil; continue }
                let point = (px(Double(x)), py(y))
                if one.style != .points, let previous {
                    area.drawLine(
                        x0: previous.0, y0: previous.1, x1: point.0, y1: point.1,
                        thickness: 2, colour)
                }
                if one.style != .line || one.x.count == 1 {
                    area.fillCircle(x: point.0, y: point.1, radius: 3, colour)
                }
                previous = point
            }
        }
        canvas.draw(area, x: left, y: top)
        canvas.strokeRect(
            x: left - 1, y: top - 1, width: plotWidth + 2, height: plotHeight + 2,
            Theme.axis)

        // Ticks and their labels.
        let capHeight = BitmapFont.capHeight * s
        for (tick, label) in zip(yScale.ticks, yLabels) {
            let y = top + py(tick)
            canvas.fillRect(x: left - 5, y: y, width: 4, height: 1, Theme.axis)
            canvas.drawText(
                label, x: left - 8 - BitmapFont.textWidth(label, scale: s),
                y: y - capHeight / 2, scale: s, color: Theme.faintInk)
        }
        for tick in xScale.ticks {
            let x = left + px(tick)
            canvas.fillRect(x: x, y: top + plotHeight + 1, width: 1, height: 4, Theme.axis)
            canvas.drawText(
                xScale.label(tick), centerX: x, y: top + plotHeight + 8, scale: s,
                color: Theme.faintInk)
        }
        if let xLabel {
            canvas.drawText(
                xLabel, centerX: left + plotWidth / 2,
                y: top + plotHeight + 8 + lineHeight + 8, scale: s, color: Theme.ink)
        }
        if let yLabel, uprightYLabel {
            canvas.drawText(
                yLabel, x: Theme.margin, y: top + (plotHeight - capHeight) / 2,
                scale: s, color: Theme.ink)
        } else if let yLabel {
            let length = BitmapFont.textWidth(yLabel, scale: s)
            canvas.drawTextUpward(
                yLabel, x: Theme.margin, y: top + (plotHeight - length) / 2,
                scale: s, color: Theme.ink)
        }
        return canvas
    }
}
