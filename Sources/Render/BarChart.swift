// A vertical bar chart with labelled bars and one optional highlighted bar, for the class
// probabilities of a single prediction. No stacked or grouped bars.

/// Draws one bar per value (for example the ten class probabilities of a prediction) with its
/// label underneath and its value on top, on a nice linear axis that always includes zero.
/// The bar at `highlight` (the predicted class) is drawn in `Theme.highlight`, the rest in the
/// first series colour.
public struct BarChart: Picture {
    public let values: [Float]
    public let labels: [String]
    public let highlight: Int?
    public let title: String?
    public let yLabel: String?
    public let showValues: Bool
    public let decimals: Int
    public let width: Int
    public let height: Int
    public let textScale: Int

    /// - Parameters:
    ///   - labels: one per value; defaults to "0", "1", ... .
    ///   - highlight: index of the bar to pick out.
    ///   - decimals: decimals of the values written on the bars.
    public init(
        values: [Float], labels: [String]? = nil, highlight: Int? = nil,
        title: String? = nil, yLabel: String? = nil, showValues: Bool = true,
        decimals: Int = 2, width: Int = 560, height: Int = 360, textScale: Int = 2
    ) {
        precondition(
            labels == nil || labels!.count == values.count,
            "BarChart: \(labels?.count ?? 0) labels for \(values.count) values")
        self.values = values
        self.labels = labels ?? values.indices.map(String.init)
        self.highlight = highlight
        self.title = title
        self.yLabel = yLabel
        self.showValues = showValues
        self.decimals = decimals
        self.width = max(width, 120)
        self.height = max(height, 120)
        self.textScale = max(1, textScale)
    }

    public func render() -> Canvas {
        var canvas = Canvas(width: width, height: height, background: Theme.background)
        Layout.drawTitle(title, on: &canvas)
        let s = textScale
        let lineHeight = BitmapFont.textHeight(scale: s)
        let finite = values.filter { $0.isFinite }
        let scale = NiceScale(
            min: Double(min(finite.min() ?? 0, 0)),
            max: Double(max(finite.max() ?? 1, 0)))
        let tickLabels = scale.ticks.map { scale.label($0) }
        let tickWidth = tickLabels.map { BitmapFont.textWidth($0, scale: s) }.max() ?? 0

        let top = Theme.margin + Layout.titleHeight(title) + (showValues ? lineHeight : 0)
        let left = Theme.margin + (yLabel == nil ? 0 : lineHeight + 8) + tickWidth + 8
        let bottom = height - Theme.margin - lineHeight - 8
        let plotWidth = max(width - Theme.margin - left, 10), plotHeight = max(bottom - top, 10)
        func py(_ value: Double) -> Int {
            top + plotHeight - 1 - Int((scale.fraction(value) * Double(plotHeight - 1)).rounded())
        }

        for (tick, label) in zip(scale.ticks, tickLabels) {
            canvas.fillRect(x: left, y: py(tick), width: plotWidth, height: 1, Theme.grid)
            canvas.fillRect(x: left - 5, y: py(tick), width: 4, height: 1, Theme.axis)
            canvas.drawText(
                label, x: left - 8 - BitmapFont.textWidth(label, scale: s),
                y: py(tick) - BitmapFont.capHeight * s / 2, scale: s,
                color: Theme.faintInk)
        }
        let slot = values.isEmpty ? plotWidth : plotWidth / values.count
        let barWidth = max(slot * 2 / 3, 1)
        for (index, value) in values.enumerated() {
            let centre = left + index * slot + slot / 2
            let colour = index == highlight ? Theme.highlight : Theme.seriesColor(0)
            if value.isFinite {
                let zero = py(0), end = py(Double(value))
                canvas.fillRect(
                    x: centre - barWidth / 2, y: min(zero, end), width: barWidth,
                    height: abs(zero - end) + 1, colour)
                if showValues {
                    let text = Layout.cellText(value, decimals: decimals)
                    let y = value >= 0 ? end - lineHeight : end + 4
                    canvas.drawText(
                        text, centerX: centre, y: y, scale: max(1, s - 1),
                        color: index == highlight ? Theme.highlight : Theme.faintInk)
                }
            }
            canvas.drawText(
                labels[index], centerX: centre, y: bottom + 8, scale: s,
                color: index == highlight ? Theme.ink : Theme.faintInk)
        }
        canvas.fillRect(x: left, y: py(0), width: plotWidth, height: 1, Theme.axis)
        canvas.fillRect(x: left - 1, y: top, width: 1, height: plotHeight, Theme.axis)
        if let yLabel {
            let length = BitmapFont.textWidth(yLabel, scale: s)
            canvas.drawTextUpward(
                yLabel, x: Theme.margin, y: top + (plotHeight - length) / 2,
                scale: s, color: Theme.ink)
        }
        return canvas
    }
}
