// Every lesson's text trace (80 columns, no colour) against its recorded snapshot. Re-record on
// purpose with NEURALTRACER_RECORD_SNAPSHOTS=1 (that run fails: it checked nothing); a missing
// snapshot fails rather than recording.
import Foundation
import Testing

@testable import Lessons

@Suite struct SnapshotTests {
    static let recording = ProcessInfo.processInfo.environment["NEURALTRACER_RECORD_SNAPSHOTS"] == "1"

    @Test("text trace matches its snapshot", arguments: 1...13)
    func snapshot(_ number: Int) throws {
        let trace = try runLesson(number)
        let text = TraceText.render(trace, style: TextStyle())
        let url = snapshotsDirectory.appendingPathComponent("\(trace.slug).txt")
        if Self.recording {
            try FileManager.default.createDirectory(at: snapshotsDirectory, withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            // A run that writes the snapshots has checked nothing: it fails, so that it can never
            // pass for a real run. Review the diff, then run again without the variable.
            Issue.record("Re-recorded \(url.lastPathComponent); review the diff and rerun without NEURALTRACER_RECORD_SNAPSHOTS")
            return
        }
        guard let recorded = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record(
                "No snapshot \(url.lastPathComponent); record it with NEURALTRACER_RECORD_SNAPSHOTS=1 swift test --filter LessonsTests, then review it"
            )
            return
        }
        if recorded != text {
            let got = text.components(separatedBy: "\n"), want = recorded.components(separatedBy: "\n")
            let line = (0..<min(got.count, want.count)).first { got[$0] != want[$0] } ?? min(got.count, want.count)
            Issue.record(
                """
                Lesson \(number)'s trace differs from \(url.lastPathComponent) at line \(line + 1):
                  snapshot: \(line < want.count ? want[line] : "(end)")
                  now:      \(line < got.count ? got[line] : "(end)")
                If the change is intended, re-record with NEURALTRACER_RECORD_SNAPSHOTS=1 and review the diff.
                """)
        }
    }

    @Test func textHasNoColourUnlessAsked() throws {
        let trace = try runLesson(6)
        #expect(!TraceText.render(trace, style: TextStyle()).contains("\u{1B}["))
        #expect(TraceText.render(trace, style: TextStyle(colour: true)).contains("\u{1B}["))
    }

    @Test func narrativeWrapsToTheWidth() throws {
        let trace = try runLesson(8)
        let text = TraceText.render(trace, style: TextStyle(width: 50))
        var inNarrative = false
        for line in text.components(separatedBy: "\n") {
            // Narrative lines are not indented; step lines start with two spaces and may be long.
            if !line.hasPrefix("  ") && !line.isEmpty { inNarrative = true }
            if inNarrative && !line.hasPrefix("  ") { #expect(line.count <= 50, "too wide: \(line)") }
        }
    }

    @Test func quietShowsOnlyResults() throws {
        let trace = try runLesson(6)
        let quiet = TraceText.render(trace, style: TextStyle(quiet: true))
        #expect(quiet.contains("a = max(-0.2599999, 0) = 0"))
        #expect(!quiet.contains("x0*w0"))
        #expect(!quiet.contains("## Products"))
    }
}
