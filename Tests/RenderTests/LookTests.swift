// Writes a sample of every picture to $RENDER_LOOK_DIR so a person can look at them; skipped
// when that variable is unset. It checks nothing a machine can judge; the other tests do that.
import Foundation
import Testing

@testable import Render

/// A digit drawn with the bitmap font, white on black like MNIST, for sample tile grids.
func sampleDigit(_ digit: Int, shift: Int = 0) -> GreyImage {
    var canvas = Canvas(width: 28, height: 28, background: .black)
    canvas.drawText(String(digit), x: 7 + shift % 3, y: 3, scale: 3, color: .white)
    return GreyImage(
        width: 28, height: 28,
        pixels: stride(from: 0, to: canvas.pixels.count, by: 3)
            .map { canvas.pixels[$0] })
}

@Suite(.enabled(if: ProcessInfo.processInfo.environment["RENDER_LOOK_DIR"] != nil))
struct LookTests {
    let folder = ProcessInfo.processInfo.environment["RENDER_LOOK_DIR"] ?? "/tmp"

    @Test func writeSamples() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)

        // The font at three scales, and the colour maps.
        var font = Canvas(width: 760, height: 330)
        let lines = [
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789",
            "abcdefghijklmnopqrstuvwxyz",
            ".,:;!?()[]{}+-*/=<>_'\"%#|&^~@$\\ -> η σ Σ ∂ · ×",
            "7 -> 2 (0.93)   learning rate η = 0.1   x·w = -0.26",
        ]
        var y = 10
        for scale in 1...3 {
            for line in lines where scale < 3 || line == lines[3] {
                font.drawText(line, x: 10, y: y, scale: scale, color: Theme.ink)
                y += BitmapFont.textHeight(scale: scale) + 4 * scale
            }
        }
        for (index, map) in [ColorMap.diverging(limit: 1), .sequential(), .grey()].enumerated() {
            for x in 0..<300 {
                font.fillRect(
                    x: 10 + x, y: 240 + index * 28, width: 1, height: 20,
                    map.color(for: map.min + (map.max - map.min) * Float(x) / 299))
            }
        }
        font.drawTextUpward("upward", x: 340, y: 240, scale: 2, color: Theme.ink)
        try PNGFile.write(font, to: folder + "/font.png")

        // A 3x3 weight matrix with its values, and a 28x28 one without.
        try HeatMap(
            values: [0.3, -0.26, 0.1, 0, 0.91, -1.2, 0.05, 0.5, -0.4], rows: 3, cols: 3,
            title: "weights w"
        ).writePNG(to: folder + "/heatmap-3x3.png")
        let wave = (0..<784).map { i -> Float in
            let (r, c) = (Float(i / 28), Float(i % 28))
            return sin(r / 4) * cos(c / 5) * 0.3
        }
        try HeatMap(values: wave, rows: 28, cols: 28, title: "unit 0 weights")
            .writePNG(to: folder + "/heatmap-28.png")

        // 128 first-layer units.
        let maps = (0..<128).map { unit in
            (0..<784).map { i -> Float in
                let (r, c) = (Float(i / 28) - 14, Float(i % 28) - 14)
                let angle = Float(unit) * 0.3
                return sin((r * cos(angle) + c * sin(angle)) / 3) * exp(-(r * r + c * c) / 120)
                    * (0.05 + Float(unit % 7) * 0.02)
            }
        }
        try HeatMapGrid(maps: maps, rows: 28, cols: 28, title: "First-layer weights (128 units)")
            .writePNG(to: folder + "/weights-grid.png")

        // Predictions with captions and borders.
        let tiles = (0..<20).map { i -> TileGrid.Tile in
            let truth = i % 10, predicted = i % 7 == 3 ? (i + 4) % 10 : truth
            return TileGrid.Tile(
                image: sampleDigit(truth, shift: i),
                caption: predicted == truth
                    ? "\(truth) (0.9\(i % 10))" : "\(truth) -> \(predicted) (0.6\(i % 10))",
                border: predicted == truth ? Theme.correct : Theme.wrong)
        }
        try TileGrid(tiles: tiles, columns: 10, title: "Misclassified and not")
            .writePNG(to: folder + "/tiles.png")
        let short = tiles.map { tile in
            TileGrid.Tile(
                image: tile.image, caption: String(tile.caption!.prefix(6)),
                border: tile.border)
        }
        try TileGrid(tiles: short, title: "Predictions").writePNG(to: folder + "/tiles-short.png")

        // Curves, a function with samples, and edge cases.
        let loss: [Float] = [2.3, 0.9, 0.52, 0.41, 0.35, 0.31, 0.29, 0.27, 0.26, 0.25]
        let accuracy: [Float] = [0.31, 0.78, 0.86, 0.89, 0.905, 0.915, 0.92, 0.925, 0.93, 0.932]
        try LinePlot(
            series: [.init(name: "loss", y: loss), .init(name: "accuracy", y: accuracy)],
            title: "Training", xLabel: "epoch", yLabel: "value"
        )
        .writePNG(to: folder + "/curves.png")
        let xs = (0...60).map { Float($0) / 10 - 3 }
        try LinePlot(
            series: [
                .init(
                    name: "samples", x: stride(from: -3, through: 3, by: 0.5).map { Float($0) },
                    y: stride(from: -3, through: 3, by: 0.5).map { Float($0 * $0 / 2 - 1.5) },
                    style: .points),
                .init(name: "target  y = x²/2 - 1.5", x: xs, y: xs.map { $0 * $0 / 2 - 1.5 }),
                .init(
                    name: "learned (ReLU pieces)", x: xs,
                    y: xs.map { max(0, $0) * 1.4 + max(0, -$0) * 1.4 - 1.9 }),
            ], title: "Lesson 1: an unknown function", xLabel: "x", yLabel: "y"
        )
        .writePNG(to: folder + "/function.png")
        try LinePlot(
            series: [
                .init(name: "one point", x: [2], y: [5], style: .points),
                .init(name: "constant", x: [0, 1, 2, 3], y: [5, 5, 5, 5]),
            ],
            title: "Edge cases", width: 480, height: 300
        )
        .writePNG(to: folder + "/edge-plot.png")

        // Class probabilities and a confusion matrix.
        let probabilities: [Float] = [0.01, 0.0, 0.02, 0.93, 0.0, 0.03, 0.0, 0.01, 0.0, 0.0]
        try BarChart(
            values: probabilities, highlight: 3, title: "Prediction: 3 (0.93)",
            yLabel: "probability"
        ).writePNG(to: folder + "/bars.png")
        let counts = (0..<10).map { t in
            (0..<10).map { p in
                t == p ? 950 + t * 20 : ((t * 7 + p * 3) % 11 == 0 ? 12 + t : (t + p) % 4)
            }
        }
        try AnnotatedMatrix(counts: counts, title: "Confusion matrix (test set)")
            .writePNG(to: folder + "/confusion.png")
    }
}
