// The pictures that look inside a run: the weight maps each on its own scale, the diagnostics per
// epoch, and one digit under several random distortions. (The filmstrip draws itself; the pictures
// of a trained model's results are in TrainingPictures.swift.)
import Foundation
import NeuralCore
import Render

extension TrainingPictures {
    /// Every first-layer unit's weight map, each on its OWN symmetric scale (its largest |w|),
    /// captioned with that scale: on a shared scale the weak units fade to white, here every
    /// unit's pattern shows, and the caption says how strong it really is.
    public static func weightsPerTile(
        _ network: Network, imageRows: Int, imageCols: Int, title: String, unitName: (Int) -> String = { "\($0)" }
    ) -> Canvas {
        let w = network.weights(0)  // (784, units): column j is unit j's weights
        let maps = (0..<w.cols).map { j in (0..<w.rows).map { k in w[k, j] } }
        let columns = w.cols <= 10 ? w.cols : w.cols <= 32 ? 8 : w.cols <= 256 ? 16 : 32
        let scale = w.cols <= 10 ? 4 : 2, gap = 8
        let tileWidth = imageCols * scale, tileHeight = imageRows * scale
        let captions = maps.enumerated().map { j, map in
            "\(unitName(j)) \(String(format: "%.2f", Double(map.map(abs).max() ?? 0)))"
        }
        let captionHeight = BitmapFont.textHeight() + 2
        let cellWidth = Swift.max(tileWidth, captions.map { BitmapFont.textWidth($0) }.max() ?? 0)
        let gridRows = (maps.count + columns - 1) / columns
        let titleHeight = BitmapFont.textHeight(scale: Theme.titleScale) + 8
        let legend = "each map on its own scale: red = +max, blue = -max, white 0; caption: unit and its max |w|"
        let top = Theme.margin + titleHeight + BitmapFont.textHeight() + 8
        let width = Swift.max(
            2 * Theme.margin + columns * cellWidth + (columns - 1) * gap,
            Swift.max(BitmapFont.textWidth(title, scale: Theme.titleScale), BitmapFont.textWidth(legend))
                + 2 * Theme.margin)
        let height = top + gridRows * (tileHeight + captionHeight + gap) + Theme.margin
        var canvas = Canvas(width: width, height: height, background: Theme.background)
        canvas.drawText(title, centerX: width / 2, y: Theme.margin, scale: Theme.titleScale, color: Theme.ink)
        canvas.drawText(legend, centerX: width / 2, y: Theme.margin + titleHeight, color: Theme.faintInk)
        for (j, map) in maps.enumerated() {
            let x = Theme.margin + (j % columns) * (cellWidth + gap) + (cellWidth - tileWidth) / 2
            let y = top + (j / columns) * (tileHeight + captionHeight + gap)
            canvas.drawMatrix(
                map, rows: imageRows, cols: imageCols, x: x, y: y, cellWidth: scale, cellHeight: scale,
                colorMap: .diverging(limit: Swift.max(map.map(abs).max() ?? 0, 1e-9)))
            canvas.strokeRect(x: x - 1, y: y - 1, width: tileWidth + 2, height: tileHeight + 2, Theme.grid)
            canvas.drawText(captions[j], centerX: x + tileWidth / 2, y: y + tileHeight + 2, color: Theme.faintInk)
        }
        return canvas
    }

    /// Four panels per epoch: dead units per hidden layer (%), update-to-weight ratio per layer
    /// (log10, with the healthy 1e-3 and the warning limits drawn), gradient norm per layer (log10),
    /// and the validation accuracy.
    public static func diagnostics(_ history: [EpochRecord], title: String) -> Canvas {
        let epochs = history.map { Float($0.epoch) }
        let xRange: ClosedRange<Float> =
            epochs.count > 1 ? epochs.first!...epochs.last! : 0...Swift.max(epochs.last ?? 1, 1)
        let layers = history.first?.diagnostics.updateRatio.count ?? 0
        let hiddenLayers = history.first?.diagnostics.deadFraction.count ?? 0
        // A zero (no gradient at all, no step at all) is drawn at the floor 1e-8 rather than left out:
        // it is the loudest sign of a dead network.
        func log10Safe(_ value: Float) -> Float { value.isFinite ? log10(Swift.max(value, 1e-8)) : .nan }
        func plot(_ series: [LinePlot.Series], title: String, yLabel: String, yRange: ClosedRange<Float>? = nil)
            -> Canvas
        {
            LinePlot(
                series: series, title: title, xLabel: "epoch", yLabel: yLabel, width: 480, height: 340,
                xRange: xRange, yRange: yRange
            ).render()
        }
        let dead = plot(
            hiddenLayers == 0
                ? [.init(name: "no hidden layer", x: epochs, y: epochs.map { _ in 0 }, style: .lineAndPoints)]
                : (0..<hiddenLayers).map { l in
                    .init(
                        name: "layer \(l + 1)", x: epochs,
                        y: history.map { Float($0.diagnostics.deadFraction[l] * 100) }, style: .lineAndPoints)
                }, title: "dead units per hidden layer", yLabel: "percent", yRange: 0...100)
        let flat = history.flatMap { $0.diagnostics.updateRatio.map(log10Safe) }.filter { $0.isFinite }
        let ratioLow = Swift.min(flat.min() ?? -6, -5.5), ratioHigh = Swift.max(flat.max() ?? 0, -0.5)
        let ratio = plot(
            (0..<layers).map { l in
                .init(
                    name: "layer \(l + 1)", x: epochs, y: history.map { log10Safe($0.diagnostics.updateRatio[l]) },
                    style: .lineAndPoints)
            } + [
                .init(
                    name: "healthy 1e-3", x: [xRange.lowerBound, xRange.upperBound], y: [-3, -3], color: Theme.correct),
                .init(
                    name: "warning limits", x: [xRange.lowerBound, xRange.upperBound], y: [-1, -1], color: Theme.wrong),
                .init(name: "", x: [xRange.lowerBound, xRange.upperBound], y: [-5, -5], color: Theme.wrong),
            ], title: "update / weight per step (0 at -8)", yLabel: "log10 |dW| / |W|", yRange: ratioLow...ratioHigh)
        let gradient = plot(
            (0..<layers).map { l in
                .init(
                    name: "layer \(l + 1)", x: epochs, y: history.map { log10Safe($0.diagnostics.gradientNorm[l]) },
                    style: .lineAndPoints)
            }, title: "gradient norm per layer (0 at -8)", yLabel: "log10 |dL/dW|")
        let accuracy = plot(
            [
                .init(
                    name: "validation", x: epochs, y: history.map { Float(($0.validationAccuracy ?? .nan) * 100) },
                    style: .lineAndPoints),
                .init(
                    name: "training (running)", x: epochs, y: history.map { Float($0.trainAccuracy * 100) },
                    style: .lineAndPoints),
            ], title: "accuracy", yLabel: "percent")
        let top = sideBySide([dead, ratio], title: title)
        let bottom = sideBySide([gradient, accuracy], title: "")
        var canvas = Canvas(
            width: Swift.max(top.width, bottom.width), height: top.height + bottom.height, background: Theme.background)
        canvas.draw(top, x: 0, y: 0)
        canvas.draw(bottom, x: 0, y: top.height)
        return canvas
    }

    /// Image `index` as stored, then `count - 1` random distortions of it (those of epochs 1, 2, ...).
    public static func augmentation(
        _ examples: DigitExamples, index: Int, distortion: Distortion, seed: UInt64, count: Int = 24, title: String
    ) -> Canvas {
        var tiles = [TileGrid.Tile(image: displayImage(examples, index), caption: "original", border: Theme.correct)]
        for epoch in 1..<Swift.max(count, 2) {
            let distorted = AugmentedDigits(base: examples, distortion: distortion, seed: seed, epoch: epoch)
                .distortedImage(index)
            tiles.append(
                TileGrid.Tile(
                    image: displayImage(bytes: distorted, width: examples.imageCols), caption: "epoch \(epoch)"))
        }
        return TileGrid(tiles: tiles, columns: 8, scale: 3, title: title).render()
    }
}
