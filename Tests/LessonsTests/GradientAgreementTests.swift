// Lesson 8 (nudging) against lesson 9 (backpropagation): the same parameters, the same slopes.
import Foundation
import Testing

@testable import Lessons

@Suite struct GradientAgreementTests {
    @Test func nudgedAndBackpropGradientsAgree() throws {
        let nudged = try runLesson(8).steps.filter { $0.name == "gradient_numeric" }
        let backprop = try runLesson(9).steps.filter { $0.name == "gradient_backprop" }
        #expect(nudged.count == 23)  // 9*2 + 2 + 2*1 + 1 parameters
        #expect(backprop.count == nudged.count)
        for numeric in nudged {
            let twin = try #require(
                backprop.first { $0.param == numeric.param && $0.index == numeric.index },
                "no backprop gradient for \(numeric.label)")
            let a = numeric.value.numbers[0], b = twin.value.numbers[0]
            // Relative error 1e-3, with an absolute floor of 1e-3 for gradients near zero: central
            // differences with h = 0.001 in Float32 are good to a few parts in 1e5 here.
            #expect(abs(a - b) <= 1e-3 * max(abs(a), abs(b), 1), "\(numeric.label): nudged \(a), backprop \(b)")
        }
    }
}
