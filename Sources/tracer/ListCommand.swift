// `tracer list`: not built yet.
import ArgumentParser

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "(not built yet)")
    func run() throws { throw ValidationError("'tracer list' is not built yet") }
}
