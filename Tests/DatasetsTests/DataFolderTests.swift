// The order in which the data folder is chosen: --data, then $MNIST_DIR, then the user cache
// ($XDG_CACHE_HOME or ~/.cache); Fashion-MNIST's Debian folder. Environments are passed in, never set.
import Datasets
import Foundation
import Testing

@Suite("Data folder resolution")
struct DataFolderTests {
    let environment = ["MNIST_DIR": "/data/from-env", "XDG_CACHE_HOME": "/xdg", "HOME": "/home/learner"]

    @Test("--data wins over everything")
    func flagFirst() {
        let folder = DataFolder.resolve(kind: .mnist, dataFlag: "/data/from-flag", environment: environment)
        #expect(folder.url.path == "/data/from-flag")
        #expect(folder.source == .flag)
        #expect(folder.description == "/data/from-flag (from --data)")
    }

    @Test("then $MNIST_DIR")
    func environmentSecond() {
        let folder = DataFolder.resolve(kind: .mnist, dataFlag: nil, environment: environment)
        #expect(folder.url.path == "/data/from-env" && folder.source == .environment)
        // An empty flag or variable counts as not given.
        let emptyFlag = DataFolder.resolve(kind: .mnist, dataFlag: "", environment: environment)
        #expect(emptyFlag.source == .environment)
    }

    @Test("then $XDG_CACHE_HOME/neuraltracer/mnist")
    func xdgCache() {
        let folder = DataFolder.resolve(
            kind: .mnist, dataFlag: nil, environment: ["XDG_CACHE_HOME": "/xdg", "HOME": "/h"])
        #expect(folder.url.path == "/xdg/neuraltracer/mnist" && folder.source == .userCache)
    }

    @Test("else ~/.cache/neuraltracer/mnist, also when XDG_CACHE_HOME is relative (the XDG spec ignores it then)")
    func homeCache() {
        for environment in [["HOME": "/home/learner"], ["HOME": "/home/learner", "XDG_CACHE_HOME": "relative/cache"]] {
            let folder = DataFolder.resolve(kind: .mnist, dataFlag: nil, environment: environment)
            #expect(folder.url.path == "/home/learner/.cache/neuraltracer/mnist" && folder.source == .userCache)
        }
    }

    @Test("Fashion-MNIST: --data, else Debian's folder when it exists, else its own cache folder; MNIST_DIR is ignored")
    func fashion() throws {
        let debian = try makeTemporaryFolder()
        defer { removeTemporaryFolder(debian) }
        let withFlag = DataFolder.resolve(
            kind: .fashion, dataFlag: "/f", environment: environment, debianFashionFolder: debian.path)
        #expect(withFlag.url.path == "/f" && withFlag.source == .flag)

        let installed = DataFolder.resolve(
            kind: .fashion, dataFlag: nil, environment: environment, debianFashionFolder: debian.path)
        #expect(installed.url.path == debian.standardizedFileURL.path && installed.source == .systemPackage)

        let absent = DataFolder.resolve(
            kind: .fashion, dataFlag: nil, environment: environment, debianFashionFolder: "/nonexistent/fashion-mnist")
        #expect(absent.url.path == "/xdg/neuraltracer/fashion-mnist" && absent.source == .userCache)

        // A download never writes into the package's folder.
        let download = DataFolder.resolve(
            kind: .fashion, dataFlag: nil, forDownload: true, environment: environment, debianFashionFolder: debian.path
        )
        #expect(download.url.path == "/xdg/neuraltracer/fashion-mnist")
    }

    @Test("a leading ~ in --data is expanded")
    func tilde() {
        let folder = DataFolder.resolve(kind: .mnist, dataFlag: "~/digits", environment: [:])
        #expect(folder.url.path == (NSHomeDirectory() as NSString).appendingPathComponent("digits"))
    }
}
