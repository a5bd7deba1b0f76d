// Helpers for the lesson tests: where the repository's lessons/ and the snapshots are (found from
// this file's path, not from SwiftPM resources), running a lesson, and the approximate equality.
import Foundation
import NeuralCore
import Testing

@testable import Lessons

/// The repository root: Tests/LessonsTests/Support.swift is three levels below it.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let lessonsDirectory = repositoryRoot.appendingPathComponent("lessons")
let snapshotsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

/// A context on `directory` (the repository's lessons by default) with no MNIST, so lesson 13's
/// trace does not depend on the machine.
func lessonContext(_ directory: URL = lessonsDirectory) throws -> LessonContext {
    LessonContext(
        catalog: try LessonCatalog(directory: directory),
        mnistDirectory: URL(fileURLWithPath: "/nonexistent/neuraltracer-test-mnist"))
}

func runLesson(_ number: Int, in directory: URL = lessonsDirectory) throws -> LessonTrace {
    try LessonRunner.run(number, context: lessonContext(directory))
}

/// The first recorded step with `name` and `label`.
func value(_ trace: LessonTrace, _ name: String, label: String) -> Float? {
    trace.steps.first { $0.name == name && $0.label == label }?.value.numbers.first
}

/// |a - b| <= absolute + relative * max(|a|, |b|).
func isClose(_ a: Float?, _ b: Float, absolute: Float, relative: Float = 0) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= absolute + relative * max(abs(a), abs(b))
}

/// A copy of the repository's lessons in a fresh temporary folder, to edit.
func temporaryLessonsCopy() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lessons-test-\(UUID().uuidString)")
    try FileManager.default.copyItem(at: lessonsDirectory, to: folder)
    return folder
}

/// Replaces `old` with `new` in lesson file `name` of `folder` (which must contain `old`).
func edit(_ folder: URL, _ name: String, replacing old: String, with new: String) throws {
    let url = folder.appendingPathComponent(name)
    let text = try String(contentsOf: url, encoding: .utf8)
    #expect(text.contains(old), "\(name) should contain \(old)")
    try text.replacingOccurrences(of: old, with: new).write(to: url, atomically: true, encoding: .utf8)
}
