// `tracer lesson N`: runs one lesson, printing each step and writing its files.
import ArgumentParser
import Lessons

struct LessonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesson", abstract: "Run one lesson, printing each step and writing output/lessons/NN-slug/.")

    @Argument(help: "The lesson number (see 'tracer list').")
    var number: Int

    @OptionGroup var options: LessonRunOptions

    func run() throws {
        let number = self.number
        try LessonPrinting.run({ _ in [number] }, options: options)
    }
}
