// One split of a dataset (train or test): the images as bytes, their labels, and the conversion of
// a batch to Float for training. Shuffling and batching themselves are left to the training code.

/// Images with one label each, kept as bytes: 60,000 MNIST images take 47 MB this way.
///
/// `pixels` is (count, rows, cols) row-major, 0 = background, 255 = full ink; image `i` starts at
/// `i * pixelsPerImage`. Convert a batch with `copyFloats(indices:into:)`.
public struct LabeledImages: Sendable {
    /// Number of images (and of labels).
    public let count: Int
    /// Height of each image in pixels (28 for MNIST).
    public let rows: Int
    /// Width of each image in pixels (28 for MNIST).
    public let cols: Int
    /// (count, rows, cols) row-major bytes.
    public let pixels: [UInt8]
    /// (count) class indices.
    public let labels: [UInt8]

    /// `rows * cols`: 784 for MNIST.
    public var pixelsPerImage: Int { rows * cols }

    /// Wraps already-validated data. Sizes that disagree are a programmer error (precondition).
    public init(count: Int, rows: Int, cols: Int, pixels: [UInt8], labels: [UInt8]) {
        precondition(pixels.count == count * rows * cols, "pixels must hold count * rows * cols bytes")
        precondition(labels.count == count, "labels must hold count bytes")
        self.count = count
        self.rows = rows
        self.cols = cols
        self.pixels = pixels
        self.labels = labels
    }

    /// The bytes of image `index`, (rows, cols) row-major.
    public func image(at index: Int) -> ArraySlice<UInt8> {
        pixels[index * pixelsPerImage..<(index + 1) * pixelsPerImage]
    }

    /// The first `n` images (all of them when `n >= count`), for quick runs on a subset.
    public func prefix(_ n: Int) -> LabeledImages {
        let kept = max(0, min(n, count))
        return LabeledImages(
            count: kept, rows: rows, cols: cols,
            pixels: Array(pixels[0..<kept * pixelsPerImage]), labels: Array(labels[0..<kept]))
    }

    /// Writes the images at `indices`, one after another, as Float in [0, 1] (byte / 255) into
    /// `destination`, which must hold at least `indices.count * pixelsPerImage` values:
    /// (indices.count, rows * cols) row-major. Allocates nothing.
    public func copyFloats<Indices: Collection>(indices: Indices, into destination: UnsafeMutableBufferPointer<Float>)
    where Indices.Element == Int {
        let size = pixelsPerImage
        precondition(destination.count >= indices.count * size, "destination too small for the batch")
        pixels.withUnsafeBufferPointer { source in
            byteToUnitFloat.withUnsafeBufferPointer { table in
                var out = destination.baseAddress!
                for index in indices {
                    precondition(index >= 0 && index < count, "image index \(index) out of 0..<\(count)")
                    let image = source.baseAddress! + index * size
                    for pixel in 0..<size { out[pixel] = table[Int(image[pixel])] }
                    out += size
                }
            }
        }
    }

    /// `copyFloats(indices:into:)` into an array that already has room for the batch.
    public func copyFloats<Indices: Collection>(indices: Indices, into destination: inout [Float])
    where Indices.Element == Int {
        destination.withUnsafeMutableBufferPointer { copyFloats(indices: indices, into: $0) }
    }
}

/// byte / 255 for every byte value, so the conversion is one table load per pixel and exact.
private let byteToUnitFloat: [Float] = (0..<256).map { Float($0) / 255 }
