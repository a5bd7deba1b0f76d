// What `tracer train` shows while it works: a progress bar redrawn in place on a terminal, and one
// line per epoch. Only text; deciding whether stdout is a terminal is `Terminal.isInteractive`.
import Foundation
import NeuralCore
import SafeIO

public enum ProgressLine {
    /// `epoch 2/5 [########------------]  375/938  loss 0.2141  acc 93.72%  190,112 img/s  ETA 0.2s`
    public static func bar(epoch: Int, epochs: Int, progress: BatchProgress, seconds: Double, width: Int = 24) -> String
    {
        bar(
            epoch: epoch, epochs: epochs, batchesDone: progress.batchesDone, batchCount: progress.batchCount,
            examplesSeen: progress.examplesSeen, meanLoss: progress.meanLoss, correct: progress.correct,
            seconds: seconds, width: width)
    }

    public static func bar(
        epoch: Int, epochs: Int, batchesDone: Int, batchCount: Int, examplesSeen: Int, meanLoss: Float, correct: Int,
        seconds: Double, width: Int = 24
    ) -> String {
        let progress = (
            batchesDone: batchesDone, batchCount: batchCount, examplesSeen: examplesSeen, meanLoss: meanLoss,
            correct: correct
        )
        let fraction = Double(progress.batchesDone) / Double(Swift.max(progress.batchCount, 1))
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let rate = Double(progress.examplesSeen) / Swift.max(seconds, 1e-9)
        let remaining = seconds / Swift.max(fraction, 1e-9) - seconds
        let accuracy = Double(progress.correct) / Double(Swift.max(progress.examplesSeen, 1))
        let batchWidth = String(progress.batchCount).count
        return
            "epoch \(epoch)/\(epochs) [\(bar)] \(pad(String(progress.batchesDone), batchWidth))/\(progress.batchCount)"
            + "  loss \(fixed(progress.meanLoss, 4))  acc \(percent(accuracy))  \(grouped(Int(rate))) img/s"
            + "  ETA \(duration(remaining))"
    }

    /// `epoch 2/5  train loss 0.1043  train acc 96.91%  val acc 97.02%  0.31 s  193,548 img/s  dead 3.1%  upd/w 1.2e-03,8.0e-04  |g| 2.1e-01,9.0e-02`
    public static func epochSummary(_ record: EpochRecord, epochs: Int) -> String {
        "epoch \(record.epoch)/\(epochs)  train loss \(fixed(record.trainLoss, 4))  train acc \(percent(record.trainAccuracy))"
            + (record.validationAccuracy.map { "  val acc \(percent($0))" } ?? "")
            + "  \(String(format: "%.2f", record.seconds)) s"
            + "  \(grouped(Int(record.imagesPerSecond.rounded()))) img/s  \(record.diagnostics.summary)"
    }

    public static func percent(_ fraction: Double) -> String { String(format: "%.2f%%", fraction * 100) }

    static func fixed(_ value: Float, _ digits: Int) -> String {
        value.isFinite ? String(format: "%.\(digits)f", Double(value)) : TraceNumber.format(value)
    }

    /// 1234567 -> "1,234,567".
    public static func grouped(_ value: Int) -> String {
        let digits = String(abs(value))
        var result = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { result += "," }
            result.append(c)
        }
        return (value < 0 ? "-" : "") + result
    }

    /// "0.4s", "12s", "3m05s".
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite && seconds >= 0 else { return "?" }
        if seconds < 10 { return String(format: "%.1fs", seconds) }
        if seconds < 60 { return "\(Int(seconds.rounded()))s" }
        let whole = Int(seconds.rounded())
        return String(format: "%dm%02ds", whole / 60, whole % 60)
    }

    static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: Swift.max(0, width - text.count)) + text
    }
}

public enum Terminal {
    /// Whether standard output is a terminal (then progress is redrawn in place with \r).
    public static var isInteractive: Bool { isatty(STDOUT_FILENO) != 0 }

    /// Writes `text` to stdout now, unbuffered (progress must appear before the epoch ends).
    /// The training commands write all their output through here, never `print`, so that the two
    /// never interleave out of order.
    public static func write(_ text: String) {
        StandardOutput.write(text)  // checked: a full disk is an error, not a silent loss
    }

    /// Writes `lines`, each with a newline, in one write.
    public static func writeLines(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        write(lines.joined(separator: "\n") + "\n")
    }

    /// Writes one line to stderr.
    public static func writeError(_ text: String) {
        StandardError.writeLine(text)
    }
}
