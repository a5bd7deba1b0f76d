// The pixel surfaces everything is drawn on (an RGB canvas and a grey image) and the drawing
// primitives: fill, rectangles, borders, scaled blits and lines. Text lives in BitmapFont.swift.

/// An 8-bit sRGB colour.
public struct RGB: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// A grey level.
    public init(grey: UInt8) { self.init(grey, grey, grey) }

    public static let white = RGB(255, 255, 255)
    public static let black = RGB(0, 0, 0)

    /// Perceived brightness in 0...255 (Rec. 601 weights), used to pick black or white text on a
    /// coloured cell.
    public var brightness: Double {
        0.299 * Double(red) + 0.587 * Double(green) + 0.114 * Double(blue)
    }

    /// The straight-line mix of two colours: `t` 0 gives `self`, 1 gives `other`.
    public func mixed(with other: RGB, _ t: Double) -> RGB {
        let t = min(max(t, 0), 1)
        func channel(_ a: UInt8, _ b: UInt8) -> UInt8 {
            UInt8((Double(a) + (Double(b) - Double(a)) * t).rounded())
        }
        return RGB(channel(red, other.red), channel(green, other.green), channel(blue, other.blue))
    }

    public var description: String { "RGB(\(red), \(green), \(blue))" }
}

/// A greyscale 8-bit image, row-major, one byte a pixel (0 black, 255 white), such as an MNIST
/// digit (whose ink is white on black) or a user's digit read from a PNG.
public struct GreyImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// (height, width) row-major.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(
            width >= 0 && height >= 0 && pixels.count == width * height,
            "GreyImage: \(pixels.count) pixels for \(width)x\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// An image from floats in 0...1 (1 is white), as the datasets hold them; values are clamped.
    public init(width: Int, height: Int, intensities: [Float]) {
        self.init(
            width: width, height: height,
            pixels: intensities.map { value in
                value.isFinite ? UInt8((min(max(value, 0), 1) * 255).rounded()) : 0
            })
    }

    public subscript(x: Int, y: Int) -> UInt8 { pixels[y * width + x] }
}

/// An RGB drawing surface, 8 bits a channel, with the origin at the top left. Every drawing call
/// clips to the canvas, so callers never need to check bounds.
public struct Canvas: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// (height, width, 3) row-major RGB.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, background: RGB = .white) {
        precondition(width >= 0 && height >= 0, "Canvas: negative size \(width)x\(height)")
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        fill(background)
    }

    /// The colour at (x, y); the point must be inside the canvas.
    public subscript(x: Int, y: Int) -> RGB {
        let index = (y * width + x) * 3
        return RGB(pixels[index], pixels[index + 1], pixels[index + 2])
    }

    /// Sets one pixel; points outside the canvas are ignored.
    @inline(__always)
    public mutating func setPixel(_ x: Int, _ y: Int, _ colour: RGB) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let index = (y * width + x) * 3
        pixels[index] = colour.red
        pixels[index + 1] = colour.green
        pixels[index + 2] = colour.blue
    }

    /// Paints the whole canvas.
    public mutating func fill(_ colour: RGB) {
        fillRect(x: 0, y: 0, width: width, height: height, colour)
    }

    /// A filled rectangle with its top-left corner at (x, y).
    public mutating func fillRect(
        x: Int, y: Int, width rectWidth: Int, height rectHeight: Int,
        _ colour: RGB
    ) {
        let x0 = max(x, 0), y0 = max(y, 0)
        let x1 = min(x + rectWidth, width), y1 = min(y + rectHeight, height)
        guard x0 < x1, y0 < y1 else { return }
        for row in y0..<y1 {
            var index = (row * width + x0) * 3
            for _ in x0..<x1 {
                pixels[index] = colour.red
                pixels[index + 1] = colour.green
                pixels[index + 2] = colour.blue
                index += 3
            }
        }
    }

    /// A border of the given thickness drawn inside the rectangle (x, y, width, height).
    public mutating func strokeRect(
        x: Int, y: Int, width rectWidth: Int, height rectHeight: Int,
        thickness: Int = 1, _ colour: RGB
    ) {
        let t = max(1, min(thickness, (min(rectWidth, rectHeight) + 1) / 2))
        fillRect(x: x, y: y, width: rectWidth, height: t, colour)
        fillRect(x: x, y: y + rectHeight - t, width: rectWidth, height: t, colour)
        fillRect(x: x, y: y, width: t, height: rectHeight, colour)
        fillRect(x: x + rectWidth - t, y: y, width: t, height: rectHeight, colour)
    }

    /// Draws a grey image with its top-left corner at (x, y), each pixel a `scale` x `scale`
    /// block (nearest neighbour, so digits stay crisp).
    public mutating func drawGrey(_ image: GreyImage, x: Int, y: Int, scale: Int = 1) {
        let s = max(1, scale)
        for row in 0..<image.height {
            for column in 0..<image.width {
                fillRect(
                    x: x + column * s, y: y + row * s, width: s, height: s,
                    RGB(grey: image.pixels[row * image.width + column]))
            }
        }
    }

    /// Draws a (rows, cols) row-major matrix as blocks of `cellWidth` x `cellHeight`, coloured by
    /// `colorMap`.
    public mutating func drawMatrix(
        _ values: [Float], rows: Int, cols: Int, x: Int, y: Int,
        cellWidth: Int, cellHeight: Int, colorMap: ColorMap
    ) {
        precondition(values.count == rows * cols, "drawMatrix: \(values.count) for \(rows)x\(cols)")
        for row in 0..<rows {
            for column in 0..<cols {
                fillRect(
                    x: x + column * cellWidth, y: y + row * cellHeight, width: cellWidth,
                    height: cellHeight, colorMap.color(for: values[row * cols + column]))
            }
        }
    }

    /// Copies another canvas with its top-left corner at (x, y), clipped.
    public mutating func draw(_ other: Canvas, x: Int, y: Int) {
        for row in 0..<other.height where y + row >= 0 && y + row < height {
            for column in 0..<other.width {
                setPixel(x + column, y + row, other[column, row])
            }
        }
    }

    /// A straight line from (x0, y0) to (x1, y1) (Bresenham), `thickness` pixels wide.
    public mutating func drawLine(
        x0: Int, y0: Int, x1: Int, y1: Int, thickness: Int = 1,
        _ colour: RGB
    ) {
        let dx = abs(x1 - x0), dy = -abs(y1 - y0)
        let stepX = x0 < x1 ? 1 : -1, stepY = y0 < y1 ? 1 : -1
        var error = dx + dy
        var x = x0, y = y0
        let t = max(1, thickness), offset = (t - 1) / 2
        while true {
            if t == 1 {
                setPixel(x, y, colour)
            } else {
                fillRect(x: x - offset, y: y - offset, width: t, height: t, colour)
            }
            if x == x1 && y == y1 { break }
            let doubled = 2 * error
            if doubled >= dy { error += dy; x += stepX }
            if doubled <= dx { error += dx; y += stepY }
        }
    }

    /// A filled disc of the given radius centred on (x, y), for scatter points.
    public mutating func fillCircle(x: Int, y: Int, radius: Int, _ colour: RGB) {
        let r = max(0, radius)
        for dy in -r...r {
            for dx in -r...r where dx * dx + dy * dy <= r * r + r {
                setPixel(x + dx, y + dy, colour)
            }
        }
    }
}
