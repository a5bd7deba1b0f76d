// Helpers for the Datasets tests: temporary folders, tiny synthetic IDX files, a hand-made gzip
// writer (stored blocks, no compression) and the location of the real MNIST copy. No assertions here.
import Datasets
import Foundation

/// `$MNIST_DIR` when it names a folder (CI points it at `shared/data/mnist`), else nil.
let mnistFolder: URL? = {
    guard let path = ProcessInfo.processInfo.environment["MNIST_DIR"], !path.isEmpty else { return nil }
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else { return nil }
    return URL(fileURLWithPath: path, isDirectory: true)
}()

/// A fresh empty folder under the system's temporary folder; remove it with `removeTemporaryFolder`.
func makeTemporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("datasets-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func removeTemporaryFolder(_ url: URL) {
    try? FileManager.default.removeItem(at: url)
}

/// The names of the entries in `folder`, hidden ones included, sorted.
func folderListing(_ folder: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
}

func write(_ bytes: [UInt8], to folder: URL, name: String) throws {
    try Data(bytes).write(to: folder.appendingPathComponent(name))
}

func bigEndian(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)]
}

/// An IDX images file: magic 0x803, count, rows, cols, then `pixels` (or a ramp when nil).
func idxImages(count: Int, rows: Int = 2, cols: Int = 3, pixels: [UInt8]? = nil, magic: UInt32 = 0x0803) -> [UInt8] {
    let payload = pixels ?? (0..<count * rows * cols).map { UInt8(truncatingIfNeeded: $0 * 7) }
    return bigEndian(magic) + bigEndian(UInt32(count)) + bigEndian(UInt32(rows)) + bigEndian(UInt32(cols)) + payload
}

/// An IDX labels file: magic 0x801, count, then the labels.
func idxLabels(_ labels: [UInt8], magic: UInt32 = 0x0801) -> [UInt8] {
    bigEndian(magic) + bigEndian(UInt32(labels.count)) + labels
}

/// A complete small dataset folder: `trainCount` and `testCount` images of 2 x 3 pixels, labels
/// cycling 0...9, each file gzipped (stored blocks) when `gzip` is true.
func writeSyntheticDataset(to folder: URL, trainCount: Int = 12, testCount: Int = 5, gzip: Bool = false) throws {
    let files: [(String, [UInt8])] = [
        ("train-images-idx3-ubyte", idxImages(count: trainCount)),
        ("train-labels-idx1-ubyte", idxLabels((0..<trainCount).map { UInt8($0 % 10) })),
        ("t10k-images-idx3-ubyte", idxImages(count: testCount)),
        ("t10k-labels-idx1-ubyte", idxLabels((0..<testCount).map { UInt8(($0 + 3) % 10) })),
    ]
    for (name, bytes) in files {
        if gzip {
            try write(storedGzip(bytes), to: folder, name: name + ".gz")
        } else {
            try write(bytes, to: folder, name: name)
        }
    }
}

/// A valid gzip member holding `content` in uncompressed ("stored") deflate blocks (RFC 1951
/// section 3.2.4, RFC 1952), so tests can make .gz files without a compressor.
func storedGzip(_ content: [UInt8]) -> [UInt8] {
    // Header: magic, method 8 (deflate), no flags, no time, no extra flags, OS unknown.
    var out: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]
    var offset = 0
    repeat {
        let length = min(65_535, content.count - offset)
        let isLast = offset + length == content.count
        out.append(isLast ? 1 : 0)  // BFINAL in bit 0, BTYPE 00 (stored); the rest of the byte is padding
        out += [UInt8(length & 0xff), UInt8(length >> 8), UInt8(~length & 0xff), UInt8((~length >> 8) & 0xff)]
        out += content[offset..<offset + length]
        offset += length
    } while offset < content.count
    let crc = crc32(content)
    let size = UInt32(truncatingIfNeeded: content.count)
    for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8((crc >> UInt32(shift)) & 0xff)) }
    for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8((size >> UInt32(shift)) & 0xff)) }
    return out
}

/// CRC-32 as gzip uses it (reflected polynomial 0xEDB88320), bit by bit: slow, small, enough here.
func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xffff_ffff
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xedb8_8320 : crc >> 1 }
    }
    return ~crc
}

/// The `DatasetError` that `body` throws, or nil when it throws nothing (or something else).
func datasetError(_ body: () throws -> Void) -> DatasetError? {
    do {
        try body()
        return nil
    } catch let error as DatasetError {
        return error
    } catch {
        return nil
    }
}
