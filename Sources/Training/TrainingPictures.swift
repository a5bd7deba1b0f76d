// The pictures of a trained classifier: first-layer weights, predictions, the most confident
// mistakes with their top-3 classes, the confusion matrix, learning curves, and a user's digit
// beside its probabilities. Each builds a Render canvas; writing the files is `PictureSet`'s.
import Foundation
import NeuralCore
import Render

public enum TrainingPictures {
    /// Every first-layer hidden unit's incoming weights as a 28x28 map on one shared diverging
    /// scale (blue negative, red positive), with one colour bar.
    /// Ten or fewer maps (the 784-10 model's class templates) are drawn larger, in one row.
    public static func weights(
        _ network: Network, imageRows: Int, imageCols: Int, title: String, captions: [String]? = nil
    ) -> Canvas {
        let w = network.weights(0)  // (784, hidden): column j is unit j's weights
        let maps = (0..<w.cols).map { j in (0..<w.rows).map { k in w[k, j] } }
        // A few extreme weights would wash every other map out to white: clip the scale at the
        // 99.9th percentile of |w| (the colour bar says so by its range).
        let magnitudes = maps.flatMap { $0 }.map(abs).sorted()
        let limit = magnitudes[Swift.min(magnitudes.count - 1, Int(Double(magnitudes.count) * 0.999))]
        let columns = w.cols <= 10 ? w.cols : w.cols <= 32 ? 8 : w.cols <= 256 ? 16 : 32
        return HeatMapGrid(
            maps: maps, rows: imageRows, cols: imageCols, columns: columns, scale: w.cols <= 10 ? 4 : 2,
            title: title, captions: captions, limit: Swift.max(limit, 1e-6)
        ).render()
    }

    /// The first `count` test images with their predicted labels; a red frame marks the wrong ones.
    public static func predictions(
        _ examples: DigitExamples, predictions: [Int], classNames: [String], count: Int = 100,
        title: String
    ) -> Canvas {
        let shown = Swift.min(count, examples.count)
        let tiles = (0..<shown).map { i in
            let wrong = predictions[i] != examples.label(i)
            return TileGrid.Tile(
                image: displayImage(examples, i), caption: classNames[predictions[i]],
                border: wrong ? Theme.wrong : Theme.correct)
        }
        return TileGrid(tiles: tiles, columns: 10, scale: 2, title: title).render()
    }

    /// The most confident mistakes, each captioned `true -> predicted (p)` with a second line
    /// giving the three most probable classes.
    public static func mistakes(
        _ examples: DigitExamples, mistakes: [Mistake], classNames: [String], count: Int = 60,
        title: String
    ) -> Canvas {
        let shown = Array(mistakes.prefix(count))
        let scale = 3, border = 3, gap = 24, lineGap = 3
        let lineHeight = BitmapFont.textHeight()
        let captions = shown.map { m -> (String, String) in
            let first = "\(classNames[m.label]) -> \(classNames[m.predicted]) (\(probability(m.confidence)))"
            let second = m.top.map { "\(classNames[$0.0]):\(probability($0.1))" }.joined(separator: " ")
            return (first, second)
        }
        let imageSide = examples.imageRows * scale
        let textWidth = captions.map { Swift.max(BitmapFont.textWidth($0.0), BitmapFont.textWidth($0.1)) }.max() ?? 0
        let cellWidth = Swift.max(imageSide + 2 * border, textWidth)
        let cellHeight = imageSide + 2 * border + 2 * (lineHeight + lineGap) + 2
        let columns = Swift.max(1, Swift.min(shown.count, cellWidth > 150 ? 6 : 10))
        let gridRows = (shown.count + columns - 1) / columns
        let titleHeight = BitmapFont.textHeight(scale: Theme.titleScale) + 8
        let legend = "each: true -> predicted (probability); below it, the top 3 classes as class:probability"
        let top = Theme.margin + titleHeight + lineHeight + 8
        let width = Swift.max(
            2 * Theme.margin + columns * cellWidth + (columns - 1) * gap,
            BitmapFont.textWidth(title, scale: Theme.titleScale) + 2 * Theme.margin)
        let height = top + gridRows * cellHeight + Swift.max(gridRows - 1, 0) * gap + Theme.margin
        var canvas = Canvas(width: width, height: Swift.max(height, top + Theme.margin), background: Theme.background)
        canvas.drawText(title, centerX: width / 2, y: Theme.margin, scale: Theme.titleScale, color: Theme.ink)
        canvas.drawText(legend, centerX: width / 2, y: Theme.margin + titleHeight, color: Theme.faintInk)
        for (i, m) in shown.enumerated() {
            let cellX = Theme.margin + (i % columns) * (cellWidth + gap)
            let cellY = top + (i / columns) * (cellHeight + gap)
            let frameX = cellX + (cellWidth - imageSide - 2 * border) / 2
            canvas.strokeRect(
                x: frameX, y: cellY, width: imageSide + 2 * border, height: imageSide + 2 * border,
                thickness: border, Theme.wrong)
            canvas.drawGrey(displayImage(examples, m.index), x: frameX + border, y: cellY + border, scale: scale)
            let textY = cellY + imageSide + 2 * border + lineGap
            canvas.drawText(captions[i].0, centerX: cellX + cellWidth / 2, y: textY, color: Theme.wrong)
            canvas.drawText(
                captions[i].1, centerX: cellX + cellWidth / 2, y: textY + lineHeight + lineGap, color: Theme.faintInk)
        }
        return canvas
    }

    /// The confusion matrix with counts: rows the true class, columns the predicted one.
    public static func confusion(_ counts: [[Int]], classNames: [String], title: String) -> Canvas {
        let long = classNames.contains { $0.count > 2 }
        let rowLabels = long ? classNames.enumerated().map { "\($0.element) \($0.offset)" } : classNames
        let columnLabels = classNames.indices.map(String.init)
        return AnnotatedMatrix(counts: counts, rowLabels: rowLabels, colLabels: columnLabels, title: title).render()
    }

    /// Loss (left) and accuracy (right) per epoch, training (running, over the epoch) and validation.
    public static func curves(_ history: [EpochRecord], title: String) -> Canvas {
        let epochs = history.map { Float($0.epoch) }
        let xRange: ClosedRange<Float> =
            epochs.count > 1 ? epochs.first!...epochs.last! : 0...Swift.max(epochs.last ?? 1, 1)
        let loss = LinePlot(
            series: [
                .init(name: "train loss", x: epochs, y: history.map(\.trainLoss), style: .lineAndPoints),
                .init(
                    name: "validation loss", x: epochs, y: history.map { $0.validationLoss ?? .nan },
                    style: .lineAndPoints),
            ], title: "loss", xLabel: "epoch", yLabel: "cross-entropy", width: 560, height: 400, xRange: xRange
        ).render()
        let accuracy = LinePlot(
            series: [
                .init(
                    name: "train accuracy", x: epochs, y: history.map { Float($0.trainAccuracy * 100) },
                    style: .lineAndPoints),
                .init(
                    name: "validation accuracy", x: epochs,
                    y: history.map { Float(($0.validationAccuracy ?? .nan) * 100) },
                    style: .lineAndPoints),
            ], title: "accuracy", xLabel: "epoch", yLabel: "percent", width: 560, height: 400, xRange: xRange
        ).render()
        return sideBySide([loss, accuracy], title: title)
    }

    /// A user's prepared digit (the 28x28 the network saw) beside a bar chart of its probabilities.
    public static func prediction(_ digit: PreparedDigit, probabilities: [Float], classNames: [String], title: String)
        -> Canvas
    {
        let predicted = topClasses(probabilities, 1)[0].0
        let input = TileGrid(
            tiles: [
                TileGrid.Tile(
                    image: displayImage(bytes: digit.bytes, width: DigitPreparation.side),
                    caption: "what the network sees", border: Theme.grid)
            ], columns: 1, scale: 8
        ).render()
        let chart = BarChart(
            values: probabilities,
            labels: classNames.count > 10 || classNames.contains { $0.count > 2 }
                ? classNames.indices.map(String.init) : classNames, highlight: predicted,
            title: "probabilities: \(classNames[predicted]) (\(probability(probabilities[predicted])))",
            width: 560, height: 300
        ).render()
        return sideBySide([input, chart], title: title)
    }

    // MARK: Helpers

    /// Dataset images are light ink on black; on a white page they read better as dark ink on white.
    static func displayImage(_ examples: DigitExamples, _ index: Int) -> GreyImage {
        displayImage(bytes: Array(examples.image(index)), width: examples.imageCols)
    }

    static func displayImage(bytes: [UInt8], width: Int) -> GreyImage {
        GreyImage(width: width, height: bytes.count / width, pixels: bytes.map { 255 - $0 })
    }

    /// ".93", "1.00" for a probability that rounds up, "<.01" for tiny ones.
    static func probability(_ p: Float) -> String {
        if p < 0.005 { return "<.01" }
        let text = String(format: "%.2f", Double(p))
        return text.hasPrefix("0") ? String(text.dropFirst()) : text
    }

    /// Canvases next to each other, top-aligned, under a title (none when empty).
    static func sideBySide(_ parts: [Canvas], title: String, titleScale: Int = Theme.titleScale) -> Canvas {
        let gap = 16
        let titleHeight = title.isEmpty ? 0 : BitmapFont.textHeight(scale: titleScale) + 8
        let width = Swift.max(
            parts.map(\.width).reduce(0, +) + gap * (parts.count - 1) + 2 * Theme.margin,
            BitmapFont.textWidth(title, scale: titleScale) + 2 * Theme.margin)
        let height = Theme.margin + titleHeight + (parts.map(\.height).max() ?? 0) + Theme.margin
        var canvas = Canvas(width: width, height: height, background: Theme.background)
        if !title.isEmpty {
            canvas.drawText(title, centerX: width / 2, y: Theme.margin, scale: titleScale, color: Theme.ink)
        }
        var x = Theme.margin
        for part in parts {
            canvas.draw(part, x: x, y: Theme.margin + titleHeight)
            x += part.width + gap
        }
        return canvas
    }

    /// Canvases one under the other, left-aligned, under a title.
    static func stacked(_ parts: [Canvas], title: String) -> Canvas {
        let titleHeight = BitmapFont.textHeight(scale: Theme.titleScale) + 8
        let width = Swift.max(
            parts.map(\.width).max() ?? 0, BitmapFont.textWidth(title, scale: Theme.titleScale) + 2 * Theme.margin)
        let height = Theme.margin + titleHeight + parts.map(\.height).reduce(0, +)
        var canvas = Canvas(width: width, height: height, background: Theme.background)
        canvas.drawText(title, x: Theme.margin, y: Theme.margin, scale: Theme.titleScale, color: Theme.ink)
        var y = Theme.margin + titleHeight
        for part in parts {
            canvas.draw(part, x: 0, y: y)
            y += part.height
        }
        return canvas
    }
}

/// Pictures written under one folder; remembers the paths written, for the summary.
public struct PictureSet {
    public let folder: String
    public private(set) var written: [String] = []

    /// Creates `folder` (and its parents) if needed.
    public init(folder: String) throws(PictureError) {
        self.folder = folder
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw .notAFolder(path: folder) }
        } else {
            do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                throw .cannotCreate(path: folder, reason: shortReason(error))
            }
        }
    }

    /// Writes `canvas` as `folder/name` (atomically: Render writes a temporary file and renames it).
    public mutating func write(_ canvas: Canvas, as name: String) throws(PNGError) {
        let path = (folder as NSString).appendingPathComponent(name)
        try PNGFile.write(canvas, to: path)
        written.append(path)
    }
}

/// Why the output folder cannot be used.
public enum PictureError: Error, Equatable, CustomStringConvertible {
    case notAFolder(path: String)
    case cannotCreate(path: String, reason: String)

    public var description: String {
        switch self {
        case .notAFolder(let path): return "\(path): exists and is not a folder; choose another --out"
        case .cannotCreate(let path, let reason):
            return "\(path): cannot create the output folder (\(reason)); choose another --out"
        }
    }
}
