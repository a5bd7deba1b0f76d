// The bridge from a labelled image set (bytes, as the IDX files hold them) to the trainer's
// `ExampleSource`: each batch row becomes Float pixels in [0, 1] and a one-hot target. Loading the
// files is the Datasets module's job; this only reads the bytes it is given.
import NeuralCore

/// Labelled greyscale images kept as `UInt8` (47 MB for MNIST's training set, not 188 MB of Float),
/// converted to Float one batch at a time.
public struct DigitExamples: ExampleSource {
    /// (count, inputSize) row-major bytes, 0 = background, 255 = full ink.
    public let pixels: [UInt8]
    /// One class per image, each below `targetSize`.
    public let labels: [UInt8]
    public let count: Int
    /// Pixels per image: 784 for 28x28.
    public let inputSize: Int
    /// Number of classes: 10.
    public let targetSize: Int
    /// Image height and width, for pictures.
    public let imageRows: Int
    public let imageCols: Int

    public init(pixels: [UInt8], labels: [UInt8], imageRows: Int, imageCols: Int, classCount: Int) {
        precondition(imageRows > 0 && imageCols > 0 && classCount > 0, "DigitExamples needs positive sizes")
        precondition(
            pixels.count == labels.count * imageRows * imageCols,
            "DigitExamples: \(pixels.count) pixels for \(labels.count) images of \(imageRows)x\(imageCols)")
        precondition(labels.allSatisfy { Int($0) < classCount }, "DigitExamples: a label is not below \(classCount)")
        self.pixels = pixels
        self.labels = labels
        self.count = labels.count
        self.inputSize = imageRows * imageCols
        self.targetSize = classCount
        self.imageRows = imageRows
        self.imageCols = imageCols
    }

    /// The first `n` examples (all of them when `n` is larger).
    public func prefix(_ n: Int) -> DigitExamples {
        let kept = Swift.min(Swift.max(n, 0), count)
        return DigitExamples(
            pixels: Array(pixels.prefix(kept * inputSize)), labels: Array(labels.prefix(kept)),
            imageRows: imageRows, imageCols: imageCols, classCount: targetSize)
    }

    /// The class of example `index`.
    public func label(_ index: Int) -> Int { Int(labels[index]) }

    /// Example `index`'s bytes.
    public func image(_ index: Int) -> ArraySlice<UInt8> { pixels[(index * inputSize)..<((index + 1) * inputSize)] }

    /// Example `index` as a 1 x inputSize matrix of values in [0, 1].
    public func input(_ index: Int) -> Matrix {
        Matrix(rows: 1, cols: inputSize, values: image(index).map { Float($0) / 255 })
    }

    /// Example `index`'s one-hot target, 1 x targetSize.
    public func target(_ index: Int) -> Matrix {
        var target = Matrix(rows: 1, cols: targetSize)
        target[0, label(index)] = 1
        return target
    }

    /// Starts loading the images `indices` into the caches: a batch's images sit at random places
    /// in 47 MB of pixels.
    public func prefetch(indices: UnsafeBufferPointer<Int32>) {
        pixels.withUnsafeBufferPointer { pixels in
            for example in indices {
                NeuralCore.prefetch(pixels.baseAddress! + Int(example) * inputSize, byteCount: inputSize)
            }
        }
    }

    /// Row r of `input` (rows, inputSize) gets image `indices[r]` scaled to [0, 1]; row r of
    /// `target` (rows, targetSize) gets its one-hot label. Reads only; allocates nothing.
    public func fill(input: MatrixView, target: MatrixView, indices: UnsafeBufferPointer<Int32>) {
        precondition(
            input.cols == inputSize && target.cols == targetSize && input.rows >= indices.count
                && target.rows >= indices.count,
            "DigitExamples.fill: input \(input.rows)x\(input.cols), target \(target.rows)x\(target.cols) for \(indices.count) rows"
        )
        let n = inputSize, classes = targetSize
        target.base.update(repeating: 0, count: indices.count * classes)
        pixels.withUnsafeBufferPointer { pixels in
            labels.withUnsafeBufferPointer { labels in
                for r in 0..<indices.count {
                    let example = Int(indices[r])
                    let source = pixels.baseAddress! + example * n
                    // byte / 255, correctly rounded, and 255 is exactly 1; sixteen at a time.
                    convertPixels(source, to: input.row(r), count: n)
                    target.base[r * classes + Int(labels[example])] = 1
                }
            }
        }
    }
}
