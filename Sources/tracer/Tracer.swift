// The `tracer` command: the root of the subcommands. Thin by design: parse, call a module, report.
import ArgumentParser

struct Tracer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tracer",
        abstract: "Step-by-step, visual neural networks: numbered lessons, then full MNIST.",
        subcommands: [
            LessonsCommand.self, LessonCommand.self, ListCommand.self,
            TrainCommand.self, EvalCommand.self, PredictCommand.self, ExplainCommand.self, DownloadCommand.self,
            BenchCommand.self,
        ])
}
