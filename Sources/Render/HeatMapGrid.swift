// Many small heat maps on one shared diverging scale with one colour bar, for a layer's weights
// (one 28x28 map per hidden unit). A single matrix with its values is in HeatMap.swift.

/// Draws N matrices of the same shape (for example the 784 incoming weights of each of 128
/// hidden units, as 28x28 pictures) in a grid, all on ONE symmetric blue-white-red range so the
/// colours compare across units, with a single colour bar.
///
/// Defaults (16 columns, 2x scale) put 128 maps of 28x28 in about 1100 x 560 pixels, which fits
/// on a laptop screen.
public struct HeatMapGrid: Picture {
    public let maps: [[Float]]
    public let rows: Int
    public let cols: Int
    public let columns: Int
    public let scale: Int
    public let title: String?
    public let captions: [String]?
    public let colorMap: ColorMap

    /// - Parameters:
    ///   - maps: each (rows, cols) row-major.
    ///   - columns: maps per grid row.
    ///   - scale: pixels per matrix entry.
    ///   - captions: one short label per map (e.g. the unit number), drawn under it.
    ///   - limit: the shared range is `-limit...limit`; defaults to the largest magnitude.
    public init(
        maps: [[Float]], rows: Int, cols: Int, columns: Int = 16, scale: Int = 2,
        title: String? = nil, captions: [String]? = nil, limit: Float? = nil
    ) {
        precondition(
            maps.allSatisfy { $0.count == rows * cols },
            "HeatMapGrid: every map must hold \(rows)x\(cols) values")
        precondition(
            captions == nil || captions!.count == maps.count,
            "HeatMapGrid: \(captions?.count ?? 0) captions for \(maps.count) maps")
        self.maps = maps
        self.rows = rows
        self.cols = cols
        self.columns = max(1, min(columns, max(maps.count, 1)))
        self.scale = max(1, scale)
        self.title = title
        self.captions = captions
        self.colorMap =
            limit.map { ColorMap.diverging(limit: $0) }
            ?? .diverging(fitting: maps.flatMap { $0 })
    }

    public func render() -> Canvas {
        let gap = 8
        let tileWidth = cols * scale, tileHeight = rows * scale
        let captionHeight = captions == nil ? 0 : BitmapFont.textHeight() + 2
        let cellWidth = max(tileWidth, (captions ?? []).map { BitmapFont.textWidth($0) }.max() ?? 0)
        let gridRows = (maps.count + columns - 1) / columns
        let gridWidth = columns * cellWidth + (columns - 1) * gap
        let gridHeight = max(
            gridRows * (tileHeight + captionHeight) + max(gridRows - 1, 0) * gap, 1)
        let bar = ColorBar(colorMap: colorMap, height: min(max(gridHeight, 80), 400))
        let top = Theme.margin + Layout.titleHeight(title)
        let width = max(
            Theme.margin + gridWidth + 20 + bar.width + Theme.margin,
            Layout.titleWidth(title))
        let height = top + max(gridHeight, bar.height) + Theme.margin
        var canvas = Canvas(width: width, height: height, background: Theme.background)
        Layout.drawTitle(title, on: &canvas)

        for (index, map) in maps.enumerated() {
            let x =
                Theme.margin + (index % columns) * (cellWidth + gap)
                + (cellWidth - tileWidth) / 2
            let y = top + (index / columns) * (tileHeight + captionHeight + gap)
            canvas.drawMatrix(
                map, rows: rows, cols: cols, x: x, y: y, cellWidth: scale,
                cellHeight: scale, colorMap: colorMap)
            // A faint frame, so a tile whose edges are near zero (white) keeps its shape.
            canvas.strokeRect(
                x: x - 1, y: y - 1, width: tileWidth + 2, height: tileHeight + 2,
                Theme.grid)
            if let caption = captions?[index] {
                canvas.drawText(
                    caption, centerX: x + tileWidth / 2, y: y + tileHeight + 2,
                    color: Theme.faintInk)
            }
        }
        bar.draw(into: &canvas, x: Theme.margin + gridWidth + 20, y: top)
        return canvas
    }
}
