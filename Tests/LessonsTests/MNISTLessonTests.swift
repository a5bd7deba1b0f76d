// Lesson 13 with and without MNIST: without, it says how to get the data; with (MNIST_DIR, or the
// shared data folder beside the repository), it traces a real test digit. Skips when absent.
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
        #expect(text.contains("tracer download"))
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
        let accuracy = try #require(trace.steps.first { $0.name == "accuracy" }).value.numbers[0]
        #expect(accuracy > 0.6)
        // The output layer in full: one z per digit, each with its formula.
        #expect(trace.steps.filter { $0.name == "z" && $0.layer == 2 && $0.formula != nil }.count == 10)
        #expect(trace.pictures.map(\.name).contains("digit.png"))
    }
}
