// The course: every lesson with its number, title, one line of what it shows and a thumbnail,
// linked to its page where the page exists.
import Foundation

enum CoursePage {
    /// `folder` is output/lessons, where each lesson's folder is.
    static func html(_ entries: [CourseEntry], folder: URL) -> String {
        var out = "<h1>The course</h1>"
        out += "<p class=\"lead\">\(entries.count) lesson\(entries.count == 1 ? "" : "s"), from one number through a "
        out += "function to a network trained on MNIST. Every number on these pages was computed by the run that "
        out += "wrote them.</p>"
        out += "<ol class=\"course\">"
        for entry in entries {
            let lessonFolder = folder.appendingPathComponent(entry.slug)
            let hasPage = FileManager.default.fileExists(atPath: lessonFolder.appendingPathComponent("index.html").path)
            let title = "Lesson \(entry.number): \(entry.title)".escaped
            out += "<li>"
            if let thumbnail = entry.thumbnail, hasPage,
                let size = PNGSize.read(lessonFolder.appendingPathComponent(thumbnail))
            {
                out += "<img src=\"\(HTML.link(entry.slug + "/" + thumbnail))\" alt=\"\" width=\"\(size.width)\" "
                out += "height=\"\(size.height)\">"
            } else {
                out += "<span class=\"thumb-none\"></span>"
            }
            out += "<div>"
            out +=
                hasPage
                ? "<a href=\"\(HTML.link(entry.slug + "/index.html"))\">\(title)</a>"
                : "\(title) <span class=\"hint\">(not run yet: tracer lesson \(entry.number))</span>"
            if !entry.summary.isEmpty { out += "<p>" + entry.summary.escaped + "</p>" }
            out += "</div></li>"
        }
        out += "</ol>"
        return PageLayout.page(title: "NeuralTracer: the course", root: "../", body: HTML(raw: out))
    }
}
