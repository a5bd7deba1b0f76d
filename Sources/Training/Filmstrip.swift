// What training does to the weights: a few first-layer units' incoming weights copied at chosen
// moments (initialisation, a few hundred steps in, the end of each epoch) and drawn as one strip per
// unit. Only copies and draws; when to capture is TrainingRun's.
import Foundation
import NeuralCore
import Render

/// Snapshots of chosen units' weight maps over a run.
public struct Filmstrip: Sendable {
    /// The first layer's units shown (columns of its weight matrix).
    public let units: [Int]
    public let imageRows: Int
    public let imageCols: Int
    /// Each frame: its label ("init", "step 300", "epoch 1") and one map per unit, (rows, cols) row-major.
    public private(set) var frames: [(label: String, maps: [[Float]])] = []

    /// Most units drawn: a strip of 8 rows still fits a screen.
    public static let maximumUnits = 8

    /// Chooses up to `maximumUnits` first-layer units spread evenly over the first half (rounded
    /// up) of the layer; all ten of a 784-10 model (its units are the classes).
    ///
    /// Why the first half: the core's two-thread trainer gives the calling thread the first half of
    /// the first layer's units, and a frame taken between batches (after a few hundred steps) may
    /// only read weights that thread owns; the other half may be mid-update on the other thread.
    public init(network: Network, imageRows: Int, imageCols: Int) {
        let width = network.layerCount == 1 ? network.layerSizes[1] : (network.layerSizes[1] + 1) / 2
        let shown = network.layerCount == 1 ? width : Swift.min(width, Filmstrip.maximumUnits)
        units = (0..<shown).map { $0 * width / shown }
        self.imageRows = imageRows
        self.imageCols = imageCols
    }

    /// Copies the chosen units' weights now.
    public mutating func capture(_ network: Network, label: String) {
        let w = network.weights(0)
        frames.append((label, units.map { j in (0..<w.rows).map { k in w[k, j] } }))
    }

    /// One row per unit, one column per frame; each row on its own symmetric scale (the largest
    /// |w| of that unit over all frames), so a map's growth out of the initial noise shows.
    /// With `only`, just that frame's column, on the same scales: the frames a page can step through.
    public func picture(title: String, unitName: (Int) -> String = { "unit \($0)" }, only: Int? = nil) -> Canvas {
        let shown = only.map { [($0, frames[$0])] } ?? Array(frames.enumerated())
        let scale = 3, gap = 10
        let tileWidth = imageCols * scale, tileHeight = imageRows * scale
        let labelHeight = BitmapFont.textHeight() + 4
        let rowLabelWidth = (units.map { BitmapFont.textWidth(unitName($0)) }.max() ?? 0) + 8
        let scaleLabelWidth = BitmapFont.textWidth("|w| < 0.000") + 8
        let titleHeight = BitmapFont.textHeight(scale: Theme.titleScale) + 8
        let legend = "each row one unit on its own scale (red +, blue -, white 0); columns left to right in time"
        let top = Theme.margin + titleHeight + labelHeight + labelHeight
        let gridWidth = shown.count * (tileWidth + gap)
        let width = Swift.max(
            2 * Theme.margin + rowLabelWidth + gridWidth + scaleLabelWidth,
            Swift.max(BitmapFont.textWidth(title, scale: Theme.titleScale), BitmapFont.textWidth(legend))
                + 2 * Theme.margin)
        let height = top + units.count * (tileHeight + gap) + Theme.margin
        var canvas = Canvas(width: width, height: height, background: Theme.background)
        canvas.drawText(title, centerX: width / 2, y: Theme.margin, scale: Theme.titleScale, color: Theme.ink)
        canvas.drawText(legend, centerX: width / 2, y: Theme.margin + titleHeight, color: Theme.faintInk)
        let left = Theme.margin + rowLabelWidth
        for (f, (_, frame)) in shown.enumerated() {
            canvas.drawText(
                frame.label, centerX: left + f * (tileWidth + gap) + tileWidth / 2,
                y: Theme.margin + titleHeight + labelHeight, color: Theme.ink)
        }
        for (u, unit) in units.enumerated() {
            let y = top + u * (tileHeight + gap)
            let limit = Swift.max(frames.map { $0.maps[u].map(abs).max() ?? 0 }.max() ?? 0, 1e-6)
            let colors = ColorMap.diverging(limit: limit)
            canvas.drawText(unitName(unit), x: Theme.margin, y: y + tileHeight / 2 - 4, color: Theme.ink)
            for (f, (_, frame)) in shown.enumerated() {
                let x = left + f * (tileWidth + gap)
                canvas.drawMatrix(
                    frame.maps[u], rows: imageRows, cols: imageCols, x: x, y: y, cellWidth: scale, cellHeight: scale,
                    colorMap: colors)
                canvas.strokeRect(x: x - 1, y: y - 1, width: tileWidth + 2, height: tileHeight + 2, Theme.grid)
            }
            canvas.drawText(
                "|w| < \(String(format: "%.3f", Double(limit)))", x: left + gridWidth + 4, y: y + tileHeight / 2 - 4,
                color: Theme.faintInk)
        }
        return canvas
    }
}
