// Every page of the book loaded in headless Chromium: each picture loads, nothing is asked for
// outside the output folder, the console stays clean, the page is not blank, and the step-through
// changes the frame shown. Skips, saying why, where Chromium is not installed (scripts/setup
// installs it). With BOOK_SCREENSHOTS=DIR, full-page screenshots are left there to look at.
import Foundation
import Render
import Testing

@testable import Book

/// Runs `body` with a fresh browser, closed (with its helper processes) when `body` returns.
func withBrowser<R>(_ body: (Chromium) throws -> R) throws -> R {
    guard let path = Chromium.executable() else { throw ChromiumError(description: chromiumMissing.rawValue) }
    return try body(try Chromium(executable: path))
}

let chromiumMissing: Comment =
    "Chromium is not installed (scripts/setup installs Debian's chromium); browser test skipped"
let chromiumInstalled = Chromium.executable() != nil

@Suite(.serialized) struct BrowserTests {
    @Test(.enabled(if: chromiumInstalled, chromiumMissing)) func everyPageLoadsCleanly() throws {
        let output = try BookFixture.output()
        let pages = try BookFixture.pages()
        #expect(pages.count == (try BookFixture.built.get().traces.count) + 3 && pages.count >= 16)
        try withBrowser { chromium in
            for (i, page) in pages.enumerated() {
                // Alternate window sizes and schemes so that each combination is loaded.
                try chromium.emulate(width: i % 2 == 0 ? 390 : 1280, height: 800, dark: i % 4 >= 2)
                let url = output.appendingPathComponent(page)
                let load = try chromium.load(url)
                #expect(load.errors.isEmpty, "\(page): \(load.errors)")
                #expect(load.dialogs.isEmpty, "\(page): dialogs \(load.dialogs)")
                let outside = load.requests.filter { !isInside($0, output) }
                #expect(outside.isEmpty, "\(page) asked for \(outside)")
                let images = try #require(
                    try chromium.evaluate(
                        "Array.from(document.images).map(i => [i.getAttribute('src'), i.complete && i.naturalWidth > 0])"
                    )
                        as? [[Any]])
                let broken = images.filter { ($0[1] as? Bool) != true }.map { $0[0] }
                #expect(broken.isEmpty, "\(page): pictures not loaded: \(broken)")
                // Every picture the lesson drew is on its page (frames included).
                if let trace = try BookFixture.built.get().traces.first(where: { page.contains("/\($0.slug)/") }) {
                    let drawn = trace.pictures.count + trace.framePictures.count
                    #expect(images.count >= drawn, "\(page) shows \(images.count) of \(drawn) pictures")
                }
                // Nothing wider than the window: wide tables scroll inside their own box.
                let overflow = try chromium.evaluate("document.documentElement.scrollWidth - window.innerWidth") as? Int
                #expect(overflow == 0, "\(page) is wider than the window by \(overflow ?? -1) pixels")
                let shot = try chromium.screenshot()
                #expect(try notBlank(shot), "\(page): the screenshot is blank")
                try saveScreenshots(chromium, page: page, url: url)
            }
        }
    }

    @Test(
        .enabled(if: chromiumInstalled, chromiumMissing),
        arguments: [
            "lessons/10-gradient-descent", "lessons/11-mini-batches", "lessons/12-universal-approximation", "mnist",
        ])
    func stepThroughChangesTheFrame(_ slug: String) throws {
        let url = try BookFixture.output().appendingPathComponent("\(slug)/index.html")
        try withBrowser { chromium in
            try chromium.emulate(width: 1000, height: 800, dark: false)
            _ = try chromium.load(url)
            // The picture of the one frame shown, after moving the slider, then a button.
            let script = """
                (() => {
                  const box = document.querySelector('[data-steps]');
                  const shown = () => Array.from(box.querySelectorAll('.frame'))
                    .filter(f => f.offsetWidth > 0).map(f => f.querySelector('img').getAttribute('src'));
                  const slider = box.querySelector('input[type=range]');
                  const first = shown();
                  slider.value = slider.max;
                  slider.dispatchEvent(new Event('input'));
                  const last = shown();
                  box.querySelector('button[data-step="-1"]').click();
                  const before = shown();
                  return [first, last, before, Number(slider.max) + 1, box.querySelector('output').textContent];
                })()
                """
            let result = try #require(try chromium.evaluate(script) as? [Any])
            let first = result[0] as? [String] ?? [], last = result[1] as? [String] ?? []
            let before = result[2] as? [String] ?? []
            let count = result[3] as? Int ?? 0
            #expect(count >= 2, "\(slug): \(count) frames")
            #expect(first.count == 1 && last.count == 1 && before.count == 1, "one frame at a time: \(result)")
            #expect(
                first != last && last != before && first.first != nil, "\(slug): the frame did not change: \(result)")
            #expect(result[4] as? String == "\(count - 1) of \(count)")
            // Each frame shows its own steps (the rows of its iteration).
            let rows =
                try chromium.evaluate(
                    "Array.from(document.querySelectorAll('[data-steps] .frame')).map(f => f.querySelectorAll('tbody tr').length)"
                ) as? [Int]
            if slug.hasPrefix("lessons/") {
                #expect((rows ?? []).allSatisfy { $0 > 0 }, "\(slug): a frame without rows: \(rows ?? [])")
            }
        }
    }

    /// Without JavaScript every frame is on the page (in a row that scrolls sideways).
    @Test(.enabled(if: chromiumInstalled, chromiumMissing)) func framesReadableWithoutJavaScript() throws {
        let url = try BookFixture.output().appendingPathComponent("lessons/12-universal-approximation/index.html")
        try withBrowser { chromium in
            try chromium.emulate(width: 390, height: 800, dark: false)
            _ = try chromium.load(url, javaScript: false)
            let hidden =
                try chromium.evaluate(
                    "Array.from(document.querySelectorAll('.frame')).filter(f => f.offsetWidth === 0).length") as? Int
            let total = try chromium.evaluate("document.querySelectorAll('.frame').length") as? Int
            let controls = try chromium.evaluate("document.querySelector('.controls').offsetWidth") as? Int
            try chromium.load(url).errors.forEach { Issue.record("\($0)") }
            #expect((total ?? 0) >= 2)
            #expect(hidden == 0, "frames hidden without JavaScript: \(hidden ?? -1)")
            #expect(controls == 0, "the slider shows without the script that drives it")
        }
    }

    /// A lesson whose title and text carry markup shows that markup as text and runs none of it.
    @Test func markupInALessonFileShowsAsText() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("book-escape-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let page = try writeHostileLesson(output: output)
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("<img src=x"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        let course = try String(contentsOf: output.appendingPathComponent("lessons/index.html"), encoding: .utf8)
        #expect(!course.contains("<script>alert") && course.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        let front = try String(contentsOf: output.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(!front.contains("<script>alert") && front.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        try withBrowser { chromium in
            try chromium.emulate(width: 800, height: 800, dark: false)
            for url in [
                page, output.appendingPathComponent("lessons/index.html"), output.appendingPathComponent("index.html"),
            ] {
                let load = try chromium.load(url)
                #expect(load.dialogs.isEmpty, "a script from the lesson file ran: \(load.dialogs)")
                #expect(load.errors.isEmpty, "\(load.errors)")
                #expect(load.requests.allSatisfy { isInside($0, output) }, "\(load.requests)")
            }
            _ = try chromium.load(page)
            #expect(
                try chromium.evaluate("document.querySelector('h1').textContent") as? String
                    == "Lesson 1: <script>alert(1)</script>")
            #expect(try chromium.evaluate("document.querySelectorAll('script').length") as? Int == 0)
            let text = try chromium.evaluate("document.body.textContent") as? String ?? ""
            #expect(text.contains("<img src=x onerror=alert(2)>"))
            #expect(text.contains("<b>not bold</b>"))
        }
    }
}

/// Lesson 1 with markup in its title and narrative, run into `output`; returns its page.
func writeHostileLesson(output: URL) throws -> URL {
    let lessons = output.appendingPathComponent("lesson-files")
    try FileManager.default.createDirectory(at: lessons, withIntermediateDirectories: true)
    let original = try String(
        contentsOf: repositoryRoot.appendingPathComponent("lessons/01-a-function.md"), encoding: .utf8)
    var text = original.replacingOccurrences(
        of: #"(?m)^title: .*$"#, with: #"title: "<script>alert(1)</script>""#, options: .regularExpression)
    let body = text.range(of: "\n---\n")!.upperBound
    text.insert(contentsOf: "<img src=x onerror=alert(2)> and <b>not bold</b> & more\n\n", at: body)
    try text.write(to: lessons.appendingPathComponent("01-a-function.md"), atomically: true, encoding: .utf8)
    try writeLessonBook(lessons: lessons, output: output)
    return output.appendingPathComponent("lessons/01-a-function/index.html")
}

/// Whether `url` is a file in `folder` (the page's own and its pictures).
func isInside(_ url: String, _ folder: URL) -> Bool {
    guard let parsed = URL(string: url), parsed.isFileURL else { return false }
    return parsed.standardizedFileURL.path.hasPrefix(folder.standardizedFileURL.path + "/")
}

/// Not blank: more than 1% of the pixels differ from the most common colour.
func notBlank(_ png: Data) throws -> Bool {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("shot-\(UUID().uuidString).png")
    try png.write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let image = try PNGFile.readRGBA(file.path)
    var counts: [UInt32: Int] = [:]
    for i in stride(from: 0, to: image.pixels.count, by: 4) {
        let colour = UInt32(image.pixels[i]) << 16 | UInt32(image.pixels[i + 1]) << 8 | UInt32(image.pixels[i + 2])
        counts[colour, default: 0] += 1
    }
    let commonest = counts.values.max() ?? 0
    return Double(image.width * image.height - commonest) > 0.01 * Double(image.width * image.height)
}

/// Full-page screenshots at phone and laptop width, light and dark, into $BOOK_SCREENSHOTS.
func saveScreenshots(_ chromium: Chromium, page: String, url: URL) throws {
    guard let folder = ProcessInfo.processInfo.environment["BOOK_SCREENSHOTS"], !folder.isEmpty else { return }
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    for (width, dark) in [(390, false), (1280, true)] {
        try chromium.emulate(width: width, height: 800, dark: dark)
        _ = try chromium.load(url)
        let name = page.replacingOccurrences(of: "/", with: "_") + "-\(width)\(dark ? "-dark" : "").png"
        try chromium.screenshot(fullPage: true, maxHeight: 6000).write(to: URL(fileURLWithPath: folder + "/" + name))
    }
}
