// Tests of the bitmap font: every glyph's ink stays inside its cell, the width formula holds,
// "->" is one arrow, and turned text stays in its box. Colour and layout are tested elsewhere.
import Testing

@testable import Render

@Suite struct BitmapFontTests {
    /// The box of pixels that hold ink on the canvas, or nil if none do.
    func inkBox(_ canvas: Canvas, ink: RGB) -> (x0: Int, y0: Int, x1: Int, y1: Int)? {
        var box: (Int, Int, Int, Int)?
        for y in 0..<canvas.height {
            for x in 0..<canvas.width where canvas[x, y] == ink {
                box =
                    box.map { (min($0.0, x), min($0.1, y), max($0.2, x), max($0.3, y)) }
                    ?? (x, y, x, y)
            }
        }
        return box.map { (x0: $0.0, y0: $0.1, x1: $0.2, y1: $0.3) }
    }

    @Test(arguments: [1, 3])
    func everyGlyphHasInkOnlyInsideItsCell(scale: Int) {
        let characters =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
            + ".,:;!?()[]{}+-*/=<>_'\"%#|&^~@$\\→η²"
        for character in characters {
            #expect(BitmapFont.hasGlyph(character), "no glyph for \(character)")
            var canvas = Canvas(width: 40, height: 50)
            canvas.drawText(String(character), x: 10, y: 10, scale: scale, color: .black)
            guard let box = inkBox(canvas, ink: .black) else {
                Issue.record("glyph \(character) has no ink")
                continue
            }
            #expect(box.x0 >= 10 && box.y0 >= 10, "glyph \(character) inks above or left")
            #expect(box.x1 < 10 + BitmapFont.glyphWidth * scale, "glyph \(character) too wide")
            #expect(box.y1 < 10 + BitmapFont.glyphHeight * scale, "glyph \(character) too tall")
        }
    }

    @Test func capitalsAndDigitsSitOnTheBaseline() {
        for character in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" {
            let rows = BitmapFont.rows(of: character)!
            #expect(rows[BitmapFont.capHeight...].allSatisfy { $0 == 0 }, "\(character) descends")
            #expect(rows[BitmapFont.capHeight - 1] != 0, "\(character) floats")
        }
        #expect(BitmapFont.rows(of: "g")![BitmapFont.capHeight] != 0)
    }

    @Test func textWidthFormula() {
        #expect(BitmapFont.textWidth("") == 0)
        #expect(BitmapFont.textWidth("a") == 5)
        #expect(BitmapFont.textWidth("abc") == 17)
        #expect(BitmapFont.textWidth("abc", scale: 3) == 51)
        #expect(BitmapFont.textWidth("->") == 5)  // one arrow glyph
        #expect(BitmapFont.textWidth("7 -> 2 (0.93)") == 12 * 6 - 1)
        #expect(BitmapFont.textHeight(scale: 2) == 18)
    }

    @Test func drawnTextFillsExactlyItsMeasuredWidth() {
        let text = "7 -> 0.93"  // '7' and '3' both ink their outer columns
        var canvas = Canvas(width: 200, height: 40)
        let end = canvas.drawText(text, x: 4, y: 4, scale: 2, color: .black)
        #expect(end == 4 + 8 * 6 * 2)
        let box = inkBox(canvas, ink: .black)!
        #expect(box.x0 == 4)
        #expect(box.x1 == 4 + BitmapFont.textWidth(text, scale: 2) - 1)
    }

    @Test func missingGlyphIsABoxNotNothing() {
        #expect(!BitmapFont.hasGlyph("€"))
        var canvas = Canvas(width: 20, height: 20)
        canvas.drawText("€", x: 2, y: 2, color: .black)
        #expect(count(.black, in: canvas) == 20)  // the 5x7 outline
    }

    @Test func upwardTextStaysInItsTurnedBox() {
        let text = "predicted"
        var canvas = Canvas(width: 40, height: 120)
        canvas.drawTextUpward(text, x: 5, y: 5, scale: 1, color: .black)
        let box = inkBox(canvas, ink: .black)!
        #expect(box.x0 >= 5 && box.x1 < 5 + BitmapFont.glyphHeight)
        #expect(box.y0 >= 5 && box.y1 < 5 + BitmapFont.textWidth(text))
        // The first letter is at the bottom: 'p' has a descender, which turned lies on the right.
        #expect(canvas[5 + 8, 5 + BitmapFont.textWidth(text) - 1] == .black)
    }
}
