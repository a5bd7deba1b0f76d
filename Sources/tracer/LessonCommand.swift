// `tracer lesson N`: runs one lesson, printing each step and writing its files; with --quiz it
// stops at the lesson's quiz steps and reads the learner's answers from standard input.
import ArgumentParser
import Foundation
import Lessons
import SafeIO

struct LessonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesson", abstract: "Run one lesson, printing each step and writing output/lessons/NN-slug/.")

    @Argument(help: "The lesson number (see 'tracer list').")
    var number: Int

    @Flag(
        help: "Stop at the steps the lesson file names under 'quiz' and ask for each value (read from standard input).")
    var quiz = false

    @OptionGroup var options: LessonRunOptions

    func validate() throws {
        if quiz && (options.json || options.quiet) {
            throw ValidationError("--quiz prints the whole text; leave out --json and --quiet")
        }
    }

    func run() throws {
        let number = self.number
        guard quiz else { return try LessonPrinting.run({ _ in [number] }, options: options) }
        do {
            let context = try LessonPrinting.context(lessonsDir: options.lessonsDir)
            let trace = try LessonRunner.run(number, context: context)
            try LessonRunner.writeOutputs(trace, to: URL(fileURLWithPath: options.out))
            _ = try Quiz.run(
                trace, file: try context.catalog.file(number), style: TextStyle(width: LessonPrinting.terminalWidth()),
                read: { readLine() }, write: { StandardOutput.write($0) })
        } catch let error as LessonError {
            LessonPrinting.fail(error.description)
        }
    }
}
