// `--json` for training: the epoch object. JSON itself is written by NeuralCore's JSONValue.
import NeuralCore

extension EpochRecord {
    /// `{"epoch":k,"learning_rate":..,"train_loss":..,"train_accuracy":..,"validation_loss":..,
    /// "validation_accuracy":..,"seconds":..,"images_per_second":..,"diagnostics":{..},"warnings":[..]}`;
    /// the validation fields are null when no validation split is held out.
    public func json(warnings: [String] = []) -> JSONValue {
        .object([
            ("epoch", .integer(epoch)),
            ("learning_rate", .float(learningRate)),
            ("train_loss", .float(trainLoss)),
            ("train_accuracy", .number(trainAccuracy)),
            ("validation_loss", validationLoss.map(JSONValue.float) ?? .null),
            ("validation_accuracy", validationAccuracy.map(JSONValue.number) ?? .null),
            ("seconds", .number((seconds * 1000).rounded() / 1000)),
            ("images_per_second", .integer(Int(imagesPerSecond.rounded()))),
            ("diagnostics", diagnostics.json),
            ("warnings", .array(warnings.map(JSONValue.string))),
        ])
    }
}
