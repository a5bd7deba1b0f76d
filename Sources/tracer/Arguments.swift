// The option types argument-parser reads directly: a bad value is its usage error (exit 64) naming
// the flag and the choices, with no hand-written check and no force unwrap after it.
import ArgumentParser
import Datasets
import Foundation
import Training

extension DatasetKind: ExpressibleByArgument {}
extension LearningRateSchedule: ExpressibleByArgument {}

/// `--hidden 128`, `--hidden 512,256`, or `--hidden none` (also 0) for no hidden layer.
struct HiddenLayers: ExpressibleByArgument, Sendable {
    let sizes: [Int]

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces).lowercased()
        if text == "none" || text == "0" {
            sizes = []
            return
        }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        let sizes = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, sizes.count == parts.count, parts.count <= 8,
            sizes.allSatisfy({ (1...8192).contains($0) })
        else { return nil }
        self.sizes = sizes
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
