// The JSON lines (each parses, keys in a stable order, the stable step names present) and the
// files a lesson run writes.
import Foundation
import Testing

@testable import Lessons

@Suite struct OutputTests {
    @Test("JSON lines parse and carry the lesson number", arguments: 1...13)
    func jsonLinesParse(_ number: Int) throws {
        let trace = try runLesson(number)
        for line in TraceJSON.render(trace).split(separator: "\n") {
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
            #expect(object["lesson"] as? Int == number)
            #expect(object["step"] is String && object["label"] is String && object["value"] != nil)
            #expect(line.hasPrefix("{\"lesson\":\(number),\"step\":"))
        }
    }

    @Test func stableStepNames() throws {
        var names: Set<String> = []
        for number in 1...12 { names.formUnion(try runLesson(number).steps.map(\.name)) }
        for name in [
            "input", "weights", "bias", "product", "z", "activation", "output", "target", "loss",
            "gradient_numeric", "gradient_backprop", "update",
        ] {
            #expect(names.contains(name), "no step named \(name)")
        }
    }

    @Test func issueExampleLine() throws {
        let line = TraceJSON.render(try runLesson(6)).split(separator: "\n").first { $0.contains("\"product\"") }
        #expect(
            line
                == #"{"lesson":6,"step":"product","index":[0,0,0],"layer":1,"label":"x0*w0","value":0.3,"formula":"3*0.1"}"#
        )
    }

    @Test func updatesCarryParamIndexAndIteration() throws {
        let updates = try runLesson(10).steps.filter { $0.name == "update" }
        #expect(!updates.isEmpty)
        #expect(updates.allSatisfy { $0.param != nil && $0.index != nil && $0.iteration != nil })
    }

    @Test func writesTraceFiles() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("lessons-out-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let trace = try runLesson(5)
        let folder = try LessonRunner.writeOutputs(trace, to: output)
        #expect(folder.path.hasSuffix("lessons/05-flattening"))
        let text = try String(contentsOf: folder.appendingPathComponent("trace.txt"), encoding: .utf8)
        #expect(text == TraceText.render(trace, style: TextStyle()))
        let json = try String(contentsOf: folder.appendingPathComponent("trace.jsonl"), encoding: .utf8)
        #expect(json == TraceJSON.render(trace))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter {
            !$0.hasSuffix(".txt") && !$0.hasSuffix(".jsonl") && !$0.hasSuffix(".png")
        }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
    }

    @Test func writesPictures() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("lessons-png-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let folder = try LessonRunner.writeOutputs(try runLesson(6), to: output)
        for name in ["image.png", "weights.png", "contributions.png"] {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            #expect(data.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(name) is a PNG")
        }
    }

    @Test("every lesson draws at least one picture, written as PNG", arguments: 1...12)
    func everyLessonWritesPictures(_ number: Int) throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("lessons-all-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let trace = try runLesson(number)
        #expect(!trace.pictures.isEmpty, "lesson \(number) draws no picture")
        let folder = try LessonRunner.writeOutputs(trace, to: output)
        for (name, _) in trace.pictures {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            #expect(data.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(name) of lesson \(number) is a PNG")
        }
    }

    @Test func unwritableOutputIsAnError() throws {
        #expect(throws: LessonError.self) {
            try LessonRunner.writeOutputs(try runLesson(2), to: URL(fileURLWithPath: "/proc/neuraltracer-cannot-write"))
        }
    }
}
