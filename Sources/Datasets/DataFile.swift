// Reading a whole data file into memory, gunzipping it (through zlib) when it starts with the gzip
// magic bytes 1f 8b, whatever its name. Knows nothing of IDX: the caller says, from the first bytes
// of the content, how long the content should be, and inflating stops soon after that (a gzip
// bomb costs no more memory than a good file). Streaming huge files is left out.
import CZlib
import Foundation
import SafeIO

/// Whole-file reads of raw or gzip-compressed data. Every function throws `DatasetError`.
public enum DataFile {
    /// The most bytes any data file may hold, compressed or not, and the most its content may
    /// decompress to (MNIST's largest file is 47 MB raw, 9.9 MB compressed).
    public static let maximumBytes = 128 << 20

    /// Content beyond the declared size that is still inflated, so that a little trailing data is
    /// counted exactly; more than this is reported as "more than declared" without inflating it.
    static let trailingSlack = 1 << 16

    /// True when `bytes` start with the gzip magic bytes 1f 8b.
    public static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// The content of the file at `path`: decompressed when it is gzip, as is otherwise.
    /// An empty file, or a gzip file that holds nothing, is `DatasetError.emptyFile`.
    /// `declaredSize` gets the first bytes of the content (as many as there are so far) and
    /// returns the size the content says it has, once it can tell (nil until then); it may throw
    /// for a header that is wrong already. Content longer than that is not inflated further.
    public static func readContents(
        atPath path: String, declaredSize: ([UInt8]) throws -> Int? = { _ in nil }
    ) throws -> [UInt8] {
        // An uncompressed file far longer than its header declares is refused before it is read.
        let head: [UInt8], size: Int
        do {
            head = try RegularFile.read(path, limit: maximumBytes, prefix: 64)
            size = try RegularFile.size(path)
        } catch { throw DatasetError.unreadable(path: path, reason: error.reason) }
        if !isGzip(head), let declared = try declaredSize(head), size > declared + trailingSlack {
            throw DatasetError.oversized(
                path: path, detail: "it is \(size) bytes, longer than the \(declared) bytes its header declares")
        }
        let bytes = try readBytes(atPath: path)
        if bytes.isEmpty { throw DatasetError.emptyFile(path: path) }
        return try decompressIfGzip(bytes, path: path, declaredSize: declaredSize)
    }

    /// `bytes` gunzipped when they start with 1f 8b, unchanged otherwise. `path` names the source
    /// in errors (a file or a URL); `declaredSize` is as for `readContents`.
    public static func decompressIfGzip(
        _ bytes: [UInt8], path: String, declaredSize: ([UInt8]) throws -> Int? = { _ in nil }
    ) throws -> [UInt8] {
        guard isGzip(bytes) else { return bytes }
        let content = try gunzip(bytes, path: path, declaredSize: declaredSize)
        if content.isEmpty { throw DatasetError.emptyFile(path: path) }
        return content
    }

    /// The raw bytes of the regular file at `path` (at most `maximumBytes`). A folder, a named
    /// pipe or a device is named as such, never read (and a pipe never waited on).
    public static func readBytes(atPath path: String) throws -> [UInt8] {
        do { return try RegularFile.read(path, limit: maximumBytes) } catch {
            throw DatasetError.unreadable(path: path, reason: error.reason)
        }
    }

    /// Inflates a gzip stream (several members are allowed, one after another), stopping with
    /// `oversized` once the output passes what `declaredSize` allows (or `maximumBytes`).
    /// A stream that stops before its end marker and trailer is `truncated`; anything else that
    /// zlib rejects, or non-gzip bytes after the end, is `corruptGzip`.
    static func gunzip(
        _ compressed: [UInt8], path: String, declaredSize: ([UInt8]) throws -> Int? = { _ in nil }
    ) throws -> [UInt8] {
        guard compressed.count < Int(UInt32.max) else {
            throw DatasetError.corruptGzip(path: path, detail: "larger than 4 GiB, which this reader does not handle")
        }
        var output: [UInt8] = []
        output.reserveCapacity(min(sizeHint(compressed), maximumBytes))
        var declared: Int?
        var limit = maximumBytes
        let chunkSize = 1 << 18
        let chunk = UnsafeMutablePointer<UInt8>.allocate(capacity: chunkSize)
        defer { chunk.deallocate() }

        var stream = z_stream()
        // 15 + 32: the largest window, and detect the gzip (or zlib) header automatically.
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DatasetError.corruptGzip(path: path, detail: "zlib could not start: \(zlibMessage(stream))")
        }
        defer { inflateEnd(&stream) }

        try compressed.withUnsafeBytes { input in
            let start = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.next_in = UnsafeMutablePointer(mutating: start)
            stream.avail_in = UInt32(input.count)
            while true {
                stream.next_out = chunk
                stream.avail_out = UInt32(chunkSize)
                let status = inflate(&stream, Z_NO_FLUSH)
                let produced = chunkSize - Int(stream.avail_out)
                output.append(contentsOf: UnsafeBufferPointer(start: chunk, count: produced))
                if declared == nil, produced > 0, let size = try declaredSize(output) {
                    declared = size
                    limit = min(size + trailingSlack, maximumBytes)
                    output.reserveCapacity(min(size, maximumBytes))
                }
                if output.count > limit {
                    throw DatasetError.oversized(
                        path: path,
                        detail: declared.map { "its content is longer than the \($0) bytes its header declares" }
                            ?? "it decompresses to more than \(maximumBytes) bytes")
                }
                let consumed = input.count - Int(stream.avail_in)
                switch status {
                case Z_OK:
                    continue
                case Z_STREAM_END:
                    if stream.avail_in == 0 { return }
                    // Another gzip member may follow (as `cat a.gz b.gz` makes); anything else is junk.
                    let rest = Array(input[consumed..<min(consumed + 2, input.count)])
                    guard rest == [0x1f, 0x8b] else {
                        throw DatasetError.corruptGzip(
                            path: path, detail: "\(stream.avail_in) bytes that are not gzip after the end of the stream"
                        )
                    }
                    guard inflateReset(&stream) == Z_OK else {
                        throw DatasetError.corruptGzip(path: path, detail: zlibMessage(stream))
                    }
                case Z_BUF_ERROR where stream.avail_in == 0:
                    throw DatasetError.truncated(
                        path: path,
                        detail: "the gzip stream stops after \(consumed) bytes, before its end marker; "
                            + "\(output.count) bytes decompressed")
                case Z_NEED_DICT, Z_DATA_ERROR, Z_STREAM_ERROR, Z_BUF_ERROR:
                    throw DatasetError.corruptGzip(
                        path: path, detail: "\(zlibMessage(stream)) at compressed byte \(consumed)")
                case Z_MEM_ERROR:
                    throw DatasetError.unreadable(path: path, reason: "out of memory while decompressing")
                default:
                    throw DatasetError.corruptGzip(path: path, detail: "zlib status \(status)")
                }
            }
        }
        return output
    }

    /// The size gzip records in its last four bytes (the length modulo 2^32), when it is plausible.
    /// Only a capacity hint: a truncated file ends in arbitrary bytes.
    private static func sizeHint(_ compressed: [UInt8]) -> Int {
        guard compressed.count >= 18 else { return 0 }
        let n = compressed.count
        let recorded =
            Int(compressed[n - 4]) | Int(compressed[n - 3]) << 8
            | Int(compressed[n - 2]) << 16 | Int(compressed[n - 1]) << 24
        // Deflate cannot expand more than about 1032 : 1; MNIST is nearer 5 : 1.
        return recorded <= compressed.count * 1032 ? recorded : compressed.count * 4
    }

    private static func zlibMessage(_ stream: z_stream) -> String {
        stream.msg.map { String(cString: $0) } ?? "unknown zlib error"
    }
}

/// The text of the current `errno`, as `strerror` gives it.
func systemReason() -> String {
    String(cString: strerror(errno))
}
