// `--json` for training: the epoch object. JSON itself is written by NeuralCore's JSONValue.
import NeuralCore

extension EpochRecord {
    /// `{"epoch":k,"train_loss":..,"train_accuracy":..,"test_accuracy":..,"seconds":..,"images_per_second":..}`
    public var json: JSONValue {
        .object([
            ("epoch", .integer(epoch)),
            ("train_loss", .float(trainLoss)),
            ("train_accuracy", .number(trainAccuracy)),
            ("test_accuracy", .number(testAccuracy)),
            ("seconds", .number((seconds * 1000).rounded() / 1000)),
            ("images_per_second", .integer(Int(imagesPerSecond.rounded()))),
        ])
    }
}
