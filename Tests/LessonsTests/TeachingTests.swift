// The material of issue 9, checked against independent references: lesson 8's secant slopes and
// derivative against the line's loss and its derivative worked out in Double from lesson 1's file;
// lesson 11's runs reaching every example and starting near ln(classes); the sentences on both
// sides of their conclusions.
import Foundation
import NeuralCore
import Testing

@testable import Lessons

@Suite struct TeachingTests {
    /// Lesson 1's samples and guess, as written in its file.
    let xs: [Double] = [-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2]
    let ts: [Double] = [1.9, 1.1, 0.5, 0.1, 0, 0.15, 0.55, 1.2, 2.1]
    let b = 0.3

    func lineLoss(_ w: Double) -> Double {
        zip(xs, ts).map { (w * $0 + b - $1) * (w * $0 + b - $1) }.reduce(0, +) / Double(xs.count)
    }

    func lineDerivative(_ w: Double) -> Double {
        zip(xs, ts).map { 2 * (w * $0 + b - $1) * $0 }.reduce(0, +) / Double(xs.count)
    }

    func squeezed(_ text: String) -> String { text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }

    @Test func lesson8SecantsConvergeOnTheDerivative() throws {
        let trace = try runLesson(8)
        let w = 0.5
        let secants = trace.steps.filter { $0.kind == .secantSlope }
        #expect(secants.count == 4)
        var previousGap = Double.infinity
        for (secant, h) in zip(secants, [1.0, 0.1, 0.01, 0.001]) {
            let slope = Double(secant.value.numbers[0])
            let expected = (lineLoss(w + h) - lineLoss(w)) / h
            // Float losses differ from the exact ones by about 1e-7; divided by h.
            #expect(abs(slope - expected) <= 1e-6 / h + 1e-4, "h = \(h): \(slope) vs \(expected)")
            let gap = abs(slope - lineDerivative(w))
            #expect(gap < previousGap)
            previousGap = gap
        }
        let derivative = trace.steps.first { $0.kind == .gradientBackprop && $0.label == "dL/dw" }
        #expect(isClose(derivative?.value.numbers[0], Float(lineDerivative(w)), absolute: 1e-5, relative: 1e-5))
        // dL/dw = (2/9) sum (0.5x + 0.3 - t) x = 1.52777...
        #expect(abs(lineDerivative(w) - 1.527_777_8) < 1e-6)
        #expect(trace.pictures.contains { $0.name == "slope.png" })
    }

    @Test func lesson8SaysWhichWayTheSlopePoints() throws {
        let positive = squeezed(TraceText.render(try runLesson(8), style: TextStyle()))
        #expect(positive.contains("It is positive: lowering w lowers L."))
        let folder = try temporaryLessonsCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        try edit(folder, "01-a-function.md", replacing: "weight: 0.5", with: "weight: -1")
        // w = -1: dL/dw = (2/9)(-sum x^2 + 0.3 sum x - sum t x) = (2/9)(-15 + 0 - 0.625) = -3.472.
        let trace = try runLesson(8, in: folder)
        let text = squeezed(TraceText.render(trace, style: TextStyle()))
        #expect(text.contains("It is negative: raising w lowers L."))
        let derivative = trace.steps.first { $0.kind == .gradientBackprop && $0.label == "dL/dw" }
        #expect(isClose(derivative?.value.numbers[0], -3.472_222, absolute: 1e-4))
        for line in stepLines(TraceText.render(trace, style: TextStyle())) {
            if let problem = checkLine(line) { Issue.record("lesson 8 edited: \(problem)") }
        }
    }

    @Test func slopeSentenceFollowsTheSecants() {
        let converging = Lesson08GradientByNudging.slopeSummary([(1, 3.2), (0.1, 1.7), (0.01, 1.54)], derivative: 1.528)
        #expect(converging.contains("converges on the derivative") && converging.contains("positive"))
        let one = Lesson08GradientByNudging.slopeSummary([(0.1, 1.7)], derivative: 1.528)
        #expect(one.contains("nothing to converge yet"))
        let wrongOrder = Lesson08GradientByNudging.slopeSummary([(0.01, 1.54), (1, 3.2)], derivative: -1.5)
        #expect(wrongOrder.contains("do not close in steadily") && wrongOrder.contains("negative"))
    }

    @Test func lesson11EveryRunLearnsEveryPattern() throws {
        let trace = try runLesson(11)
        let accuracies = trace.steps.filter { $0.kind == .accuracy }
        #expect(accuracies.count == 3)
        for accuracy in accuracies { #expect(accuracy.value.numbers == [1], "\(accuracy.label)") }
        // Every prediction is the example's class (classes 0, 0, 0, 1, 1, 1, 2, 2 in the file).
        let predictions = trace.steps.filter { $0.kind == .prediction }
        #expect(predictions.count == 24)
        for p in predictions {
            let example = p.index![1]
            #expect(p.value.numbers[0] == Float([0, 0, 0, 1, 1, 1, 2, 2][example]))
        }
        // The scaled start is near chance, ln 3 = 1.0986; the unscaled one is far above it.
        let starts = trace.steps.filter { $0.kind == .loss }.map { $0.value.numbers[0] }
        #expect(starts.count == 2)
        #expect(abs(starts[1] - Float(log(3.0))) < 0.25 * Float(log(3.0)))
        #expect(starts[0] > 2 * starts[1])
        // Each run's loss falls (epoch 0 to the last epoch).
        for r in 0..<3 {
            let losses = trace.steps.filter { $0.kind == .epochLoss && $0.index?.first == r }.map {
                $0.value.numbers[0]
            }
            #expect(losses.last! < 0.5 * losses.first!)
        }
        let text = squeezed(TraceText.render(trace, style: TextStyle()))
        #expect(text.contains("Every run gets all 8 examples right"))
        #expect(text.contains("close to ln 3 = 1.099"))
        #expect(trace.pictures.map(\.name) == ["loss-curves.png", "loss-per-update.png"])
    }

    @Test func lesson11SaysWhenARunFallsShort() throws {
        let folder = try temporaryLessonsCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        // No learning at all: every run keeps the random start, whose guesses are not all right.
        try edit(folder, "11-mini-batches.md", replacing: "learning_rate: 0.5", with: "learning_rate: 0")
        let trace = try runLesson(11, in: folder)
        let correct = trace.steps.filter { $0.kind == .accuracy }.map { Int(($0.value.numbers[0] * 8).rounded()) }
        #expect(correct.allSatisfy { $0 < 8 })
        let text = squeezed(TraceText.render(trace, style: TextStyle()))
        #expect(text.contains("full batch gets \(correct[0]) of 8 right"))
        #expect(!text.contains("Every run gets all"))
    }

    @Test func lesson11ScalesTheStartFromThePixels() {
        let near = Lesson11MiniBatches.startingLoss(scaled: 1.1, unscaled: 5, chance: 1.0986, classes: 3)
        #expect(near.contains("close to ln 3"))
        let far = Lesson11MiniBatches.startingLoss(scaled: 1.7, unscaled: 10, chance: 1.0986, classes: 3)
        #expect(far.contains("not close to ln 3"))
    }

    @Test func lesson9ChainFactorsMultiplyToTheBackpropGradient() throws {
        let trace = try runLesson(9)
        let chain = trace.steps.filter { $0.kind == .chainRule }
        #expect(
            chain.map(\.label) == [
                "dL/dy", "dy/da1[0]", "da1[0]/dz1[0]", "dz1[0]/dw1[4,0]", "dL/dw1[4,0] by the chain rule",
            ])
        // By hand: y = 0.39*0.5 + 0.55*(-0.4) + 0.1 = 0.075; dL/dy = 2*(0.075 - 1) = -1.85; dy/da1[0] = w2[0] = 0.5;
        // relu'(0.39) = 1; dz1[0]/dw1[4,0] = x4 = 9; product -8.325.
        let values = chain.map { $0.value.numbers[0] }
        for (got, want) in zip(values, [-1.85, 0.5, 1, 9, -8.325] as [Float]) {
            #expect(isClose(got, want, absolute: 1e-5, relative: 1e-5))
        }
        #expect(isClose(values[0] * values[1] * values[2] * values[3], values[4], absolute: 1e-5))
        let backprop = trace.steps.first {
            $0.kind == .gradientBackprop
                && $0.parameter == TraceParameter(layer: 1, kind: .weights, index: [4, 0], name: "w1")
        }
        #expect(backprop?.value.numbers[0] == values[4])
        #expect(trace.pictures.contains { $0.name == "chain.png" })
        let text = squeezed(TraceText.render(trace, style: TextStyle()))
        #expect(text.contains("the nine gradients are the pixels times one number, dL/dz1[0] = -0.925"))
    }

    @Test func gradientMapSentenceFollowsTheRatios() {
        let x: [Float] = [3, 0, 1]
        let scaled = Lesson09Backpropagation.imageTimesOneNumber([-3, 0, -1], x: x, dz: -1, neuron: 0)
        #expect(scaled.contains("pixels times one number"))
        let broken = Lesson09Backpropagation.imageTimesOneNumber([-3, 0, -2], x: x, dz: -1, neuron: 0)
        #expect(broken.contains("not the image times one number"))
        #expect(Lesson09Backpropagation.imageTimesOneNumber([0, 0, 0], x: x, dz: 0, neuron: 1).contains("blank"))
    }

    @Test func lesson7SoftmaxGradientIsPMinusTAndMatchesNudging() throws {
        let trace = try runLesson(7)
        // By hand: z = [-0.26, 0.1, 1.0] (lesson 7's weights on its image); p = softmax(z); t = [0, 0, 1].
        let z: [Double] = [-0.26, 0.1, 1.0], t: [Double] = [0, 0, 1]
        let sum = z.map { exp($0) }.reduce(0, +)
        let expected = zip(z, t).map { exp($0) / sum - $1 }
        let analytic = trace.steps.filter { $0.kind == .dOutput }.map { Double($0.value.numbers[0]) }
        let nudged = trace.steps.filter { $0.kind == .gradientNumeric }.map { Double($0.value.numbers[0]) }
        #expect(analytic.count == 3 && nudged.count == 3)
        for j in 0..<3 {
            #expect(abs(analytic[j] - expected[j]) < 1e-6, "p\(j) - t\(j)")
            #expect(abs(nudged[j] - expected[j]) < 1e-3, "nudged dL/dz\(j)")
        }
        let text = squeezed(TraceText.render(trace, style: TextStyle()))
        #expect(text.contains("p - t and the nudged slope agree"))
    }

    @Test func lesson10MomentumUpdatesAreWrittenOut() throws {
        let trace = try runLesson(10)
        let velocities = trace.steps.filter { $0.kind == .velocity }
        #expect(!velocities.isEmpty)
        // Each shown velocity is mu*v_old + g and each update p - lr*v, recomputed from the steps:
        // iteration 1 starts from v = 0, so v = g; iteration 2 adds 0.9 of it.
        let mu: Float = 0.9, lr: Float = 0.002
        for v in velocities where v.iteration == 2 {
            let first = try #require(velocities.first { $0.iteration == 1 && $0.parameter == v.parameter })
            // "0.9*(v_old) + g": the old velocity written is iteration 1's velocity.
            let formula = try #require(v.formula)
            #expect(formula.hasPrefix("0.9*"))
            let written = formula.dropFirst(4).components(separatedBy: " + ")[0]
                .trimmingCharacters(in: CharacterSet(charactersIn: "()"))
            #expect(isClose(Float(written), first.value.numbers[0], absolute: 1e-5, relative: 1e-6), "\(formula)")
            _ = mu
        }
        let updates = trace.steps.filter { $0.kind == .update && $0.label.hasSuffix("- lr*v") }
        #expect(updates.count == velocities.count)
        for (u, v) in zip(updates, velocities) {
            #expect(u.parameter == v.parameter)
            let formula = try #require(u.formula)
            let old = try #require(Float(formula.components(separatedBy: " - ")[0]))
            #expect(isClose(u.value.numbers[0], old - lr * v.value.numbers[0], absolute: 1e-6, relative: 1e-6))
        }
        for line in stepLines(TraceText.render(trace, style: TextStyle())) {
            if let problem = checkLine(line) { Issue.record("lesson 10: \(problem)") }
        }
    }

    @Test func momentumSentenceFollowsTheLosses() {
        #expect(
            Lesson10GradientDescent.momentumVerdict(plain: [5, 1], momentum: [5, 0.5], mu: 0.3).contains("below plain"))
        #expect(
            Lesson10GradientDescent.momentumVerdict(plain: [5, 1], momentum: [5, 3], mu: 0.9).contains("overshoots"))
    }
}

@Suite struct QuizTests {
    @Test func everyLessonNamesQuizStepsItShows() throws {
        let context = try lessonContext()
        for number in 1...12 {
            let trace = try runLesson(number)
            let questions = try Quiz.questions(trace, file: try context.catalog.file(number))
            #expect(!questions.isEmpty, "lesson \(number)")
        }
    }

    @Test func toleranceIsOnePercentOrOneHundredth() {
        #expect(Quiz.accepts(0.3, for: 0.3) && Quiz.accepts(0.309, for: 0.3) && !Quiz.accepts(0.32, for: 0.3))
        #expect(Quiz.accepts(101, for: 100) && !Quiz.accepts(102, for: 100))
    }

    @Test func anUnknownQuizStepIsAFileError() throws {
        let folder = try temporaryLessonsCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        try edit(folder, "06-dot-product.md", replacing: "quiz: [product", with: "quiz: [no_such_step")
        let context = try lessonContext(folder)
        let trace = try runLesson(6, in: folder)
        #expect(throws: LessonError.self) { try Quiz.questions(trace, file: try context.catalog.file(6)) }
        // A real step name the lesson does not show is skipped (lesson 13 without MNIST shows none).
        try edit(folder, "06-dot-product.md", replacing: "quiz: [no_such_step", with: "quiz: [gradient_numeric")
        #expect(try Quiz.questions(trace, file: try lessonContext(folder).catalog.file(6)).count == 3)
        #expect(try Quiz.questions(try runLesson(13), file: try context.catalog.file(13)).isEmpty)
    }

    @Test func answersAreMarkedAndTheArithmeticShownEitherWay() throws {
        let context = try lessonContext()
        let trace = try runLesson(1)
        var answers = ["1", "999"].makeIterator()
        var written = ""
        let result = try Quiz.run(
            trace, file: try context.catalog.file(1), style: TextStyle(), read: { answers.next() },
            write: { written += $0 })
        #expect(result.asked == 2)
        // Lesson 1 asks N(-2) = -2*0.5 + 0.3 = -0.7 first (1 is wrong), then the loss (999 is wrong).
        #expect(result.right == 0)
        #expect(
            written.contains("Not quite: you said 1; N(-2) is -0.7. The arithmetic:\n  N(-2) = -2*0.5 + 0.3 = -0.7"))
    }
}
