// The computation-graph and flow pictures, and a heat map with labels under its columns: sizes
// that follow the content, the highlighted box in its colour, the loop drawn under the row.
import Testing

@testable import Render

@Suite struct GraphTests {
    @Test func aPathOfValuesAndGradients() {
        let nodes = [
            ComputationGraph.Node(name: "w", value: "0.05", gradient: "-8.325", highlighted: true),
            ComputationGraph.Node(name: "L", value: "0.8556", gradient: "1"),
        ]
        let canvas = ComputationGraph(nodes: nodes, title: "path").render()
        #expect(canvas.width > 2 * BitmapFont.textWidth("grad -8.325", scale: 2))
        // The highlighted box's frame is in the highlight colour somewhere in the picture.
        #expect(
            (0..<canvas.width).contains { x in
                (0..<canvas.height).contains { y in canvas[x, y] as RGB == Theme.highlight }
            })
        let three = ComputationGraph(nodes: nodes + [nodes[1]], title: "path").render()
        #expect(three.width > canvas.width)
    }

    @Test func aFlowWithALoopIsTallerThanWithout() {
        let steps = ["init", "predict", "loss"].map { ComputationGraph.Node(step: $0, detail: ["x"]) }
        let plain = ComputationGraph(nodes: steps, title: "loop").render()
        let looped = ComputationGraph(nodes: steps, title: "loop", loopBack: (from: 2, to: 1)).render()
        #expect(looped.height > plain.height && looped.width == plain.width)
    }

    @Test func columnLabelsAddARowUnderTheCells() {
        let values: [Float] = [3, 0, 1]
        let bare = HeatMap(values: values, rows: 1, cols: 3, colorMap: .grey(min: 0, max: 9), cellSize: 64).render()
        let labelled = HeatMap(
            values: values, rows: 1, cols: 3, colorMap: .grey(min: 0, max: 9), cellSize: 64,
            columnLabels: ["x0", "x1", "x2"]
        ).render()
        #expect(labelled.height > bare.height)
    }
}
