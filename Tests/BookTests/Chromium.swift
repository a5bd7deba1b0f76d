// A small driver for headless Chromium over the DevTools protocol on a pipe (--remote-debugging-pipe:
// the browser reads commands on fd 3 and writes replies and events on fd 4, each a JSON object
// ending in a NUL byte). Enough to load a page, watch its requests and console, run a check in it
// and take a screenshot; every wait has a deadline, so a stuck browser fails a test, never hangs it.
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

struct ChromiumError: Error, CustomStringConvertible {
    var description: String
}

/// What happened while a page loaded.
struct PageLoad {
    /// Every URL the page asked for (the page itself included).
    var requests: [String] = []
    /// Console errors, uncaught exceptions, failed loads and browser log errors.
    var errors: [String] = []
    /// Messages of JavaScript dialogs the page tried to open (alert, confirm).
    var dialogs: [String] = []
}

final class Chromium: @unchecked Sendable {
    /// The browser, where the set-up installs it; nil when it is not installed.
    static func executable() -> String? {
        for path in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        where FileManager.default.isExecutableFile(atPath: path) {
            return path
        }
        return nil
    }

    private let pid: pid_t
    private let toBrowser: Int32
    private let fromBrowser: Int32
    private var buffer: [UInt8] = []
    private var nextID = 1
    private var events: [[String: Any]] = []
    private var session: String = ""
    private let profile: URL

    init(executable: String) throws {
        profile = FileManager.default.temporaryDirectory.appendingPathComponent("book-chromium-\(UUID().uuidString)")
        var commands: [Int32] = [0, 0], replies: [Int32] = [0, 0]
        guard pipe(&commands) == 0, pipe(&replies) == 0 else { throw ChromiumError(description: "pipe failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, commands[0], 3)
        posix_spawn_file_actions_adddup2(&actions, replies[1], 4)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let arguments = [
            executable, "--headless", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
            "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
            "--disable-sync", "--disable-component-update", "--mute-audio", "--hide-scrollbars",
            "--user-data-dir=\(profile.path)", "about:blank",
        ]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        // A process group of its own, so that the browser's helper processes end with it.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var child = pid_t()
        let status = posix_spawn(&child, executable, &actions, &attributes, &argv, environ)
        close(commands[0])
        close(replies[1])
        guard status == 0 else { throw ChromiumError(description: "cannot start \(executable): error \(status)") }
        pid = child
        toBrowser = commands[1]
        fromBrowser = replies[0]
        signal(SIGPIPE, SIG_IGN)

        let target = try call("Target.createTarget", ["url": "about:blank"], session: nil)
        guard let targetID = target["targetId"] as? String else { throw ChromiumError(description: "no target") }
        let attached = try call("Target.attachToTarget", ["targetId": targetID, "flatten": true], session: nil)
        guard let session = attached["sessionId"] as? String else { throw ChromiumError(description: "no session") }
        self.session = session
        for domain in ["Page", "Runtime", "Network", "Log"] { try call("\(domain).enable") }
    }

    /// Closes the browser, then ends its whole process group (helpers included) and waits for it.
    deinit {
        _ = try? call("Browser.close", [:], session: nil)
        close(toBrowser)
        close(fromBrowser)
        kill(-pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        try? FileManager.default.removeItem(at: profile)
    }

    // MARK: Pages

    /// Window size and colour scheme for the following loads.
    func emulate(width: Int, height: Int, dark: Bool) throws {
        try call(
            "Emulation.setDeviceMetricsOverride",
            ["width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600])
        try call(
            "Emulation.setEmulatedMedia",
            ["features": [["name": "prefers-color-scheme", "value": dark ? "dark" : "light"]]])
    }

    /// Loads `url` and waits for its load event (pictures included), recording what it asked for.
    func load(_ url: URL, javaScript: Bool = true) throws -> PageLoad {
        try call("Emulation.setScriptExecutionDisabled", ["value": !javaScript])
        events.removeAll()
        try call("Page.navigate", ["url": url.absoluteString])
        _ = try waitForEvent("Page.loadEventFired", seconds: 30)
        // Let late console messages arrive.
        try call("Runtime.evaluate", ["expression": "1"])
        var load = PageLoad()
        for event in events where event["sessionId"] as? String == session {
            let params = event["params"] as? [String: Any] ?? [:]
            switch event["method"] as? String {
            case "Network.requestWillBeSent":
                if let request = params["request"] as? [String: Any], let url = request["url"] as? String {
                    load.requests.append(url)
                }
            case "Network.loadingFailed":
                load.errors.append("load failed: \(params["errorText"] ?? "?")")
            case "Runtime.exceptionThrown":
                load.errors.append("exception: \(params["exceptionDetails"] ?? "?")")
            case "Runtime.consoleAPICalled":
                if ["error", "assert"].contains(params["type"] as? String) {
                    load.errors.append("console: \(params["args"] ?? "?")")
                }
            case "Log.entryAdded":
                if let entry = params["entry"] as? [String: Any], entry["level"] as? String == "error" {
                    load.errors.append("log: \(entry["text"] ?? "?") \(entry["url"] ?? "")")
                }
            case "Page.javascriptDialogOpening":
                load.dialogs.append(params["message"] as? String ?? "")
            default:
                break
            }
        }
        return load
    }

    /// The value of a JavaScript expression in the page (JSON-compatible results only).
    func evaluate(_ expression: String) throws -> Any? {
        let result = try call("Runtime.evaluate", ["expression": expression, "returnByValue": true])
        if let details = result["exceptionDetails"] { throw ChromiumError(description: "script failed: \(details)") }
        return (result["result"] as? [String: Any])?["value"]
    }

    /// A PNG of the viewport, or of the whole page up to `maxHeight` pixels when `fullPage`.
    func screenshot(fullPage: Bool = false, maxHeight: Int = 12000) throws -> Data {
        var params: [String: Any] = ["format": "png"]
        if fullPage {
            let metrics = try call("Page.getLayoutMetrics")
            let size = metrics["cssContentSize"] as? [String: Any] ?? [:]
            let width = (size["width"] as? Double) ?? 800,
                height = min((size["height"] as? Double) ?? 600, Double(maxHeight))
            params["captureBeyondViewport"] = true
            params["clip"] = ["x": 0, "y": 0, "width": width, "height": height, "scale": 1]
        }
        let result = try call("Page.captureScreenshot", params)
        guard let text = result["data"] as? String, let data = Data(base64Encoded: text) else {
            throw ChromiumError(description: "no screenshot")
        }
        return data
    }

    // MARK: Protocol

    @discardableResult
    private func call(_ method: String, _ params: [String: Any] = [:]) throws -> [String: Any] {
        try call(method, params, session: session)
    }

    @discardableResult
    private func call(_ method: String, _ params: [String: Any], session: String?) throws -> [String: Any] {
        let id = nextID
        nextID += 1
        var message: [String: Any] = ["id": id, "method": method, "params": params]
        if let session { message["sessionId"] = session }
        var bytes = [UInt8](try JSONSerialization.data(withJSONObject: message))
        bytes.append(0)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(toBrowser, $0.baseAddress, $0.count) }
            guard n > 0 else { throw ChromiumError(description: "the browser closed its pipe (\(method))") }
            written += n
        }
        let deadline = Date().addingTimeInterval(60)
        while true {
            let reply = try nextMessage(until: deadline, waitingFor: method)
            if reply["id"] as? Int == id {
                if let error = reply["error"] { throw ChromiumError(description: "\(method): \(error)") }
                return reply["result"] as? [String: Any] ?? [:]
            }
            events.append(reply)
        }
    }

    private func waitForEvent(_ method: String, seconds: Double) throws -> [String: Any] {
        if let seen = events.first(where: { $0["method"] as? String == method }) { return seen }
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let message = try nextMessage(until: deadline, waitingFor: method)
            events.append(message)
            if message["method"] as? String == method { return message }
            // A dialog (alert) holds the page until it is answered: answer it, it is recorded.
            if message["method"] as? String == "Page.javascriptDialogOpening" {
                try call("Page.handleJavaScriptDialog", ["accept": true])
            }
        }
    }

    /// The next NUL-terminated message, reading with poll so that a silent browser times out.
    private func nextMessage(until deadline: Date, waitingFor what: String) throws -> [String: Any] {
        while true {
            if let end = buffer.firstIndex(of: 0) {
                let data = Data(buffer[..<end])
                buffer.removeSubrange(...end)
                guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { continue }
                return object
            }
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { throw ChromiumError(description: "timed out waiting for \(what)") }
            var descriptor = pollfd(fd: fromBrowser, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(min(left, 5) * 1000))
            if ready < 0 && errno != EINTR { throw ChromiumError(description: "poll failed") }
            guard ready > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let n = read(fromBrowser, &chunk, chunk.count)
            guard n > 0 else { throw ChromiumError(description: "the browser exited while waiting for \(what)") }
            buffer += chunk[..<n]
        }
    }
}
