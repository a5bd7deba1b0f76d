// The saved-model format: a small versioned binary file (magic, version, layer sizes, activations,
// then every parameter as little-endian Float32), written atomically. Reading checks each part and
// names the file in its error. No optimiser state is kept: a saved model predicts, it does not resume.
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
                "\(path): model file version \(found) is not supported (this tracer reads version \(ModelFile.version)); \(remedy)"
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
///     8   UInt32   version (1)
///     12  UInt32   n, the number of layer sizes (2...64)
///     16  n UInt32 layer sizes, input first
///         n-1 UInt8 activation after each layer (0 identity, 1 relu, 2 sigmoid)
///         UInt64   parameter count (must match the sizes)
///         Float32 x parameter count, in the network's flat order (per layer: weights (in, out)
///                  row-major, then bias)
public enum ModelFile {
    public static let magic: [UInt8] = Array("NTMODEL".utf8) + [0]
    public static let version: UInt32 = 1
    static let maximumLayerSizes = 64
    static let maximumParameters = 1 << 28  // 1 GiB of Float32: far beyond any MLP here

    static let activationCodes: [Activation: UInt8] = [.identity: 0, .relu: 1, .sigmoid: 2]

    /// The file's bytes for `network`.
    public static func encode(_ network: Network) -> [UInt8] {
        var bytes = magic
        bytes.reserveCapacity(64 + network.parameterCount * 4)
        func append32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        append32(version)
        append32(UInt32(network.layerSizes.count))
        for size in network.layerSizes { append32(UInt32(size)) }
        for activation in network.activations { bytes.append(activationCodes[activation]!) }
        withUnsafeBytes(of: UInt64(network.parameterCount).littleEndian) { bytes.append(contentsOf: $0) }
        for i in 0..<network.parameterCount { append32(network.parameters.base[i].bitPattern) }
        return bytes
    }

    /// Writes `network` to `path` through a temporary file in the same folder and a rename, so an
    /// interrupted save never leaves a half-written model (and an older model stays whole).
    /// A symbolic link is written through (the link stays, its target gets the model); anything
    /// but a regular file (a folder, a pipe, a device) is refused, not replaced.
    public static func save(_ network: Network, to path: String) throws(ModelFileError) {
        do { try AtomicFile.write(encode(network), to: path) } catch {
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
    /// Only a regular file is read (a pipe or a device is named as what it is, never waited on),
    /// and only up to the size of the largest model this loads.
    public static func load(_ path: String) throws(ModelFileError) -> Network {
        // The header first: a file whose size does not match it is reported without reading the rest.
        let size: Int, head: [UInt8]
        do {
            size = try RegularFile.size(path)
            head = try RegularFile.read(path, limit: maximumFileBytes, prefix: maximumHeaderBytes)
        } catch { throw .unreadable(path: path, reason: error.reason) }
        _ = try readHeader(head, fileSize: size, path: path)
        let bytes: [UInt8]
        do { bytes = try RegularFile.read(path, limit: maximumFileBytes) } catch {
            throw .unreadable(path: path, reason: error.reason)
        }
        return try decode(bytes, path: path)
    }

    /// The largest header (64 sizes), and with it `maximumParameters` weights.
    static let maximumHeaderBytes = 16 + 4 * maximumLayerSizes + maximumLayerSizes + 8
    static let maximumFileBytes = maximumHeaderBytes + 4 * maximumParameters

    /// Parses a model from its bytes; `path` is only for the messages.
    public static func decode(_ bytes: [UInt8], path: String) throws(ModelFileError) -> Network {
        let header = try readHeader(bytes, fileSize: bytes.count, path: path)
        var reader = LittleEndianReader(bytes: bytes)
        reader.offset = header.headerBytes
        let network = Network(layerSizes: header.sizes, activations: header.activations)
        for i in 0..<network.parameterCount {
            let value = Float(bitPattern: reader.uint32())
            guard value.isFinite else { throw .nonFiniteWeights(path: path) }
            network.parameters.base[i] = value
        }
        return network
    }

    /// The header at the start of `bytes`, checked, for a file of `fileSize` bytes (which need not
    /// all be in `bytes`: `load` checks the size a header declares before reading the weights).
    static func readHeader(_ bytes: [UInt8], fileSize: Int, path: String) throws(ModelFileError)
        -> (sizes: [Int], activations: [Activation], headerBytes: Int)
    {
        var reader = LittleEndianReader(bytes: bytes)
        // Magic first, even in a short file: a stranger file should say "not a model", not "truncated".
        let magicPrefix = Array(bytes.prefix(magic.count))
        guard magicPrefix == Array(magic.prefix(magicPrefix.count)) else { throw .wrongMagic(path: path) }
        guard bytes.count >= 16 else { throw .truncated(path: path, expectedBytes: 16, actualBytes: bytes.count) }
        reader.offset = magic.count
        let fileVersion = reader.uint32()
        guard fileVersion == version else { throw .unsupportedVersion(path: path, found: fileVersion) }
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
        let totalBytes = headerBytes + 4 * expectedParameters
        guard fileSize >= totalBytes else {
            throw .truncated(path: path, expectedBytes: totalBytes, actualBytes: fileSize)
        }
        guard fileSize == totalBytes else {
            throw .trailingBytes(path: path, expectedBytes: totalBytes, actualBytes: fileSize)
        }
        return (sizes, activations, headerBytes)
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
