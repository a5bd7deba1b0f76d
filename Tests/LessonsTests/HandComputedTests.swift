// Lessons 2, 5, 6 and 7 against numbers worked out by hand, with the arithmetic written here.
// Tolerances are for Float32 rounding of a handful of operations.
import Foundation
import Testing

@testable import Lessons

@Suite struct HandComputedTests {
    @Test func lesson2TheNeuron() throws {
        let trace = try runLesson(2)
        let z = trace.steps.filter { $0.name == "z" }.map { $0.value.numbers[0] }
        // One input: 3*0.1 + 0.05 = 0.3 + 0.05 = 0.35.
        #expect(isClose(z[0], 0.35, absolute: 1e-6))
        // Several: 3*0.1 + 0*(-0.2) + 1*0.3 + 0.05 = 0.3 + 0 + 0.3 + 0.05 = 0.65.
        #expect(isClose(z[1], 0.65, absolute: 1e-6))
        #expect(isClose(value(trace, "product", label: "x1*w1"), 0, absolute: 0))  // 0*(-0.2)
        #expect(isClose(value(trace, "product", label: "x2*w2"), 0.3, absolute: 1e-7))  // 1*0.3
    }

    @Test func lesson5Flattening() throws {
        let trace = try runLesson(5)
        // Rows [3,0,1], [5,9,2], [0,4,7] read one after another.
        let input = try #require(trace.steps.first { $0.name == "input" })
        #expect(input.value.numbers == [3, 0, 1, 5, 9, 2, 0, 4, 7])
        // image[1,2] goes to position 1*3 + 2 = 5, and holds 2.
        #expect(value(trace, "flatten", label: "image[1,2] -> x5") == 2)
        // image[2,1] goes to position 2*3 + 1 = 7, and holds 4.
        #expect(value(trace, "flatten", label: "image[2,1] -> x7") == 4)
        #expect(trace.steps.filter { $0.name == "flatten" }.count == 9)
    }

    @Test func lesson6DotProduct() throws {
        let trace = try runLesson(6)
        // Products x_i*w_i: 3*0.1 = 0.3, 0*(-0.2) = 0, 1*0.3 = 0.3, 5*(-0.1) = -0.5, 9*0.05 = 0.45,
        // 2*(-0.2) = -0.4, 0*0.1 = 0, 4*(-0.1) = -0.4, 7*0.02 = 0.14.
        let expected: [Float] = [0.3, 0, 0.3, -0.5, 0.45, -0.4, 0, -0.4, 0.14]
        let products = trace.steps.filter { $0.name == "product" }.map { $0.value.numbers[0] }
        #expect(products.count == 9)
        for (got, want) in zip(products, expected) { #expect(isClose(got, want, absolute: 1e-6)) }
        // Running sums: 0.3, 0.3, 0.6, 0.1, 0.55, 0.15, 0.15, -0.25, -0.11.
        let running = trace.steps.filter { $0.name == "running_sum" }.map { $0.value.numbers[0] }
        for (got, want) in zip(running, [0.3, 0.3, 0.6, 0.1, 0.55, 0.15, 0.15, -0.25, -0.11] as [Float]) {
            #expect(isClose(got, want, absolute: 1e-6))
        }
        // z = -0.11 + (-0.15) = -0.26 (in Float -0.2599999); ReLU: max(-0.26, 0) = 0.
        #expect(isClose(value(trace, "z", label: "z"), -0.26, absolute: 1e-6))
        #expect(value(trace, "activation", label: "a") == 0)
        #expect(TraceText.render(trace, style: TextStyle()).contains("a = max(-0.2599999, 0) = 0"))
    }

    @Test func lesson7LayerAndLoss() throws {
        let trace = try runLesson(7)
        // Pixels sum to 3+0+1+5+9+2+0+4+7 = 31.
        // z0 = -0.26 (lesson 6); z1 = 0.1*31 - 3 = 0.1; z2 = 0.1*9 + 0.1 = 1.0.
        let output = try #require(trace.steps.first { $0.name == "output" }).value.numbers
        #expect(isClose(output[0], -0.26, absolute: 1e-6))
        #expect(isClose(output[1], 0.1, absolute: 1e-5))
        #expect(isClose(output[2], 1.0, absolute: 1e-6))
        // Mean squared error against [0, 0, 1]: ((-0.26)^2 + 0.1^2 + 0^2) / 3 = (0.0676 + 0.01) / 3 = 0.025867.
        let losses = trace.steps.filter { $0.name == "loss" }.map { $0.value.numbers[0] }
        #expect(isClose(losses[0], 0.0258667, absolute: 1e-6))
        // Softmax: exp(-0.26) = 0.771052, exp(0.1) = 1.105171, exp(1) = 2.718282, sum 4.594505;
        // p2 = 2.718282 / 4.594505 = 0.591638; cross-entropy -ln(0.591638) = 0.524862.
        let softmax = try #require(trace.steps.first { $0.name == "softmax" }).value.numbers
        #expect(isClose(softmax[0], 0.771052 / 4.594505, absolute: 1e-5))
        #expect(isClose(softmax[2], 0.591638, absolute: 1e-5))
        #expect(isClose(losses[1], 0.524862, absolute: 1e-5))
    }
}
