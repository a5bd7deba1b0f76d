// Smoke tests of the compositions that can fail: sizes, and the colours of known cells, borders
// and bars. How they look is checked by eye with LookTests.swift.
import Foundation
import Testing

@testable import Render

@Suite struct CompositionTests {
    @Test func heatMapPaintsTheLargestValueWithThePositiveEnd() {
        let values: [Float] = [0, -1, 2, 0.5, 0, -2, 1, 1, 0]
        let heatMap = HeatMap(values: values, rows: 3, cols: 3)
        let canvas = heatMap.render()
        let cell = heatMap.cellSize
        #expect(heatMap.showValues)
        #expect(canvas.width > 3 * cell && canvas.height >= 3 * cell + 2 * Theme.margin)
        let (left, top) = (Theme.margin, Theme.margin)  // no title
        #expect(canvas[left + 2 * cell + 2, top + 2] == ColorMap.positiveEnd)  // 2, the maximum
        #expect(canvas[left + 2 * cell + 2, top + cell + 2] == ColorMap.negativeEnd)  // -2
        #expect(canvas[left + 2, top + 2] == .white)  // 0
    }

    @Test func heatMapGridSharesOneRangeAndFitsAScreen() {
        var maps = [[Float]](repeating: [Float](repeating: 0.1, count: 784), count: 128)
        maps[0] = [Float](repeating: 1, count: 784)
        maps[1] = [Float](repeating: 0.5, count: 784)
        let grid = HeatMapGrid(maps: maps, rows: 28, cols: 28, title: "weights")
        let canvas = grid.render()
        #expect(canvas.width <= 1400 && canvas.height <= 800)
        #expect(grid.colorMap == .diverging(limit: 1))
        let top = Theme.margin + Layout.titleHeight("weights")
        let secondTileX = Theme.margin + 28 * 2 + 8
        #expect(canvas[Theme.margin + 5, top + 5] == ColorMap.positiveEnd)
        let half = RGB.white.mixed(with: ColorMap.positiveEnd, 0.5)
        #expect(canvas[secondTileX + 5, top + 5] == half)
    }

    @Test func tileGridDrawsBordersAndScaledPixels() {
        let image = GreyImage(width: 28, height: 28, pixels: (0..<784).map { UInt8($0 % 200) })
        let grid = TileGrid(
            images: [image, image, image],
            captions: ["7", "7 -> 2 (0.93)", "1"],
            borders: [Theme.correct, Theme.wrong, nil], scale: 3)
        let canvas = grid.render()
        #expect(grid.columns == 2)
        let step = 28 * 3 + 6 + 10  // image, two borders, gap
        #expect(canvas[Theme.margin, Theme.margin] == Theme.correct)
        #expect(canvas[Theme.margin + step, Theme.margin] == Theme.wrong)
        // Image pixel (1, 0) is 1; at scale 3 it covers three pixels right of the border.
        #expect(canvas[Theme.margin + 3 + 3, Theme.margin + 3] == RGB(grey: 1))
        #expect(canvas[Theme.margin + 3 + 5, Theme.margin + 5] == RGB(grey: 1))
        #expect(count(Theme.wrong, in: canvas) > 4 * 28 * 3 * 3)  // border and red caption
    }

    @Test func linePlotHandlesEdgeCasesAndDrawsItsSeries() {
        let plots = [
            LinePlot(series: [.init(name: "one", x: [2], y: [5], style: .points)]),
            LinePlot(series: [.init(name: "flat", y: [3, 3, 3, 3])], title: "constant"),
            LinePlot(series: [
                .init(name: "neg", x: [-2, -1, 0], y: [-5, -0.5, -7]),
                .init(name: "gap", x: [0, 1, 2], y: [1, .nan, 2]),
            ]),
            LinePlot(series: []),
        ]
        for plot in plots {
            let canvas = plot.render()
            #expect(canvas.width == 720 && canvas.height == 440)
        }
        #expect(count(Theme.seriesColor(0), in: plots[0].render()) > 20)  // dot and legend
        #expect(count(Theme.seriesColor(0), in: plots[1].render()) > 500)  // a 2-pixel line
    }

    @Test func barChartHighlightsOneBar() {
        let chart = BarChart(values: [0.01, 0.02, 0.9, 0.07], highlight: 2, title: "p")
        let canvas = chart.render()
        #expect(canvas.width == 560 && canvas.height == 360)
        let highlighted = count(Theme.highlight, in: canvas)
        let others = count(Theme.seriesColor(0), in: canvas)
        #expect(highlighted > 5 * others)
    }

    @Test func confusionMatrixPaintsTheLargestCountDarkest() {
        var counts = [[Int]](repeating: [Int](repeating: 1, count: 10), count: 10)
        for k in 0..<10 { counts[k][k] = 900 + k }
        let matrix = AnnotatedMatrix(counts: counts, title: "confusion")
        let canvas = matrix.render()
        #expect(matrix.colorMap == .sequential(min: 0, max: 909))
        #expect(count(ColorMap.sequentialStops.last!, in: canvas) > 100)  // the 909 cell
        #expect(canvas.width < 1000 && canvas.height < 1000)
    }

    @Test func pictureWritesAPNG() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/map.png"
            let heatMap = HeatMap(values: [1, -1], rows: 1, cols: 2, title: "two")
            try heatMap.writePNG(to: path)
            let read = try PNGFile.readRGBA(path)
            let canvas = heatMap.render()
            #expect(read.width == canvas.width && read.height == canvas.height)
        }
    }
}
