// PNG files in and out through libpng's simplified API (png_image), so errors come back as return
// values and never as a longjmp across Swift frames. No drawing here, and no hand-written codec.
import CPNG
import Foundation
import SafeIO

/// Why a PNG could not be read or written. Every case names the file it is about, so the message a
/// user sees says which file and what went wrong.
public enum PNGError: Error, Equatable, CustomStringConvertible {
    /// The file to read does not exist.
    case missingFile(path: String)
    /// libpng could not open or decode the file (not a PNG, truncated, corrupt); `reason` is
    /// libpng's own message.
    case unreadable(path: String, reason: String)
    /// The folder the file should go into does not exist.
    case missingFolder(path: String, folder: String)
    /// Something in the way of the folder is not a folder (for example a regular file).
    case notAFolder(path: String, folder: String)
    /// libpng or the file system refused the write; `reason` is libpng's message or the OS error.
    case unwritable(path: String, reason: String)
    /// The pixel buffer handed in does not match the stated size.
    case badPixelCount(path: String, width: Int, height: Int, channels: Int, count: Int)
    /// The file, or the image its header declares, is larger than this reader takes.
    case tooLarge(path: String, detail: String)

    /// The file the error is about.
    public var path: String {
        switch self {
        case .missingFile(let path), .unreadable(let path, _), .missingFolder(let path, _),
            .notAFolder(let path, _), .unwritable(let path, _),
            .badPixelCount(let path, _, _, _, _), .tooLarge(let path, _):
            return path
        }
    }

    public var description: String {
        switch self {
        case .missingFile(let path):
            return "\(path): no such file; check the path"
        case .unreadable(let path, let reason):
            return "\(path): not a readable PNG image (\(reason))"
        case .missingFolder(let path, let folder):
            return "\(path): the folder \(folder) does not exist; create it first"
        case .notAFolder(let path, let folder):
            return "\(path): \(folder) is not a folder"
        case .unwritable(let path, let reason):
            return "\(path): cannot write the PNG (\(reason))"
        case .badPixelCount(let path, let width, let height, let channels, let count):
            return "\(path): \(width)x\(height) with \(channels) channel(s) needs "
                + "\(width * height * channels) bytes, got \(count)"
        case .tooLarge(let path, let detail):
            return "\(path): \(detail); scale the image down"
        }
    }
}

/// Reads and writes PNG files with libpng. Writes are atomic: the image goes to a hidden temporary
/// file in the target folder and is renamed into place, so a failed or interrupted write never
/// leaves a partial PNG behind.
public enum PNGFile {
    // The png.h format constants, spelled out here because not every macro imports into Swift.
    static let formatGrey: UInt32 = 0  // PNG_FORMAT_GRAY
    static let flagAlpha: UInt32 = 0x01  // PNG_FORMAT_FLAG_ALPHA
    static let flagColor: UInt32 = 0x02  // PNG_FORMAT_FLAG_COLOR
    static let flagLinear: UInt32 = 0x04  // PNG_FORMAT_FLAG_LINEAR
    static let flagColormap: UInt32 = 0x08  // PNG_FORMAT_FLAG_COLORMAP
    static let formatRGB: UInt32 = flagColor
    static let formatRGBA: UInt32 = flagColor | flagAlpha
    static let imageVersion: UInt32 = 1  // PNG_IMAGE_VERSION

    /// The largest image read, in pixels (40 megapixels: a phone photo fits, a decompression bomb
    /// does not), and the largest file.
    public static let maximumPixels = 40_000_000
    public static let maximumFileBytes = 128 << 20

    // MARK: Writing

    /// Writes an RGB canvas as an 8-bit RGB PNG.
    public static func write(_ canvas: Canvas, to path: String) throws(PNGError) {
        try writeRaw(
            width: canvas.width, height: canvas.height, channels: 3, format: formatRGB,
            pixels: canvas.pixels, to: path)
    }

    /// Writes a grey image as an 8-bit greyscale PNG.
    public static func writeGrey(_ image: GreyImage, to path: String) throws(PNGError) {
        try writeRaw(
            width: image.width, height: image.height, channels: 1, format: formatGrey,
            pixels: image.pixels, to: path)
    }

    /// Writes 8-bit RGBA pixels, row-major, 4 bytes a pixel, alpha not premultiplied.
    public static func writeRGBA(
        width: Int, height: Int, pixels: [UInt8], to path: String
    ) throws(PNGError) {
        try writeRaw(
            width: width, height: height, channels: 4, format: formatRGBA, pixels: pixels, to: path)
    }

    /// Writes raw samples in any png_image format (also colour-mapped or 16-bit linear ones, which
    /// the tests use to make real-world inputs). `samples` is what libpng reads from the buffer.
    static func writeRaw<Sample>(
        width: Int, height: Int, channels: Int, format: UInt32, pixels: [Sample],
        colormap: [UInt8]? = nil, to path: String
    ) throws(PNGError) {
        guard width > 0, height > 0, pixels.count == width * height * channels else {
            throw .badPixelCount(
                path: path, width: width, height: height, channels: channels, count: pixels.count)
        }
        _ = try checkedFolder(of: path)
        var image = png_image()
        image.version = imageVersion
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = format
        if let colormap { image.colormap_entries = UInt32(colormap.count / 3) }
        let stride = Int32(width * channels)
        do {
            try AtomicFile.replace(path) { temporary throws(FileProblem) in
                let written = pixels.withUnsafeBytes { buffer in
                    if let colormap {
                        return colormap.withUnsafeBytes { map in
                            png_image_write_to_file(&image, temporary, 0, buffer.baseAddress, stride, map.baseAddress)
                        }
                    }
                    return png_image_write_to_file(&image, temporary, 0, buffer.baseAddress, stride, nil)
                }
                if written == 0 {
                    let reason = message(of: &image)
                    png_image_free(&image)
                    throw FileProblem(path: path, reason: reason)
                }
            }
        } catch {
            throw .unwritable(path: path, reason: error.reason)
        }
    }

    /// The folder a path lives in, after checking it exists and is a folder.
    private static func checkedFolder(of path: String) throws(PNGError) -> String {
        let parent = (path as NSString).deletingLastPathComponent
        let folder = parent.isEmpty ? "." : parent
        var isFolder: ObjCBool = false
        if !FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) {
            // A component that is a regular file reads as "missing" to fileExists; tell them apart.
            var prefix = folder
            while !prefix.isEmpty && prefix != "/" {
                var prefixIsFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: prefix, isDirectory: &prefixIsFolder) {
                    if !prefixIsFolder.boolValue { throw .notAFolder(path: path, folder: prefix) }
                    break
                }
                prefix = (prefix as NSString).deletingLastPathComponent
            }
            throw .missingFolder(path: path, folder: folder)
        }
        if !isFolder.boolValue { throw .notAFolder(path: path, folder: folder) }
        if access(folder, W_OK) != 0 {
            throw .unwritable(path: path, reason: "the folder \(folder) is not writable")
        }
        return folder
    }

    // MARK: Reading

    /// Reads any common PNG (grey, RGB, RGBA, palette, 8 or 16 bit) as 8-bit grey.
    ///
    /// Colour is turned into luminance by libpng. Transparent pixels are composited onto
    /// `background` (default white, like paper), so a dark digit drawn on a transparent canvas
    /// reads as a dark digit on white rather than on black.
    public static func readGrey(_ path: String, background: UInt8 = 255) throws(PNGError)
        -> GreyImage
    {
        let (width, height, pixels) = try read(
            path, format: formatGrey, channels: 1,
            background: background)
        return GreyImage(width: width, height: height, pixels: pixels)
    }

    /// Reads any common PNG as 8-bit RGBA, row-major, 4 bytes a pixel, alpha not premultiplied.
    public static func readRGBA(_ path: String) throws(PNGError)
        -> (width: Int, height: Int, pixels: [UInt8])
    {
        try read(path, format: formatRGBA, channels: 4, background: nil)
    }

    private static func read(
        _ path: String, format: UInt32, channels: Int, background: UInt8?
    ) throws(PNGError) -> (width: Int, height: Int, pixels: [UInt8]) {
        // The whole file is read first (only a regular file, never a pipe or a device, and not
        // a huge one), then decoded from memory, so what is decoded is what was checked.
        var info = stat()
        if stat(path, &info) != 0 && errno == ENOENT { throw .missingFile(path: path) }
        let file: [UInt8]
        do { file = try RegularFile.read(path, limit: maximumFileBytes) } catch {
            throw .unreadable(path: path, reason: error.reason)
        }
        // libpng keeps reading from this memory until png_image_finish_read: it must stay put.
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(file.count, 1), alignment: 1)
        defer { memory.deallocate() }
        memory.copyBytes(from: file)
        var image = png_image()
        image.version = imageVersion
        let begun = png_image_begin_read_from_memory(&image, memory.baseAddress, file.count)
        if begun == 0 {
            let reason = message(of: &image)
            png_image_free(&image)
            throw .unreadable(path: path, reason: "libpng: " + reason)
        }
        let width = Int(image.width)
        let height = Int(image.height)
        // The header alone decides how much memory decoding takes: check it before allocating.
        guard width * height <= maximumPixels else {
            png_image_free(&image)
            throw .tooLarge(
                path: path,
                detail: "its header declares \(width) x \(height) pixels, more than the \(maximumPixels) this reads")
        }
        image.format = format
        var pixels = [UInt8](repeating: 0, count: width * height * channels)
        var backgroundColour = png_color(
            red: background ?? 0, green: background ?? 0,
            blue: background ?? 0)
        let finished = pixels.withUnsafeMutableBytes { buffer in
            if background != nil {
                return png_image_finish_read(
                    &image, &backgroundColour, buffer.baseAddress,
                    Int32(width * channels), nil)
            }
            return png_image_finish_read(
                &image, nil, buffer.baseAddress,
                Int32(width * channels), nil)
        }
        if finished == 0 {
            let reason = message(of: &image)
            png_image_free(&image)
            throw .unreadable(path: path, reason: "libpng: " + reason)
        }
        return (width, height, pixels)
    }

    /// libpng's message, a fixed-size C char array in the struct, as a Swift string.
    private static func message(of image: inout png_image) -> String {
        let text = withUnsafeBytes(of: &image.message) { raw -> String in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
        return text.isEmpty ? "unknown libpng error" : text
    }
}
