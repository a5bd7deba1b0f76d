// A computation graph of one path: a box per value (its name, its value, its gradient), arrows
// from each value to the one computed from it, forward left to right; the gradient flows back
// along the same arrows. Also a flow of steps with one arrow looping back (a training loop).
// Leaves out branching graphs: one chain, the picture micrograd draws.

/// One path through a computation as boxes in a row, each with its value and its gradient.
public struct ComputationGraph {
    public struct Node {
        public var name: String
        public var value: String
        public var gradient: String
        /// Picked out in the highlight colour (the parameter whose gradient the path gives).
        public var highlighted: Bool

        /// Extra lines for a box that is a step rather than a value (then value and gradient are empty).
        public var detail: [String] = []

        public init(name: String, value: String, gradient: String, highlighted: Bool = false) {
            self.name = name
            self.value = value
            self.gradient = gradient
            self.highlighted = highlighted
        }

        /// A step of a flow: its name and a line or two saying what it does.
        public init(step name: String, detail: [String], highlighted: Bool = false) {
            self.init(name: name, value: "", gradient: "", highlighted: highlighted)
            self.detail = detail
        }

        var lines: [String] {
            value.isEmpty && gradient.isEmpty ? [name] + detail : [name, "value " + value, "grad " + gradient]
        }
        var isValue: Bool { !(value.isEmpty && gradient.isEmpty) }
    }

    public var nodes: [Node]
    public var title: String
    /// A line under the boxes ("forward: values; backward: gradients").
    public var caption: String

    /// An arrow from box `from` back to box `to`, drawn under the row (a loop).
    public var loopBack: (from: Int, to: Int)?

    public init(nodes: [Node], title: String, caption: String = "", loopBack: (from: Int, to: Int)? = nil) {
        self.nodes = nodes
        self.title = title
        self.caption = caption
        self.loopBack = loopBack
    }

    public func render() -> Canvas {
        let scale = 2, padding = 10, gap = 40
        let lineHeight = BitmapFont.textHeight(scale: scale) + 6
        let lines = nodes.map(\.lines)
        let boxWidths = lines.map { ($0.map { BitmapFont.textWidth($0, scale: scale) }.max() ?? 0) + 2 * padding }
        let boxHeight = (lines.map(\.count).max() ?? 1) * lineHeight + 2 * padding - 6
        let rowWidth = boxWidths.reduce(0, +) + gap * max(nodes.count - 1, 0)
        let titleHeight = Layout.titleHeight(title)
        let loopHeight = loopBack == nil ? 0 : 28
        let captionHeight = (caption.isEmpty ? 0 : lineHeight + 8) + loopHeight
        let width =
            max(rowWidth, BitmapFont.textWidth(title, scale: 2), BitmapFont.textWidth(caption, scale: scale))
            + 2 * Theme.margin
        let height = Theme.margin + titleHeight + boxHeight + captionHeight + 2 * Theme.margin
        var canvas = Canvas(width: width, height: height, background: Theme.background)
        Layout.drawTitle(title, on: &canvas)
        let top = Theme.margin + titleHeight + 8
        var x = Theme.margin + (width - 2 * Theme.margin - rowWidth) / 2
        var centres: [Int] = []
        for (index, node) in nodes.enumerated() {
            centres.append(x + boxWidths[index] / 2)
            let frame = node.highlighted ? Theme.highlight : Theme.axis
            canvas.fillRect(
                x: x, y: top, width: boxWidths[index], height: boxHeight,
                node.highlighted ? Theme.highlight.mixed(with: .white, 0.85) : RGB(grey: 246))
            canvas.strokeRect(x: x, y: top, width: boxWidths[index], height: boxHeight, thickness: 2, frame)
            for (row, text) in lines[index].enumerated() {
                canvas.drawText(
                    text, x: x + padding, y: top + padding + row * lineHeight, scale: scale,
                    color: row == 0 ? Theme.ink : (!node.isValue || row == 1 ? Theme.faintInk : Theme.wrong))
            }
            x += boxWidths[index]
            if index < nodes.count - 1 {
                // An arrow to the next box, at mid-height.
                let y = top + boxHeight / 2
                canvas.drawLine(x0: x + 4, y0: y, x1: x + gap - 5, y1: y, thickness: 2, Theme.ink)
                canvas.drawLine(x0: x + gap - 12, y0: y - 6, x1: x + gap - 5, y1: y, thickness: 2, Theme.ink)
                canvas.drawLine(x0: x + gap - 12, y0: y + 6, x1: x + gap - 5, y1: y, thickness: 2, Theme.ink)
                x += gap
            }
        }
        if let loopBack, centres.indices.contains(loopBack.from), centres.indices.contains(loopBack.to) {
            // Down from one box, along under the row, and up into the other, with a head.
            let bottom = top + boxHeight, low = bottom + 20
            let (a, b) = (centres[loopBack.from], centres[loopBack.to])
            canvas.drawLine(x0: a, y0: bottom + 2, x1: a, y1: low, thickness: 2, Theme.ink)
            canvas.drawLine(x0: a, y0: low, x1: b, y1: low, thickness: 2, Theme.ink)
            canvas.drawLine(x0: b, y0: low, x1: b, y1: bottom + 4, thickness: 2, Theme.ink)
            canvas.drawLine(x0: b - 6, y0: bottom + 11, x1: b, y1: bottom + 4, thickness: 2, Theme.ink)
            canvas.drawLine(x0: b + 6, y0: bottom + 11, x1: b, y1: bottom + 4, thickness: 2, Theme.ink)
        }
        if !caption.isEmpty {
            canvas.drawText(
                caption, centerX: width / 2, y: top + boxHeight + 14 + loopHeight, scale: scale, color: Theme.faintInk)
        }
        return canvas
    }
}
