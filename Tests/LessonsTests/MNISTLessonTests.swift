// Lesson 13 with and without MNIST: without, it says how to get the data; with (MNIST_DIR, or the
// shared data folder beside the repository), it traces a real test digit. Skips when absent.
import Datasets
import Foundation
import NeuralCore
import Testing

@testable import Lessons

@Suite struct MNISTLessonTests {
    static let mnist: URL? = {
        let candidates = [
            ProcessInfo.processInfo.environment["MNIST_DIR"].map { URL(fileURLWithPath: $0) },
            repositoryRoot.appendingPathComponent("../shared/data/mnist").standardizedFileURL,
        ].compactMap { $0 }
        return candidates.first {
            FileManager.default.fileExists(atPath: $0.appendingPathComponent("t10k-images-idx3-ubyte.gz").path)
        }
    }()

    @Test func withoutMNISTItSaysHowToGetIt() throws {
        // Words only, so that wrapping does not matter.
        let text = TraceText.render(try runLesson(13), style: TextStyle(quiet: true)).split(
            whereSeparator: \.isWhitespace
        ).joined(separator: " ")
        #expect(text.contains(".build/release/tracer download"))
        #expect(text.contains("/nonexistent/neuraltracer-test-mnist"))
    }

    @Test(.enabled(if: mnist != nil, "MNIST not found: set MNIST_DIR to a folder with the four MNIST files"))
    func withMNISTItTracesATestDigit() throws {
        let context = LessonContext(
            catalog: try LessonCatalog(directory: lessonsDirectory), mnistDirectory: Self.mnist!)
        let trace = try LessonRunner.run(13, context: context)
        let prediction = try #require(trace.steps.first { $0.name == "prediction" })
        // Test image 0 is a 7; the briefly trained network should get it, and most others.
        #expect(prediction.value.numbers[0] == 7)
        let accuracy = try #require(trace.steps.first { $0.name == "accuracy" && !$0.label.hasPrefix("nearest mean") }).value.numbers[0]
        #expect(accuracy > 0.6)
        // The output layer in full: one z per digit, each with its formula.
        #expect(trace.steps.filter { $0.name == "z" && $0.layer == 2 && $0.formula != nil }.count == 10)
        #expect(trace.pictures.map(\.name).contains("digit.png"))
        // The probabilities as bars, one labelled bar per digit, the predicted one picked out.
        let bars = try #require(trace.pictures.first { $0.name == "probabilities.png" })
        if case .bars(_, let panels) = bars.picture {
            #expect(panels[0].labels == (0..<10).map { "\($0)" } && panels[0].highlight == 7)
        } else {
            Issue.record("probabilities.png is not a bar chart")
        }
        #expect(trace.pictures.map(\.name).contains("mean-digits.png"))
        // The shipped seed's accuracy is typical (seeds 1-10 give 0.83-0.90), and above the baseline.
        #expect(accuracy > 0.83)
        let baseline = try #require(trace.steps.first { $0.name == "accuracy" && $0.label.hasPrefix("nearest mean") })
        #expect(accuracy > baseline.value.numbers[0])
    }

    @Test(.enabled(if: mnist != nil, "MNIST not found: set MNIST_DIR to a folder with the four MNIST files"))
    func nearestMeanBaselineMatchesAnIndependentCount() throws {
        let context = LessonContext(
            catalog: try LessonCatalog(directory: lessonsDirectory), mnistDirectory: Self.mnist!)
        let trace = try LessonRunner.run(13, context: context)
        let shown = try #require(trace.steps.first { $0.name == "accuracy" && $0.label.hasPrefix("nearest mean") })
        // In Double: each class's mean over the first 5,000 training images, each of the first
        // 1,000 test images given the class with the smallest full squared distance.
        let train = try Dataset.loadSplit(
            images: .trainImages, labels: .trainLabels, kind: .mnist, folder: Self.mnist!, classCount: 10)
        let test = try Dataset.loadSplit(
            images: .testImages, labels: .testLabels, kind: .mnist, folder: Self.mnist!, classCount: 10)
        let n = train.pixelsPerImage
        var trainPixels = [Float](repeating: 0, count: 5000 * n), testPixels = [Float](repeating: 0, count: 1000 * n)
        train.copyFloats(indices: 0..<5000, into: &trainPixels)
        test.copyFloats(indices: 0..<1000, into: &testPixels)
        var sums = [[Double]](repeating: [Double](repeating: 0, count: n), count: 10), counts = [Double](repeating: 0, count: 10)
        for i in 0..<5000 {
            let c = Int(train.labels[i])
            counts[c] += 1
            for k in 0..<n { sums[c][k] += Double(trainPixels[i * n + k]) }
        }
        let means = (0..<10).map { c in sums[c].map { $0 / counts[c] } }
        var correct = 0
        for i in 0..<1000 {
            let distances = means.map { m in (0..<n).reduce(0.0) { $0 + pow(Double(testPixels[i * n + $1]) - m[$1], 2) } }
            if distances.indices.min(by: { distances[$0] < distances[$1] }) == Int(test.labels[i]) { correct += 1 }
        }
        // Float sums may break a near tie the other way on an image or two.
        #expect(abs(Float(correct) / 1000 - shown.value.numbers[0]) <= 0.002, "independent \(correct)/1000")
    }
}
