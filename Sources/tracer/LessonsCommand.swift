// `tracer lessons`: not built yet.
import ArgumentParser

struct LessonsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lessons", abstract: "(not built yet)")
    func run() throws { throw ValidationError("'tracer lessons' is not built yet") }
}
