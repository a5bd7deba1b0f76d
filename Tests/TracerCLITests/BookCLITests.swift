// The book as the commands write it: `tracer lesson N` and `tracer lessons` leave the pages in the
// output folder and say once, at the end, where the book is (on stderr with --json, so that
// stdout stays JSON lines).
import Foundation
import Testing

@Suite struct BookCLITests {
    @Test func lessonsWriteTheBookAndSayWhere() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let one = try runTracer(["lesson", "2", "--out", "book"], directory: folder)
        #expect(one.status == 0, "stderr: \(one.stderr)")
        #expect(one.stdout.components(separatedBy: "The book: open book/index.html").count == 2, "\(one.stdout)")
        let pages = ["book/index.html", "book/lessons/index.html", "book/lessons/02-the-neuron/index.html"]
        for page in pages {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(page).path), "\(page)")
        }
        // Only lesson 2 has run: the course links it and names the others without a link.
        let course = try String(contentsOf: folder.appendingPathComponent("book/lessons/index.html"), encoding: .utf8)
        #expect(course.contains("href=\"02-the-neuron/index.html\""))
        #expect(!course.contains("href=\"03-linear-stays-linear/index.html\""))

        let json = try runTracer(["lesson", "3", "--json", "--out", "book"], directory: folder)
        #expect(json.status == 0)
        #expect(json.stdout.split(separator: "\n").allSatisfy { $0.hasPrefix("{") })
        #expect(json.stderr.contains("The book: open book/index.html"))
        let course2 = try String(contentsOf: folder.appendingPathComponent("book/lessons/index.html"), encoding: .utf8)
        #expect(
            course2.contains("href=\"02-the-neuron/index.html\"")
                && course2.contains("href=\"03-linear-stays-linear/index.html\""))
        // Lesson 2's page, written before lesson 3 had run, keeps its thumbnail in the course.
        #expect(course2.contains("src=\"02-the-neuron/"))
    }

    @Test(.enabled(if: mnistFolder != nil, "MNIST_DIR is not set: the training run needs MNIST"))
    func trainWritesTheRunPage() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Run from a fresh folder, so the data folder is made absolute first.
        let data = URL(fileURLWithPath: mnistFolder ?? "").standardizedFileURL.path
        let train = try runTracer(
            ["train", "--limit", "1000", "--epochs", "1", "--hidden", "16", "--out", "output/mnist"],
            environment: ["MNIST_DIR": data], directory: folder)
        #expect(train.status == 0, "stderr: \(train.stderr)")
        #expect(train.stdout.hasSuffix("The book: open output/index.html\n"), "\(train.stdout)")
        let page = try String(contentsOf: folder.appendingPathComponent("output/mnist/index.html"), encoding: .utf8)
        for picture in ["weights.png", "predictions.png", "misclassified.png", "confusion.png", "curves.png"] {
            #expect(page.contains("src=\"\(picture)\""), "\(picture)")
        }
        #expect(page.contains("<td class=\"num\">1</td>"), "the epoch table")
        let front = try String(contentsOf: folder.appendingPathComponent("output/index.html"), encoding: .utf8)
        #expect(front.contains("href=\"mnist/index.html\""))
    }
}
