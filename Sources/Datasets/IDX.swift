// The IDX format of MNIST: a big-endian header (magic, then one UInt32 per dimension), then the
// payload. Only the two kinds MNIST uses: unsigned-byte images (0x803) and labels (0x801).

/// Parsing of IDX content already in memory (see `DataFile.readContents` for getting it there).
public enum IDX {
    /// The largest payload accepted: a header may declare no more than `DataFile` reads at all.
    public static let maximumPayload = DataFile.maximumBytes - 16
    /// The largest image side accepted (MNIST's images are 28 x 28): a network's input layer is
    /// as wide as an image has pixels, so a header must not be able to ask for millions.
    public static let maximumSide = 64

    /// Reads an images file (gzip or raw), inflating no more than its header declares.
    public static func readImages(atPath path: String) throws -> (count: Int, rows: Int, cols: Int, pixels: [UInt8]) {
        let content = try DataFile.readContents(atPath: path) {
            try declaredSize($0, magic: imagesMagic, dimensionCount: 3, path: path)
        }
        return try parseImages(content, path: path)
    }

    /// Reads a labels file (gzip or raw), inflating no more than its header declares.
    public static func readLabels(atPath path: String, classCount: Int? = nil) throws -> [UInt8] {
        let content = try DataFile.readContents(atPath: path) {
            try declaredSize($0, magic: labelsMagic, dimensionCount: 1, path: path)
        }
        return try parseLabels(content, path: path, classCount: classCount)
    }

    /// Reads either kind of IDX file whole (for checksums), inflating no more than its header
    /// declares when it starts with a known magic.
    public static func readAnyContents(atPath path: String) throws -> [UInt8] {
        try DataFile.readContents(atPath: path, declaredSize: { try declaredSizeOfAnyKind($0, path: path) })
    }

    /// `declaredSize` for whichever of the two kinds the magic says (nil for other content).
    public static func declaredSizeOfAnyKind(_ prefix: [UInt8], path: String) throws -> Int? {
        guard prefix.count >= 4 else { return nil }
        switch bigEndianWord(prefix, at: 0) {
        case imagesMagic: return try declaredSize(prefix, magic: imagesMagic, dimensionCount: 3, path: path)
        case labelsMagic: return try declaredSize(prefix, magic: labelsMagic, dimensionCount: 1, path: path)
        default: return nil
        }
    }

    /// The whole content size (header and payload) that the header at the start of `prefix`
    /// declares, nil while `prefix` is too short to tell. Throws as soon as the magic or the
    /// dimensions are wrong, so a bad file is not read further.
    static func declaredSize(_ prefix: [UInt8], magic: UInt32, dimensionCount: Int, path: String) throws -> Int? {
        let headerSize = 4 + 4 * dimensionCount
        guard prefix.count >= 4 else { return nil }
        let found = bigEndianWord(prefix, at: 0)
        guard found == magic else { throw DatasetError.wrongMagic(path: path, found: found, expected: magic) }
        guard prefix.count >= headerSize else { return nil }
        let dims = try header(prefix, magic: magic, dimensionCount: dimensionCount, path: path)
        return headerSize + dims.reduce(1, *)
    }

    /// Magic of a 3-dimensional unsigned-byte file: (count, rows, cols) images.
    public static let imagesMagic: UInt32 = 0x0000_0803
    /// Magic of a 1-dimensional unsigned-byte file: (count) labels.
    public static let labelsMagic: UInt32 = 0x0000_0801

    /// An images file: `pixels` is (count, rows, cols) row-major, one byte per pixel.
    /// `path` only names the source in errors. Takes the buffer over, so no copy is made.
    public static func parseImages(_ content: consuming [UInt8], path: String) throws
        -> (count: Int, rows: Int, cols: Int, pixels: [UInt8])
    {
        let dims = try header(content, magic: imagesMagic, dimensionCount: 3, path: path)
        let (count, rows, cols) = (dims[0], dims[1], dims[2])
        if rows == 0 || cols == 0 {
            throw DatasetError.badHeader(path: path, detail: "images of \(rows) x \(cols) pixels")
        }
        try checkPayload(
            content.count - 16, expected: count * rows * cols,
            meaning: "\(count) x \(rows) x \(cols)", path: path)
        content.removeFirst(16)
        return (count, rows, cols, content)
    }

    /// A labels file. With `classCount`, every label must be in `0..<classCount`.
    public static func parseLabels(_ content: consuming [UInt8], path: String, classCount: Int? = nil) throws
        -> [UInt8]
    {
        let count = try header(content, magic: labelsMagic, dimensionCount: 1, path: path)[0]
        try checkPayload(content.count - 8, expected: count, meaning: "\(count) labels", path: path)
        content.removeFirst(8)
        if let classCount, let bad = content.firstIndex(where: { Int($0) >= classCount }) {
            throw DatasetError.labelOutOfRange(path: path, index: bad, label: content[bad], classCount: classCount)
        }
        return content
    }

    /// Checks the magic and returns the dimensions (each at most 2^32 - 1, so products fit in Int).
    private static func header(_ content: [UInt8], magic: UInt32, dimensionCount: Int, path: String) throws -> [Int] {
        let headerSize = 4 + 4 * dimensionCount
        guard content.count >= 4 else {
            throw DatasetError.truncated(path: path, detail: "\(content.count) bytes, too short for an IDX header")
        }
        let found = bigEndianWord(content, at: 0)
        guard found == magic else { throw DatasetError.wrongMagic(path: path, found: found, expected: magic) }
        guard content.count >= headerSize else {
            throw DatasetError.truncated(
                path: path, detail: "\(content.count) bytes, the IDX header alone needs \(headerSize)")
        }
        let dims = (0..<dimensionCount).map { Int(bigEndianWord(content, at: 4 + 4 * $0)) }
        if dims[0] == 0 { throw DatasetError.badHeader(path: path, detail: "it declares 0 items") }
        if dimensionCount == 3, dims[1] > maximumSide || dims[2] > maximumSide {
            throw DatasetError.badHeader(
                path: path,
                detail: "images of \(dims[1]) x \(dims[2]) pixels; this reads images up to \(maximumSide) x \(maximumSide)")
        }
        // Three dimensions below 2^32 each could still overflow a 64-bit product.
        let product = dims.reduce((1, false)) { acc, dim in
            let (value, overflow) = acc.0.multipliedReportingOverflow(by: dim)
            return (value, acc.1 || overflow)
        }
        if product.1 || product.0 > maximumPayload {
            throw DatasetError.badHeader(
                path: path,
                detail: "dimensions \(dims) declare more than the \(maximumPayload) bytes a data file may hold here")
        }
        return dims
    }

    private static func checkPayload(_ actual: Int, expected: Int, meaning: String, path: String) throws {
        if actual < expected {
            throw DatasetError.truncated(
                path: path, detail: "payload has \(actual) bytes, the header promises \(expected) (\(meaning))")
        }
        if actual > expected { throw DatasetError.trailingData(path: path, extraBytes: actual - expected) }
    }

    private static func bigEndianWord(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16
            | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }
}
