// A matrix of numbered cells with row and column labels and axis titles, for the confusion
// matrix. Unlabelled heat maps of weights are in HeatMap.swift.

/// Draws a (rows, cols) matrix of values written in sequentially coloured cells (white for the
/// smallest, dark blue for the largest), with labels on each row and column and titles for the
/// two axes, e.g. a 10x10 confusion matrix with "true" down the side and "predicted" on top.
public struct AnnotatedMatrix: Picture {
    public let values: [Float]
    public let rows: Int
    public let cols: Int
    public let rowLabels: [String]
    public let colLabels: [String]
    public let rowTitle: String?
    public let colTitle: String?
    public let title: String?
    public let colorMap: ColorMap
    public let decimals: Int
    public let textScale: Int
    public let showColorBar: Bool

    /// - Parameters:
    ///   - values: (rows, cols) row-major.
    ///   - rowLabels, colLabels: default to "0", "1", ... .
    ///   - colorMap: defaults to sequential from min(0, smallest) to the largest value.
    ///   - decimals: decimals for values that are not whole numbers.
    public init(
        values: [Float], rows: Int, cols: Int, rowLabels: [String]? = nil,
        colLabels: [String]? = nil, rowTitle: String? = "true",
        colTitle: String? = "predicted", title: String? = nil, colorMap: ColorMap? = nil,
        decimals: Int = 2, textScale: Int = 2, showColorBar: Bool = true
    ) {
        precondition(
            rows > 0 && cols > 0 && values.count == rows * cols,
            "AnnotatedMatrix: \(values.count) values for \(rows)x\(cols)")
        precondition(rowLabels == nil || rowLabels!.count == rows, "AnnotatedMatrix: row labels")
        precondition(colLabels == nil || colLabels!.count == cols, "AnnotatedMatrix: col labels")
        self.values = values
        self.rows = rows
        self.cols = cols
        self.rowLabels = rowLabels ?? (0..<rows).map(String.init)
        self.colLabels = colLabels ?? (0..<cols).map(String.init)
        self.rowTitle = rowTitle
        self.colTitle = colTitle
        self.title = title
        let finite = values.filter { $0.isFinite }
        self.colorMap =
            colorMap
            ?? .sequential(min: min(finite.min() ?? 0, 0), max: finite.max() ?? 1)
        self.decimals = decimals
        self.textScale = max(1, textScale)
        self.showColorBar = showColorBar
    }

    /// A confusion matrix from counts, `counts[true][predicted]`.
    public init(
        counts: [[Int]], rowLabels: [String]? = nil, colLabels: [String]? = nil,
        rowTitle: String? = "true", colTitle: String? = "predicted",
        title: String? = nil, textScale: Int = 2
    ) {
        let cols = counts.first?.count ?? 0
        precondition(counts.allSatisfy { $0.count == cols }, "AnnotatedMatrix: ragged counts")
        self.init(
            values: counts.flatMap { $0.map(Float.init) }, rows: counts.count, cols: cols,
            rowLabels: rowLabels, colLabels: colLabels, rowTitle: rowTitle,
            colTitle: colTitle, title: title, textScale: textScale)
    }

    public func render() -> Canvas {
        let s = textScale
        let lineHeight = BitmapFont.textHeight(scale: s)
        let texts = values.map { Layout.cellText($0, decimals: decimals) }
        let widest = (texts + colLabels).map { BitmapFont.textWidth($0, scale: s) }.max() ?? 0
        let cell = max(widest + 12, lineHeight + 12, 24)
        let rowLabelWidth = rowLabels.map { BitmapFont.textWidth($0, scale: s) }.max() ?? 0
        let rowTitleRoom = rowTitle == nil ? 0 : lineHeight + 8
        let colTitleRoom = colTitle == nil ? 0 : lineHeight + 6

        let left = Theme.margin + rowTitleRoom + rowLabelWidth + 8
        let top = Theme.margin + Layout.titleHeight(title) + colTitleRoom + lineHeight + 6
        let matrixWidth = cols * cell, matrixHeight = rows * cell
        let bar = ColorBar(colorMap: colorMap, height: matrixHeight, textScale: s)
        let barRoom = showColorBar ? 18 + bar.width : 0
        let width = max(left + matrixWidth + barRoom + Theme.margin, Layout.titleWidth(title))
        let height = top + matrixHeight + Theme.margin
        var canvas = Canvas(width: width, height: height, background: Theme.background)
        Layout.drawTitle(title, on: &canvas)

        canvas.drawMatrix(
            values, rows: rows, cols: cols, x: left, y: top, cellWidth: cell,
            cellHeight: cell, colorMap: colorMap)
        Layout.drawCellTexts(
            texts, values: values, rows: rows, cols: cols, colorMap: colorMap, left: left, top: top, cell: cell,
            scale: s, on: &canvas)
        canvas.strokeRect(
            x: left - 1, y: top - 1, width: matrixWidth + 2,
            height: matrixHeight + 2, Theme.axis)

        let capHeight = BitmapFont.capHeight * s
        for (column, label) in colLabels.enumerated() {
            canvas.drawText(
                label, centerX: left + column * cell + cell / 2,
                y: top - 6 - lineHeight, scale: s, color: Theme.faintInk)
        }
        for (row, label) in rowLabels.enumerated() {
            canvas.drawText(
                label, x: left - 8 - BitmapFont.textWidth(label, scale: s),
                y: top + row * cell + (cell - capHeight) / 2, scale: s,
                color: Theme.faintInk)
        }
        if let colTitle {
            canvas.drawText(
                colTitle, centerX: left + matrixWidth / 2,
                y: top - 6 - lineHeight - colTitleRoom, scale: s, color: Theme.ink)
        }
        if let rowTitle {
            let length = BitmapFont.textWidth(rowTitle, scale: s)
            canvas.drawTextUpward(
                rowTitle, x: Theme.margin, y: top + (matrixHeight - length) / 2,
                scale: s, color: Theme.ink)
        }
        if showColorBar { bar.draw(into: &canvas, x: left + matrixWidth + 18, y: top) }
        return canvas
    }
}
