// The commands against a hostile user: stdout on a full device, --save onto links, pipes and
// missing folders, signals in the middle of a save, lesson files with extreme numbers, duplicate
// keys, NULs and deep nesting, empty lesson folders, colliding and very long image names. Every
// case ends in exit 1 with one line on stderr (or succeeds), never a crash, hang or lost file.
import Foundation
import Testing

/// A small MNIST-shaped dataset (28x28 images, labels 0-9) as raw IDX files in `folder`.
func writeTinyDigits(to folder: URL, trainCount: Int = 64, testCount: Int = 16) throws {
    func word(_ value: Int) -> [UInt8] { [24, 16, 8, 0].map { UInt8((value >> $0) & 0xff) } }
    for (prefix, count) in [("train", trainCount), ("t10k", testCount)] {
        let labels = (0..<count).map { UInt8($0 % 10) }
        // Each class lights up its own band of rows, so the classes can be told apart.
        var pixels: [UInt8] = []
        for label in labels {
            for row in 0..<28 { pixels += [UInt8](repeating: row / 3 == Int(label) ? 200 : 0, count: 28) }
        }
        try Data(word(0x803) + word(count) + word(28) + word(28) + pixels).write(
            to: folder.appendingPathComponent("\(prefix)-images-idx3-ubyte"))
        try Data(word(0x801) + word(count) + labels).write(to: folder.appendingPathComponent("\(prefix)-labels-idx1-ubyte"))
    }
}

/// Runs `tracer` with stdout sent to `outputPath` (for example /dev/full); stderr is returned.
func runTracer(_ arguments: [String], stdoutTo outputPath: String, environment: [String: String] = [:]) throws
    -> (status: Int32, stderr: String)
{
    let process = Process()
    process.executableURL = tracerExecutable()
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    process.standardOutput = FileHandle(forWritingAtPath: outputPath)
    let err = Pipe()
    process.standardError = err
    try process.run()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: errData, as: UTF8.self))
}

/// The package's own lessons folder (the tests copy and edit its files).
let packageLessons = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("lessons")

/// Copies the package's lessons into `folder`/lessons and returns that folder.
func copyOfLessons(in folder: URL) throws -> URL {
    let copy = folder.appendingPathComponent("lessons")
    try FileManager.default.copyItem(at: packageLessons, to: copy)
    return copy
}

/// The file of lesson `number` in `folder`.
func lessonFile(_ number: Int, in folder: URL) throws -> URL {
    let prefix = number < 10 ? "0\(number)-" : "\(number)-"
    let name = try FileManager.default.contentsOfDirectory(atPath: folder.path).first { $0.hasPrefix(prefix) }
    return folder.appendingPathComponent(try #require(name))
}

func expectOneLineError(_ result: CLIResult, mentioning parts: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.status == 1, "status \(result.status), stderr: \(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stderr.hasPrefix("error: "), "\(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stderr.filter { $0 == "\n" }.count == 1, "one line: \(result.stderr)", sourceLocation: sourceLocation)
    for part in parts {
        #expect(result.stderr.contains(part), "'\(part)' in: \(result.stderr)", sourceLocation: sourceLocation)
    }
}

@Suite("Standard output on a full device")
struct FullDeviceCLITests {
    @Test("list, lesson --json and eval --json on /dev/full end with exit 1 and say why", arguments: [
        ["list"], ["lesson", "1", "--json"], ["lessons", "--quiet"],
    ])
    func fullDevice(arguments: [String]) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try runTracer(
            arguments + ["--lessons-dir", packageLessons.path] + (arguments[0] == "list" ? [] : ["--out", folder.path]),
            stdoutTo: "/dev/full")
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr == "error: cannot write to standard output: No space left on device\n")
    }

    @Test("eval --json on /dev/full is exit 1, not a trap")
    func evalOnFullDevice() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try writeTinyDigits(to: folder)
        let model = folder.appendingPathComponent("m.bin").path
        let train = try runTracer(
            ["train", "--data", folder.path, "--hidden", "8", "--epochs", "1", "--out", folder.path, "--save", model])
        #expect(train.status == 0, "\(train.stderr)")
        let eval = try runTracer(["eval", "--model", model, "--data", folder.path, "--json"], stdoutTo: "/dev/full")
        #expect(eval.status == 1)
        #expect(eval.stderr == "error: cannot write to standard output: No space left on device\n")
    }
}

@Suite("Where --save writes")
struct SaveDestinationCLITests {
    @Test("--save onto a symbolic link writes the link's target and keeps the link")
    func symlinkedSave() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try writeTinyDigits(to: folder)
        let target = folder.appendingPathComponent("models/real.bin")
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("old".utf8).write(to: target)
        let link = folder.appendingPathComponent("link.bin").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "models/real.bin")
        let train = try runTracer(
            ["train", "--data", folder.path, "--hidden", "8", "--epochs", "1", "--out", folder.path, "--save", link])
        #expect(train.status == 0, "\(train.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "models/real.bin")
        #expect(try Data(contentsOf: target).count > 3, "the target holds the new model")
        let eval = try runTracer(["eval", "--model", link, "--data", folder.path, "--json"])
        #expect(eval.status == 0, "\(eval.stderr)")
    }

    @Test("--save into a missing folder, onto a pipe or onto a device fails before training, leaving them be")
    func badDestinations() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try writeTinyDigits(to: folder)
        let out = folder.appendingPathComponent("out")
        #expect(mkfifo(folder.appendingPathComponent("pipe").path, 0o644) == 0)
        for (save, words) in [
            (folder.appendingPathComponent("no/such/m.bin").path, ["does not exist", "no/such"]),
            (folder.appendingPathComponent("pipe").path, ["named pipe", "not a regular file"]),
            ("/dev/null", ["character device", "not a regular file"]),
        ] {
            let started = Date()
            let result = try runTracer(
                ["train", "--data", folder.path, "--hidden", "8", "--epochs", "1", "--out", out.path, "--save", save])
            expectOneLineError(result, mentioning: words + [save])
            #expect(Date().timeIntervalSince(started) < 30)
            #expect(!FileManager.default.fileExists(atPath: out.path), "nothing was trained or drawn")
        }
        var info = stat()
        #expect(stat("/dev/null", &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR)
        #expect(stat(folder.appendingPathComponent("pipe").path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO)
    }

    @Test("a 1 GiB model file (sparse) is judged by its header and size, not read whole")
    func modelBomb() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try writeTinyDigits(to: folder)
        let model = folder.appendingPathComponent("m.bin").path
        let train = try runTracer(
            ["train", "--data", folder.path, "--hidden", "8", "--epochs", "1", "--out", folder.path, "--save", model])
        #expect(train.status == 0, "\(train.stderr)")
        let stranger = folder.appendingPathComponent("stranger.bin").path
        try Data("not a model".utf8).write(to: URL(fileURLWithPath: stranger))
        for path in [model, stranger] {
            #expect(truncate(path, 1 << 30) == 0)
            let started = Date()
            let eval = try runTracer(["eval", "--model", path, "--data", folder.path])
            expectOneLineError(eval, mentioning: [path, path == model ? "its header says" : "wrong magic"])
            #expect(Date().timeIntervalSince(started) < 10)
        }
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        #expect(usage.ru_maxrss * 1024 < 512 << 20, "no child read the gigabyte")
    }

    @Test("a model path that is a pipe or a device is named as such by eval and predict")
    func modelIsNotAFile() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pipe = folder.appendingPathComponent("m.bin").path
        #expect(mkfifo(pipe, 0o644) == 0)
        for (model, kind) in [(pipe, "named pipe"), ("/dev/zero", "character device"), ("/dev/urandom", "character device")] {
            let eval = try runTracer(["eval", "--model", model, "--data", folder.path])
            expectOneLineError(eval, mentioning: [model, kind])
            #expect(!eval.stderr.contains("permission"))
            let predict = try runTracer(["predict", "--model", model, "x.png"])
            expectOneLineError(predict, mentioning: [model, kind])
        }
    }
}

@Suite("Signals during a save", .serialized)
struct SignalCLITests {
    /// Starts `train --save` with a large network (a save of tens of megabytes), waits for the
    /// temporary model file to appear and sends `signal`. Returns the process after it ended and
    /// whether the signal came while the temporary existed.
    func interruptSave(_ signal: Int32, folder: URL, model: String) throws -> (Process, caught: Bool) {
        // The test runner may ignore SIGINT and SIGTERM, and ignored signals are inherited (and
        // rightly left ignored by tracer, as `nohup` expects): start tracer with the defaults.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "--default-signal=INT,TERM", tracerExecutable().path, "train", "--data", folder.path, "--hidden", "4096,2048", "--epochs", "1", "--limit", "8",
            "--out", folder.appendingPathComponent("out").path, "--save", model,
        ]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let temporary = folder.appendingPathComponent(".m.bin.tmp-\(process.processIdentifier)").path
        var caught = false
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline {
            if FileManager.default.fileExists(atPath: temporary) {
                kill(process.processIdentifier, signal)
                caught = true
                break
            }
            usleep(200)
        }
        if !caught { process.terminate() }
        process.waitUntilExit()
        return (process, caught)
    }

    @Test("SIGINT and SIGTERM during train --save remove the temporary and keep the old model", arguments: [
        SIGINT, SIGTERM,
    ])
    func interrupted(signal: Int32) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try writeTinyDigits(to: folder, trainCount: 8, testCount: 4)
        let model = folder.appendingPathComponent("m.bin").path
        try Data("the old model".utf8).write(to: URL(fileURLWithPath: model))
        let (process, caught) = try interruptSave(signal, folder: folder, model: model)
        try #require(caught, "the save finished before the signal could be sent")
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == signal)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(!names.contains { $0.contains(".tmp-") }, "\(names)")
        #expect(try String(contentsOfFile: model, encoding: .utf8) == "the old model")
    }

    @Test("after SIGKILL the temporary stays, and the next save into the folder removes it")
    func killed() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try writeTinyDigits(to: folder, trainCount: 8, testCount: 4)
        let model = folder.appendingPathComponent("m.bin").path
        let (process, caught) = try interruptSave(SIGKILL, folder: folder, model: model)
        try #require(caught, "the save finished before the signal could be sent")
        let leftover = ".m.bin.tmp-\(process.processIdentifier)"
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).contains(leftover))
        let again = try runTracer([
            "train", "--data", folder.path, "--hidden", "4", "--epochs", "1", "--out", folder.path, "--save", model,
        ])
        #expect(again.status == 0, "\(again.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(!names.contains { $0.contains(".tmp-") }, "\(names)")
    }
}

@Suite("Hostile lesson files")
struct HostileLessonCLITests {
    /// Every number of the front matter (outside comments) replaced by `value`.
    func replacingNumbers(in text: String, with value: String) -> String {
        let parts = text.components(separatedBy: "\n---")
        let lines = parts[0].components(separatedBy: "\n").map { line -> String in
            let code = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
            return replacingNumbers(inLine: Array(code[0]), with: value) + (code.count > 1 ? "#" + code[1] : "")
        }
        return ([lines.joined(separator: "\n")] + parts.dropFirst()).joined(separator: "\n---")
    }

    /// Numbers (-12, 0.5, 1e-3) that stand alone, not inside a word like "x1" or "28x28".
    func replacingNumbers(inLine characters: [Character], with value: String) -> String {
        func isWord(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" || c == "." }
        var result = "", i = 0
        while i < characters.count {
            var j = i
            if characters[j] == "-" { j += 1 }
            let digitsStart = j
            while j < characters.count, characters[j].isNumber || characters[j] == "." || characters[j] == "e"
                || characters[j] == "E" || ((characters[j] == "-" || characters[j] == "+") && "eE".contains(characters[j - 1]))
            {
                j += 1
            }
            let standsAlone = (i == 0 || !isWord(characters[i - 1])) && (j == characters.count || !isWord(characters[j]))
            if j > digitsStart, characters[digitsStart].isNumber, standsAlone, Double(String(characters[i..<j])) != nil {
                result += value
                i = j
            } else {
                result.append(characters[i])
                i += 1
            }
        }
        return result
    }

    @Test("every number replaced by 3.5e38 (or 1e308, -1e39) is refused with the file and line", arguments: [
        "3.5e38", "1e308", "-1e39",
    ])
    func extremeNumbers(value: String) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let lessons = try copyOfLessons(in: folder)
        for number in 1...12 {
            let file = try lessonFile(number, in: lessons)
            let text = try String(contentsOf: file, encoding: .utf8)
            try replacingNumbers(in: text, with: value).write(to: file, atomically: true, encoding: .utf8)
            let result = try runTracer([
                "lesson", "\(number)", "--lessons-dir", lessons.path, "--out", folder.appendingPathComponent("out").path,
            ])
            expectOneLineError(result, mentioning: [file.lastPathComponent + ":", "expected"])
            #expect(!result.stdout.contains("inf") && !result.stdout.contains("nan"))
        }
    }

    /// Lesson 1 of a fresh copy, its text changed by `edit`, run; the result.
    func runEditedLessonOne(_ edit: (String) -> String) throws -> CLIResult {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let lessons = try copyOfLessons(in: folder)
        let file = try lessonFile(1, in: lessons)
        try edit(try String(contentsOf: file, encoding: .utf8)).write(to: file, atomically: true, encoding: .utf8)
        return try runTracer(["lesson", "1", "--lessons-dir", lessons.path, "--out", folder.appendingPathComponent("o").path])
    }

    @Test("a key given twice is refused with the line of the second")
    func duplicateKey() throws {
        let result = try runEditedLessonOne { $0.replacingOccurrences(of: "---\ntitle:", with: "---\ntitle: First\ntitle:") }
        expectOneLineError(result, mentioning: [":3:", "'title' is given twice", "line 2"])
    }

    @Test("a NUL or other control character is one line of error naming its line", arguments: ["\u{0}", "\u{1B}", "\r"])
    func controlCharacter(character: String) throws {
        let result = try runEditedLessonOne { $0.replacingOccurrences(of: "---\ntitle: ", with: "---\ntitle: A\(character)B ") }
        expectOneLineError(result, mentioning: [":2:", "control character"])
    }

    @Test("an escaped line break in a quoted title is refused, in one line")
    func escapedLineBreak() throws {
        let result = try runEditedLessonOne {
            $0.replacingOccurrences(of: "---\ntitle: ", with: "---\ntitle: \"one\\ntwo\\u0000\"\nold_title: ")
        }
        expectOneLineError(result, mentioning: ["title", "control character"])
    }

    @Test("thousands of nested brackets or list markers are refused before the YAML parser sees them", arguments: [
        ("deep: ", "[", ":2:"), ("deep: ", "{a: ", ":2:"), ("deep:\n", "- ", ":3:"),
    ])
    func deepNesting(key: String, opening: String, line: String) throws {
        let result = try runEditedLessonOne {
            $0.replacingOccurrences(
                of: "---\ntitle:", with: "---\n" + key + String(repeating: opening, count: 5000) + "1\ntitle:")
        }
        expectOneLineError(result, mentioning: [line, "nests"])
    }

    @Test("aliases that expand to a billion values are refused, quickly")
    func aliasBomb() throws {
        var bomb = "a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
        for level in 1...9 {
            bomb += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        let started = Date()
        let result = try runEditedLessonOne { $0.replacingOccurrences(of: "---\ntitle:", with: "---\n" + bomb + "title:") }
        expectOneLineError(result, mentioning: ["values once its aliases are expanded"])
        #expect(Date().timeIntervalSince(started) < 30)
    }

    @Test("a lessons folder without numbered lesson files is an error for lessons and list")
    func emptyLessonsFolder() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "# notes\n".write(to: folder.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        for command in [["lessons"], ["list"]] {
            let result = try runTracer(command + ["--lessons-dir", folder.path])
            expectOneLineError(result, mentioning: [folder.path, "no lesson files"])
        }
    }

    @Test("lesson 13 --json without MNIST prints an object saying it was skipped and why")
    func lessonThirteenSkipped() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try runTracer(
            ["lesson", "13", "--json", "--lessons-dir", packageLessons.path, "--out", folder.path],
            environment: ["MNIST_DIR": folder.appendingPathComponent("none").path])
        #expect(result.status == 0, "\(result.stderr)")
        let objects = jsonLines(result.stdout)
        #expect(objects.count == 1)
        #expect(objects.first?["lesson"] as? Int == 13)
        #expect(objects.first?["skipped"] as? Bool == true)
        let reason = objects.first?["reason"] as? String
        #expect(reason?.contains("tracer download") == true, "\(String(describing: reason))")
    }
}

@Suite("Predicted pictures' names")
struct PredictNameCLITests {
    @Test("images with the same name in two folders get two pictures; a 250-byte name works")
    func collidingAndLongNames() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try writeTinyDigits(to: folder)
        let model = folder.appendingPathComponent("m.bin").path
        let train = try runTracer(
            ["train", "--data", folder.path, "--hidden", "8", "--epochs", "1", "--out", folder.path, "--save", model])
        #expect(train.status == 0, "\(train.stderr)")
        let picture = folder.appendingPathComponent("confusion.png")
        let longName = String(repeating: "d", count: 246) + ".png"  // 250 bytes
        for path in ["x/digit.png", "y/digit.png", longName] {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: picture, to: url)
        }
        let out = folder.appendingPathComponent("predicted")
        let result = try runTracer(
            ["predict", "--model", model, "--out", out.path, "--json", "x/digit.png", "y/digit.png", longName],
            directory: folder)
        #expect(result.status == 0, "\(result.stderr)")
        let written = jsonLines(result.stdout).compactMap { $0["picture"] as? String }
        #expect(written.count == 3 && Set(written).count == 3, "\(written)")
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(names.count == 3 && names.contains("predict-digit.png") && names.contains("predict-digit-2.png"))
        #expect(names.allSatisfy { $0.utf8.count <= 255 && !$0.hasPrefix(".") }, "\(names)")
    }
}

@Suite("Download options")
struct DownloadOptionCLITests {
    @Test("a timeout or mirror URL that URLSession cannot take is a usage error, not a trap", arguments: [
        ["--timeout", "inf"], ["--timeout", "1e300"], ["--timeout", "nan"], ["--mirror", "http://"],
        ["--mirror", "http://127.0.0.1:99999/"],
    ])
    func badOptions(arguments: [String]) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try runTracer(["download", "--data", folder.path] + arguments)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains(arguments[0]))
    }
}
