// `tracer list`: the lessons with their numbers and titles, read from the lesson files.
import ArgumentParser
import Lessons
import SafeIO

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the lessons with their titles.")

    @Option(
        help: ArgumentHelp(
            "Folder of lesson files (default: ./lessons, else the one beside the tracer's package).", valueName: "DIR"))
    var lessonsDir: String?

    func run() throws {
        do {
            let context = try LessonPrinting.context(lessonsDir: lessonsDir)
            for lesson in try LessonRunner.titles(context: context) {
                StandardOutput.write("\(lesson.number < 10 ? " " : "")\(lesson.number)  \(lesson.title)\n")
            }
        } catch let error as LessonError {
            LessonPrinting.fail(error.description)
        }
    }
}
