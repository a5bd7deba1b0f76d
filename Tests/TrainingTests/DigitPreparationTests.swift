// Preparing a user's digit on synthetic images: a light background is inverted, an off-centre
// digit is recentred by mass, size and position stop mattering, and a blank image is refused.
import Testing

@testable import Training

/// A width x height image of `background` with a filled rectangle of `ink` and a one-pixel tail
/// at its lower right (so the shape has a clear, off-centre mass).
func drawnImage(width: Int, height: Int, background: UInt8, ink: UInt8, x: Int, y: Int, w: Int, h: Int) -> [UInt8] {
    var pixels = [UInt8](repeating: background, count: width * height)
    for yy in y..<(y + h) { for xx in x..<(x + w) { pixels[yy * width + xx] = ink } }
    return pixels
}

/// Centre of mass of a 28x28 image in pixel-index coordinates (MNIST's digits average (14, 14)).
func centreOfMass(_ values: [Float]) -> (x: Double, y: Double) {
    var mass = 0.0, sx = 0.0, sy = 0.0
    for y in 0..<28 {
        for x in 0..<28 {
            let v = Double(values[y * 28 + x])
            mass += v; sx += v * Double(x); sy += v * Double(y)
        }
    }
    return (sx / mass, sy / mass)
}

@Suite struct DigitPreparationTests {
    @Test func lightBackgroundIsInvertedAndTheLongerSideBecomes20() throws {
        // Dark ink (30) on white paper, a 10 x 40 bar in the top-left corner of a 100 x 80 image.
        let pixels = drawnImage(width: 100, height: 80, background: 255, ink: 30, x: 5, y: 5, w: 10, h: 40)
        let digit = try DigitPreparation.prepare(width: 100, height: 80, pixels: pixels, path: "bar.png")
        #expect(digit.inverted)
        #expect(digit.box.x == 5 && digit.box.y == 5 && digit.box.width == 10 && digit.box.height == 40)
        #expect(digit.scaledHeight == 20 && digit.scaledWidth == 5)
        #expect(digit.values.max() == 1)  // the strongest ink is stretched to 1
        #expect(digit.values.filter { $0 > 0.5 }.count == 100)  // 5 x 20 of ink
        #expect(digit.values[0] == 0)  // background is 0, like MNIST
    }

    @Test func darkBackgroundIsKept() throws {
        let pixels = drawnImage(width: 30, height: 30, background: 10, ink: 240, x: 3, y: 3, w: 8, h: 8)
        let digit = try DigitPreparation.prepare(width: 30, height: 30, pixels: pixels, path: "d.png")
        #expect(!digit.inverted)
        #expect(digit.scaledWidth == 20 && digit.scaledHeight == 20)
    }

    @Test func offCentreDigitIsCentredByMass() throws {
        // An L shape, far from the centre of a large image: its mass must end at (14, 14) +- 0.5.
        var pixels = drawnImage(width: 200, height: 150, background: 255, ink: 0, x: 150, y: 90, w: 6, h: 40)
        for yy in 124..<130 { for xx in 150..<180 { pixels[yy * 200 + xx] = 0 } }
        let digit = try DigitPreparation.prepare(width: 200, height: 150, pixels: pixels, path: "l.png")
        let centre = centreOfMass(digit.values)
        #expect(abs(centre.x - 14) <= 0.5 && abs(centre.y - 14) <= 0.5, "centre of mass \(centre)")
        // The same shape elsewhere, in a different-sized image, gives the same 28x28 input.
        var moved = drawnImage(width: 300, height: 300, background: 255, ink: 0, x: 20, y: 30, w: 6, h: 40)
        for yy in 64..<70 { for xx in 20..<50 { moved[yy * 300 + xx] = 0 } }
        let again = try DigitPreparation.prepare(width: 300, height: 300, pixels: moved, path: "l2.png")
        #expect(again.values == digit.values)
    }

    @Test func blankImageIsRefused() {
        let flat = [UInt8](repeating: 200, count: 64 * 64)
        #expect(throws: DigitPreparationError.blank(path: "blank.png")) {
            try DigitPreparation.prepare(width: 64, height: 64, pixels: flat, path: "blank.png")
        }
        // Faint noise of a few grey levels is still blank.
        let faint = (0..<(64 * 64)).map { UInt8(200 + $0 % 7) }
        #expect(throws: DigitPreparationError.blank(path: "faint.png")) {
            try DigitPreparation.prepare(width: 64, height: 64, pixels: faint, path: "faint.png")
        }
    }

    @Test func areaAveragingKeepsTheMeanAndWeightsSumToOne() {
        for (from, to) in [(7, 3), (40, 20), (3, 20), (20, 20), (13, 5)] {
            for weights in DigitPreparation.coverage(from: from, to: to) {
                #expect(isClose(weights.map(\.1).reduce(0, +), 1, absolute: 1e-5), "\(from) -> \(to)")
            }
        }
        // Shrinking 4x4 to 2x2 averages each 2x2 block.
        let source: [Float] = [
            1, 1, 0, 0,
            1, 1, 0, 0,
            0, 0, 0, 1,
            0, 0, 1, 0,
        ]
        let small = DigitPreparation.resizeByAreaAveraging(source, width: 4, height: 4, toWidth: 2, toHeight: 2)
        #expect(small == [1, 0, 0, 0.5])
        // Shrinking 3 to 2: each output covers 1.5 source pixels.
        let row = DigitPreparation.resizeByAreaAveraging([0, 3, 6], width: 3, height: 1, toWidth: 2, toHeight: 1)
        // (0 + 0.5*3)/1.5 and (0.5*3 + 6)/1.5
        #expect(isClose(row[0], 1, absolute: 1e-6) && isClose(row[1], 5, absolute: 1e-6))
    }
}
