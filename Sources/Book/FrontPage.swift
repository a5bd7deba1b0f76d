// output/index.html: the way in. Lists the lessons that have pages and the latest MNIST run, each
// with its thumbnail, read back from the pages in the output folder (so each command refreshes
// it without knowing what the other wrote), and says how to make what is missing.
import Foundation

enum FrontPage {
    static func html(output: URL) -> String {
        let lessons = output.appendingPathComponent("lessons")
        let hasCourse = FileManager.default.fileExists(atPath: lessons.appendingPathComponent("index.html").path)
        let folders = ((try? FileManager.default.contentsOfDirectory(atPath: lessons.path)) ?? []).sorted()
        let lessonPages = folders.compactMap { name in
            PageHead.read(lessons.appendingPathComponent(name).appendingPathComponent("index.html")).map { (name, $0) }
        }
        let run = PageHead.read(output.appendingPathComponent("mnist/index.html"))

        var out = "<h1>NeuralTracer</h1>"
        out += "<p class=\"lead\">A neural network traced step by step: every number and every picture on these "
        out += "pages comes from the run that wrote them.</p>"
        out += "<h2 id=\"course\">The course</h2>"
        if hasCourse {
            out += "<p><a href=\"lessons/index.html\">The course</a>: every lesson with what it shows.</p>"
        }
        if lessonPages.isEmpty {
            out += "<p>No lesson has run yet: <code>make lessons</code> writes them all.</p>"
        } else {
            out += "<ol class=\"course\">"
            for (folder, head) in lessonPages {
                out += item(head, folder: "lessons/" + folder, in: lessons.appendingPathComponent(folder))
            }
            out += "</ol>"
        }
        out += "<h2 id=\"mnist\">The latest MNIST run</h2>"
        if let run {
            out += "<ul class=\"course\">" + item(run, folder: "mnist", in: output.appendingPathComponent("mnist"))
            out += "</ul>"
        } else {
            out += "<p>No MNIST run yet: <code>.build/release/tracer train</code> writes one.</p>"
        }
        return PageLayout.page(title: "NeuralTracer book", root: "", body: HTML(raw: out))
    }

    /// One linked line with the page's thumbnail.
    static func item(_ head: PageHead, folder: String, in url: URL) -> String {
        var out = "<li>"
        if let thumbnail = head.thumbnail, let size = PNGSize.read(url.appendingPathComponent(thumbnail)) {
            out += "<img src=\"\(HTML.link(folder + "/" + thumbnail))\" alt=\"\" width=\"\(size.width)\" "
            out += "height=\"\(size.height)\">"
        } else {
            out += "<span class=\"thumb-none\"></span>"
        }
        return out + "<div><a href=\"\(HTML.link(folder + "/index.html"))\">\(head.title.escaped)</a></div></li>"
    }
}

/// What the front page needs of a page of the book: its title and thumbnail, read back from the
/// head the book wrote (the title element and the thumbnail meta element).
struct PageHead {
    var title: String
    var thumbnail: String?

    static func read(_ url: URL) -> PageHead? {
        guard let page = try? String(contentsOf: url, encoding: .utf8),
            let start = page.range(of: "<title>")?.upperBound,
            let end = page.range(of: "</title>", range: start..<page.endIndex)?.lowerBound
        else { return nil }
        return PageHead(title: unescape(String(page[start..<end])), thumbnail: CourseEntry.thumbnail(inPage: page))
    }

    /// The inverse of `HTML.escape` (the page's own text, to be escaped again where it goes).
    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
