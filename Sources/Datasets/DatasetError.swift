// The errors a user can meet while reading or downloading a dataset, each a one-line message that
// names the file, says what is wrong and what to do. Programmer errors (shape mismatches) are not here.

/// Everything that can go wrong with data on disk or on the wire.
///
/// Each case carries the path (or URL) it is about; `description` is a single line meant for stderr.
public enum DatasetError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A required file is in neither its `.gz` nor its raw form; `hint` says how to get it.
    case missingFile(folder: String, name: String, folderExists: Bool, hint: String)
    /// The file exists but could not be opened or read (`reason` comes from the system).
    case unreadable(path: String, reason: String)
    /// The file has no bytes at all.
    case emptyFile(path: String)
    /// The gzip stream or the IDX payload ends before it should.
    case truncated(path: String, detail: String)
    /// The gzip stream is damaged (bad header, bad CRC, bad deflate data).
    case corruptGzip(path: String, detail: String)
    /// The IDX magic number is not the one this kind of file needs.
    case wrongMagic(path: String, found: UInt32, expected: UInt32)
    /// The IDX header is readable but describes an impossible shape (zero rows, shapes that differ).
    case badHeader(path: String, detail: String)
    /// The IDX payload is longer than its header says.
    case trailingData(path: String, extraBytes: Int)
    /// The content is far larger than declared or allowed (a gzip bomb, a huge header): reading
    /// stopped there.
    case oversized(path: String, detail: String)
    /// A label is outside `0..<classCount`.
    case labelOutOfRange(path: String, index: Int, label: UInt8, classCount: Int)
    /// An image file and its label file disagree on how many items they hold.
    case countMismatch(imagesPath: String, imageCount: Int, labelsPath: String, labelCount: Int)
    /// Downloaded (or existing) content does not have the well-known MD5.
    case checksumMismatch(source: String, expected: String, actual: String)
    /// A download failed before any content arrived: no network, refused, timed out, HTTP error.
    case network(url: String, reason: String)
    /// Every mirror failed for one file; `attempts` holds one short line per mirror.
    case allMirrorsFailed(file: String, attempts: [String])
    /// A file or folder could not be written.
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .missingFile(let folder, let name, let folderExists, let hint):
            let location = folderExists ? folder : "\(folder) (the folder does not exist)"
            return "missing \(name) (or \(name).gz) in \(location): \(hint)"
        case .unreadable(let path, let reason):
            return "cannot read \(path): \(reason); check that it exists and is readable"
        case .emptyFile(let path):
            return "\(path) is empty (0 bytes): delete it and run 'tracer download', or fix --data"
        case .truncated(let path, let detail):
            return "\(path) is truncated (\(detail)): delete it and download it again with 'tracer download'"
        case .corruptGzip(let path, let detail):
            return "\(path) is not a valid gzip file (\(detail)): "
                + "delete it and download it again with 'tracer download'"
        case .wrongMagic(let path, let found, let expected):
            return "\(path) has IDX magic number \(hex(found)), expected \(hex(expected)): "
                + "is it the right file (images vs labels) and an IDX file at all?"
        case .badHeader(let path, let detail):
            return "\(path) has an unusable IDX header (\(detail)): replace it with a good copy"
        case .trailingData(let path, let extraBytes):
            let amount = extraBytes == 1 ? "1 byte" : "\(extraBytes) bytes"
            return "\(path) has \(amount) of trailing data after the IDX payload: replace it with a good copy"
        case .oversized(let path, let detail):
            return "\(path) is not a usable data file (\(detail)); reading stopped there: replace it with a good copy"
        case .labelOutOfRange(let path, let index, let label, let classCount):
            return "\(path) has label \(label) at index \(index), outside 0...\(classCount - 1): "
                + "is it the label file of this dataset?"
        case .countMismatch(let imagesPath, let imageCount, let labelsPath, let labelCount):
            return "\(imagesPath) holds \(imageCount) images but \(labelsPath) holds \(labelCount) labels: "
                + "the two files come from different sets; replace them with a matching pair"
        case .checksumMismatch(let source, let expected, let actual):
            return "\(source) has MD5 \(actual) but \(expected) was expected: the copy is corrupt; "
                + "nothing was kept, try again or another --mirror"
        case .network(let url, let reason):
            return "cannot download \(url): \(reason); check the network, or pass --mirror URL, "
                + "or copy the files by hand into the data folder"
        case .allMirrorsFailed(let file, let attempts):
            return "cannot download \(file) from any mirror: " + attempts.joined(separator: "; ")
                + "; check the network, or pass --mirror URL, or copy the files into the data folder"
        case .cannotWrite(let path, let reason):
            return "cannot write \(path): \(reason); choose a writable folder with --data"
        }
    }
}

/// `0x00000803` style, the way IDX magic numbers are usually written.
private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
