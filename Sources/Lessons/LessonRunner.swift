// The lesson runner: finds the lesson files, runs a lesson's code on its file, and writes its
// trace.txt, trace.jsonl and pictures. Printing to the terminal is the command line's business.
import Datasets
import Foundation
import NeuralCore
import SafeIO

/// What every lesson is: code that reads its inputs from its file and logs what the core computes.
protocol Lesson {
    static func run(_ log: LessonLog, context: LessonContext) throws
}

/// The lesson code for each number, in the order of the course (a function, not a global
/// dictionary: metatypes are not Sendable, and nothing here needs to be stored).
func lessonCode(_ number: Int) -> (any Lesson.Type)? {
    switch number {
    case 1: return Lesson01Function.self
    case 2: return Lesson02Neuron.self
    case 3: return Lesson03LinearStaysLinear.self
    case 4: return Lesson04ReLU.self
    case 5: return Lesson05Flattening.self
    case 6: return Lesson06DotProduct.self
    case 7: return Lesson07LayerAndLoss.self
    case 8: return Lesson08GradientByNudging.self
    case 9: return Lesson09Backpropagation.self
    case 10: return Lesson10GradientDescent.self
    case 11: return Lesson11MiniBatches.self
    case 12: return Lesson12UniversalApproximation.self
    case 13: return Lesson13MNIST.self
    default: return nil
    }
}

/// The number of the last lesson that has code.
let lastLessonNumber = 13

/// Where a lesson run finds things outside its own file.
public struct LessonContext: Sendable {
    /// The folder with every lesson file (a lesson may reuse another's inputs).
    public var catalog: LessonCatalog
    /// The MNIST folder lesson 13 reads, when it exists.
    public var mnistDirectory: URL

    public init(catalog: LessonCatalog, mnistDirectory: URL = LessonContext.defaultMNISTDirectory()) {
        self.catalog = catalog
        self.mnistDirectory = mnistDirectory
    }

    /// The MNIST folder without a --data flag: `DataFolder`'s rule (`$MNIST_DIR`, else the user
    /// cache, ignoring a relative `$XDG_CACHE_HOME` as the XDG spec says), kept in that one place.
    public static func defaultMNISTDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL
    {
        DataFolder.resolve(kind: .mnist, dataFlag: nil, environment: environment).url
    }
}

/// The numbered lesson files of a folder.
public struct LessonCatalog: Sendable {
    public let directory: URL
    /// Lesson number -> file, in number order.
    public let files: [(number: Int, url: URL)]

    /// Lists `directory`'s `NN-slug.md` files. Throws when the folder cannot be read.
    public init(directory: URL) throws {
        self.directory = directory
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw LessonError(file: directory.path, problem: "cannot read the lessons folder; pass --lessons-dir DIR")
        }
        var files: [(Int, URL)] = []
        for name in names.sorted() where name.hasSuffix(".md") {
            if let number = LessonFile.number(ofFileNamed: String(name.dropLast(3))) {
                if files.contains(where: { $0.0 == number }) {
                    throw LessonError(
                        file: directory.appendingPathComponent(name).path,
                        problem: "a second file for lesson \(number); keep one")
                }
                files.append((number, directory.appendingPathComponent(name)))
            }
        }
        self.files = files.sorted { $0.0 < $1.0 }
    }

    public var numbers: [Int] { files.map(\.number) }

    /// `numbers`, or an error when the folder holds no numbered lesson file at all (running or
    /// listing "every lesson" of it would otherwise do nothing and look like success).
    public func someNumbers() throws -> [Int] {
        guard !files.isEmpty else {
            throw LessonError(
                file: directory.path,
                problem: "no lesson files here (names like 06-dot-product.md); pass --lessons-dir DIR")
        }
        return numbers
    }

    /// Reads and parses lesson `number`'s file.
    public func file(_ number: Int) throws -> LessonFile {
        guard let entry = files.first(where: { $0.number == number }) else {
            let known = numbers.isEmpty ? "none" : "\(numbers.first!)-\(numbers.last!)"
            throw LessonError(
                file: directory.path,
                problem: "there is no lesson \(number) (lessons here: \(known); see 'tracer list')")
        }
        return try LessonFile(url: entry.url, displayPath: LessonCatalog.displayPath(entry.url))
    }

    /// A path relative to the current folder when the file is below it.
    public static func displayPath(_ url: URL) -> String {
        let here = FileManager.default.currentDirectoryPath + "/"
        let path = url.standardizedFileURL.path
        return path.hasPrefix(here) ? String(path.dropFirst(here.count)) : path
    }

    /// The lessons folder: `explicit` when given, else `./lessons`, else a `lessons` folder in a
    /// parent of the executable's folder (the package a built `tracer` lives in).
    public static func locate(explicit: String?, executablePath: String = CommandLine.arguments.first ?? "") throws
        -> URL
    {
        let manager = FileManager.default
        func isLessonFolder(_ url: URL) -> Bool {
            var isFolder: ObjCBool = false
            guard manager.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue else { return false }
            return ((try? manager.contentsOfDirectory(atPath: url.path)) ?? []).contains { $0.hasSuffix(".md") }
        }
        if let explicit {
            let url = URL(fileURLWithPath: explicit)
            guard isLessonFolder(url) else {
                throw LessonError(
                    file: explicit, problem: "not a folder of lesson files (NN-slug.md); check --lessons-dir")
            }
            return url
        }
        let local = URL(fileURLWithPath: manager.currentDirectoryPath).appendingPathComponent("lessons")
        if isLessonFolder(local) { return local }
        var folder = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
        while folder.path != "/" && !folder.path.isEmpty {
            let candidate = folder.appendingPathComponent("lessons")
            if isLessonFolder(candidate) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        throw LessonError(
            file: "lessons", problem: "no lessons folder here or above the tracer executable; pass --lessons-dir DIR")
    }
}

public enum LessonRunner {
    /// Runs lesson `number` and returns its trace (nothing is written).
    public static func run(_ number: Int, context: LessonContext) throws -> LessonTrace {
        let file = try context.catalog.file(number)
        guard let code = lessonCode(number) else {
            throw LessonError(
                file: file.path,
                problem: "no lesson code for number \(number); lessons 1-\(lastLessonNumber) exist")
        }
        let log = LessonLog(file: file)
        try code.run(log, context: context)
        // Exercises for the learner close the lesson, after its last steps.
        if file.sections.contains(where: { $0.heading.lowercased() == "try this" }) { try log.explain("Try this") }
        return log.trace
    }

    /// The title of every lesson file, for `tracer list` (a malformed file throws).
    public static func titles(context: LessonContext) throws -> [(number: Int, slug: String, title: String)] {
        try context.catalog.someNumbers().map { number in
            let file = try context.catalog.file(number)
            return (number, file.slug, file.title)
        }
    }

    /// Writes `trace.txt` (plain text, 80 columns), `trace.jsonl` and the pictures into
    /// `output/lessons/NN-slug/`. Returns the folder.
    @discardableResult
    public static func writeOutputs(_ trace: LessonTrace, to output: URL) throws -> URL {
        let folder = output.appendingPathComponent("lessons").appendingPathComponent(trace.slug)
        do { try AtomicFile.createFolder(folder.path) } catch {
            throw LessonError(
                file: folder.path,
                problem: "cannot create the output folder (\(error.reason)); choose another with --out DIR")
        }
        try writeAtomically(TraceText.render(trace, style: TextStyle()), to: folder.appendingPathComponent("trace.txt"))
        try writeAtomically(jsonLines(trace), to: folder.appendingPathComponent("trace.jsonl"))
        if LessonPictures.available { try LessonPictures.writeAll(trace.pictures + trace.framePictures, to: folder) }
        return folder
    }

    /// The trace as JSON lines; a lesson that recorded no step (lesson 13 without MNIST) gives one
    /// object that says it was skipped and why, so a reader of the JSON is not left with nothing.
    public static func jsonLines(_ trace: LessonTrace) -> String {
        guard trace.steps.isEmpty else { return TraceJSON.render(trace) }
        let notes = trace.entries.compactMap { entry -> String? in
            if case .note(let text, _) = entry { return text }
            return nil
        }
        let reason = notes.isEmpty ? "the lesson recorded no steps" : notes.joined(separator: " ")
        let object = JSONValue.object([
            ("lesson", .integer(trace.number)), ("skipped", .bool(true)), ("reason", .string(reason)),
        ])
        return object.text + "\n"
    }

    /// Writes to a temporary name beside `url`, then renames it over `url` (see `AtomicFile`).
    static func writeAtomically(_ text: String, to url: URL) throws {
        do { try AtomicFile.write(Array(text.utf8), to: url.path) } catch {
            throw LessonError(
                file: url.path,
                problem: "cannot write the file (\(error.reason)); choose another output folder with --out DIR")
        }
    }
}
