// Where the data lives: the --data flag, else $MNIST_DIR, else the user cache (MNIST); for
// Fashion-MNIST, Debian's package folder. Only decides the path; never creates or reads it.
import Foundation

/// A data folder and the rule that chose it, so messages can say why this folder.
///
/// ```swift
/// let folder = DataFolder.resolve(kind: .mnist, dataFlag: options.data)
/// print("reading \(folder)")  // "/home/me/.cache/neuraltracer/mnist (the user cache)"
/// ```
public struct DataFolder: Sendable, Equatable, CustomStringConvertible {
    /// The rule that chose the folder, in order of precedence.
    public enum Source: String, Sendable {
        /// `--data DIR` on the command line.
        case flag
        /// `$MNIST_DIR` (MNIST only: it names a folder of digits).
        case environment
        /// `/usr/share/datasets/fashion-mnist`, when Debian's package is installed (Fashion-MNIST only).
        case systemPackage
        /// `$XDG_CACHE_HOME/neuraltracer/<dataset>`, default `~/.cache/neuraltracer/<dataset>`.
        case userCache
    }

    /// Where Debian's `dataset-fashion-mnist` package installs its four `.gz` files.
    public static let debianFashionFolder = "/usr/share/datasets/fashion-mnist"

    /// The folder.
    public let url: URL
    /// Why this folder.
    public let source: Source

    public var description: String {
        let why: String =
            switch source {
            case .flag: "from --data"
            case .environment: "from $MNIST_DIR"
            case .systemPackage: "Debian's dataset-fashion-mnist"
            case .userCache: "the user cache"
            }
        return "\(url.path) (\(why))"
    }

    /// Picks the data folder for `kind`:
    /// 1. `dataFlag` (the `--data` value) when given;
    /// 2. MNIST: `$MNIST_DIR` when set; Fashion-MNIST: `debianFashionFolder` when it exists, unless
    ///    `forDownload` (a package folder is not ours to write into);
    /// 3. `$XDG_CACHE_HOME/neuraltracer/mnist` (or `.../fashion-mnist`); without `XDG_CACHE_HOME`
    ///    (or when it is not an absolute path, as the XDG spec says), `$HOME/.cache/neuraltracer/...`.
    ///
    /// `environment` and `debianFashionFolder` are parameters so tests can pin them.
    public static func resolve(
        kind: DatasetKind,
        dataFlag: String?,
        forDownload: Bool = false,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        debianFashionFolder: String = DataFolder.debianFashionFolder
    ) -> DataFolder {
        if let dataFlag, !dataFlag.isEmpty {
            return DataFolder(url: folderURL(dataFlag), source: .flag)
        }
        switch kind {
        case .mnist:
            if let fromEnvironment = environment["MNIST_DIR"], !fromEnvironment.isEmpty {
                return DataFolder(url: folderURL(fromEnvironment), source: .environment)
            }
        case .fashion:
            var isFolder: ObjCBool = false
            if !forDownload, FileManager.default.fileExists(atPath: debianFashionFolder, isDirectory: &isFolder),
                isFolder.boolValue
            {
                return DataFolder(url: folderURL(debianFashionFolder), source: .systemPackage)
            }
        }
        let cacheBase: String
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            cacheBase = xdg
        } else {
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            cacheBase = (home as NSString).appendingPathComponent(".cache")
        }
        let leaf = kind == .mnist ? "mnist" : "fashion-mnist"
        let path = ((cacheBase as NSString).appendingPathComponent("neuraltracer") as NSString)
            .appendingPathComponent(leaf)
        return DataFolder(url: folderURL(path), source: .userCache)
    }

    private static func folderURL(_ path: String) -> URL {
        URL(fileURLWithPath: (path as NSString).expandingTildeInPath, isDirectory: true).standardizedFileURL
    }
}
