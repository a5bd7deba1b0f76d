// Reading a whole data file into memory, gunzipping it (through zlib) when it starts with the gzip
// magic bytes 1f 8b, whatever its name. Knows nothing of IDX; streaming huge files is left out.
import CZlib
import Foundation

/// Whole-file reads of raw or gzip-compressed data. Every function throws `DatasetError`.
public enum DataFile {
    /// True when `bytes` start with the gzip magic bytes 1f 8b.
    public static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// The content of the file at `path`: decompressed when it is gzip, as is otherwise.
    /// An empty file, or a gzip file that holds nothing, is `DatasetError.emptyFile`.
    public static func readContents(atPath path: String) throws -> [UInt8] {
        let bytes = try readBytes(atPath: path)
        if bytes.isEmpty { throw DatasetError.emptyFile(path: path) }
        return try decompressIfGzip(bytes, path: path)
    }

    /// `bytes` gunzipped when they start with 1f 8b, unchanged otherwise. `path` names the source
    /// in errors (a file or a URL).
    public static func decompressIfGzip(_ bytes: [UInt8], path: String) throws -> [UInt8] {
        guard isGzip(bytes) else { return bytes }
        let content = try gunzip(bytes, path: path)
        if content.isEmpty { throw DatasetError.emptyFile(path: path) }
        return content
    }

    /// The raw bytes of the file at `path`, read into one preallocated buffer.
    public static func readBytes(atPath path: String) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        if descriptor < 0 { throw DatasetError.unreadable(path: path, reason: systemReason()) }
        defer { close(descriptor) }
        var info = stat()
        if fstat(descriptor, &info) != 0 { throw DatasetError.unreadable(path: path, reason: systemReason()) }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw DatasetError.unreadable(path: path, reason: "it is a folder, not a file")
        }
        let size = Int(info.st_size)
        return try [UInt8](unsafeUninitializedCapacity: size) { buffer, initializedCount in
            initializedCount = 0
            while initializedCount < size {
                let got = read(descriptor, buffer.baseAddress! + initializedCount, size - initializedCount)
                if got < 0 {
                    if errno == EINTR { continue }
                    throw DatasetError.unreadable(path: path, reason: systemReason())
                }
                if got == 0 { break }  // the file shrank while we read it: keep what is there
                initializedCount += got
            }
        }
    }

    /// Inflates a whole gzip stream (several members are allowed, one after another).
    /// A stream that stops before its end marker and trailer is `truncated`; anything else that
    /// zlib rejects, or non-gzip bytes after the end, is `corruptGzip`.
    static func gunzip(_ compressed: [UInt8], path: String) throws -> [UInt8] {
        guard compressed.count < Int(UInt32.max) else {
            throw DatasetError.corruptGzip(path: path, detail: "larger than 4 GiB, which this reader does not handle")
        }
        var output: [UInt8] = []
        output.reserveCapacity(sizeHint(compressed))
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
