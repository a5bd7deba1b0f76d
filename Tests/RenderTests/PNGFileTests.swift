// Tests of PNG reading and writing through libpng: exact round trips, real-world inputs made with
// libpng itself (palette, 16-bit, transparency), and bad input. Drawing is tested elsewhere.
import Foundation
import Testing

@testable import Render

@Suite struct PNGRoundTripTests {
    @Test func greyRoundTripIsExact() throws {
        try withTemporaryFolder { folder in
            let pixels = (0..<35).map { (index: Int) -> UInt8 in UInt8((index * 37) % 256) }
            let image = GreyImage(width: 7, height: 5, pixels: pixels)
            let path = folder + "/grey.png"
            try PNGFile.writeGrey(image, to: path)
            #expect(try PNGFile.readGrey(path) == image)
            #expect(contents(of: folder) == ["grey.png"])
        }
    }

    @Test func rgbRoundTripIsExact() throws {
        try withTemporaryFolder { folder in
            var canvas = Canvas(width: 9, height: 4)
            for y in 0..<4 {
                for x in 0..<9 {
                    let blue = UInt8((x * y * 13) % 256)
                    canvas.setPixel(x, y, RGB(UInt8(x * 28), UInt8(y * 60), blue))
                }
            }
            let path = folder + "/rgb.png"
            try PNGFile.write(canvas, to: path)
            let read = try PNGFile.readRGBA(path)
            #expect(read.width == 9 && read.height == 4)
            var expected: [UInt8] = []
            for index in 0..<(9 * 4) {
                expected.append(contentsOf: canvas.pixels[(index * 3)..<(index * 3 + 3)])
                expected.append(255)
            }
            #expect(read.pixels == expected)
        }
    }

    @Test func rgbaRoundTripIsExact() throws {
        try withTemporaryFolder { folder in
            let pixels = (0..<72).map { (index: Int) -> UInt8 in UInt8((index * 53 + 7) % 256) }
            let path = folder + "/rgba.png"
            try PNGFile.writeRGBA(width: 6, height: 3, pixels: pixels, to: path)
            let read = try PNGFile.readRGBA(path)
            #expect(read.width == 6 && read.height == 3)
            #expect(read.pixels == pixels)
        }
    }

    @Test func overwritingReplacesTheFileWhole() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/same.png"
            try PNGFile.writeGrey(GreyImage(width: 2, height: 2, pixels: [1, 2, 3, 4]), to: path)
            let second = GreyImage(width: 3, height: 1, pixels: [9, 8, 7])
            try PNGFile.writeGrey(second, to: path)
            #expect(try PNGFile.readGrey(path) == second)
            #expect(contents(of: folder) == ["same.png"])
        }
    }
}

@Suite struct PNGRealWorldInputTests {
    /// Byte 24 of a PNG is the bit depth and byte 25 the colour type (IHDR), so the fixtures can
    /// be checked to be what they claim.
    func header(_ path: String) throws -> (bitDepth: UInt8, colourType: UInt8) {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        return (bytes[24], bytes[25])
    }

    @Test func paletteImageReadsAsGrey() throws {
        try withTemporaryFolder { folder in
            // A four-entry RGB palette: black, white, mid grey, pure red.
            let palette: [UInt8] = [0, 0, 0, 255, 255, 255, 128, 128, 128, 255, 0, 0]
            let indices: [UInt8] = [0, 1, 2, 3, 3, 2, 1, 0]
            let path = folder + "/palette.png"
            try PNGFile.writeRaw(
                width: 4, height: 2, channels: 1,
                format: PNGFile.formatRGB | PNGFile.flagColormap, pixels: indices,
                colormap: palette, to: path)
            #expect(try header(path).colourType == 3)  // 3: palette
            let grey = try PNGFile.readGrey(path)
            #expect(grey.width == 4 && grey.height == 2)
            #expect(grey[0, 0] == 0 && grey[1, 0] == 255)
            #expect(abs(Int(grey[2, 0]) - 128) <= 1)
            // Red has luminance 0.2126 in linear light, which is about 127 in sRGB.
            #expect(abs(Int(grey[3, 0]) - 127) <= 3)
            #expect(Array(grey.pixels[4...]) == Array(grey.pixels[0..<4].reversed()))
            let rgba = try PNGFile.readRGBA(path)
            #expect(Array(rgba.pixels[12..<16]) == [255, 0, 0, 255])
        }
    }

    @Test func sixteenBitImageReadsAsEightBitGrey() throws {
        try withTemporaryFolder { folder in
            // 16-bit linear samples: black, white, and half intensity in linear light.
            let samples: [UInt16] = [0, 65535, 32768, 16384]
            let path = folder + "/deep.png"
            try PNGFile.writeRaw(
                width: 2, height: 2, channels: 1, format: PNGFile.flagLinear,
                pixels: samples, to: path)
            #expect(try header(path) == (16, 0))  // 16-bit grey
            let grey = try PNGFile.readGrey(path)
            #expect(grey[0, 0] == 0 && grey[1, 0] == 255)
            // sRGB encoding of linear 0.5 is 0.7354 (188), of 0.25 is 0.5371 (137).
            #expect(abs(Int(grey[0, 1]) - 188) <= 2)
            #expect(abs(Int(grey[1, 1]) - 137) <= 2)
        }
    }

    @Test func transparentDigitIsCompositedOnTheBackground() throws {
        try withTemporaryFolder { folder in
            // Black ink with alpha 255, 128 and 0, then opaque white.
            let pixels: [UInt8] = [0, 0, 0, 255, 0, 0, 0, 128, 0, 0, 0, 0, 255, 255, 255, 255]
            let path = folder + "/ink.png"
            try PNGFile.writeRGBA(width: 4, height: 1, pixels: pixels, to: path)
            #expect(try header(path) == (8, 6))  // 8-bit RGBA
            let onWhite = try PNGFile.readGrey(path)
            #expect(onWhite.pixels[0] == 0)
            #expect((150...215).contains(onWhite.pixels[1]))  // half ink over white: light grey
            #expect(onWhite.pixels[2] == 255)  // fully transparent shows the paper
            #expect(onWhite.pixels[3] == 255)
            let onBlack = try PNGFile.readGrey(path, background: 0)
            #expect(onBlack.pixels[2] == 0)
            #expect(onBlack.pixels[3] == 255)
            #expect(try PNGFile.readRGBA(path).pixels == pixels)
        }
    }
}

@Suite struct PNGBadInputTests {
    func expectError(mentioning path: String, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("expected an error about \(path)")
        } catch let error as PNGError {
            #expect(error.path == path)
            #expect(error.description.contains(path))
        } catch {
            Issue.record("unexpected error type: \(error)")
        }
    }

    @Test func notAPNGIsAnErrorNamingTheFile() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/notes.png"
            try "hello, not a picture\n".write(toFile: path, atomically: false, encoding: .utf8)
            expectError(mentioning: path) { _ = try PNGFile.readGrey(path) }
            expectError(mentioning: path) { _ = try PNGFile.readRGBA(path) }
        }
    }

    @Test func truncatedPNGIsAnError() throws {
        try withTemporaryFolder { folder in
            var state: UInt32 = 12345
            let noise = (0..<(64 * 64)).map { _ -> UInt8 in
                state = state &* 1_664_525 &+ 1_013_904_223
                return UInt8(state >> 24)
            }
            let whole = folder + "/whole.png"
            try PNGFile.writeGrey(GreyImage(width: 64, height: 64, pixels: noise), to: whole)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: whole))
            let path = folder + "/truncated.png"
            try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
            expectError(mentioning: path) { _ = try PNGFile.readGrey(path) }
        }
    }

    @Test func missingFileIsAnError() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/nowhere.png"
            expectError(mentioning: path) { _ = try PNGFile.readGrey(path) }
            #expect(throws: PNGError.missingFile(path: path)) { try PNGFile.readGrey(path) }
        }
    }

    @Test func missingOutputFolderIsAnErrorAndWritesNothing() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/no-such-folder/out.png"
            expectError(mentioning: path) {
                try PNGFile.write(Canvas(width: 2, height: 2), to: path)
            }
            #expect(contents(of: folder).isEmpty)
        }
    }

    @Test func fileInPlaceOfTheFolderIsAnError() throws {
        try withTemporaryFolder { folder in
            let file = folder + "/file.txt"
            try "text".write(toFile: file, atomically: false, encoding: .utf8)
            let path = file + "/out.png"
            expectError(mentioning: path) {
                try PNGFile.write(Canvas(width: 2, height: 2), to: path)
            }
            #expect(contents(of: folder) == ["file.txt"])
            #expect(try String(contentsOfFile: file, encoding: .utf8) == "text")
        }
    }

    @Test func wrongPixelCountIsAnErrorAndLeavesNoFile() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/short.png"
            expectError(mentioning: path) {
                try PNGFile.writeRGBA(width: 4, height: 4, pixels: [1, 2, 3], to: path)
            }
            #expect(contents(of: folder).isEmpty)
        }
    }

    @Test func failedWriteKeepsTheOldFile() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/keep.png"
            let original = GreyImage(width: 1, height: 1, pixels: [42])
            try PNGFile.writeGrey(original, to: path)
            expectError(mentioning: path) {
                try PNGFile.writeRGBA(width: 0, height: 3, pixels: [], to: path)
            }
            #expect(try PNGFile.readGrey(path) == original)
            #expect(contents(of: folder) == ["keep.png"])
        }
    }
}
