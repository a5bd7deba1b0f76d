// The book the browser tests look at: every lesson of the repository run into a temporary output
// folder with its page, the course, an MNIST run page from a fixed summary with real PNGs drawn
// by Render, and the front page. Built once per test process.
import Foundation
import Render

@testable import Book
@testable import Lessons

/// The repository root: Tests/BookTests/BookFixture.swift is three levels below it.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A lesson context on `directory` without MNIST, so lesson 13 does not depend on the machine.
func lessonContext(_ directory: URL) throws -> LessonContext {
    LessonContext(
        catalog: try LessonCatalog(directory: directory),
        mnistDirectory: URL(fileURLWithPath: "/nonexistent/neuraltracer-test-mnist"))
}

/// Runs every lesson of `lessons` into `output` with its page, then the course and front page.
@discardableResult
func writeLessonBook(lessons: URL, output: URL) throws -> [LessonTrace] {
    let context = try lessonContext(lessons)
    var book = LessonBook(catalog: context.catalog, output: output)
    var traces: [LessonTrace] = []
    for number in context.catalog.numbers {
        let trace = try LessonRunner.run(number, context: context)
        try LessonRunner.writeOutputs(trace, to: output)
        try book.writePage(trace)
        traces.append(trace)
    }
    try book.finish()
    return traces
}

enum BookFixture {
    /// The output folder, or the error that stopped building it.
    static let built: Result<(output: URL, traces: [LessonTrace]), Error> = Result {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("book-test-\(UUID().uuidString)")
        let traces = try writeLessonBook(lessons: repositoryRoot.appendingPathComponent("lessons"), output: output)
        try writeRunFixture(folder: output.appendingPathComponent("mnist"))
        try Book.writeFrontPage(output: output)
        return (output, traces)
    }

    static func output() throws -> URL { try built.get().output }

    /// Every page, relative to the output folder.
    static func pages() throws -> [String] {
        let traces = try built.get().traces
        return ["index.html", "lessons/index.html"] + traces.map { "lessons/\($0.slug)/index.html" }
            + ["mnist/index.html"]
    }

    /// An MNIST run page over two pictures drawn for the test (what `tracer train` writes, in small).
    static func writeRunFixture(folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let curves = LinePlot(
            series: [LinePlot.Series(name: "train loss", x: [1, 2, 3], y: [0.9, 0.4, 0.3], style: .line)],
            title: "loss per epoch", xLabel: "epoch", yLabel: "loss")
        try PNGFile.write(curves.render(), to: folder.appendingPathComponent("curves.png").path)
        let weights = HeatMap(
            values: (0..<16).map { Float($0 % 5) - 2 }, rows: 4, cols: 4, title: "weights", showValues: false)
        try PNGFile.write(weights.render(), to: folder.appendingPathComponent("weights.png").path)
        // Two filmstrip frames in a subfolder, as `tracer train` writes them.
        let filmstrip = folder.appendingPathComponent("filmstrip")
        try FileManager.default.createDirectory(at: filmstrip, withIntermediateDirectories: true)
        for frame in 1...2 {
            let map = HeatMap(
                values: (0..<16).map { Float(($0 * frame) % 7) - 3 }, rows: 4, cols: 4, title: "frame \(frame)",
                showValues: false)
            try PNGFile.write(map.render(), to: filmstrip.appendingPathComponent("frame-0\(frame).png").path)
        }
        let run = RunSummary(
            title: "MNIST, 784-16-10: 91.00% on the test set",
            settings: [.init("network", "784-16-10"), .init("epochs", "3")],
            epochHeaders: ["epoch", "train loss"], epochRows: [["1", "0.9"], ["2", "0.4"], ["3", "0.3"]],
            results: ["Test accuracy 91.00%: 900 of 10,000 test images misclassified."],
            pictures: [
                .init(file: "curves.png", title: "loss per epoch", look: "The loss falls from 0.9 to 0.3."),
                .init(file: "weights.png", title: "first-layer weights", look: "Red is positive, blue negative."),
            ],
            frames: [
                .init(file: "filmstrip/frame-01.png", caption: "at initialisation"),
                .init(file: "filmstrip/frame-02.png", caption: "after epoch 1"),
            ], framesTitle: "Step through training", framesLook: "Noise turns into strokes.")
        try Book.writeRunPage(run, folder: folder)
    }
}
