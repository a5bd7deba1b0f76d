// `tracer download`: not built yet.
import ArgumentParser

struct DownloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "download", abstract: "(not built yet)")
    func run() throws { throw ValidationError("'tracer download' is not built yet") }
}
