// A user's own digit made to look like an MNIST digit, the way MNIST's were made: grey, ink light
// on dark, cropped to the ink, scaled (area-averaging) so the longer side is 20 px, and placed in
// 28x28 with its centre of mass at the centre. Reading the PNG is Render's job; this takes pixels.

/// Why an image could not be turned into a digit.
public enum DigitPreparationError: Error, Equatable, CustomStringConvertible {
    /// No pixel stands out from the background.
    case blank(path: String)
    case empty(path: String)

    public var description: String {
        switch self {
        case .blank(let path):
            return
                "\(path): the image looks blank (no ink stands out from the background); draw the digit with more contrast"
        case .empty(let path):
            return "\(path): the image has no pixels"
        }
    }
}

/// The result of preparing a digit, with what was decided on the way (for the report).
public struct PreparedDigit: Sendable, Equatable {
    /// 28 x 28 row-major values in [0, 1], ink high: the network's input.
    public var values: [Float]
    /// Whether the image was inverted because its background was light.
    public var inverted: Bool
    /// The ink's bounding box in the original image: x, y, width, height.
    public var box: (x: Int, y: Int, width: Int, height: Int)
    /// Size of the scaled digit before centring (longer side 20).
    public var scaledWidth: Int
    public var scaledHeight: Int

    public static func == (a: PreparedDigit, b: PreparedDigit) -> Bool {
        a.values == b.values && a.inverted == b.inverted && a.box == b.box
            && a.scaledWidth == b.scaledWidth && a.scaledHeight == b.scaledHeight
    }

    /// The values as bytes, 0...255, for pictures.
    public var bytes: [UInt8] { values.map { UInt8(Swift.max(0, Swift.min(255, ($0 * 255).rounded()))) } }
}

public enum DigitPreparation {
    /// Side of the result, and of the box the digit is scaled into (MNIST: 28 and 20).
    public static let side = 28
    public static let box = 20
    /// Ink below this fraction of the strongest ink does not count for the bounding box (faint
    /// noise or paper texture must not stretch it).
    static let inkThreshold: Float = 0.1
    /// Contrast below this (out of 255) between ink and background means "blank".
    static let minimumContrast: Float = 24

    /// Prepares `pixels` (height, width) row-major grey bytes, 0 black, 255 white, any size.
    /// `path` names the image in errors.
    public static func prepare(width: Int, height: Int, pixels: [UInt8], path: String) throws(DigitPreparationError)
        -> PreparedDigit
    {
        guard width > 0 && height > 0 && pixels.count == width * height else { throw .empty(path: path) }
        // 1. The background is what the border mostly is: its median. Light background -> invert,
        //    so ink is bright on dark like MNIST.
        let border = borderPixels(width: width, height: height, pixels: pixels)
        let inverted = median(border) > 127
        var ink = pixels.map { inverted ? Float(255 - $0) : Float($0) }
        // 2. Ink is what rises above the background; stretch it so the strongest ink is 1.
        let background = median(border.map { inverted ? Float(255 - $0) : Float($0) })
        var strongest: Float = 0
        for i in 0..<ink.count {
            ink[i] = Swift.max(0, ink[i] - background)
            strongest = Swift.max(strongest, ink[i])
        }
        guard strongest >= minimumContrast else { throw .blank(path: path) }
        for i in 0..<ink.count { ink[i] /= strongest }
        // 3. Crop to the ink's bounding box.
        var minX = width, minY = height, maxX = -1, maxY = -1
        for y in 0..<height {
            for x in 0..<width where ink[y * width + x] >= inkThreshold {
                minX = Swift.min(minX, x); maxX = Swift.max(maxX, x)
                minY = Swift.min(minY, y); maxY = Swift.max(maxY, y)
            }
        }
        let cropWidth = maxX - minX + 1, cropHeight = maxY - minY + 1
        var crop = [Float](repeating: 0, count: cropWidth * cropHeight)
        for y in 0..<cropHeight {
            for x in 0..<cropWidth {
                let v = ink[(minY + y) * width + minX + x]
                crop[y * cropWidth + x] = v >= inkThreshold ? v : 0
            }
        }
        // 4. Scale so the longer side is 20, keeping the aspect ratio.
        let factor = Float(box) / Float(Swift.max(cropWidth, cropHeight))
        let scaledWidth = Swift.max(1, Swift.min(box, Int((Float(cropWidth) * factor).rounded())))
        let scaledHeight = Swift.max(1, Swift.min(box, Int((Float(cropHeight) * factor).rounded())))
        let scaled = resizeByAreaAveraging(
            crop, width: cropWidth, height: cropHeight, toWidth: scaledWidth, toHeight: scaledHeight)
        // 5. Place it in 28x28 with its centre of mass at the centre.
        let values = centreByMass(scaled, width: scaledWidth, height: scaledHeight, side: side)
        return PreparedDigit(
            values: values, inverted: inverted, box: (minX, minY, cropWidth, cropHeight),
            scaledWidth: scaledWidth, scaledHeight: scaledHeight)
    }

    /// The pixels of the outermost ring.
    static func borderPixels(width: Int, height: Int, pixels: [UInt8]) -> [UInt8] {
        var ring: [UInt8] = []
        for x in 0..<width {
            ring.append(pixels[x])
            if height > 1 { ring.append(pixels[(height - 1) * width + x]) }
        }
        if height > 2 {
            for y in 1..<(height - 1) {
                ring.append(pixels[y * width])
                if width > 1 { ring.append(pixels[y * width + width - 1]) }
            }
        }
        return ring
    }

    static func median<T: Comparable>(_ values: [T]) -> T { values.sorted()[values.count / 2] }
    static func median(_ values: [UInt8]) -> Int { Int(values.sorted()[values.count / 2]) }

    /// Resamples (height, width) to (toHeight, toWidth): each output pixel is the mean of the
    /// source area it covers, fractional pixels weighted by how much of them it covers (a box
    /// filter; for enlarging it reduces to nearest-neighbour blended at the seams).
    public static func resizeByAreaAveraging(_ source: [Float], width: Int, height: Int, toWidth: Int, toHeight: Int)
        -> [Float]
    {
        let columns = coverage(from: width, to: toWidth)
        let rows = coverage(from: height, to: toHeight)
        var result = [Float](repeating: 0, count: toWidth * toHeight)
        for (oy, rowWeights) in rows.enumerated() {
            for (ox, columnWeights) in columns.enumerated() {
                var sum: Float = 0
                for (sy, wy) in rowWeights {
                    for (sx, wx) in columnWeights { sum += wy * wx * source[sy * width + sx] }
                }
                result[oy * toWidth + ox] = sum
            }
        }
        return result
    }

    /// For each of `outputCount` cells along an axis of `inputCount` pixels, the source pixels it
    /// covers and their weights (summing to one).
    static func coverage(from inputCount: Int, to outputCount: Int) -> [[(Int, Float)]] {
        let step = Double(inputCount) / Double(outputCount)  // source pixels per output pixel
        return (0..<outputCount).map { o in
            let start = Double(o) * step, end = Double(o + 1) * step
            var weights: [(Int, Float)] = []
            var s = Int(start.rounded(.down))
            while Double(s) < end && s < inputCount {
                let overlap = Swift.min(end, Double(s + 1)) - Swift.max(start, Double(s))
                if overlap > 0 { weights.append((s, Float(overlap / step))) }
                s += 1
            }
            return weights
        }
    }

    /// Places (height, width) into a side x side square so that its centre of mass, in pixel-index
    /// coordinates, lands on pixel (side/2, side/2), rounded to whole pixels; what would fall outside
    /// is cut off. (Measured on MNIST's 10,000 test digits: their mean centre of mass is (14.01, 13.99)
    /// in index coordinates, so pixel 14, not the geometric centre 14.0 between pixels 13 and 14.)
    public static func centreByMass(_ image: [Float], width: Int, height: Int, side: Int) -> [Float] {
        var mass: Double = 0, sumX: Double = 0, sumY: Double = 0
        for y in 0..<height {
            for x in 0..<width {
                let v = Double(image[y * width + x])
                mass += v
                sumX += v * Double(x)
                sumY += v * Double(y)
            }
        }
        let centreX = mass > 0 ? sumX / mass : Double(width - 1) / 2
        let centreY = mass > 0 ? sumY / mass : Double(height - 1) / 2
        let offsetX = Int((Double(side) / 2 - centreX).rounded())
        let offsetY = Int((Double(side) / 2 - centreY).rounded())
        var result = [Float](repeating: 0, count: side * side)
        for y in 0..<height {
            let ty = y + offsetY
            guard ty >= 0 && ty < side else { continue }
            for x in 0..<width {
                let tx = x + offsetX
                guard tx >= 0 && tx < side else { continue }
                result[ty * side + tx] = image[y * width + x]
            }
        }
        return result
    }
}
