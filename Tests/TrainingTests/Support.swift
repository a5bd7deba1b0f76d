// Helpers for the training tests: small synthetic image sets that a network can learn, a scratch
// folder per test, and the approximate equality with its tolerance stated at each call.
import Foundation
import NeuralCore
import Training

/// `count` 6x6 images of 4 classes: class c lights up quadrant c (with noise), so a small network
/// learns them in a few epochs.
func quadrantExamples(count: Int, seed: UInt64) -> DigitExamples {
    var random = SeededRandom(seed: seed)
    var pixels: [UInt8] = [], labels: [UInt8] = []
    for _ in 0..<count {
        let c = random.nextIndex(below: 4)
        labels.append(UInt8(c))
        for y in 0..<6 {
            for x in 0..<6 {
                let quadrant = (y / 3) * 2 + x / 3
                let base: Float = quadrant == c ? 200 : 20
                pixels.append(UInt8(Swift.max(0, Swift.min(255, base + random.uniform(-20, 20)))))
            }
        }
    }
    return DigitExamples(pixels: pixels, labels: labels, imageRows: 6, imageCols: 6, classCount: 4)
}

/// A fresh, empty folder under the system's temporary folder.
func scratchFolder(_ name: String) -> String {
    let path = NSTemporaryDirectory() + "neuraltracer-training-tests-\(name)-\(getpid())"
    try? FileManager.default.removeItem(atPath: path)
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// |a - b| <= absolute + relative * max(|a|, |b|).
func isClose(_ a: Float, _ b: Float, absolute: Float, relative: Float = 0) -> Bool {
    abs(a - b) <= absolute + relative * max(abs(a), abs(b))
}
