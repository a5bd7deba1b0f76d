// What distinguishes MNIST from Fashion-MNIST: file checksums, class names, mirrors and the
// default folder. The two share the file names and the IDX format, so nothing else differs.
import Foundation

/// Which of the two MNIST-format datasets: the handwritten digits or Zalando's clothing.
public enum DatasetKind: String, CaseIterable, Sendable {
    case mnist
    case fashion

    /// The name a person reads: "MNIST" or "Fashion-MNIST".
    public var displayName: String {
        switch self {
        case .mnist: "MNIST"
        case .fashion: "Fashion-MNIST"
        }
    }

    /// Class `i` is called `classNames[i]`.
    public var classNames: [String] {
        switch self {
        case .mnist: (0...9).map(String.init)
        case .fashion:
            ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
        }
    }

    /// MD5 of each file's decompressed content, by its raw name (`DatasetFile.rawName`).
    ///
    /// MNIST: the well-known sums (also in `shared/data/mnist/MD5SUMS`). Fashion-MNIST: Zalando
    /// publishes MD5s of its `.gz` files only; these were computed from the content of Debian's
    /// `dataset-fashion-mnist` (0.0~git20200523.55506a9-1), whose `.gz` wrappers were re-packed.
    public var expectedMD5: [String: String] {
        switch self {
        case .mnist:
            [
                "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
                "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
                "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
                "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
            ]
        case .fashion:
            [
                "train-images-idx3-ubyte": "f4a8712d7a061bf5bd6d2ca38dc4d50a",
                "train-labels-idx1-ubyte": "9018921c3c673c538a1fc5bad174d6f9",
                "t10k-images-idx3-ubyte": "8181f5470baa50b63fa0f6fddb340f0a",
                "t10k-labels-idx1-ubyte": "15d484375f8d13e6eb1aabb0c3f46965",
            ]
        }
    }

    /// Public mirrors that serve `<mirror>/<name>.gz`, tried in this order.
    public var standardMirrors: [URL] {
        let addresses: [String] =
            switch self {
            case .mnist:
                [
                    "https://ossci-datasets.s3.amazonaws.com/mnist/",  // PyTorch's copy
                    "https://storage.googleapis.com/cvdf-datasets/mnist/",  // TensorFlow's copy
                    "http://yann.lecun.com/exdb/mnist/",  // the original, often refused nowadays
                ]
            case .fashion:
                [
                    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",  // Zalando's own
                    "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",  // Keras's copy
                ]
            }
        return addresses.compactMap(URL.init(string:))
    }

    /// A sentence on how to get the files, for "missing file" errors.
    public var howToGetFiles: String {
        switch self {
        case .mnist:
            "run 'tracer download' (add --data DIR for another folder), "
                + "or pass --data with a folder that holds the files"
        case .fashion:
            "install Debian's package ('apt-get install dataset-fashion-mnist'), "
                + "or run 'tracer download --dataset fashion', or pass --data with a folder that holds the files"
        }
    }
}

/// The four files of an MNIST-format dataset.
public enum DatasetFile: String, CaseIterable, Sendable {
    case trainImages = "train-images-idx3-ubyte"
    case trainLabels = "train-labels-idx1-ubyte"
    case testImages = "t10k-images-idx3-ubyte"
    case testLabels = "t10k-labels-idx1-ubyte"

    /// The uncompressed name, e.g. `train-images-idx3-ubyte`.
    public var rawName: String { rawValue }
    /// The name of the compressed form, e.g. `train-images-idx3-ubyte.gz`.
    public var gzipName: String { rawValue + ".gz" }

    /// The path of this file in `folder`: the `.gz` form when it exists, else the raw form when it
    /// exists, else nil. The `.gz` form wins because that is what `tracer download` writes.
    public func existingPath(in folder: URL) -> String? {
        for name in [gzipName, rawName] {
            let path = folder.appendingPathComponent(name).path
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        return nil
    }
}
