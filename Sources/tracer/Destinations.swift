// Checks of the files a command will write, made before its work starts (a `--save` into a folder
// that does not exist fails at once, not after a whole training run), and output names that neither
// collide nor outgrow a file name. The writing itself is SafeIO's AtomicFile.
import Foundation
import SafeIO
import Training

/// Ends the command with a one-line error (exit 1) when `--save FILE` cannot be written, or when
/// the `--out` folder exists but cannot be written into.
func checkDestinations(save: String?, out: String) throws {
    if let save {
        do { try ModelFile.checkDestination(save) } catch { try failWithMessage(error.description) }
    }
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: out, isDirectory: &isFolder), isFolder.boolValue, access(out, W_OK) != 0 {
        try failWithMessage("\(out): the --out folder is not writable; choose another --out")
    }
}

/// The picture name for the image at `path`: `predict-STEM.png`, with STEM shortened (at a
/// character boundary) to keep the name within a file name's 255 bytes, and `-2`, `-3`... added when
/// an earlier image of this run (`x/digit.png` before `y/digit.png`) already took the name.
func predictionPictureName(for path: String, taken: inout Set<String>) -> String {
    var stem = Substring(((path as NSString).lastPathComponent as NSString).deletingPathExtension)
    // Room for "predict-", a "-NNNN" counter and ".png".
    while stem.utf8.count > AtomicFile.maximumNameBytes - 8 - 5 - 4 { stem = stem.dropLast() }
    var name = "predict-\(stem).png"
    var counter = 2
    while taken.contains(name) {
        name = "predict-\(stem)-\(counter).png"
        counter += 1
    }
    taken.insert(name)
    return name
}
