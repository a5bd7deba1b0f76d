// output/index.html: the way in. Links the course and the latest MNIST run, each only when its
// page is in the output folder, and says how to make the one that is missing.
import Foundation

enum FrontPage {
    static func html(output: URL) -> String {
        let manager = FileManager.default
        let hasCourse = manager.fileExists(atPath: output.appendingPathComponent("lessons/index.html").path)
        let hasRun = manager.fileExists(atPath: output.appendingPathComponent("mnist/index.html").path)
        var out = "<h1>NeuralTracer</h1>"
        out += "<p class=\"lead\">A neural network traced step by step: every number, every picture, from the run "
        out += "that made them.</p><ul>"
        out +=
            hasCourse
            ? "<li><a href=\"lessons/index.html\">The course</a>: the lessons, from a function to MNIST.</li>"
            : "<li>The course is not written yet: run <code>make lessons</code>.</li>"
        out +=
            hasRun
            ? "<li><a href=\"mnist/index.html\">The latest MNIST run</a>: its settings, epochs and pictures.</li>"
            : "<li>No MNIST run yet: run <code>.build/release/tracer train</code>.</li>"
        out += "</ul>"
        return PageLayout.page(title: "NeuralTracer book", root: "", body: HTML(raw: out))
    }
}
