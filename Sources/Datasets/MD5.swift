// MD5 (RFC 1321), written out here so that checksums need no extra package. For verifying
// downloads against well-known sums only: MD5 is broken for security and is not used for it.
import Foundation  // sin, for the constant table

/// A streaming MD5 digest: feed bytes with `update`, then read `finalize()` once.
///
/// ```swift
/// MD5.hex(of: Array("abc".utf8))  // "900150983cd24fb0d6963f7d28e17f72"
/// ```
public struct MD5: Sendable {
    // The four 32-bit words of the running state (A, B, C, D), initial values from the RFC.
    private var a: UInt32 = 0x6745_2301
    private var b: UInt32 = 0xefcd_ab89
    private var c: UInt32 = 0x98ba_dcfe
    private var d: UInt32 = 0x1032_5476
    /// Bytes waiting for a full 64-byte block (always fewer than 64).
    private var pending: [UInt8] = []
    /// Message length so far, in bytes.
    private var byteCount: UInt64 = 0

    public init() {}

    /// The digest of `bytes` as 32 lowercase hex digits.
    public static func hex(of bytes: [UInt8]) -> String {
        var md5 = MD5()
        md5.update(bytes)
        return md5.finalizeHex()
    }

    /// Adds `bytes` to the message.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Adds the bytes behind `buffer` to the message.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        byteCount &+= UInt64(buffer.count)
        var offset = 0
        if !pending.isEmpty {
            let take = min(64 - pending.count, buffer.count)
            pending.append(contentsOf: buffer[0..<take])
            offset = take
            if pending.count < 64 { return }
            let block = pending
            block.withUnsafeBytes { processBlocks($0.baseAddress!, count: 1) }
            pending.removeAll(keepingCapacity: true)
        }
        guard let base = buffer.baseAddress else { return }
        let wholeBlocks = (buffer.count - offset) / 64
        processBlocks(base + offset, count: wholeBlocks)
        offset += wholeBlocks * 64
        pending.append(contentsOf: buffer[offset...])
    }

    /// Pads the message, and returns the 16-byte digest. Call once; the value is spent after.
    public mutating func finalize() -> [UInt8] {
        let bitLength = byteCount &* 8
        // Padding: one 1 bit, zeros up to 56 mod 64, then the length in bits, little-endian.
        var tail: [UInt8] = [0x80]
        let zeros = (56 - (Int(byteCount % 64) + 1) + 64) % 64
        tail.append(contentsOf: repeatElement(0, count: zeros))
        for shift in stride(from: 0, to: 64, by: 8) {
            tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
        }
        update(tail)
        precondition(pending.isEmpty, "MD5 padding must end on a block boundary")
        var digest: [UInt8] = []
        for word in [a, b, c, d] {
            for shift in stride(from: 0, to: 32, by: 8) {
                digest.append(UInt8(truncatingIfNeeded: word >> UInt32(shift)))
            }
        }
        return digest
    }

    /// `finalize()` as 32 lowercase hex digits.
    public mutating func finalizeHex() -> String {
        let digits = Array("0123456789abcdef")
        var text = ""
        for byte in finalize() {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return text
    }

    /// `count` consecutive 64-byte blocks, each four rounds of sixteen steps.
    private mutating func processBlocks(_ blocks: UnsafeRawPointer, count: Int) {
        guard count > 0 else { return }
        // The tables are reached through pointers taken once, which keeps unoptimised builds quick.
        md5SineTable.withUnsafeBufferPointer { sines in
            md5Shifts.withUnsafeBufferPointer { shifts in
                // Sixteen little-endian words of the current block.
                let words = UnsafeMutablePointer<UInt32>.allocate(capacity: 16)
                defer { words.deallocate() }
                for blockIndex in 0..<count {
                    UnsafeMutableRawPointer(words).copyMemory(from: blocks + blockIndex * 64, byteCount: 64)
                    var aa = a
                    var bb = b
                    var cc = c
                    var dd = d
                    for step in 0..<64 {
                        var f: UInt32
                        let g: Int
                        switch step >> 4 {
                        case 0:
                            f = (bb & cc) | (~bb & dd)
                            g = step
                        case 1:
                            f = (dd & bb) | (~dd & cc)
                            g = (5 &* step &+ 1) & 15
                        case 2:
                            f = bb ^ cc ^ dd
                            g = (3 &* step &+ 5) & 15
                        default:
                            f = cc ^ (bb | ~dd)
                            g = (7 &* step) & 15
                        }
                        f = f &+ aa &+ sines[step] &+ UInt32(littleEndian: words[g])
                        aa = dd
                        dd = cc
                        cc = bb
                        let shift = shifts[step]
                        bb = bb &+ ((f << shift) | (f >> (32 &- shift)))
                    }
                    a = a &+ aa
                    b = b &+ bb
                    c = c &+ cc
                    d = d &+ dd
                }
            }
        }
    }
}

/// Per-step left-rotation amounts: each round has its own four, repeated four times.
private let md5Shifts: [UInt32] = (0..<64).map { step in
    let perRound: [[UInt32]] = [[7, 12, 17, 22], [5, 9, 14, 20], [4, 11, 16, 23], [6, 10, 15, 21]]
    return perRound[step >> 4][step & 3]
}

/// The RFC's constants: floor(|sin(i + 1)| * 2^32), step i = 0..<64. Double precision gets them exact.
private let md5SineTable: [UInt32] = (0..<64).map { step in
    UInt32(truncatingIfNeeded: Int64(abs(sin(Double(step + 1))) * 4_294_967_296.0))
}
