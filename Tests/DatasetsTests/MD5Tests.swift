// MD5 against the RFC 1321 test suite, and streaming in odd pieces against one-shot hashing.
// The real files' sums are checked in MNISTTests.
import Datasets
import Testing

@Suite("MD5")
struct MD5Tests {
    @Test(
        "RFC 1321 test vectors",
        arguments: [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
            ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
            (String(repeating: "1234567890", count: 8), "57edf4a22be3c955ac49da2e2107b67a"),
        ])
    func vectors(text: String, expected: String) {
        #expect(MD5.hex(of: Array(text.utf8)) == expected)
    }

    @Test("a million 'a's")
    func million() {
        #expect(MD5.hex(of: [UInt8](repeating: 0x61, count: 1_000_000)) == "7707d6ae4e027c70eea2a935c2296f21")
    }

    @Test("fed in pieces of odd sizes, the digest is the same as in one go")
    func streaming() {
        let message = (0..<1_000).map { UInt8(truncatingIfNeeded: $0 * 31 + 7) }
        for pieceSize in [1, 3, 55, 56, 63, 64, 65, 999] {
            var md5 = MD5()
            var start = 0
            while start < message.count {
                let end = min(start + pieceSize, message.count)
                md5.update(Array(message[start..<end]))
                start = end
            }
            #expect(md5.finalizeHex() == MD5.hex(of: message), "piece size \(pieceSize)")
        }
    }
}
