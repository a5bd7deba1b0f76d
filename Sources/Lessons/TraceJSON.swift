// The machine form of a trace: one JSON object per recorded step, keys in a fixed order
// (lesson, step, index, param, layer, iteration, label, value, formula). Narrative is left out.
import Foundation
import NeuralCore

public enum TraceJSON {
    /// Every step of `trace` as JSON lines, each ending with a newline.
    public static func render(_ trace: LessonTrace) -> String {
        trace.steps.map { line(for: $0, lesson: trace.number) + "\n" }.joined()
    }

    /// {"lesson":6,"step":"product","index":[0],"layer":1,"label":"x0*w0","value":0.3,"formula":"3*0.1"}
    public static func line(for step: TraceStep, lesson: Int) -> String {
        step.json(leading: [("lesson", .integer(lesson))]).text
    }
}
