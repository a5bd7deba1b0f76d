// A tiny HTTP/1.1 server on 127.0.0.1 for the download tests: GET only, one connection at a time,
// whole bodies from a handler, "Connection: close". No keep-alive, ranges, or anything else.
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Serves `handler(path)` on a free port of 127.0.0.1 until `stop()`; nil from the handler is a 404.
final class LocalHTTPServer: @unchecked Sendable {
    enum ServerError: Error { case socket(String) }

    let port: UInt16
    private let listener: Int32
    private let handler: @Sendable (String) -> [UInt8]?
    private let lock = NSLock()
    private var requestedPaths: [String] = []
    private let finished = DispatchSemaphore(value: 0)

    /// The base URL of the server, e.g. `http://127.0.0.1:43117/`.
    var baseURL: URL { URL(string: "http://127.0.0.1:\(port)/")! }

    /// The paths asked for so far, in order.
    var requests: [String] {
        lock.lock()
        defer { lock.unlock() }
        return requestedPaths
    }

    init(handler: @escaping @Sendable (String) -> [UInt8]?) throws {
        self.handler = handler
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw ServerError.socket("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0  // the kernel picks a free port
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian  // 127.0.0.1 only
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(listener, 16) == 0 else {
            close(listener)
            throw ServerError.socket("bind/listen: \(String(cString: strerror(errno)))")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.listener = listener
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    /// A server for the files of `folder`: `/<prefix>/<name>` answers with the file's bytes.
    convenience init(serving folder: URL, under prefix: String) throws {
        try self.init { path in
            let name = path.hasPrefix("/\(prefix)/") ? String(path.dropFirst(prefix.count + 2)) : ""
            guard !name.isEmpty, !name.contains("/") else { return nil }
            return FileManager.default.contents(atPath: folder.appendingPathComponent(name).path).map { [UInt8]($0) }
        }
    }

    /// Closes the listening socket and waits for the serving thread to end.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        finished.wait()
    }

    private func serve() {
        defer { finished.signal() }
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return  // the listener was shut down
            }
            answer(client)
            close(client)
        }
    }

    private func answer(_ client: Int32) {
        // Read the request head (up to the blank line); the first line is "GET /path HTTP/1.1".
        var head: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !head.suffix(4).elementsEqual([13, 10, 13, 10]) && head.count < 65_536 {
            let count = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return }
            head += chunk[0..<count]
            if let end = findHeadEnd(head) {
                head = Array(head[0..<end]) + [13, 10, 13, 10]
                break
            }
        }
        let requestLine = String(decoding: head.prefix { $0 != 13 }, as: UTF8.self)
        let parts = requestLine.split(separator: " ")
        let path = parts.count >= 2 ? String(parts[1]) : "/"
        lock.lock()
        requestedPaths.append(path)
        lock.unlock()

        let body = handler(path)
        let status = body == nil ? "404 Not Found" : "200 OK"
        let content = body ?? Array("not found\n".utf8)
        let header =
            "HTTP/1.1 \(status)\r\nContent-Type: application/octet-stream\r\n"
            + "Content-Length: \(content.count)\r\nConnection: close\r\n\r\n"
        sendAll(Array(header.utf8) + content, to: client)
    }

    private func findHeadEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4) where bytes[index..<index + 4].elementsEqual([13, 10, 13, 10]) {
            return index
        }
        return nil
    }

    private func sendAll(_ bytes: [UInt8], to client: Int32) {
        bytes.withUnsafeBytes { buffer in
            var sent = 0
            while sent < buffer.count {
                // MSG_NOSIGNAL: a client that hangs up must not kill the test run with SIGPIPE.
                let count = send(client, buffer.baseAddress! + sent, buffer.count - sent, Int32(MSG_NOSIGNAL))
                if count < 0 {
                    if errno == EINTR { continue }
                    return
                }
                sent += count
            }
        }
    }
}
