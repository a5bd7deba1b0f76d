// One lesson as a page: its narrative, each section's steps as tables, its pictures where the
// trace shows them, the sequences to step through, and links to the lessons before and after.
import Foundation
import Lessons
import NeuralCore

enum LessonPage {
    /// The page of `trace`, written into its folder `folder` (where its pictures already are).
    static func html(_ trace: LessonTrace, previous: CourseEntry?, next: CourseEntry?, folder: URL) -> String {
        let titles = Dictionary(
            (trace.pictures + trace.framePictures).map { ($0.name, $0.picture.title) }, uniquingKeysWith: { a, _ in a })
        var parts: [HTML] = [
            HTML(raw: "<p class=\"lead\"><a href=\"../index.html\">Course</a> · Lesson \(trace.number)</p>"),
            HTML(raw: "<h1>") + HTML(text: "Lesson \(trace.number): \(trace.title)") + HTML(raw: "</h1>"),
        ]
        var pendingSteps: [TraceStep] = []
        func flushSteps() {
            guard !pendingSteps.isEmpty else { return }
            parts.append(StepTable.html(pendingSteps))
            pendingSteps = []
        }
        var waiting = trace.sequences[...]
        func sequences(before position: Int) {
            while let sequence = waiting.first, sequence.position <= position {
                flushSteps()
                parts.append(StepThrough.html(sequence, number: parts.count, titles: titles, folder: folder))
                waiting = waiting.dropFirst()
            }
        }
        var anchors: Set<String> = []
        for (position, entry) in trace.entries.enumerated() {
            sequences(before: position)
            if case .steps(let steps, _) = entry {
                pendingSteps += steps
                continue
            }
            if case .data = entry { continue }
            flushSteps()
            switch entry {
            case .heading(let text):
                var anchor = Self.anchor(text)
                while anchors.contains(anchor) { anchor += "-" }
                anchors.insert(anchor)
                parts.append(HTML(raw: "<h2 id=\"\(anchor.escaped)\">") + HTML(text: text) + HTML(raw: "</h2>"))
            case .narrative(let lines):
                parts.append(Markdown.html(lines))
            case .note(let text, let isResult):
                parts.append(
                    HTML(raw: "<p class=\"note\(isResult ? " result" : "")\">") + HTML(text: text) + HTML(raw: "</p>"))
            case .table(let table):
                parts.append(Self.table(headers: table.headers, rows: table.rows))
            case .picture(let name):
                parts.append(Figure.html(file: name, title: titles[name] ?? name, in: folder))
            case .steps, .data:
                break
            }
        }
        sequences(before: Int.max)
        flushSteps()
        parts.append(navigation(previous: previous, next: next))
        return PageLayout.page(
            title: "Lesson \(trace.number): \(trace.title)", root: "../../", body: HTML.join(parts),
            script: trace.sequences.isEmpty ? nil : StepThrough.script, thumbnail: CourseEntry(trace: trace).thumbnail)
    }

    /// A small table of the lesson's own (headers, then rows; numbers right-aligned).
    static func table(headers: [String], rows: [[String]]) -> HTML {
        /// "0.25", "93.08%", "83,062".
        func isNumber(_ text: String) -> Bool {
            Double(
                text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: "")
                    .replacingOccurrences(of: "%", with: "")) != nil
        }
        var out = "<div class=\"scroll\"><table><thead><tr>"
        out += headers.map { "<th>" + $0.escaped + "</th>" }.joined()
        out += "</tr></thead><tbody>"
        for row in rows {
            out +=
                "<tr>" + row.map { "<td\(isNumber($0) ? " class=\"num\"" : "")>" + $0.escaped + "</td>" }.joined()
                + "</tr>"
        }
        return HTML(raw: out + "</tbody></table></div>")
    }

    static func navigation(previous: CourseEntry?, next: CourseEntry?) -> HTML {
        func link(_ entry: CourseEntry, _ arrow: String, before: Bool) -> String {
            let text = "Lesson \(entry.number): \(entry.title)".escaped
            return "<a href=\"\(HTML.link("../" + entry.slug + "/index.html"))\" rel=\"\(before ? "prev" : "next")\">"
                + (before ? arrow + " " + text : text + " " + arrow) + "</a>"
        }
        var out = "<nav class=\"nav\">"
        out += previous.map { link($0, "←", before: true) } ?? "<span></span>"
        out += "<a href=\"../index.html\">All lessons</a>"
        out += next.map { link($0, "→", before: false) } ?? "<span></span>"
        return HTML(raw: out + "</nav>")
    }

    /// "One step" -> "one-step" (letters and digits, the rest as dashes).
    static func anchor(_ text: String) -> String {
        let words = text.lowercased().split { !($0.isLetter || $0.isNumber) }
        return words.isEmpty ? "section" : words.joined(separator: "-")
    }
}

/// A picture with its title as alt text and caption; the file's pixel size keeps the layout
/// still while it loads. A picture that is not there is said to be missing, not shown broken.
enum Figure {
    static func html(file: String, title: String, caption: String? = nil, in folder: URL) -> HTML {
        guard let size = PNGSize.read(folder.appendingPathComponent(file)) else {
            return HTML(raw: "<p class=\"note\">") + HTML(text: "Picture \(file) was not drawn.") + HTML(raw: "</p>")
        }
        // Linked to itself, so that a picture shrunk to a phone's width opens at full size.
        var out = "<figure><a href=\"\(HTML.link(file))\"><img src=\"\(HTML.link(file))\" alt=\"\(title.escaped)\" "
        out += "width=\"\(size.width)\" height=\"\(size.height)\"></a><figcaption>" + (caption ?? title).escaped
        out += "</figcaption></figure>"
        return HTML(raw: out)
    }
}

/// The width and height in a PNG file's header, without decoding it.
enum PNGSize {
    static func read(_ url: URL) -> (width: Int, height: Int)? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: 24), data.count == 24,
            data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        else { return nil }
        let bytes = [UInt8](data)
        func number(at offset: Int) -> Int { bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
        let width = number(at: 16), height = number(at: 20)
        return width > 0 && height > 0 ? (width, height) : nil
    }
}

extension LessonPicture {
    /// The title drawn on the picture: its alt text and caption on a page.
    var title: String {
        switch self {
        case .image(let title, _, _), .digit(let title, _), .heatMap(let title, _, _), .heatMaps(let title, _, _),
            .plot(let title, _, _, _, _, _), .bars(let title, _), .flow(let title, _, _, _), .digits(let title, _),
            .graph(let title, _, _, _):
            return title
        }
    }
}
