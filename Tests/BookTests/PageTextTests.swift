// The page text itself, without a browser: escaping, links, the narrative's Markdown, the step
// tables' numbers and notes, and what the course reads from a lesson.
import Foundation
import NeuralCore
import Testing

@testable import Book
@testable import Lessons

@Suite struct PageTextTests {
    @Test func escapesEveryMarkupCharacter() {
        #expect(HTML.escape(#"<a href="x">'&'</a>"#) == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        #expect(HTML(text: "1 < 2").markup == "1 &lt; 2")
    }

    @Test func linksStayRelativeAndEncoded() {
        #expect(HTML.link("01-a-function/index.html") == "01-a-function/index.html")
        #expect(HTML.link("a b#c?.png") == "a%20b%23c%3F.png")
        #expect(HTML.link("javascript:alert(1)") == "javascript%3Aalert(1)")
        #expect(HTML.link("/etc/passwd") == "etc/passwd")
        #expect(HTML.link("x\"><script>.png") == "x%22%3E%3Cscript%3E.png")
    }

    @Test func markdownBlocks() {
        let html = Markdown.html([
            "A *first* paragraph with `code <b>` and **strong**", "on two lines.", "", "- one", "- two",
            "  continued", "", "1. first", "2. second", "", "```", "let x = 1 < 2", "```", "", "### Sub",
            "| a | b |", "|---|---|", "| 1 | 2 |",
        ]).markup
        #expect(
            html.contains(
                "<p>A <em>first</em> paragraph with <code>code &lt;b&gt;</code> and <strong>strong</strong> on two lines.</p>"
            ))
        #expect(html.contains("<ul><li>one</li><li>two continued</li></ul>"))
        #expect(html.contains("<ol><li>first</li><li>second</li></ol>"))
        #expect(html.contains("<pre><code>let x = 1 &lt; 2</code></pre>"))
        #expect(html.contains("<h5>Sub</h5>"))
        #expect(html.contains("<thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr>"))
    }

    @Test func mathsIsNotEmphasis() {
        #expect(Markdown.inline("dL/da * relu'(z) and a*w + b") == "dL/da * relu&#39;(z) and a*w + b")
        #expect(Markdown.inline("p_j = exp(z_j) and learning_rate") == "p_j = exp(z_j) and learning_rate")
        #expect(Markdown.inline("_really_ and *so*") == "<em>really</em> and <em>so</em>")
    }

    @Test func stepRowsShowFormulaValueAndNote() {
        let step = TraceStep(.z, label: "z", value: .scalar(1.5), formula: "0.5 + 1", note: "products + b")
        let parts = StepParts(step)
        #expect(parts.formula == "0.5 + 1" && parts.note == "products + b")
        let same = StepParts(TraceStep(.input, label: "x", value: .scalar(3), formula: "3"))
        #expect(same.formula == nil)
        let table = StepTable.html([step]).markup
        #expect(
            table.contains("<td class=\"value\">1.5</td>") && table.contains("<td class=\"remark\">products + b</td>"))
        let matrix = StepTable.value(.matrix(Matrix([[1, -2], [3, 0.25]]))).markup
        #expect(
            matrix == "<table class=\"matrix\"><tr><td>1</td><td>-2</td></tr><tr><td>3</td><td>0.25</td></tr></table>")
    }

    @Test func courseLineIsTheFirstSentence() {
        #expect(CourseEntry.firstSentence(["", "A function takes `x`. It gives y.", "More."]) == "A function takes x.")
        #expect(CourseEntry.firstSentence(["No full stop", "here"]) == "No full stop here")
        #expect(CourseEntry.firstSentence(["Keep 0.5 whole. Then"]) == "Keep 0.5 whole.")
    }

    @Test func lessonPageHasSectionsPicturesAndNeighbours() throws {
        let output = try BookFixture.output()
        let page = try String(
            contentsOf: output.appendingPathComponent("lessons/10-gradient-descent/index.html"), encoding: .utf8)
        #expect(page.contains("<h1>Lesson 10: The SGD step and the training loop</h1>"))
        #expect(page.contains("<h2 id=\"one-step\">One step</h2>"))
        #expect(page.contains("href=\"../09-backpropagation/index.html\" rel=\"prev\""))
        #expect(page.contains("href=\"../11-mini-batches/index.html\" rel=\"next\""))
        #expect(page.contains("<img src=\"loss.png\" alt=\"Loss at each iteration\""))
        #expect(page.contains("data-steps"))
        #expect(!page.contains("http://") && !page.contains("https://"))
        // Every picture named in the page is a file beside it.
        let folder = output.appendingPathComponent("lessons/10-gradient-descent")
        for name in page.components(separatedBy: "src=\"").dropFirst().map({ String($0.prefix { $0 != "\"" }) }) {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path), "\(name)")
        }
        // The step-through sits where the lesson put it: after the loop's losses, before "After training".
        let stepThrough = try #require(page.range(of: "<section class=\"steps\""))
        let repeatSection = try #require(page.range(of: "<h2 id=\"repeat\">"))
        let after = try #require(page.range(of: "<h2 id=\"after-training\">"))
        #expect(repeatSection.lowerBound < stepThrough.lowerBound && stepThrough.lowerBound < after.lowerBound)
        let first = try String(
            contentsOf: output.appendingPathComponent("lessons/01-a-function/index.html"), encoding: .utf8)
        #expect(!first.contains("rel=\"prev\""))
        #expect(!first.contains("<script>"), "a page without frames carries no script")
    }

    @Test func frontPageLinksWhatExists() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("book-front-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let empty = try String(contentsOf: Book.writeFrontPage(output: output), encoding: .utf8)
        #expect(!empty.contains("href=\"lessons/index.html\"") && !empty.contains("href=\"mnist/index.html\""))
        let full = try String(contentsOf: Book.writeFrontPage(output: BookFixture.output()), encoding: .utf8)
        #expect(full.contains("href=\"lessons/index.html\"") && full.contains("href=\"mnist/index.html\""))
        #expect(full.contains("<a href=\"lessons/10-gradient-descent/index.html\">Lesson 10: The SGD step"))
        #expect(full.contains("<img src=\"mnist/curves.png\""))
    }
}
