// The model file: a round trip keeps every bit and every prediction; each kind of damage (magic,
// version, truncation, extra bytes, header, shape) is rejected with its own error naming the file.
import Foundation
import NeuralCore
import Testing

@testable import Training

@Suite struct ModelFileTests {
    func sampleNetwork() -> Network {
        let network = Network(layerSizes: [36, 5, 3, 4])
        var random = SeededRandom(seed: 21)
        network.initialize(.he, random: &random)
        for i in 0..<network.bias(1).count { network.bias(1).base[i] = Float(i) - 1.5 }
        return network
    }

    @Test func roundTripKeepsBitsAndPredictions() throws {
        let folder = scratchFolder("roundtrip")
        let path = folder + "/model.ntm"
        let network = sampleNetwork()
        try ModelFile.save(network, to: path)
        let loaded = try ModelFile.load(path)
        #expect(loaded.layerSizes == network.layerSizes)
        #expect(loaded.activations == network.activations)
        #expect(loaded.parameters.array == network.parameters.array)
        let examples = quadrantExamples(count: 50, seed: 3)
        let before = network.evaluate(source: examples, loss: .softmaxCrossEntropy)
        let after = loaded.evaluate(source: examples, loss: .softmaxCrossEntropy)
        #expect(before.predictions == after.predictions)
        #expect(before.outputs == after.outputs)
        // Header: 8 magic + 4 version + 4 count + 4*4 sizes + 3 activations + 8 parameter count.
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        #expect(size == 43 + 4 * network.parameterCount)
        // Saved through a temporary name and a rename: nothing else is left in the folder.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["model.ntm"])
    }

    @Test func layoutIsLittleEndianAsDocumented() {
        let bytes = ModelFile.encode(sampleNetwork())
        #expect(Array(bytes[0..<8]) == Array("NTMODEL".utf8) + [0])
        #expect(Array(bytes[8..<12]) == [1, 0, 0, 0])  // version 1
        #expect(Array(bytes[12..<16]) == [4, 0, 0, 0])  // four layer sizes
        #expect(Array(bytes[16..<20]) == [36, 0, 0, 0])  // input size 36
        #expect(Array(bytes[32..<35]) == [1, 1, 0])  // relu, relu, identity
    }

    func rejection(_ bytes: [UInt8]) -> ModelFileError? {
        do {
            _ = try ModelFile.decode(bytes, path: "m.ntm")
            return nil
        } catch { return error }
    }

    @Test func wrongMagicIsRejected() {
        var bytes = ModelFile.encode(sampleNetwork())
        bytes[0] = UInt8(ascii: "X")
        #expect(rejection(bytes) == .wrongMagic(path: "m.ntm"))
        // A PNG handed in by mistake, and a tiny text file, are "not a model", not "truncated".
        #expect(
            rejection([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0])
                == .wrongMagic(path: "m.ntm"))
        #expect(rejection(Array("hi\n".utf8)) == .wrongMagic(path: "m.ntm"))
        #expect(ModelFileError.wrongMagic(path: "m.ntm").description.hasPrefix("m.ntm: not a NeuralTracer model file"))
    }

    @Test func wrongVersionIsRejected() {
        var bytes = ModelFile.encode(sampleNetwork())
        bytes[8] = 3
        #expect(rejection(bytes) == .unsupportedVersion(path: "m.ntm", found: 3))
        #expect(rejection(bytes)!.description.contains("version 3 is not supported"))
    }

    @Test func truncatedFileIsRejected() {
        let bytes = ModelFile.encode(sampleNetwork())
        #expect(
            rejection(Array(bytes.dropLast(5)))
                == .truncated(path: "m.ntm", expectedBytes: bytes.count, actualBytes: bytes.count - 5))
        #expect(rejection(Array(bytes.prefix(20))) == .truncated(path: "m.ntm", expectedBytes: 43, actualBytes: 20))
        #expect(rejection(Array(bytes.prefix(8))) == .truncated(path: "m.ntm", expectedBytes: 16, actualBytes: 8))
        #expect(rejection([]) == .truncated(path: "m.ntm", expectedBytes: 16, actualBytes: 0))
    }

    @Test func extraBytesAreRejected() {
        let bytes = ModelFile.encode(sampleNetwork())
        #expect(
            rejection(bytes + [0])
                == .trailingBytes(path: "m.ntm", expectedBytes: bytes.count, actualBytes: bytes.count + 1))
    }

    @Test func damagedHeaderIsRejected() {
        var badActivation = ModelFile.encode(sampleNetwork())
        badActivation[32] = 9
        #expect(rejection(badActivation) == .invalidHeader(path: "m.ntm", detail: "unknown activation code 9"))
        var zeroSize = ModelFile.encode(sampleNetwork())
        zeroSize[16] = 0
        if case .invalidHeader = rejection(zeroSize) {
        } else {
            Issue.record("a zero layer size must be an invalid header")
        }
        var oneSize = ModelFile.encode(sampleNetwork())
        oneSize[12] = 1
        if case .invalidHeader = rejection(oneSize) {
        } else {
            Issue.record("a single layer size must be an invalid header")
        }
        var wrongCount = ModelFile.encode(sampleNetwork())
        wrongCount[35] ^= 1
        if case .invalidHeader = rejection(wrongCount) {
        } else {
            Issue.record("a wrong parameter count must be an invalid header")
        }
    }

    @Test func nonFiniteWeightsAreRejected() {
        var bytes = ModelFile.encode(sampleNetwork())
        let nan = Float.nan.bitPattern
        for k in 0..<4 { bytes[43 + k] = UInt8((nan >> (8 * UInt32(k))) & 0xFF) }
        #expect(rejection(bytes) == .nonFiniteWeights(path: "m.ntm"))
    }

    @Test func wrongShapeIsRejected() throws {
        let path = scratchFolder("shape") + "/small.ntm"
        try ModelFile.save(sampleNetwork(), to: path)
        #expect(
            throws: ModelFileError.wrongShape(
                path: path, layerSizes: [36, 5, 3, 4], expected: "784 inputs and 10 outputs")
        ) {
            try ModelFile.load(path, inputSize: 784, outputSize: 10)
        }
        let message = ModelFileError.wrongShape(
            path: path, layerSizes: [36, 5, 3, 4], expected: "784 inputs and 10 outputs"
        ).description
        #expect(message.contains("the model is 36-5-3-4, but this data needs 784 inputs and 10 outputs"))
    }

    @Test func missingFileAndFolderAreReported() {
        let folder = scratchFolder("missing")
        #expect(throws: ModelFileError.unreadable(path: folder + "/none.ntm", reason: "No such file or directory")) {
            try ModelFile.load(folder + "/none.ntm")
        }
        #expect(throws: ModelFileError.unreadable(path: folder, reason: "it is a folder, not a regular file")) {
            try ModelFile.load(folder)
        }
        do {
            try ModelFile.save(sampleNetwork(), to: folder + "/no/such/folder/m.ntm")
            Issue.record("saving into a missing folder must fail")
        } catch {
            if case .unwritable(let path, _) = error {
                #expect(path == folder + "/no/such/folder/m.ntm")
            } else {
                Issue.record("\(error)")
            }
        }
    }

    @Test func failedSaveKeepsTheOldModel() throws {
        let folder = scratchFolder("keep")
        let path = folder + "/model.ntm"
        try ModelFile.save(sampleNetwork(), to: path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        // Make the folder read-only: the temporary file cannot be created, the old model stays.
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder) }
        guard access(folder, W_OK) != 0 else { return }  // running as root: permissions do not bind
        #expect(throws: (any Error).self) { try ModelFile.save(Network(layerSizes: [2, 2]), to: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }
}
