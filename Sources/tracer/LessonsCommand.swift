// `tracer lessons`: runs every lesson in order, printing each trace and writing its files. Also
// the options and printing the three lesson commands share. The lessons themselves are in Lessons.
import ArgumentParser
import Foundation
import Lessons
import SafeIO

/// Options of `tracer lessons` and `tracer lesson N`.
struct LessonRunOptions: ParsableArguments {
    @Flag(help: "Print one JSON object per step instead of text.")
    var json = false

    @Flag(help: "Print only each lesson's results.")
    var quiet = false

    @Option(help: ArgumentHelp("Folder for the outputs (trace.txt, trace.jsonl, pictures).", valueName: "DIR"))
    var out = "output"

    @Option(
        help: ArgumentHelp(
            "Folder of lesson files (default: ./lessons, else the one beside the tracer's package).", valueName: "DIR"))
    var lessonsDir: String?
}

/// Running lessons and reporting errors the way every lesson command does.
enum LessonPrinting {
    static func context(lessonsDir: String?) throws -> LessonContext {
        LessonContext(catalog: try LessonCatalog(directory: LessonCatalog.locate(explicit: lessonsDir)))
    }

    /// Runs `numbers` in order: prints each trace, writes its files. Errors end the run with exit 1.
    static func run(_ numbers: (LessonContext) throws -> [Int], options: LessonRunOptions) throws {
        do {
            let context = try context(lessonsDir: options.lessonsDir)
            let style = TextStyle(
                width: terminalWidth(),
                colour: !options.json && isatty(STDOUT_FILENO) == 1
                    && ProcessInfo.processInfo.environment["NO_COLOR"] == nil, quiet: options.quiet)
            let output = URL(fileURLWithPath: options.out)
            for (position, number) in try numbers(context).enumerated() {
                let trace = try LessonRunner.run(number, context: context)
                try LessonRunner.writeOutputs(trace, to: output)
                if options.json {
                    StandardOutput.write(LessonRunner.jsonLines(trace))
                } else {
                    if position > 0 { StandardOutput.write("\n") }
                    StandardOutput.write(TraceText.render(trace, style: style))
                }
            }
        } catch let error as LessonError {
            fail(error.description)
        }
    }

    static func fail(_ message: String) -> Never {
        StandardError.writeLine("error: \(message)")
        Foundation.exit(1)
    }

    /// `COLUMNS`, else the terminal's width, else 80.
    static func terminalWidth() -> Int {
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 {
            return columns
        }
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 { return Int(size.ws_col) }
        return 80
    }
}

struct LessonsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lessons", abstract: "Run every lesson in order, printing each step and writing output/lessons/.")

    @OptionGroup var options: LessonRunOptions

    func run() throws {
        try LessonPrinting.run({ try $0.catalog.someNumbers() }, options: options)
    }
}
