// Log y axes and short tick labels: decades as ticks, e-notation instead of 30-digit numbers,
// and values a log axis cannot show (0, negative, infinite) left out rather than trapping.
import Testing

@testable import Render

@Suite struct LogAxisTests {
    @Test func hugeTicksAreWrittenShort() {
        // A loss that diverged to 2.7e29: the old labels read 2999999999999999991891638616064.
        let scale = NiceScale(min: 0, max: 2.7e29)
        let labels = scale.ticks.map { scale.label($0) }
        #expect(labels.allSatisfy { $0.count <= 6 }, "\(labels)")
        #expect(labels.contains("1e29") || labels.contains("3e29") || labels.contains("2e29"), "\(labels)")
        #expect(labels.first == "0")
        // Ordinary ranges keep their plain labels.
        let plain = NiceScale(min: 0, max: 1.5)
        #expect(plain.ticks.map { plain.label($0) } == ["0.0", "0.5", "1.0", "1.5"])
    }

    @Test func decadesAreTicksWithReadableLabels() {
        let scale = NiceScale(decadesFrom: -4.2, to: 2.3)
        #expect(scale.lower == -5 && scale.upper == 3)
        #expect(scale.ticks.map { NiceScale.decadeLabel($0) } == ["1e-5", "1e-3", "0.1", "10", "1000"])  // 8 decades, a tick every 2
        let wide = NiceScale(decadesFrom: -1, to: 29.4)
        #expect(wide.ticks.count <= 7 && wide.step == 6)
    }

    @Test func aLogPlotSkipsWhatItCannotShow() {
        let plot = LinePlot(
            series: [.init(name: "loss", y: [100, 10, 0, -1, .infinity, 1e-3, 1e-4])], logY: true)
        let canvas = plot.render()
        #expect(canvas.width == 720 && canvas.height == 440)
        // The same data on a linear axis differs: the log axis spreads the small values out.
        #expect(canvas != LinePlot(series: [.init(name: "loss", y: [100, 10, 0, -1, .infinity, 1e-3, 1e-4])]).render())
    }
}
