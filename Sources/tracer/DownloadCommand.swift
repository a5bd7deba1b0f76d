// `tracer download`: fetch MNIST (or Fashion-MNIST) into the data folder, verified by checksum.
// Thin: the fetching, checking and atomic writing are Datasets' Downloader; this parses and reports.
import ArgumentParser
import Datasets
import Foundation
import SafeIO

struct DownloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Fetch the dataset's four files into the data folder, verifying their checksums.",
        discussion: """
            The folder is --data, else $MNIST_DIR, else $XDG_CACHE_HOME/neuraltracer/mnist \
            (~/.cache/neuraltracer/mnist). Files already there with the right content are kept. \
            Mirrors are tried in order; --mirror URL uses that one only (it must serve <URL>/<file>.gz). \
            Fashion-MNIST (--dataset fashion) goes to --data, else ~/.cache/neuraltracer/fashion-mnist; \
            nothing is fetched when Debian's dataset-fashion-mnist is installed.
            """)

    @Option(help: "The folder to download into (created if needed).")
    var data: String?

    @Option(
        help: "A mirror to use instead of the standard ones: a URL that serves <URL>/train-images-idx3-ubyte.gz etc.")
    var mirror: String?

    @Option(help: "Which dataset: mnist or fashion.")
    var dataset: DatasetKind = .mnist

    @Option(help: "Seconds to wait for a mirror's next bytes before giving up on it (a whole file: 20 times as long).")
    var timeout: Double = 30

    func validate() throws {
        if let mirror {
            guard mirrorURL(mirror) != nil else {
                throw ValidationError(
                    "--mirror must be an http:// or https:// URL with a host (and a port from 1 to 65535), not '\(mirror)'")
            }
        }
        // URLSession turns the timeout into whole milliseconds: an infinite or huge one traps there.
        guard timeout.isFinite && timeout > 0 && timeout <= 86_400 else {
            throw ValidationError("--timeout must be a number of seconds from 0 to 86400 (a day), not \(timeout)")
        }
    }

    func run() throws {
        let kind = dataset
        let folder = DataFolder.resolve(kind: kind, dataFlag: data, forDownload: true)
        // Debian's package is where Fashion-MNIST is read from by default: nothing to fetch then.
        if kind == .fashion, data == nil {
            let installed = URL(fileURLWithPath: DataFolder.debianFashionFolder, isDirectory: true)
            if DatasetFile.allCases.allSatisfy({ $0.existingPath(in: installed) != nil }) {
                print(
                    "Fashion-MNIST is already installed by Debian's dataset-fashion-mnist in \(installed.path); "
                        + "nothing to download (pass --data DIR to fetch a copy elsewhere)")
                return
            }
        }
        let mirrors = mirror.flatMap(mirrorURL).map { [$0] }
        print("\(kind.displayName) into \(folder)")
        do {
            try Downloader(kind: kind, mirrors: mirrors, timeout: timeout).download(into: folder.url) { line in
                print(line)
            }
        } catch let error as DatasetError {
            try failWithMessage(error.description)
        }
        print("done: \(kind.displayName) is in \(folder.url.path)")
    }
}

/// Prints `message` as one line on stderr and ends the command with exit code 1 (bad input or data).
func failWithMessage(_ message: String) throws -> Never {
    StandardError.writeLine("error: \(message)")
    throw ExitCode(1)
}

/// `text` as a mirror URL: http or https (either case, written lower-case for URLSession), with a
/// host and, when a port is given, a valid one; nil otherwise.
func mirrorURL(_ text: String) -> URL? {
    guard var parts = URLComponents(string: text), let scheme = parts.scheme?.lowercased(),
        ["http", "https"].contains(scheme), let host = parts.host, !host.isEmpty
    else { return nil }
    if let port = parts.port, !(1...65_535).contains(port) { return nil }
    parts.scheme = scheme
    return parts.url
}
