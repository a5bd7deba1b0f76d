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
    /// A colour of its own (else the theme's next one).
    public var color: RGB?

    public init(_ name: String, xs: [Float], ys: [Float], points: Bool = false, color: RGB? = nil) {
        self.name = name
        self.xs = xs
        self.ys = ys
        self.points = points
        self.color = color
    }
}

/// One bar chart: a bar per value with its label underneath.
public struct BarPanel: Sendable {
    public var caption: String
    public var labels: [String]
    public var values: [Float]
    /// The bar to pick out in the highlight colour (the sum, the right class).
    public var highlight: Int?
    /// Write each value on its bar (off when the values are too small for two decimals).
    public var showValues: Bool
    /// Decimals of the written values.
    public var decimals: Int

    public init(
        _ caption: String, labels: [String], values: [Float], highlight: Int? = nil, showValues: Bool = true,
        decimals: Int = 2
    ) {
        precondition(
            labels.count == values.count, "BarPanel \(caption): \(labels.count) labels for \(values.count) values")
        self.caption = caption
        self.labels = labels
        self.values = values
        self.highlight = highlight
        self.showValues = showValues
        self.decimals = decimals
    }
}

/// What a lesson wants drawn.
public enum LessonPicture: Sendable {
    /// Pixels 0-9 in grey (0 black, 9 white), each cell with its value; `columnLabels` under the columns.
    case image(title: String, pixels: Matrix, columnLabels: [String]? = nil)
    /// A larger grey image with intensities 0-1 (an MNIST digit), without numbers.
    case digit(title: String, pixels: Matrix)
    /// A matrix of signed numbers, blue negative, red positive, with its numbers when `showValues`.
    case heatMap(title: String, matrix: Matrix, showValues: Bool)
    /// Several matrices side by side, each with a caption, on one colour scale.
    case heatMaps(title: String, panels: [(caption: String, matrix: Matrix)], showValues: Bool)
    /// Lines and points on shared axes; `yRange` fixes the vertical axis (else it fits the data).
    /// `logY`: a logarithmic y axis (for a loss that falls through decades).
    case plot(
        title: String, xLabel: String, yLabel: String, series: [PlotSeries], yRange: ClosedRange<Float>? = nil,
        logY: Bool = false)
    /// Bar charts side by side, each with its caption and its own axis; one panel takes `title`.
    case bars(title: String, panels: [BarPanel])
    /// Steps in a row joined by arrows, with an arrow from step `loopBack.from` back to `loopBack.to`.
    case flow(
        title: String, steps: [(name: String, detail: [String])], loopBack: (from: Int, to: Int)?, caption: String)
    /// Several grey images with intensities 0-1 (mean digits) in a grid, each with its caption.
    case digits(title: String, panels: [(caption: String, pixels: Matrix)])
    /// One path of a computation: a box per value with its value and gradient, arrows forward.
    case graph(title: String, nodes: [(name: String, value: Float, gradient: Float)], highlight: Int?, caption: String)
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
        case .image(let title, let pixels, let columnLabels):
            // Cells of 64 pixels: a 3x3 image or its 9-pixel strip big enough to read.
            return HeatMap(
                values: pixels.values, rows: pixels.rows, cols: pixels.cols, title: title,
                colorMap: .grey(min: 0, max: 9), showValues: true, decimals: 0, cellSize: 64,
                columnLabels: columnLabels
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
            return sideBySide(maps, title: title)
        case .plot(let title, let xLabel, let yLabel, let series, let yRange, let logY):
            return LinePlot(
                series: series.map { s in
                    LinePlot.Series(name: s.name, x: s.xs, y: s.ys, color: s.color, style: s.points ? .points : .line)
                }, title: title, xLabel: xLabel, yLabel: logY ? yLabel + " (log scale)" : yLabel, yRange: yRange,
                logY: logY
            ).render()
        case .flow(let title, let steps, let loopBack, let caption):
            return ComputationGraph(
                nodes: steps.map { ComputationGraph.Node(step: $0.name, detail: $0.detail) }, title: title,
                caption: caption, loopBack: loopBack
            ).render()
        case .digits(let title, let panels):
            return TileGrid(
                images: panels.map {
                    GreyImage(width: $0.pixels.cols, height: $0.pixels.rows, intensities: $0.pixels.values)
                }, captions: panels.map(\.caption), columns: 5, scale: 4, title: title
            ).render()
        case .graph(let title, let nodes, let highlight, let caption):
            return ComputationGraph(
                nodes: nodes.enumerated().map { k, node in
                    ComputationGraph.Node(
                        name: node.name, value: TraceNumber.format(node.value),
                        gradient: TraceNumber.format(node.gradient),
                        highlighted: k == highlight)
                }, title: title, caption: caption
            ).render()
        case .bars(let title, let panels):
            if panels.count == 1 { return barChart(panels[0], title: title) }
            return sideBySide(panels.map { barChart($0, title: $0.caption) }, title: title)
        }
    }

    /// One panel as a bar chart, wide enough for its labels: at text scale 2 while a row of
    /// labels fits in 720 pixels, else at scale 1 (the title stays at scale 2).
    static func barChart(_ panel: BarPanel, title: String) -> Canvas {
        func widest(_ scale: Int) -> Int { panel.labels.map { BitmapFont.textWidth($0, scale: scale) }.max() ?? 0 }
        let scale = panel.values.count * (widest(2) + 16) <= 720 ? 2 : 1
        let bars = panel.values.count * (widest(scale) + 16) + 120
        let width = max(bars, panel.values.count <= 4 ? 340 : 560, BitmapFont.textWidth(title, scale: 2) + 64)
        return BarChart(
            values: panel.values, labels: panel.labels, highlight: panel.highlight, title: title,
            showValues: panel.showValues, decimals: panel.decimals, width: width, textScale: scale
        ).render()
    }

    /// Pictures in a row under one title.
    static func sideBySide(_ pictures: [Canvas], title: String) -> Canvas {
        let titleHeight = BitmapFont.textHeight(scale: 2) + 16
        let width = max(pictures.map(\.width).reduce(0, +), BitmapFont.textWidth(title, scale: 2) + 32)
        let height = titleHeight + (pictures.map(\.height).max() ?? 0)
        var canvas = Canvas(width: width, height: height, background: Theme.background)
        canvas.drawText(title, centerX: width / 2, y: 10, scale: 2, color: Theme.ink)
        var x = 0
        for picture in pictures {
            canvas.draw(picture, x: x, y: titleHeight)
            x += picture.width
        }
        return canvas
    }
}
