// The book's entry points: write a lesson's page, the course, an MNIST run's page and the front
// page, each as one static HTML file beside the pictures it shows, linked by relative paths only.
// Which pages exist is read from the output folder, so each command refreshes only its own.
import Foundation
import Lessons
import SafeIO

/// A page that could not be written, with the file and what to do.
public struct BookError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    public var problem: String

    public var description: String { "\(file): \(problem)" }
}

/// One line of the course: a lesson's number, title, what it shows, and its thumbnail.
public struct CourseEntry: Sendable, Equatable {
    public var number: Int
    public var slug: String
    public var title: String
    /// The first sentence of the lesson's introduction.
    public var summary: String
    /// A picture in the lesson's folder, by file name.
    public var thumbnail: String?

    public init(number: Int, slug: String, title: String, summary: String, thumbnail: String?) {
        self.number = number
        self.slug = slug
        self.title = title
        self.summary = summary
        self.thumbnail = thumbnail
    }

    /// The entry of a lesson just run: its first picture is the thumbnail.
    public init(trace: LessonTrace) {
        let introduction = trace.entries.first.flatMap { entry -> [String]? in
            if case .narrative(let lines) = entry { return lines }
            return nil
        }
        let firstPicture = trace.entries.lazy.compactMap { entry -> String? in
            if case .picture(let name) = entry { return name }
            return nil
        }.first
        self.init(
            number: trace.number, slug: trace.slug, title: trace.title,
            summary: CourseEntry.firstSentence(introduction ?? []), thumbnail: firstPicture)
    }

    /// The entry of a lesson not run now, from its file; the thumbnail is the page's, if the
    /// lesson has a page in `output` from an earlier run.
    public init(file: LessonFile, output: URL) {
        let folder = output.appendingPathComponent("lessons").appendingPathComponent(file.slug)
        let page = try? String(contentsOf: folder.appendingPathComponent("index.html"), encoding: .utf8)
        self.init(
            number: file.number, slug: file.slug, title: file.title,
            summary: CourseEntry.firstSentence(file.introduction),
            thumbnail: page.flatMap(CourseEntry.thumbnail(inPage:)))
    }

    /// The first sentence of a Markdown paragraph, without its markers.
    static func firstSentence(_ lines: [String]) -> String {
        let paragraph = lines.map { $0.trimmingCharacters(in: .whitespaces) }
            .drop { $0.isEmpty || $0.hasPrefix("#") }
            .prefix { !$0.isEmpty }
            .joined(separator: " ")
            .replacingOccurrences(of: "`", with: "")
            .replacingOccurrences(of: "**", with: "")
        var end = paragraph.endIndex
        var index = paragraph.startIndex
        while index < paragraph.endIndex {
            let next = paragraph.index(after: index)
            if ".!?".contains(paragraph[index]) && (next == paragraph.endIndex || paragraph[next] == " ") {
                end = next
                break
            }
            index = next
        }
        return String(paragraph[..<end])
    }

    /// The page records its thumbnail in a meta element, so the course can be rebuilt without
    /// running the lesson again.
    static func thumbnail(inPage page: String) -> String? {
        let marker = "<meta name=\"thumbnail\" content=\""
        guard let start = page.range(of: marker)?.upperBound,
            let end = page[start...].firstIndex(of: "\"")
        else { return nil }
        let escaped = String(page[start..<end])
        // Written with HTML.link: percent-encoded, then escaped.
        return escaped.replacingOccurrences(of: "&amp;", with: "&").removingPercentEncoding
    }
}

public enum Book {
    /// Writes `output/lessons/NN-slug/index.html` for `trace` (run into that folder already).
    @discardableResult
    public static func writeLessonPage(
        _ trace: LessonTrace, previous: CourseEntry?, next: CourseEntry?, output: URL
    ) throws -> URL {
        let folder = output.appendingPathComponent("lessons").appendingPathComponent(trace.slug)
        let page = LessonPage.html(trace, previous: previous, next: next, folder: folder)
        return try write(page, to: folder.appendingPathComponent("index.html"))
    }

    /// Writes `output/lessons/index.html`: every lesson, linked where it has a page.
    @discardableResult
    public static func writeCourse(_ entries: [CourseEntry], output: URL) throws -> URL {
        let folder = output.appendingPathComponent("lessons")
        return try write(CoursePage.html(entries, folder: folder), to: folder.appendingPathComponent("index.html"))
    }

    /// Writes `folder/index.html` for an MNIST run whose pictures are in `folder`.
    @discardableResult
    public static func writeRunPage(_ run: RunSummary, folder: URL) throws -> URL {
        try write(RunPage.html(run, folder: folder), to: folder.appendingPathComponent("index.html"))
    }

    /// Writes `output/index.html`, linking the course and the MNIST run that are in `output`.
    @discardableResult
    public static func writeFrontPage(output: URL) throws -> URL {
        try write(FrontPage.html(output: output), to: output.appendingPathComponent("index.html"))
    }

    /// Writes to a temporary name, then renames (SafeIO's one rule), so a reader never sees half a page.
    static func write(_ page: String, to url: URL) throws -> URL {
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw BookError(
                file: url.path, problem: "cannot create the folder; choose another output folder with --out DIR")
        }
        do { try AtomicFile.write(Array(page.utf8), to: url.path) } catch {
            throw BookError(
                file: url.path,
                problem: "cannot write the page (\(error.reason)); choose another output folder with --out DIR")
        }
        return url
    }
}

/// The pages of a run of lessons: each lesson's page as soon as its outputs are written, linked to
/// the lessons beside it, then the course and the front page.
public struct LessonBook {
    public let output: URL
    /// Every lesson of the catalog, in order: from its file until it has run, then from its trace.
    private var entries: [CourseEntry]

    public init(catalog: LessonCatalog, output: URL) {
        self.output = output
        // A lesson file that does not parse is left out here; running it reports the problem.
        entries = catalog.numbers.compactMap { number in
            (try? catalog.file(number)).map { CourseEntry(file: $0, output: output) }
        }
    }

    /// Writes the page of a lesson whose outputs (pictures) are written.
    public mutating func writePage(_ trace: LessonTrace) throws {
        let position = entries.firstIndex { $0.number == trace.number }
        if let position { entries[position] = CourseEntry(trace: trace) }
        try Book.writeLessonPage(
            trace, previous: position.flatMap { $0 > 0 ? entries[$0 - 1] : nil },
            next: position.flatMap { $0 + 1 < entries.count ? entries[$0 + 1] : nil }, output: output)
    }

    /// Writes the course and the front page; returns the front page.
    @discardableResult
    public func finish() throws -> URL {
        try Book.writeCourse(entries, output: output)
        return try Book.writeFrontPage(output: output)
    }
}
