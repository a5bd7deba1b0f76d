// A heat map of one matrix (weights, gradients, a small image) with a colour bar, optionally
// with each value written in its cell. Many small maps sharing one scale are in HeatMapGrid.swift.

/// Draws a (rows, cols) matrix as coloured cells, with a colour bar to its right.
///
/// By default the map is diverging (blue negative, white zero, red positive) with a symmetric
/// range fitted to the largest magnitude, which is what weights and gradients need. Small
/// matrices (up to 8x8) get their values written in the cells, so a lesson's 3x3 picture and its
/// printed numbers can be read side by side.
public struct HeatMap: Picture {
    public let values: [Float]
    public let rows: Int
    public let cols: Int
    public let title: String?
    public let colorMap: ColorMap
    public let showValues: Bool
    public let decimals: Int
    public let cellSize: Int
    public let textScale: Int
    /// Labels written under the columns ("x0" ... "x8" under a flattened strip), or nil.
    public let columnLabels: [String]?

    /// - Parameters:
    ///   - values: (rows, cols) row-major.
    ///   - colorMap: defaults to `.diverging(fitting: values)`.
    ///   - showValues: write each value in its cell; defaults to true up to 8x8.
    ///   - decimals: decimals of the written values (whole numbers are written without).
    ///   - cellSize: side of a cell in pixels; by default about 320 pixels for the longer side, or
    ///     enough room for the written values.
    public init(
        values: [Float], rows: Int, cols: Int, title: String? = nil,
        colorMap: ColorMap? = nil, showValues: Bool? = nil, decimals: Int = 2,
        cellSize: Int? = nil, textScale: Int = 2, columnLabels: [String]? = nil
    ) {
        precondition(
            rows > 0 && cols > 0 && values.count == rows * cols,
            "HeatMap: \(values.count) values for \(rows)x\(cols)")
        self.values = values
        self.rows = rows
        self.cols = cols
        self.title = title
        self.columnLabels = columnLabels.map { Array($0.prefix(cols)) }
        self.colorMap = colorMap ?? .diverging(fitting: values)
        let written = showValues ?? (rows <= 8 && cols <= 8)
        self.showValues = written
        self.decimals = decimals
        let scale = max(1, textScale)
        self.textScale = scale
        if let cellSize {
            self.cellSize = max(1, cellSize)
        } else if written {
            let widest =
                values.map {
                    BitmapFont.textWidth(Layout.cellText($0, decimals: decimals), scale: scale)
                }.max() ?? 0
            self.cellSize = max(widest + 12, 40)
        } else {
            self.cellSize = min(max(320 / max(rows, cols), 2), 48)
        }
    }

    public func render() -> Canvas {
        let matrixWidth = cols * cellSize, matrixHeight = rows * cellSize
        let bar = ColorBar(colorMap: colorMap, height: max(matrixHeight, 60), textScale: textScale)
        let top = Theme.margin + Layout.titleHeight(title)
        let width = max(
            Theme.margin + matrixWidth + 18 + bar.width + Theme.margin,
            Layout.titleWidth(title))
        let labelHeight = columnLabels == nil ? 0 : BitmapFont.textHeight(scale: textScale) + 10
        let height = top + max(matrixHeight + labelHeight, bar.height) + Theme.margin
        var canvas = Canvas(width: width, height: height, background: Theme.background)
        Layout.drawTitle(title, on: &canvas)

        let left = Theme.margin
        canvas.drawMatrix(
            values, rows: rows, cols: cols, x: left, y: top, cellWidth: cellSize,
            cellHeight: cellSize, colorMap: colorMap)
        if showValues {
            Layout.drawCellTexts(
                values.map { Layout.cellText($0, decimals: decimals) }, values: values, rows: rows, cols: cols,
                colorMap: colorMap, left: left, top: top, cell: cellSize, scale: textScale, on: &canvas)
        }
        canvas.strokeRect(
            x: left - 1, y: top - 1, width: matrixWidth + 2, height: matrixHeight + 2,
            Theme.axis)
        bar.draw(into: &canvas, x: left + matrixWidth + 18, y: top)
        for (c, label) in (columnLabels ?? []).enumerated() {
            canvas.drawText(
                label, centerX: left + c * cellSize + cellSize / 2, y: top + matrixHeight + 8, scale: textScale,
                color: Theme.faintInk)
        }
        return canvas
    }
}
