import NeuralCore
// The trace's JSON form: keys in the contract's order, numbers that read back as the same Float,
// matrices as rows or as a summary past a limit, and text escaped.
import Testing

@Suite struct JSONTests {
    @Test func stepKeysInOrder() {
        let step = TraceStep(
            .update, label: "w0 <- w - lr*g", value: .scalar(0.1), formula: "0.3 - 0.5*0.4", note: "a remark",
            index: [0, 2], parameter: TraceParameter(layer: 1, kind: .weights, index: [0, 2], name: "w"), layer: 1,
            iteration: 3)
        #expect(
            step.json(leading: [("lesson", .integer(10))]).text
                == #"{"lesson":10,"step":"update","index":[0,2],"param":"w","layer":1,"iteration":3,"label":"w0 <- w - lr*g","value":0.1,"formula":"0.3 - 0.5*0.4","note":"a remark"}"#
        )
    }

    @Test func matricesAsRowsOrSummary() {
        let matrix = Matrix([[1, -2], [0, 4.5]])
        let step = TraceStep(.weights, label: "w", value: .matrix(matrix))
        #expect(step.json().text == #"{"step":"weights","label":"w","value":[[1,-2],[0,4.5]]}"#)
        #expect(
            step.json(matrixLimit: 3).text
                == #"{"step":"weights","label":"w","summary":{"shape":[2,2],"min":-2,"max":4.5,"mean":0.875,"nonzero":3}}"#
        )
        let row = TraceStep(.input, label: "x", value: .matrix(Matrix([[3, 0.25]])))
        #expect(row.json().text == #"{"step":"input","label":"x","value":[3,0.25]}"#)
    }

    @Test func numbersAndText() {
        #expect(JSONValue.float(0.1).text == "0.1")  // shortest text that reads back as Float(0.1)
        let third: Float = 1 / 3
        #expect(Float(JSONValue.float(third).text) == third)
        #expect(JSONValue.float(.nan).text == "null")
        #expect(JSONValue.number(.infinity).text == "null")
        #expect(JSONValue.string("a \"b\"\\\n\u{1}").text == #""a \"b\"\\\n\u0001""#)
    }
}
