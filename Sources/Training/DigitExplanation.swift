// One digit explained, lesson 6 at 28x28: for the first-layer units that push hardest toward the
// predicted class, the input, the unit's weight map and the contribution map x ⊙ w with its sum,
// bias, z and ReLU; which units fired; what each last-layer unit adds to each class's logit; the
// ten probabilities. The numbers are computed here from the weights, plainly (Double sums), and
// checked against the network's own forward pass; the step-by-step trace is SampleTrace's.
import Foundation
import NeuralCore
import Render

/// The numbers that explain one classification.
public struct DigitExplanation: Sendable {
    /// One first-layer unit: z = Σ x_k w_kj + b_j, a = ReLU(z) (identity in a 784-10 model).
    public struct Unit: Sendable {
        public var index: Int
        /// The unit's 784 incoming weights, and x ⊙ w, (rows, cols) row-major.
        public var weights: [Float]
        public var products: [Float]
        public var sum: Float
        public var bias: Float
        public var z: Float
        public var activation: Float
        /// What the unit adds to the predicted class's logit: a_j · dlogit/da_j (exactly
        /// a_j · w2[j, predicted] with one hidden layer; its logit itself in a 784-10 model).
        public var towardPredicted: Float
        /// w2[j, predicted], the weight that carries the unit to the predicted class (one hidden layer only).
        public var weightToPredicted: Float?
    }

    public let imageRows: Int
    public let imageCols: Int
    /// The input, in [0, 1], (rows, cols) row-major.
    public let input: [Float]
    /// The true class, when known (a test image).
    public let label: Int?
    public let layerSizes: [Int]
    public let logits: [Float]
    public let probabilities: [Float]
    public let predicted: Int
    /// Every first-layer unit's activation (the logits in a 784-10 model).
    public let firstLayer: [Float]
    /// The units shown as triptychs, strongest push toward the predicted class first.
    public let units: [Unit]
    /// The last layer: contribution[j][c] = a_j · w[j, c] of its input unit j to class c's logit.
    public let contributions: [[Float]]
    /// The last layer's bias per class.
    public let outputBias: [Float]
    /// Largest |difference| between these sums and the network's forward pass (a self-check).
    public let forwardMismatch: Float

    /// Explains `network`'s answer for `input` (`imageRows` x `imageCols` values in [0, 1]),
    /// showing the `shownUnits` first-layer units that push hardest toward the predicted class.
    public init(network: Network, input: [Float], label: Int?, imageRows: Int, imageCols: Int, shownUnits: Int = 3) {
        precondition(
            input.count == network.inputSize, "DigitExplanation: \(input.count) values for \(network.inputSize)")
        let L = network.layerCount
        self.input = input
        self.label = label
        self.imageRows = imageRows
        self.imageCols = imageCols
        layerSizes = network.layerSizes
        // Forward, layer by layer, in Double: a[l] the activations entering layer l.
        var a: [[Double]] = [input.map(Double.init)]
        var zs: [[Double]] = []
        for l in 0..<L {
            let w = network.weights(l), b = network.bias(l)
            var z = (0..<w.cols).map { Double(b[0, $0]) }
            for k in 0..<w.rows where a[l][k] != 0 {
                let x = a[l][k]
                for j in 0..<w.cols { z[j] += x * Double(w[k, j]) }
            }
            zs.append(z)
            a.append(z.map { network.activations[l].apply(Float($0)) }.map(Double.init))
        }
        logits = a[L].map { Float($0) }
        let largest = a[L].max() ?? 0
        let exponentials = a[L].map { Foundation.exp($0 - largest) }
        let total = exponentials.reduce(0, +)
        probabilities = exponentials.map { Float($0 / total) }
        predicted = argmaxIndex(logits)
        firstLayer = a[1].map { Float($0) }

        // dlogit[predicted]/da[1], back through the layers above the first (ReLU masks from z).
        var pull = [Double](repeating: 0, count: network.outputSize)
        pull[predicted] = 1
        for l in stride(from: L - 1, through: 1, by: -1) {
            let w = network.weights(l)
            var below = [Double](repeating: 0, count: w.rows)
            for k in 0..<w.rows {
                var s = 0.0
                for j in 0..<w.cols { s += Double(w[k, j]) * pull[j] }
                below[k] = s
            }
            // Through layer l-1's activation: ReLU passes where z > 0.
            if network.activations[l - 1] == .relu {
                for k in 0..<below.count where zs[l - 1][k] <= 0 { below[k] = 0 }
            }
            pull = below
        }
        let toward = L == 1 ? a[1] : zip(a[1], pull).map { $0 * $1 }
        let order = toward.indices.sorted { toward[$0] > toward[$1] }
        let w0 = network.weights(0), b0 = network.bias(0), winner = predicted
        units = order.prefix(shownUnits).map { j in
            let weights = (0..<w0.rows).map { w0[$0, j] }
            var sum = 0.0
            var products = [Float](repeating: 0, count: w0.rows)
            for k in 0..<w0.rows {
                let p = Double(input[k]) * Double(weights[k])
                products[k] = Float(p)
                sum += p
            }
            return Unit(
                index: j, weights: weights, products: products, sum: Float(sum), bias: b0[0, j],
                z: Float(zs[0][j]), activation: Float(a[1][j]), towardPredicted: Float(toward[j]),
                weightToPredicted: L == 2 ? network.weights(1)[j, winner] : nil)
        }
        let wLast = network.weights(L - 1)
        contributions = (0..<wLast.rows).map { j in
            (0..<wLast.cols).map { c in Float(a[L - 1][j] * Double(wLast[j, c])) }
        }
        outputBias = (0..<wLast.cols).map { network.bias(L - 1)[0, $0] }
        let forward = network.predict(Matrix(rows: 1, cols: input.count, values: input)).values
        forwardMismatch = zip(forward, logits).map { abs($0 - $1) }.max() ?? 0
    }

    var linear: Bool { layerSizes.count == 2 }
    var hiddenFired: Int { firstLayer.filter { $0 > 0 }.count }

    // MARK: Text and JSON

    /// The explanation for people, every number printed so it can be checked by hand.
    public func text(classNames: [String], title: String) -> [String] {
        func f(_ v: Float) -> String { String(format: "%.4f", Double(v)) }
        let p = predicted
        var lines = [
            "\(title): \(label.map { "label \(classNames[$0]), " } ?? "")predicted \(classNames[p]) with p = \(f(probabilities[p]))",
            "network \(layerSizes.map(String.init).joined(separator: "-")); input: \(input.filter { $0 > 0 }.count) of \(input.count) pixels have ink (x > 0)",
        ]
        if linear {
            lines.append(
                "no hidden layer: each class's logit is its template's dot product with the input, plus a bias")
        } else {
            lines.append(
                "hidden layer 1: \(hiddenFired) of \(firstLayer.count) units fired (ReLU(z) > 0); the \(units.count) pushing hardest toward \(classNames[p]):"
            )
        }
        for u in units {
            let name = linear ? "class \(classNames[u.index])" : "unit \(u.index)"
            let nonzero = u.products.filter { $0 != 0 }.count
            var line =
                "  \(name): sum of x*w = \(f(u.sum)) (\(nonzero) nonzero products of \(u.products.count)), bias \(f(u.bias)), z = \(f(u.z))"
            if linear {
                line += " = logit"
            } else {
                line += ", ReLU(z) = \(f(u.activation)); toward \(classNames[p]): \(f(u.towardPredicted))"
                if let weight = u.weightToPredicted {
                    line += " = ReLU(z) * w2[\(u.index),\(p)] = \(f(u.activation)) * \(f(weight))"
                }
            }
            lines.append(line)
        }
        let layer = layerSizes.count - 1
        lines.append(
            "output layer (w\(layer)): logit[c] = sum over its \(contributions.count) inputs of a_j*w\(layer)[j,c] + b\(layer)[c]:"
        )
        for c in 0..<logits.count {
            let column = contributions.map { $0[c] }
            let positive = column.filter { $0 > 0 }.reduce(0, +), negative = column.filter { $0 < 0 }.reduce(0, +)
            lines.append(
                "  \(classNames[c].padding(toLength: 11, withPad: " ", startingAt: 0)) +\(f(positive)) \(f(negative)) + bias \(f(outputBias[c])) = logit \(f(logits[c]))  p = \(f(probabilities[c]))\(c == p ? "  <- predicted" : "")"
            )
        }
        return lines
    }

    /// One JSON object with every number above (maps as arrays).
    public func json(leading: [(String, JSONValue)]) -> JSONValue {
        func floats(_ values: [Float]) -> JSONValue { .array(values.map(JSONValue.float)) }
        return .object(
            leading + [
                ("label", label.map(JSONValue.integer) ?? .null),
                ("predicted", .integer(predicted)),
                ("layers", .array(layerSizes.map(JSONValue.integer))),
                ("probabilities", floats(probabilities)),
                ("logits", floats(logits)),
                ("first_layer_activations", floats(firstLayer)),
                ("fired", .integer(hiddenFired)),
                (
                    "units",
                    .array(
                        units.map { u in
                            .object([
                                ("unit", .integer(u.index)), ("sum", .float(u.sum)), ("bias", .float(u.bias)),
                                ("z", .float(u.z)), ("activation", .float(u.activation)),
                                ("toward_predicted", .float(u.towardPredicted)),
                                ("weight_to_predicted", u.weightToPredicted.map(JSONValue.float) ?? .null),
                            ])
                        })
                ),
                ("output_bias", floats(outputBias)),
                (
                    "output_contribution_sums",
                    floats((0..<logits.count).map { c in contributions.map { $0[c] }.reduce(0, +) })
                ),
            ])
    }

    // MARK: Picture

    /// The triptychs, the first layer's activations, the output layer's contributions per class,
    /// and the probabilities, in one picture.
    public func picture(classNames: [String], title: String) -> Canvas {
        let p = predicted, cell = 5
        func f(_ v: Float) -> String { String(format: "%.3f", Double(v)) }
        var rows: [Canvas] = []
        for u in units {
            let name = linear ? "class \(classNames[u.index])" : "unit \(u.index)"
            let inputMap = HeatMap(
                values: input.map { 1 - $0 }, rows: imageRows, cols: imageCols, title: "input x",
                colorMap: .grey(min: 0, max: 1), showValues: false, cellSize: cell, textScale: 1
            ).render()
            let weightMap = HeatMap(
                values: u.weights, rows: imageRows, cols: imageCols, title: "w: \(name)'s weights",
                colorMap: .diverging(fitting: u.weights), showValues: false, cellSize: cell, textScale: 1
            ).render()
            let productMap = HeatMap(
                values: u.products, rows: imageRows, cols: imageCols, title: "x * w, summed: \(f(u.sum))",
                colorMap: .diverging(fitting: u.products), showValues: false, cellSize: cell, textScale: 1
            ).render()
            let arithmetic =
                linear
                ? "\(name): sum \(f(u.sum)) + bias \(f(u.bias)) = z \(f(u.z)) = logit (no hidden layer)"
                : "\(name): sum \(f(u.sum)) + bias \(f(u.bias)) = z \(f(u.z)); ReLU(z) = \(f(u.activation)); pushes \(classNames[p]) by \(f(u.towardPredicted))"
            rows.append(
                TrainingPictures.sideBySide([inputMap, weightMap, productMap], title: arithmetic, titleScale: 1))
        }
        let barWidth = Swift.max(560, Swift.min(firstLayer.count * 4 + 120, 1400))
        let activations = BarChart(
            values: firstLayer,
            labels: firstLayer.indices.map {
                firstLayer.count <= 16 || $0 % (firstLayer.count / 8) == 0 ? "\($0)" : ""
            },
            highlight: units.first?.index,
            title: linear
                ? "logits (the layer's outputs)"
                : "layer 1 activations: \(hiddenFired) of \(firstLayer.count) units fired",
            showValues: firstLayer.count <= 16,
            width: barWidth, height: 260, textScale: 1
        ).render()
        // The last layer's strongest inputs toward the predicted class, the rest summed, the bias, the logit.
        let column = contributions.map { $0[p] }
        let strongest = column.indices.sorted { abs(column[$0]) > abs(column[$1]) }.prefix(8)
        let rest = Set(contributions.indices).subtracting(strongest)
        var table: [Float] = []
        var rowLabels: [String] = []
        // The last layer's inputs: pixels (784-10), layer 1's units, or a deeper hidden layer's.
        let inputName =
            layerSizes.count == 2 ? "pixel" : layerSizes.count == 3 ? "unit" : "L\(layerSizes.count - 2) unit"
        for j in strongest {
            table += contributions[j]
            rowLabels.append("\(inputName) \(j)")
        }
        table += (0..<logits.count).map { c in rest.map { contributions[$0][c] }.reduce(0, +) }
        rowLabels.append("\(rest.count) others")
        table += outputBias
        rowLabels.append("bias")
        table += logits
        rowLabels.append("= logit")
        let outputTable = AnnotatedValues.render(
            values: table, rowLabels: rowLabels, colLabels: classNames.indices.map(String.init),
            title: "output layer: a_j * w[j,c] per class c (rows: its inputs most important to \(classNames[p]))")
        let chart = BarChart(
            values: probabilities,
            labels: classNames.count > 10 || classNames.contains { $0.count > 2 }
                ? classNames.indices.map(String.init) : classNames, highlight: p,
            title: "probabilities: \(classNames[p]) (\(TrainingPictures.probability(probabilities[p])))", decimals: 2,
            width: 520, height: 300
        ).render()
        rows.append(TrainingPictures.sideBySide([activations], title: ""))
        rows.append(TrainingPictures.sideBySide([outputTable, chart], title: ""))
        return TrainingPictures.stacked(rows, title: title)
    }
}

/// A table of numbers coloured by sign, with row and column labels (Render's HeatMap with labels).
enum AnnotatedValues {
    static func render(values: [Float], rowLabels: [String], colLabels: [String], title: String) -> Canvas {
        let cols = colLabels.count, rows = rowLabels.count
        let cellWidth = 44, cellHeight = 16
        let labelWidth = (rowLabels.map { BitmapFont.textWidth($0) }.max() ?? 0) + 8
        let titleHeight = BitmapFont.textHeight() + 8
        let top = Theme.margin + titleHeight + cellHeight
        let width = Swift.max(
            2 * Theme.margin + labelWidth + cols * cellWidth, BitmapFont.textWidth(title) + 2 * Theme.margin)
        let height = top + rows * cellHeight + Theme.margin
        var canvas = Canvas(width: width, height: height, background: Theme.background)
        canvas.drawText(title, x: Theme.margin, y: Theme.margin, color: Theme.ink)
        let body = values.prefix((rows - 1) * cols).map { $0 }
        let colors = ColorMap.diverging(fitting: body)
        let left = Theme.margin + labelWidth
        for (c, label) in colLabels.enumerated() {
            canvas.drawText(
                label, centerX: left + c * cellWidth + cellWidth / 2, y: top - cellHeight + 3, color: Theme.ink)
        }
        for r in 0..<rows {
            let y = top + r * cellHeight
            canvas.drawText(rowLabels[r], x: Theme.margin, y: y + 4, color: Theme.ink)
            for c in 0..<cols {
                let value = values[r * cols + c]
                let x = left + c * cellWidth
                let fill = r == rows - 1 ? Theme.grid : colors.color(for: value)
                canvas.fillRect(x: x, y: y, width: cellWidth - 1, height: cellHeight - 1, fill)
                let text = String(format: "%.2f", Double(value))
                let ink = fill.brightness < 128 ? RGB.white : Theme.ink
                canvas.drawText(text, centerX: x + cellWidth / 2, y: y + 4, color: ink)
            }
        }
        return canvas
    }
}
