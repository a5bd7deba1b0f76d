// What every composition has in common: it renders to a canvas and can be written to a PNG, plus
// small layout helpers (titles, cell labels). The compositions themselves have a file each.
import Foundation

/// A composition that draws itself onto a fresh canvas.
public protocol Picture {
    /// Draws the whole picture, margins and title included.
    func render() -> Canvas
}

extension Picture {
    /// Renders the picture and writes it as an RGB PNG (atomically, see `PNGFile`).
    public func writePNG(to path: String) throws(PNGError) {
        try PNGFile.write(render(), to: path)
    }
}

/// Layout helpers shared by the compositions.
enum Layout {
    /// Writes each cell's text centred in its cell (dark or light to stand out from the cell's
    /// colour) and draws thin separators between cells, so a small matrix's cells are easy to
    /// count. The matrix's colours are already drawn at (`left`, `top`) with square cells of `cell`.
    static func drawCellTexts(
        _ texts: [String], values: [Float], rows: Int, cols: Int, colorMap: ColorMap, left: Int, top: Int,
        cell: Int, scale: Int, on canvas: inout Canvas
    ) {
        for row in 0..<rows {
            for column in 0..<cols {
                drawCentered(
                    texts[row * cols + column], in: &canvas, x: left + column * cell, y: top + row * cell,
                    width: cell, height: cell, scale: scale,
                    color: textColor(on: colorMap.color(for: values[row * cols + column])))
            }
        }
        for k in 1..<max(rows, cols) {
            if k < cols { canvas.fillRect(x: left + k * cell, y: top, width: 1, height: rows * cell, Theme.grid) }
            if k < rows { canvas.fillRect(x: left, y: top + k * cell, width: cols * cell, height: 1, Theme.grid) }
        }
    }

    /// Height taken by a title line and the gap under it (0 without a title).
    static func titleHeight(_ title: String?) -> Int {
        guard let title, !title.isEmpty else { return 0 }
        return BitmapFont.textHeight(scale: Theme.titleScale) + 8
    }

    /// Width a title needs, margins included.
    static func titleWidth(_ title: String?) -> Int {
        guard let title, !title.isEmpty else { return 0 }
        return BitmapFont.textWidth(title, scale: Theme.titleScale) + 2 * Theme.margin
    }

    /// Draws the title centred at the top margin.
    static func drawTitle(_ title: String?, on canvas: inout Canvas) {
        guard let title, !title.isEmpty else { return }
        canvas.drawText(
            title, centerX: canvas.width / 2, y: Theme.margin, scale: Theme.titleScale,
            color: Theme.ink)
    }

    /// The text written in a matrix cell: whole numbers without decimals, others with `decimals`.
    static func cellText(_ value: Float, decimals: Int) -> String {
        guard value.isFinite else { return formatNumber(value) }
        if value == value.rounded() && abs(value) < 1e7 { return String(Int(value)) }
        let text = String(format: "%.\(decimals)f", Double(value))
        return Double(text) == 0 ? text.replacingOccurrences(of: "-", with: "") : text
    }

    /// Ink that reads on a cell of the given colour.
    static func textColor(on background: RGB) -> RGB {
        background.brightness < 140 ? .white : Theme.ink
    }

    /// Draws `text` centred in the box (x, y, width, height).
    static func drawCentered(
        _ text: String, in canvas: inout Canvas, x: Int, y: Int, width: Int,
        height: Int, scale: Int, color: RGB
    ) {
        let top = y + (height - BitmapFont.capHeight * scale) / 2
        canvas.drawText(text, centerX: x + width / 2, y: top, scale: scale, color: color)
    }
}
