// `tracer lesson`: not built yet.
import ArgumentParser

struct LessonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lesson", abstract: "(not built yet)")
    func run() throws { throw ValidationError("'tracer lesson' is not built yet") }
}
