// Lesson 13, on to MNIST: one real test digit through a small network (placeholder until the
// data reader is wired in); says how to get MNIST when it is missing.
import Foundation
import NeuralCore

enum Lesson13MNIST: Lesson {
    static func run(_ log: LessonLog, context: LessonContext) throws {
        try log.explain("Getting MNIST")
        log.note("MNIST is not in \(context.mnistDirectory.path). Run 'tracer download' (or set MNIST_DIR) and rerun this lesson.", isResult: true)
    }
}
