// The commands as a user types them: a short real training run end to end (pictures, model file,
// JSON contract), then eval and predict on its model; and every kind of bad input, which must end
// in a one-line error naming the file or flag with exit 1 (or the parser's usage error, 64).
import Foundation
import Testing

let mnistFolder = ProcessInfo.processInfo.environment["MNIST_DIR"]

/// A fresh temporary folder, removed by the caller.
func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("tracer-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite struct CommandsCLITests {
    @Test(.enabled(if: mnistFolder != nil, "MNIST_DIR is not set: the end-to-end training run needs MNIST"))
    func trainEvalPredictEndToEnd() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("model.bin").path
        let train = try runTracer([
            "train", "--limit", "3000", "--epochs", "2", "--json", "--out", folder.path, "--save", model,
        ])
        #expect(train.status == 0, "stderr: \(train.stderr)")
        let lines = jsonLines(train.stdout)
        let epochs = lines.filter { $0["epoch"] != nil }
        #expect(epochs.map { $0["epoch"] as? Int } == [1, 2])
        for key in [
            "train_loss", "train_accuracy", "validation_accuracy", "seconds", "images_per_second", "diagnostics",
        ] {
            #expect(epochs.allSatisfy { $0[key] != nil }, "epoch objects lack \(key)")
        }
        let summary = try #require(lines.last)
        #expect(summary["summary"] as? Bool == true)
        // 3,000 images, 2 epochs: far from the full run's 98%, but far above chance (10%).
        #expect((summary["test_accuracy"] as? Double ?? 0) > 0.8)
        for picture in [
            "weights.png", "weights-per-tile.png", "filmstrip.png", "diagnostics.png", "predictions.png",
            "misclassified.png", "confusion.png", "curves.png",
        ] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(picture).path), "\(picture)")
        }
        #expect(FileManager.default.fileExists(atPath: model))

        let eval = try runTracer(["eval", "--model", model])
        #expect(eval.status == 0, "stderr: \(eval.stderr)")
        let percent = String(format: "%.2f%%", 100 * (summary["test_accuracy"] as? Double ?? 0))
        #expect(eval.stdout.contains(percent), "eval printed \(eval.stdout), train said \(percent)")
        #expect(eval.stdout.contains("trained on training-file images 0..<3000, validation 50000..<60000"))

        // One test digit explained: its picture, its numbers, then the recorded trace.
        let explain = try runTracer(["explain", "--model", model, "--test-index", "0", "--out", folder.path])
        #expect(explain.status == 0, "stderr: \(explain.stderr)")
        #expect(explain.stdout.hasPrefix("test image 0: label 7, predicted"))
        #expect(explain.stdout.contains("the recorded trace"))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("explain-test-0.png").path))
        let outOfRange = try runTracer(["explain", "--model", model, "--test-index", "10000", "--out", folder.path])
        #expect(outOfRange.status == 1 && outOfRange.stderr.contains("--test-index 10000"))

        // The model classifies one of the pictures it drew; a broken image beside it fails alone.
        let notPNG = folder.appendingPathComponent("not-a-png.png")
        try Data("hello".utf8).write(to: notPNG)
        let predict = try runTracer([
            "predict", "--model", model, "--out", folder.path, folder.appendingPathComponent("curves.png").path,
            notPNG.path,
        ])
        #expect(predict.status == 1)
        #expect(predict.stdout.contains("curves.png"))
        #expect(predict.stderr.contains("not-a-png.png"))
    }

    @Test func badDataFolderNamesIt() throws {
        let result = try runTracer(["train", "--data", "/nonexistent/mnist"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("/nonexistent/mnist"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func badFlagsAreUsageErrors() throws {
        for arguments in [
            ["train", "--epochs", "0"], ["train", "--hidden", "12,x"], ["train", "--batch", "-3"],
            ["train", "--dataset", "digits"], ["train", "--schedule", "linear"], ["train", "--hidden", "none,3"],
            ["train", "--validation", "-1"], ["train", "--elastic", "2"], ["eval", "--model", "m", "--dataset", "x"],
            ["explain", "--model", "m"], ["lesson", "x"], ["eval"],
        ] {
            let result = try runTracer(arguments)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
        }
    }

    @Test func brokenModelFileNamesIt() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("broken.bin")
        try Data("not a model at all".utf8).write(to: model)
        for arguments in [
            ["eval", "--model", model.path], ["eval", "--model", folder.appendingPathComponent("missing.bin").path],
        ] {
            let result = try runTracer(arguments)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr.contains(folder.path), "\(result.stderr)")
        }
    }

    @Test func downloadWithoutAServerSaysSo() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Port 1 on the loopback address: nothing listens there, so the connection is refused at once.
        let result = try runTracer(["download", "--data", folder.path, "--mirror", "http://127.0.0.1:1/"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("127.0.0.1"))
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(left.isEmpty, "left behind: \(left)")
    }

    @Test func unknownLessonAndUnwritableOutput() throws {
        let unknown = try runTracer(["lesson", "99"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("99"))
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("a-file")
        try Data().write(to: file)
        let unwritable = try runTracer(["lesson", "6", "--out", file.path])
        #expect(unwritable.status == 1)
        #expect(unwritable.stderr.contains(file.path))
    }
}
