// Render against extreme input: PNG headers that declare a terabyte of pixels, named pipes and
// devices where a PNG is expected, writes through links and onto devices, and pictures of numbers
// near the ends of Float's range (which must draw, never trap).
import Foundation
import Testing

@testable import Render

/// CRC-32 of a PNG chunk (type and data), bit by bit.
func pngCRC(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xffff_ffff
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xedb8_8320 : crc >> 1 }
    }
    return ~crc
}

/// A PNG whose header declares `width` x `height` 8-bit grey pixels, with a tiny (wrong) IDAT.
func pngDeclaring(width: UInt32, height: UInt32) -> [UInt8] {
    func word(_ value: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8((value >> UInt32($0)) & 0xff) } }
    func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return word(UInt32(data.count)) + body + word(pngCRC(body))
    }
    let header = word(width) + word(height) + [8, 0, 0, 0, 0]  // 8-bit grey, no interlace
    let idat: [UInt8] = [0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01]  // zlib of one row, [0, 0]
    return [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] + chunk("IHDR", header) + chunk("IDAT", idat)
        + chunk("IEND", [])
}

@Suite("Hostile PNG input")
struct HostilePNGTests {
    @Test("a header that declares huge dimensions is refused before any allocation", arguments: [
        (UInt32(1_000_000), UInt32(1_000_000)), (65_535, 65_535), (10_000, 4_001),
    ])
    func hugeDeclaredSize(width: UInt32, height: UInt32) throws {
        try withTemporaryFolder { folder in
            let path = folder + "/bomb.png"
            try Data(pngDeclaring(width: width, height: height)).write(to: URL(fileURLWithPath: path))
            let started = Date()
            #expect(throws: PNGError.self) { try PNGFile.readGrey(path) }
            do { _ = try PNGFile.readRGBA(path) } catch let error as PNGError {
                #expect(error == .tooLarge(path: path, detail: error.tooLargeDetail))
                #expect(error.description.contains("\(width) x \(height) pixels"), "\(error)")
                #expect(!error.description.contains("\n"))
            }
            #expect(Date().timeIntervalSince(started) < 2)
        }
    }

    @Test("a header within the limit is decoded")
    func smallDeclaredSize() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/small.png"
            try Data(pngDeclaring(width: 1, height: 1)).write(to: URL(fileURLWithPath: path))
            #expect(try PNGFile.readGrey(path) == GreyImage(width: 1, height: 1, pixels: [0]))
        }
    }

    @Test("a named pipe or a device where a PNG is expected is named, not read")
    func pipesAndDevices() throws {
        try withTemporaryFolder { folder in
            let pipe = folder + "/digit.png"
            #expect(mkfifo(pipe, 0o644) == 0)
            let started = Date()
            for (path, kind) in [(pipe, "a named pipe (FIFO)"), ("/dev/zero", "a character device")] {
                do {
                    _ = try PNGFile.readGrey(path)
                    Issue.record("\(path) read")
                } catch let error as PNGError {
                    #expect(error == .unreadable(path: path, reason: "it is \(kind), not a regular file"))
                }
            }
            #expect(Date().timeIntervalSince(started) < 5)
            #expect(throws: PNGError.missingFile(path: folder + "/none.png")) { try PNGFile.readGrey(folder + "/none.png") }
        }
    }

    @Test("a write goes through a symbolic link and refuses to replace a pipe")
    func writeThroughLink() throws {
        try withTemporaryFolder { folder in
            let canvas = Canvas(width: 2, height: 2, background: .white)
            try FileManager.default.createSymbolicLink(atPath: folder + "/link.png", withDestinationPath: "real.png")
            try PNGFile.write(canvas, to: folder + "/link.png")
            #expect(try PNGFile.readRGBA(folder + "/real.png").width == 2)
            #expect(
                try FileManager.default.destinationOfSymbolicLink(atPath: folder + "/link.png") == "real.png")
            #expect(mkfifo(folder + "/pipe.png", 0o644) == 0)
            #expect(throws: PNGError.self) { try PNGFile.write(canvas, to: folder + "/pipe.png") }
            #expect(contents(of: folder) == ["link.png", "pipe.png", "real.png"])
        }
    }
}

extension PNGError {
    var tooLargeDetail: String {
        if case .tooLarge(_, let detail) = self { return detail }
        return ""
    }
}

@Suite("Pictures of extreme values")
struct ExtremeValueTests {
    static let extremes: [Float] = [3e38, -3e38, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude]

    @Test("a colour bar and heat map over -3e38...3e38 draw, with the ends in their colours")
    func colourBar() {
        let map = ColorMap.diverging(limit: 3e38)
        var canvas = Canvas(width: 200, height: 200)
        ColorBar(colorMap: map, height: 100).draw(into: &canvas, x: 10, y: 10)
        #expect(canvas[12, 10] == map.color(for: 3e38))
        #expect(canvas[12, 109] == map.color(for: -3e38))
        for kind in [ColorMap.sequential(min: -3e38, max: 3e38), .grey(min: -.greatestFiniteMagnitude, max: 3e38)] {
            var other = Canvas(width: 200, height: 200)
            ColorBar(colorMap: kind, height: 100).draw(into: &other, x: 10, y: 10)
            #expect(kind.color(for: 0) != kind.color(for: 3e38))
        }
        let heatMap = HeatMap(values: Self.extremes + [0], rows: 2, cols: 3)
        #expect(heatMap.render().width > 0)
    }

    @Test("a line plot with points far outside its fixed range, and one spanning all of Float, draws")
    func linePlot() {
        let far = LinePlot.Series(name: "far", x: [0, 1, 2, 3], y: [0, 3e38, -3e38, 1])
        let fixed = LinePlot(series: [far], yRange: -1...1).render()
        #expect(fixed.width == 720)
        let wide = LinePlot(series: [LinePlot.Series(name: "w", x: Self.extremes, y: Self.extremes)]).render()
        #expect(wide.height == 440)
        let points = LinePlot(
            series: [LinePlot.Series(name: "p", x: [-3e38, 3e38], y: [1, 2], style: .points)], xRange: -3e38...3e38
        ).render()
        #expect(points.width == 720)
    }

    @Test("a bar chart of extreme values draws")
    func barChart() {
        #expect(BarChart(values: Self.extremes).render().width > 0)
        #expect(BarChart(values: [3e38, .nan, .infinity]).render().width > 0)
    }

    @Test("a scale's fraction is clamped, so pixel positions cannot overflow")
    func clampedFraction() {
        let scale = NiceScale(min: 0, max: 1)
        #expect(scale.fraction(3e38) == 2)
        #expect(scale.fraction(-3e38) == -1)
        #expect(scale.fraction(.nan) == 0)
        #expect(scale.fraction(0.5) == 0.5)
    }
}
