import Datasets
// On the real MNIST files (from $MNIST_DIR; skipped with a message without them): a short seeded
// training clears a floor, a saved model predicts the same, and a test digit drawn as a PNG (bigger,
// dark on white, off-centre) is classified as the digit itself is. Full-size figures are the benchmark's.
import Foundation
import NeuralCore
import Render
import Testing

@testable import Training

/// The MNIST folder when $MNIST_DIR names one holding the four files.
let mnistFolder: String? = {
    guard let folder = ProcessInfo.processInfo.environment["MNIST_DIR"], !folder.isEmpty else { return nil }
    let url = URL(fileURLWithPath: folder)
    return DatasetFile.allCases.allSatisfy { $0.existingPath(in: url) != nil } ? folder : nil
}()

/// 10,000 training, 2,000 validation (the training file's last) and 2,000 test images, loaded
/// once for every test here.
let smallMNIST: TrainingData? = mnistFolder.flatMap {
    try? TrainingData.load(kind: .mnist, dataFlag: $0, validationCount: 2_000, trainLimit: 10_000, testLimit: 2_000)
}

/// One seeded epoch over the 10,000 images (batch 64), shared by the tests below.
let trainedOnSmallMNIST: (network: Network, record: EpochRecord)? = smallMNIST.flatMap { data in
    var options = TrainingOptions()
    options.epochs = 1  // the defaults otherwise: 784-128-10, batch 64, lr 0.1, momentum 0.9, seed 1
    let run = TrainingRun(options: options, train: data.train, validation: data.validation)
    guard let record = try? run.runEpoch() else { return nil }
    return (run.network, record)
}

@Suite(
    .enabled(
        if: mnistFolder != nil, "MNIST_DIR is not set to a folder with the four MNIST files: skipping the MNIST tests"))
struct MNISTTests {
    @Test func shortSeededTrainingClearsNinetyPercent() throws {
        let data = try #require(smallMNIST)
        #expect(data.train.count == 10_000 && data.test.count == 2_000 && data.train.inputSize == 784)
        #expect(data.train.labels.prefix(5) == [5, 0, 4, 1, 9])
        // The validation split is the training file's last 2,000 images, apart from those trained on.
        #expect(data.validation.count == 2_000 && data.use.validation == 58_000..<60_000)
        #expect(data.use.training == 0..<10_000 && data.use.test == 0..<2_000)
        let trained = try #require(trainedOnSmallMNIST)
        let accuracy = try #require(trained.record.validationAccuracy)
        #expect(accuracy >= 0.90, "validation accuracy \(accuracy)")
        let test = trained.network.evaluate(source: data.test, loss: .softmaxCrossEntropy)
        #expect(test.accuracy >= 0.90, "test accuracy \(test.accuracy)")
        #expect(trained.record.trainLoss.isFinite)
    }

    @Test func savedModelPredictsTheSame() throws {
        let data = try #require(smallMNIST)
        let network = try #require(trainedOnSmallMNIST).network
        let path = scratchFolder("mnist-model") + "/mnist.ntm"
        try ModelFile.save(network, to: path)
        let loaded = try ModelFile.load(path, inputSize: 784, outputSize: 10)
        let before = network.evaluate(source: data.test, loss: .softmaxCrossEntropy)
        let after = loaded.evaluate(source: data.test, loss: .softmaxCrossEntropy)
        #expect(before.predictions == after.predictions)
        #expect(before.outputs == after.outputs)
        #expect(throws: ModelFileError.self) { try ModelFile.load(path, inputSize: 784, outputSize: 26) }
    }

    @Test func digitDrawnAsAPNGIsClassifiedLikeTheDigit() throws {
        let data = try #require(smallMNIST)
        let network = try #require(trainedOnSmallMNIST).network
        let folder = scratchFolder("mnist-png")
        var checked = 0
        for index in 0..<data.test.count where checked < 10 {
            let direct = Classifier.probabilities(network, input: data.test.input(index).values)
            let directClass = topClasses(direct, 1)[0]
            guard directClass.1 > 0.9 else { continue }  // a clear case: preparation must not change it
            // The digit as a user might draw it: 4x larger, dark ink on white, off-centre on a wider page.
            let page = userStylePage(
                Array(data.test.image(index)), scale: 4, width: 200, height: 150, left: 20, top: 30)
            let path = folder + "/digit-\(index).png"
            try PNGFile.writeGrey(page, to: path)
            let read = try PNGFile.readGrey(path)
            let digit = try DigitPreparation.prepare(
                width: read.width, height: read.height, pixels: read.pixels, path: path)
            #expect(digit.inverted)
            let predicted = topClasses(Classifier.probabilities(network, input: digit.values), 1)[0].0
            #expect(
                predicted == directClass.0, "test image \(index): direct \(directClass.0), from the PNG \(predicted)")
            checked += 1
        }
        #expect(checked == 10)
    }

    /// A 28x28 MNIST digit (light on dark) enlarged `scale` times as dark ink on a white page.
    func userStylePage(_ digit: [UInt8], scale: Int, width: Int, height: Int, left: Int, top: Int) -> GreyImage {
        var pixels = [UInt8](repeating: 255, count: width * height)
        for y in 0..<(28 * scale) {
            for x in 0..<(28 * scale) {
                pixels[(top + y) * width + left + x] = 255 - digit[(y / scale) * 28 + x / scale]
            }
        }
        return GreyImage(width: width, height: height, pixels: pixels)
    }
}
