// `tracer predict`: not built yet.
import ArgumentParser

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "predict", abstract: "(not built yet)")
    func run() throws { throw ValidationError("'tracer predict' is not built yet") }
}
