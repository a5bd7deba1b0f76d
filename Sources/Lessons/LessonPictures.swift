// The pictures a lesson asks for, as plain descriptions (what to draw, not how), and the one
// place that turns them into PNG files. Drawing itself is the Render module's job.
import Foundation
import NeuralCore

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
    /// A matrix as coloured cells, with its numbers written in them when `showValues`.
    case heatMap(title: String, matrix: Matrix, showValues: Bool)
    /// Several matrices side by side, each with a caption, on one colour scale.
    case heatMaps(title: String, panels: [(caption: String, matrix: Matrix)], showValues: Bool)
    /// Lines and points on shared axes.
    case plot(title: String, xLabel: String, yLabel: String, series: [PlotSeries])
}

enum LessonPictures {
    /// Whether pictures can be drawn in this build.
    static var available: Bool { false }

    /// Draws `picture` into the PNG file `url` (written whole or not at all).
    static func write(_ picture: LessonPicture, to url: URL) throws {}
}
