// An MNIST run as a page: its settings, the per-epoch table, the results, and each picture with
// a sentence on what to look at. The page is given a plain summary; it knows nothing of training.
import Foundation

/// What the page of a training run shows, prepared by whoever ran it.
public struct RunSummary: Sendable, Equatable {
    public struct Setting: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// A frame of a sequence to step through (the filmstrip of the first layer's units).
    public struct Frame: Sendable, Equatable {
        /// A file below the run's folder ("filmstrip/frame-01.png").
        public var file: String
        public var caption: String
        public init(file: String, caption: String) {
            self.file = file
            self.caption = caption
        }
    }

    public struct Picture: Sendable, Equatable {
        /// A file in the run's folder.
        public var file: String
        /// Its title (alt text).
        public var title: String
        /// A sentence on what to look at.
        public var look: String
        public init(file: String, title: String, look: String) {
            self.file = file
            self.title = title
            self.look = look
        }
    }

    public var title: String
    public var settings: [Setting]
    public var epochHeaders: [String]
    public var epochRows: [[String]]
    /// Sentences with the final figures ("test accuracy 97.9%: 212 of 10,000 wrong").
    public var results: [String]
    public var pictures: [Picture]
    /// Frames to step through after the pictures, with a sentence on what to look at; none: no sequence.
    public var frames: [Frame]
    public var framesTitle: String
    public var framesLook: String

    public init(
        title: String, settings: [Setting], epochHeaders: [String], epochRows: [[String]], results: [String],
        pictures: [Picture], frames: [Frame] = [], framesTitle: String = "", framesLook: String = ""
    ) {
        self.title = title
        self.settings = settings
        self.epochHeaders = epochHeaders
        self.epochRows = epochRows
        self.results = results
        self.pictures = pictures
        self.frames = frames
        self.framesTitle = framesTitle
        self.framesLook = framesLook
    }
}

enum RunPage {
    static func html(_ run: RunSummary, folder: URL) -> String {
        var parts: [HTML] = [HTML(raw: "<h1>") + HTML(text: run.title) + HTML(raw: "</h1>")]
        for result in run.results {
            parts.append(HTML(raw: "<p class=\"note result\">") + HTML(text: result) + HTML(raw: "</p>"))
        }
        parts.append(HTML(raw: "<h2 id=\"settings\">Settings</h2>"))
        var settings = "<div class=\"scroll\"><table><tbody>"
        for setting in run.settings {
            settings += "<tr><th>" + setting.name.escaped + "</th><td>" + setting.value.escaped + "</td></tr>"
        }
        parts.append(HTML(raw: settings + "</tbody></table></div>"))
        parts.append(HTML(raw: "<h2 id=\"epochs\">Epoch by epoch</h2>"))
        parts.append(LessonPage.table(headers: run.epochHeaders, rows: run.epochRows))
        parts.append(HTML(raw: "<h2 id=\"pictures\">Pictures</h2>"))
        for picture in run.pictures {
            parts.append(HTML(raw: "<p>") + HTML(text: picture.look) + HTML(raw: "</p>"))
            parts.append(Figure.html(file: picture.file, title: picture.title, in: folder))
        }
        if !run.frames.isEmpty {
            parts.append(HTML(raw: "<p>") + HTML(text: run.framesLook) + HTML(raw: "</p>"))
            let frames = run.frames.map { StepThrough.Frame(file: $0.file, title: $0.caption, caption: $0.caption) }
            parts.append(StepThrough.html(title: run.framesTitle, frames: frames, number: 0, folder: folder))
        }
        return PageLayout.page(
            title: run.title, root: "../", body: HTML.join(parts),
            script: run.frames.isEmpty ? nil : StepThrough.script,
            thumbnail: run.pictures.first?.file)
    }
}
