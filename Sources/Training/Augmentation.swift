// Augmentation: every time a training image goes into a batch it is drawn through a fresh random
// distortion (a shift, a rotation, a change of size, a shear, and optionally a smooth elastic warp)
// and resampled bilinearly. The random numbers are a pure function of (seed, epoch, image), so a
// batch is the same whichever thread fills it, and filling allocates nothing. Leaves out colour,
// noise and crops: a digit moved, turned or bent is still the same digit; one partly cut off may not be.
import Foundation
import NeuralCore

/// How far the random distortions may go. Each draw is uniform in `-limit...limit`.
public struct Distortion: Sendable, Equatable {
    /// Largest shift along each axis, in pixels.
    public var shift: Float
    /// Largest rotation either way, in degrees.
    public var rotation: Float
    /// Largest relative change of size: the digit is drawn at 1 ± `scale` of its size.
    public var scale: Float
    /// Largest shear factor (x moves by `shear` * y).
    public var shear: Float
    /// Largest elastic displacement, in pixels (0: none). The displacement field is smooth: random
    /// at the 4x4 corners of a coarse grid over the image and bilinear between them.
    public var elastic: Float

    public init(shift: Float, rotation: Float, scale: Float, shear: Float, elastic: Float) {
        self.shift = shift
        self.rotation = rotation
        self.scale = scale
        self.shear = shear
        self.elastic = elastic
    }

    /// What `--augment` does at strength 1: moves of up to 2 pixels, turns of up to 10 degrees,
    /// sizes within 10%, shears up to 0.15. Large enough that the net cannot memorise the
    /// pixels, small enough that a 7 stays a 7 (a 6 turned 180 degrees would be a 9).
    public static let standard = Distortion(shift: 2, rotation: 10, scale: 0.1, shear: 0.15, elastic: 0)

    /// Every limit times `strength` (elastic set on its own).
    public static func standard(strength: Float, elastic: Float = 0) -> Distortion {
        Distortion(
            shift: standard.shift * strength, rotation: standard.rotation * strength,
            scale: standard.scale * strength, shear: standard.shear * strength, elastic: elastic)
    }

    /// `shift 2 px, rotation 10 deg, scale 10%, shear 0.15, elastic 0 px`
    public var summary: String {
        "shift \(TraceNumber.format(shift)) px, rotation \(TraceNumber.format(rotation)) deg, scale \(TraceNumber.format(scale * 100))%, shear \(TraceNumber.format(shear)), elastic \(TraceNumber.format(elastic)) px"
    }

    /// Control points per side of the elastic warp's coarse grid.
    static let elasticGrid = 4
}

/// A training set whose images are distorted afresh each epoch: an `ExampleSource` the trainer
/// fills batches from, on either thread. Make one per epoch (`epoch` picks the draws); the pixels
/// are shared with `base`, not copied.
public struct AugmentedDigits: ExampleSource {
    public let base: DigitExamples
    public let distortion: Distortion
    public let seed: UInt64
    public let epoch: Int

    public init(base: DigitExamples, distortion: Distortion, seed: UInt64, epoch: Int) {
        self.base = base
        self.distortion = distortion
        self.seed = seed
        self.epoch = epoch
    }

    public var count: Int { base.count }
    public var inputSize: Int { base.inputSize }
    public var targetSize: Int { base.targetSize }

    /// The generator of image `example`'s distortion this epoch: its own stream, so the order in
    /// which batches are filled (and by which thread) does not matter.
    func random(for example: Int) -> SeededRandom {
        SeededRandom(
            seed: seed &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: epoch) &* 0xD1B5_4A32_D192_ED03
                ^ UInt64(truncatingIfNeeded: example))
    }

    /// Row r of `input` gets image `indices[r]`, distorted and scaled to [0, 1]; row r of
    /// `target` its one-hot label. Allocates nothing (the elastic grid lives on the stack).
    public func fill(input: MatrixView, target: MatrixView, indices: UnsafeBufferPointer<Int32>) {
        precondition(
            input.cols == inputSize && target.cols == targetSize && input.rows >= indices.count
                && target.rows >= indices.count,
            "AugmentedDigits.fill: input \(input.rows)x\(input.cols), target \(target.rows)x\(target.cols) for \(indices.count) rows"
        )
        let n = inputSize, classes = targetSize
        target.base.update(repeating: 0, count: indices.count * classes)
        base.pixels.withUnsafeBufferPointer { pixels in
            for r in 0..<indices.count {
                let example = Int(indices[r])
                var random = random(for: example)
                AugmentedDigits.warp(
                    pixels.baseAddress! + example * n, rows: base.imageRows, cols: base.imageCols,
                    into: input.base + r * n, distortion: distortion, random: &random)
                target.base[r * classes + base.label(example)] = 1
            }
        }
    }

    /// One drawn distortion: output pixel p (relative to the image centre c) takes the source at
    /// c + M p - t + e(p), with M = rotation * shear / size, t the shift and e the elastic field.
    /// The map is drawn as output-to-source, since that is what resampling needs (its inverse is
    /// the same kind of distortion, so drawing one or the other is the same augmentation).
    struct Draw {
        var angle: Float = 0, size: Float = 1, shear: Float = 0, shiftX: Float = 0, shiftY: Float = 0
        /// (dx, dy) at each of the elastic grid's control points, row-major; nil: no elastic warp.
        var field: UnsafeMutableBufferPointer<Float>?
    }

    /// Draws one distortion from `random` (into `field`, 2 * elasticGrid^2 values, when elastic)
    /// and resamples `source` through it into `output`.
    static func warp(
        _ source: UnsafePointer<UInt8>, rows: Int, cols: Int, into output: UnsafeMutablePointer<Float>,
        distortion d: Distortion, random: inout SeededRandom
    ) {
        var draw = Draw()
        draw.angle = random.uniform(-1, 1) * d.rotation * .pi / 180
        draw.size = 1 + random.uniform(-1, 1) * d.scale
        draw.shear = random.uniform(-1, 1) * d.shear
        draw.shiftX = random.uniform(-1, 1) * d.shift
        draw.shiftY = random.uniform(-1, 1) * d.shift
        let g = Distortion.elasticGrid
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * g * g) { field in
            if d.elastic > 0 {
                for k in 0..<field.count { field[k] = random.uniform(-1, 1) * d.elastic }
                draw.field = field
            }
            resample(source, rows: rows, cols: cols, into: output, draw)
        }
    }

    /// Resamples `source` (rows x cols bytes) through `draw` into `output` (rows x cols values in
    /// [0, 1]), bilinearly. Outside the source image is background (0).
    ///
    /// The image is first copied as Float into a frame one pixel wider on every side (on the
    /// stack), so every sample inside the frame reads its four neighbours without bounds checks
    /// or byte conversions, and every sample outside it is background.
    static func resample(
        _ source: UnsafePointer<UInt8>, rows: Int, cols: Int, into output: UnsafeMutablePointer<Float>, _ draw: Draw
    ) {
        let cosine = cos(draw.angle) / draw.size, sine = sin(draw.angle) / draw.size
        // M = [[cos, -sin], [sin, cos]] * [[1, shear], [0, 1]] / size
        let m00 = cosine, m01 = cosine * draw.shear - sine
        let m10 = sine, m11 = sine * draw.shear + cosine
        let centreX = Float(cols - 1) / 2, centreY = Float(rows - 1) / 2
        let g = Distortion.elasticGrid
        let perCellX = Float(g - 1) / Float(cols - 1), perCellY = Float(g - 1) / Float(rows - 1)
        let frameWidth = cols + 2, frameHeight = rows + 2
        withUnsafeTemporaryAllocation(of: Float.self, capacity: frameWidth * frameHeight) { frame in
            let framed = frame.baseAddress!
            framed.initialize(repeating: 0, count: frameWidth * frameHeight)
            for y in 0..<rows {
                for x in 0..<cols { framed[(y + 1) * frameWidth + x + 1] = Float(source[y * cols + x]) / 255 }
            }
            // Frame coordinates u = x + 1: a sample in [0, width - 1) has its four neighbours in the frame.
            let uLimit = Float(frameWidth - 1), vLimit = Float(frameHeight - 1)
            for y in 0..<rows {
                let py = Float(y) - centreY
                // The elastic field along this row: its grid row and the weight between two grid rows.
                let gy = Swift.min(Int(Float(y) * perCellY), g - 2)
                let fy = Float(y) * perCellY - Float(gy)
                for x in 0..<cols {
                    let px = Float(x) - centreX
                    var u = centreX + m00 * px + m01 * py - draw.shiftX + 1
                    var v = centreY + m10 * px + m11 * py - draw.shiftY + 1
                    if let field = draw.field {
                        let gx = Swift.min(Int(Float(x) * perCellX), g - 2)
                        let fx = Float(x) * perCellX - Float(gx)
                        let c00 = 2 * (gy * g + gx), c01 = c00 + 2, c10 = c00 + 2 * g, c11 = c10 + 2
                        let w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy
                        u += w00 * field[c00] + w01 * field[c01] + w10 * field[c10] + w11 * field[c11]
                        v += w00 * field[c00 + 1] + w01 * field[c01 + 1] + w10 * field[c10 + 1] + w11 * field[c11 + 1]
                    }
                    // Also false for NaN, which keeps the Int conversions below in range.
                    guard u >= 0 && v >= 0 && u < uLimit && v < vLimit else {
                        output[y * cols + x] = 0
                        continue
                    }
                    let i = Int(u), j = Int(v)  // floor: both are not negative
                    let fx = u - Float(i), fy = v - Float(j)
                    let p = framed + j * frameWidth + i
                    let top = p[0] + fx * (p[1] - p[0])
                    let bottom = p[frameWidth] + fx * (p[frameWidth + 1] - p[frameWidth])
                    output[y * cols + x] = top + fy * (bottom - top)
                }
            }
        }
    }

    /// Image `example` distorted as epoch `epoch` would, as bytes (for the augmentation picture).
    public func distortedImage(_ example: Int) -> [UInt8] {
        var values = [Float](repeating: 0, count: inputSize)
        var random = random(for: example)
        base.pixels.withUnsafeBufferPointer { pixels in
            values.withUnsafeMutableBufferPointer { output in
                AugmentedDigits.warp(
                    pixels.baseAddress! + example * inputSize, rows: base.imageRows, cols: base.imageCols,
                    into: output.baseAddress!, distortion: distortion, random: &random)
            }
        }
        return values.map { UInt8(($0 * 255).rounded().clamped(to: 0...255)) }
    }
}

extension Comparable {
    func clamped(to range: ClosedRange<Self>) -> Self { Swift.min(Swift.max(self, range.lowerBound), range.upperBound) }
}
