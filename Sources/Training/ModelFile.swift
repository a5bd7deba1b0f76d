// The saved-model format: a small versioned binary file (magic, version, layer sizes, activations,
// then every parameter as little-endian Float32, and from version 2 which images trained and
// measured it), written atomically. Reading checks each part and names the file in its error;
// version 1 files still load. No optimiser state is kept: a saved model predicts, it does not resume.
import Foundation
import NeuralCore
import SafeIO

/// Why a model file could not be written or read. Every case names the file.
public enum ModelFileError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case unwritable(path: String, reason: String)
    case wrongMagic(path: String)
    case unsupportedVersion(path: String, found: UInt32)
    case truncated(path: String, expectedBytes: Int, actualBytes: Int)
    case trailingBytes(path: String, expectedBytes: Int, actualBytes: Int)
    case invalidHeader(path: String, detail: String)
    case nonFiniteWeights(path: String)
    /// The model is well formed but does not fit the data: `expected` is e.g. "784 inputs and 10 outputs".
    case wrongShape(path: String, layerSizes: [Int], expected: String)

    public var path: String {
        switch self {
        case .unreadable(let path, _), .unwritable(let path, _), .wrongMagic(let path),
            .unsupportedVersion(let path, _), .truncated(let path, _, _), .trailingBytes(let path, _, _),
            .invalidHeader(let path, _), .nonFiniteWeights(let path), .wrongShape(let path, _, _):
            return path
        }
    }

    public var description: String {
        let remedy = "check the path, or save a new model with 'tracer train --save FILE'"
        switch self {
        case .unreadable(let path, let reason):
            return "\(path): cannot read the model file (\(reason)); check the path"
        case .unwritable(let path, let reason):
            return "\(path): cannot write the model file (\(reason)); check that its folder exists and is writable"
        case .wrongMagic(let path):
            return "\(path): not a NeuralTracer model file (wrong magic number); \(remedy)"
        case .unsupportedVersion(let path, let found):
            return
                "\(path): model file version \(found) is not supported (this tracer reads versions 1 and 2); \(remedy)"
        case .truncated(let path, let expected, let actual):
            return "\(path): model file is truncated (\(actual) bytes, its header needs \(expected)); \(remedy)"
        case .trailingBytes(let path, let expected, let actual):
            return "\(path): model file has \(actual) bytes, its header says \(expected) (damaged); \(remedy)"
        case .invalidHeader(let path, let detail):
            return "\(path): damaged model header (\(detail)); \(remedy)"
        case .nonFiniteWeights(let path):
            return "\(path): model file holds NaN or infinite weights; \(remedy)"
        case .wrongShape(let path, let sizes, let expected):
            let shape = sizes.map(String.init).joined(separator: "-")
            return
                "\(path): the model is \(shape), but this data needs \(expected); train one for this data with 'tracer train --save FILE'"
        }
    }
}

/// Layout (all integers little-endian):
///
///     0   8 bytes  magic "NTMODEL\0"
///     8   UInt32   version (1 or 2)
///     12  UInt32   n, the number of layer sizes (2...64)
///     16  n UInt32 layer sizes, input first
///         n-1 UInt8 activation after each layer (0 identity, 1 relu, 2 sigmoid)
///         UInt64   parameter count (must match the sizes)
///         Float32 x parameter count, in the network's flat order (per layer: weights (in, out)
///                  row-major, then bias)
///     version 2 only:
///         UInt32   m, then m bytes of UTF-8 JSON: the `DataUse` (which images trained, validated
///                  and tested the model)
public enum ModelFile {
    public static let magic: [UInt8] = Array("NTMODEL".utf8) + [0]
    /// The version written when the data use is known; version 1 (no data use) is still read and written.
    public static let version: UInt32 = 2
    static let readableVersions: ClosedRange<UInt32> = 1...2
    static let maximumDataUseBytes = 1 << 16
    static let maximumLayerSizes = 64
    static let maximumParameters = 1 << 28  // 1 GiB of Float32: far beyond any MLP here

    static let activationCodes: [Activation: UInt8] = [.identity: 0, .relu: 1, .sigmoid: 2]

    /// The file's bytes for `network`: version 2 with `dataUse`, version 1 without.
    public static func encode(_ network: Network, dataUse: DataUse? = nil) -> [UInt8] {
        var bytes = magic
        bytes.reserveCapacity(64 + network.parameterCount * 4)
        func append32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        append32(dataUse == nil ? 1 : 2)
        append32(UInt32(network.layerSizes.count))
        for size in network.layerSizes { append32(UInt32(size)) }
        for activation in network.activations { bytes.append(activationCodes[activation]!) }
        withUnsafeBytes(of: UInt64(network.parameterCount).littleEndian) { bytes.append(contentsOf: $0) }
        for i in 0..<network.parameterCount { append32(network.parameters.base[i].bitPattern) }
        if let dataUse {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let text = (try? encoder.encode(dataUse)) ?? Data("{}".utf8)
            append32(UInt32(text.count))
            bytes.append(contentsOf: text)
        }
        return bytes
    }

    /// Writes `network` to `path` through a temporary file in the same folder and a rename, so an
    /// interrupted save never leaves a half-written model (and an older model stays whole).
    /// A symbolic link is written through (the link stays, its target gets the model); anything
    /// but a regular file (a folder, a pipe, a device) is refused, not replaced.
    public static func save(_ network: Network, to path: String, dataUse: DataUse? = nil) throws(ModelFileError) {
        do { try AtomicFile.write(encode(network, dataUse: dataUse), to: path) } catch {
            throw .unwritable(path: path, reason: error.reason)
        }
    }

    /// Checks before any training that `save` will be able to write `path`, so a bad `--save`
    /// fails at once rather than after the run.
    public static func checkDestination(_ path: String) throws(ModelFileError) {
        do { try AtomicFile.checkDestination(path) } catch {
            throw .unwritable(path: path, reason: error.reason)
        }
    }

    /// Reads the model at `path`.
    public static func load(_ path: String) throws(ModelFileError) -> Network { try loadWithDataUse(path).network }

    /// Reads the model at `path` and, for a version 2 file, which images it was trained and measured on.
    /// Only a regular file is read (a pipe or a device is named as what it is, never waited on),
    /// and only up to the size of the largest model this loads.
    public static func loadWithDataUse(_ path: String) throws(ModelFileError) -> (network: Network, dataUse: DataUse?) {
        try checkHeaderAgainstSize(path)
        let bytes: [UInt8]
        do { bytes = try RegularFile.read(path, limit: maximumFileBytes) } catch {
            throw .unreadable(path: path, reason: error.reason)
        }
        return try decodeWithDataUse(bytes, path: path)
    }

    /// The largest header (64 sizes), `maximumParameters` weights and a data-use record.
    static let maximumFileBytes =
        16 + 4 * maximumLayerSizes + maximumLayerSizes + 8 + 4 * maximumParameters + 4 + maximumDataUseBytes

    /// The most bytes before the weights: magic, version, 64 layer sizes, activations, count.
    static let maximumHeaderBytes = 16 + 4 * maximumLayerSizes + maximumLayerSizes + 8

    /// Judges the file by its first bytes and its size before reading it whole: a stranger file
    /// or one far longer than its header declares (a sparse gigabyte) is refused unread.
    static func checkHeaderAgainstSize(_ path: String) throws(ModelFileError) {
        let size: Int, head: [UInt8]
        do {
            size = try RegularFile.size(path)
            head = try RegularFile.read(path, limit: maximumFileBytes, prefix: maximumHeaderBytes)
        } catch { throw .unreadable(path: path, reason: error.reason) }
        guard head.count < size else { return }  // the whole file is in `head`: decoding says the rest
        do { _ = try decodeWithDataUse(head, path: path) } catch {
            // `head` holds no weights, so a good header ends in `truncated`, naming where they end.
            guard case .truncated(_, let weightsEnd, _) = error else { throw error }
            if size > weightsEnd + 4 + maximumDataUseBytes {
                throw .trailingBytes(path: path, expectedBytes: weightsEnd, actualBytes: size)
            }
        }
    }

    /// Parses a model from its bytes; `path` is only for the messages.
    public static func decode(_ bytes: [UInt8], path: String) throws(ModelFileError) -> Network {
        try decodeWithDataUse(bytes, path: path).network
    }

    /// Parses a model and its data use (nil in a version 1 file) from its bytes.
    public static func decodeWithDataUse(_ bytes: [UInt8], path: String) throws(ModelFileError) -> (
        network: Network, dataUse: DataUse?
    ) {
        var reader = LittleEndianReader(bytes: bytes)
        // Magic first, even in a short file: a stranger file should say "not a model", not "truncated".
        let magicPrefix = Array(bytes.prefix(magic.count))
        guard magicPrefix == Array(magic.prefix(magicPrefix.count)) else { throw .wrongMagic(path: path) }
        guard bytes.count >= 16 else { throw .truncated(path: path, expectedBytes: 16, actualBytes: bytes.count) }
        reader.offset = magic.count
        let fileVersion = reader.uint32()
        guard readableVersions.contains(fileVersion) else { throw .unsupportedVersion(path: path, found: fileVersion) }
        let sizeCount = Int(reader.uint32())
        guard sizeCount >= 2 && sizeCount <= maximumLayerSizes else {
            throw .invalidHeader(path: path, detail: "\(sizeCount) layer sizes, expected 2 to \(maximumLayerSizes)")
        }
        let headerBytes = 16 + 4 * sizeCount + (sizeCount - 1) + 8
        guard bytes.count >= headerBytes else {
            throw .truncated(path: path, expectedBytes: headerBytes, actualBytes: bytes.count)
        }
        let sizes = (0..<sizeCount).map { _ in Int(reader.uint32()) }
        guard sizes.allSatisfy({ $0 > 0 && $0 <= 1 << 20 }) else {
            throw .invalidHeader(path: path, detail: "layer sizes \(sizes) must be between 1 and \(1 << 20)")
        }
        var activations: [Activation] = []
        for _ in 0..<(sizeCount - 1) {
            let code = reader.uint8()
            guard let activation = activationCodes.first(where: { $0.value == code })?.key else {
                throw .invalidHeader(path: path, detail: "unknown activation code \(code)")
            }
            activations.append(activation)
        }
        var expectedParameters = 0
        for l in 0..<(sizeCount - 1) { expectedParameters += sizes[l] * sizes[l + 1] + sizes[l + 1] }
        guard expectedParameters <= maximumParameters else {
            throw .invalidHeader(path: path, detail: "\(expectedParameters) parameters is more than this tracer loads")
        }
        let storedCount = reader.uint64()
        guard storedCount == UInt64(expectedParameters) else {
            throw .invalidHeader(
                path: path,
                detail:
                    "parameter count \(storedCount) does not match the layer sizes \(sizes), which need \(expectedParameters)"
            )
        }
        let parameterEnd = headerBytes + 4 * expectedParameters
        var totalBytes = parameterEnd + (fileVersion >= 2 ? 4 : 0)
        guard bytes.count >= totalBytes else {
            throw .truncated(path: path, expectedBytes: totalBytes, actualBytes: bytes.count)
        }
        var dataUse: DataUse?
        if fileVersion >= 2 {
            var lengthReader = LittleEndianReader(bytes: bytes, offset: parameterEnd)
            let length = Int(lengthReader.uint32())
            guard length <= maximumDataUseBytes else {
                throw .invalidHeader(path: path, detail: "a data-use record of \(length) bytes")
            }
            totalBytes += length
            guard bytes.count >= totalBytes else {
                throw .truncated(path: path, expectedBytes: totalBytes, actualBytes: bytes.count)
            }
            guard
                let decoded = try? JSONDecoder().decode(
                    DataUse.self, from: Data(bytes[(parameterEnd + 4)..<totalBytes]))
            else { throw .invalidHeader(path: path, detail: "its data-use record is not readable") }
            dataUse = decoded
        }
        guard bytes.count == totalBytes else {
            throw .trailingBytes(path: path, expectedBytes: totalBytes, actualBytes: bytes.count)
        }
        let network = Network(layerSizes: sizes, activations: activations)
        for i in 0..<expectedParameters {
            let value = Float(bitPattern: reader.uint32())
            guard value.isFinite else { throw .nonFiniteWeights(path: path) }
            network.parameters.base[i] = value
        }
        return (network, dataUse)
    }

    /// Loads a model and checks that it maps `inputSize` inputs to `outputSize` classes.
    public static func load(_ path: String, inputSize: Int, outputSize: Int) throws(ModelFileError) -> Network {
        let network = try load(path)
        guard network.inputSize == inputSize && network.outputSize == outputSize else {
            throw .wrongShape(
                path: path, layerSizes: network.layerSizes,
                expected: "\(inputSize) inputs and \(outputSize) outputs")
        }
        return network
    }
}

/// Reads little-endian integers from a byte array whose length the caller has checked.
struct LittleEndianReader {
    let bytes: [UInt8]
    var offset = 0

    mutating func uint8() -> UInt8 {
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func uint32() -> UInt32 {
        var value: UInt32 = 0
        for k in 0..<4 { value |= UInt32(bytes[offset + k]) << (8 * k) }
        offset += 4
        return value
    }

    mutating func uint64() -> UInt64 {
        var value: UInt64 = 0
        for k in 0..<8 { value |= UInt64(bytes[offset + k]) << (8 * k) }
        offset += 8
        return value
    }
}

/// The part of a Foundation error a user can act on ("No such file or directory").
func shortReason(_ error: Error) -> String {
    let nsError = error as NSError
    if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError,
        let reason = underlying.localizedFailureReason ?? Optional(underlying.localizedDescription)
    {
        return reason
    }
    return nsError.localizedFailureReason ?? nsError.localizedDescription
}
