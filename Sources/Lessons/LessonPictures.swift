// The pictures a lesson asks for, as plain descriptions (what to draw, not how), and the one
// place that turns them into PNG files with the Render module. Layout details are Render's.
import Foundation
import NeuralCore
import Render

/// A line or a set of points on a plot.
public struct PlotSeries: Sendable {
    public var name: String
    public var xs: [Float]
    public var ys: [Float]
    /// Points (samples) rather than a joined line.
    public var points: Bool

    public init(_ name: String, xs: [Float], ys: [Float], points: Bool = false) {
        self.name = name
        self.xs = xs
        self.ys = ys
        self.points = points
    }
}

/// What a lesson wants drawn.
public enum LessonPicture: Sendable {
    /// Pixels 0-9 in grey (0 black, 9 white), each cell with its value.
    case image(title: String, pixels: Matrix)
    /// A larger grey image with intensities 0-1 (an MNIST digit), without numbers.
    case digit(title: String, pixels: Matrix)
    /// A matrix of signed numbers, blue negative, red positive, with its numbers when `showValues`.
    case heatMap(title: String, matrix: Matrix, showValues: Bool)
    /// Several matrices side by side, each with a caption, on one colour scale.
    case heatMaps(title: String, panels: [(caption: String, matrix: Matrix)], showValues: Bool)
    /// Lines and points on shared axes; `yRange` fixes the vertical axis (else it fits the data).
    case plot(title: String, xLabel: String, yLabel: String, series: [PlotSeries], yRange: ClosedRange<Float>? = nil)
}

enum LessonPictures {
    /// Whether pictures can be drawn in this build.
    static var available: Bool { true }

    /// Draws `picture` into the PNG file `url` (Render writes it to a temporary name, then renames).
    static func write(_ picture: LessonPicture, to url: URL) throws {
        do {
            try PNGFile.write(canvas(picture), to: url.path)
        } catch {
            throw LessonError(
                file: url.path,
                problem: "cannot write the picture (\(error)); choose another output folder with --out DIR")
        }
    }

    static func canvas(_ picture: LessonPicture) -> Canvas {
        switch picture {
        case .image(let title, let pixels):
            return HeatMap(
                values: pixels.values, rows: pixels.rows, cols: pixels.cols, title: title,
                colorMap: .grey(min: 0, max: 9), showValues: true, decimals: 0
            ).render()
        case .digit(let title, let pixels):
            return HeatMap(
                values: pixels.values, rows: pixels.rows, cols: pixels.cols, title: title,
                colorMap: .grey(min: 0, max: 1), showValues: false, cellSize: 10
            ).render()
        case .heatMap(let title, let matrix, let showValues):
            return HeatMap(
                values: matrix.values, rows: matrix.rows, cols: matrix.cols, title: title,
                showValues: showValues, decimals: 2
            ).render()
        case .heatMaps(let title, let panels, let showValues):
            // One shared symmetric range, so the same colour means the same number in every panel.
            let limit = max(panels.flatMap { $0.matrix.values }.map(abs).max() ?? 1, 1e-6)
            let maps = panels.map { panel in
                HeatMap(
                    values: panel.matrix.values, rows: panel.matrix.rows, cols: panel.matrix.cols, title: panel.caption,
                    colorMap: .diverging(limit: limit), showValues: showValues, decimals: 2
                ).render()
            }
            let titleHeight = BitmapFont.textHeight(scale: 2) + 16
            let width = max(maps.map(\.width).reduce(0, +), BitmapFont.textWidth(title, scale: 2) + 32)
            let height = titleHeight + (maps.map(\.height).max() ?? 0)
            var canvas = Canvas(width: width, height: height, background: Theme.background)
            canvas.drawText(title, centerX: width / 2, y: 10, scale: 2, color: Theme.ink)
            var x = 0
            for map in maps {
                canvas.draw(map, x: x, y: titleHeight)
                x += map.width
            }
            return canvas
        case .plot(let title, let xLabel, let yLabel, let series, let yRange):
            return LinePlot(
                series: series.map { s in
                    LinePlot.Series(name: s.name, x: s.xs, y: s.ys, style: s.points ? .points : .line)
                }, title: title, xLabel: xLabel, yLabel: yLabel, yRange: yRange
            ).render()
        }
    }
}
