// `tracer eval`: not built yet.
import ArgumentParser

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "eval", abstract: "(not built yet)")
    func run() throws { throw ValidationError("'tracer eval' is not built yet") }
}
