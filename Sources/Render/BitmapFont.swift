// A small bitmap font designed for this project (5x7 capitals and digits, lower case with
// two-row descenders) and text drawing at integer scales. No kerning, no wrapping, one line.

/// The built-in bitmap font. Each glyph is 5 pixels wide and 9 tall: rows 0-6 sit on the
/// baseline (capitals and digits fill them), rows 7-8 hold descenders (g, j, p, q, y, comma).
/// Characters are 6 pixels apart, so a string of n characters is `6n - 1` pixels wide at scale 1.
/// "->" is drawn as a single arrow glyph; a character without a glyph is drawn as a hollow box.
public enum BitmapFont {
    /// Ink columns of one glyph.
    public static let glyphWidth = 5
    /// Rows of one glyph, descenders included.
    public static let glyphHeight = 9
    /// Distance from one character to the next, at scale 1.
    public static let advance = 6
    /// Rows above the baseline (the height of a capital).
    public static let capHeight = 7

    /// Width in pixels of `text` drawn at `scale`: from the first ink column to the last glyph's
    /// right edge, without the trailing gap.
    public static func textWidth(_ text: String, scale: Int = 1) -> Int {
        let count = glyphKeys(text).count
        return count == 0 ? 0 : (count * advance - 1) * max(1, scale)
    }

    /// Height in pixels of a line of text at `scale`, descenders included.
    public static func textHeight(scale: Int = 1) -> Int { glyphHeight * max(1, scale) }

    /// Whether the font has a glyph of its own for `character`.
    public static func hasGlyph(_ character: Character) -> Bool { glyphs[character] != nil }

    /// The rows of a glyph as bit masks, bit 4 the leftmost column; nil when the font lacks it.
    public static func rows(of character: Character) -> [UInt8]? { glyphs[character] }

    /// The characters actually drawn for `text`: "->" becomes one arrow, the Unicode minus a '-'.
    static func glyphKeys(_ text: String) -> [Character] {
        var keys: [Character] = []
        var previousWasDash = false
        for character in text {
            if character == ">" && previousWasDash {
                keys[keys.count - 1] = "→"
                previousWasDash = false
                continue
            }
            let key: Character = character == "\u{2212}" ? "-" : character
            keys.append(key)
            previousWasDash = key == "-"
        }
        return keys
    }

    static let missingGlyph: [UInt8] = parse("##### #...# #...# #...# #...# #...# #####")

    /// Rows written as five characters each ('#' ink, '.' none), separated by spaces; missing
    /// descender rows are blank.
    static func parse(_ picture: String) -> [UInt8] {
        var rows = picture.split(separator: " ").map { row -> UInt8 in
            precondition(row.count == glyphWidth, "glyph row '\(row)' is not 5 wide")
            return row.reduce(UInt8(0)) { bits, pixel in (bits << 1) | (pixel == "#" ? 1 : 0) }
        }
        precondition(rows.count <= glyphHeight, "glyph with \(rows.count) rows")
        while rows.count < glyphHeight { rows.append(0) }
        return rows
    }

    static let glyphs: [Character: [UInt8]] = pictures.mapValues(parse)

    private static let pictures: [Character: String] = [
        " ": ".....",
        "0": ".###. #...# #..## #.#.# ##..# #...# .###.",
        "1": "..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.",
        "2": ".###. #...# ....# ...#. ..#.. .#... #####",
        "3": "##### ...#. ..#.. ...#. ....# #...# .###.",
        "4": "...#. ..##. .#.#. #..#. ##### ...#. ...#.",
        "5": "##### #.... ####. ....# ....# #...# .###.",
        "6": "..##. .#... #.... ####. #...# #...# .###.",
        "7": "##### ....# ...#. ..#.. .#... .#... .#...",
        "8": ".###. #...# #...# .###. #...# #...# .###.",
        "9": ".###. #...# #...# .#### ....# ...#. .##..",
        "A": ".###. #...# #...# ##### #...# #...# #...#",
        "B": "####. #...# #...# ####. #...# #...# ####.",
        "C": ".###. #...# #.... #.... #.... #...# .###.",
        "D": "###.. #..#. #...# #...# #...# #..#. ###..",
        "E": "##### #.... #.... ####. #.... #.... #####",
        "F": "##### #.... #.... ####. #.... #.... #....",
        "G": ".###. #...# #.... #.### #...# #...# .####",
        "H": "#...# #...# #...# ##### #...# #...# #...#",
        "I": ".###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.",
        "J": "..### ...#. ...#. ...#. ...#. #..#. .##..",
        "K": "#...# #..#. #.#.. ##... #.#.. #..#. #...#",
        "L": "#.... #.... #.... #.... #.... #.... #####",
        "M": "#...# ##.## #.#.# #.#.# #...# #...# #...#",
        "N": "#...# #...# ##..# #.#.# #..## #...# #...#",
        "O": ".###. #...# #...# #...# #...# #...# .###.",
        "P": "####. #...# #...# ####. #.... #.... #....",
        "Q": ".###. #...# #...# #...# #.#.# #..#. .##.#",
        "R": "####. #...# #...# ####. #.#.. #..#. #...#",
        "S": ".#### #.... #.... .###. ....# ....# ####.",
        "T": "##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..",
        "U": "#...# #...# #...# #...# #...# #...# .###.",
        "V": "#...# #...# #...# #...# #...# .#.#. ..#..",
        "W": "#...# #...# #...# #.#.# #.#.# #.#.# .#.#.",
        "X": "#...# #...# .#.#. ..#.. .#.#. #...# #...#",
        "Y": "#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..",
        "Z": "##### ....# ...#. ..#.. .#... #.... #####",
        "a": "..... ..... .###. ....# .#### #...# .####",
        "b": "#.... #.... #.##. ##..# #...# #...# ####.",
        "c": "..... ..... .###. #.... #.... #...# .###.",
        "d": "....# ....# .##.# #..## #...# #...# .####",
        "e": "..... ..... .###. #...# ##### #.... .###.",
        "f": "..##. .#..# .#... ###.. .#... .#... .#...",
        "g": "..... ..... .#### #...# #...# .#### ....# ....# .###.",
        "h": "#.... #.... #.##. ##..# #...# #...# #...#",
        "i": "..#.. ..... .##.. ..#.. ..#.. ..#.. .###.",
        "j": "...#. ..... ..##. ...#. ...#. ...#. ...#. #..#. .##..",
        "k": "#.... #.... #..#. #.#.. ##... #.#.. #..#.",
        "l": ".##.. ..#.. ..#.. ..#.. ..#.. ..#.. .###.",
        "m": "..... ..... ##.#. #.#.# #.#.# #.#.# #.#.#",
        "n": "..... ..... #.##. ##..# #...# #...# #...#",
        "o": "..... ..... .###. #...# #...# #...# .###.",
        "p": "..... ..... ####. #...# #...# #...# ####. #.... #....",
        "q": "..... ..... .#### #...# #...# #...# .#### ....# ....#",
        "r": "..... ..... #.##. ##..# #.... #.... #....",
        "s": "..... ..... .###. #.... .###. ....# ####.",
        "t": ".#... .#... ###.. .#... .#... .#..# ..##.",
        "u": "..... ..... #...# #...# #...# #..## .##.#",
        "v": "..... ..... #...# #...# #...# .#.#. ..#..",
        "w": "..... ..... #...# #...# #.#.# #.#.# .#.#.",
        "x": "..... ..... #...# .#.#. ..#.. .#.#. #...#",
        "y": "..... ..... #...# #...# #...# .#### ....# ....# .###.",
        "z": "..... ..... ##### ...#. ..#.. .#... #####",
        ".": "..... ..... ..... ..... ..... .##.. .##..",
        ",": "..... ..... ..... ..... ..... .##.. .##.. ..#.. .#...",
        ":": "..... .##.. .##.. ..... .##.. .##.. .....",
        ";": "..... .##.. .##.. ..... .##.. .##.. ..#.. .#...",
        "!": "..#.. ..#.. ..#.. ..#.. ..#.. ..... ..#..",
        "?": ".###. #...# ....# ...#. ..#.. ..... ..#..",
        "(": "...#. ..#.. .#... .#... .#... ..#.. ...#.",
        ")": ".#... ..#.. ...#. ...#. ...#. ..#.. .#...",
        "[": ".###. .#... .#... .#... .#... .#... .###.",
        "]": ".###. ...#. ...#. ...#. ...#. ...#. .###.",
        "{": "...#. ..#.. ..#.. .#... ..#.. ..#.. ...#.",
        "}": ".#... ..#.. ..#.. ...#. ..#.. ..#.. .#...",
        "+": "..... ..#.. ..#.. ##### ..#.. ..#.. .....",
        "-": "..... ..... ..... ##### ..... ..... .....",
        "*": "..... ..#.. #.#.# .###. #.#.# ..#.. .....",
        "/": "....# ....# ...#. ..#.. .#... #.... #....",
        "\\": "#.... #.... .#... ..#.. ...#. ....# ....#",
        "=": "..... ..... ##### ..... ##### ..... .....",
        "<": "...#. ..#.. .#... #.... .#... ..#.. ...#.",
        ">": ".#... ..#.. ...#. ....# ...#. ..#.. .#...",
        "_": "..... ..... ..... ..... ..... ..... ..... #####",
        "'": "..#.. ..#.. .#... ..... ..... ..... .....",
        "\"": ".#.#. .#.#. .#.#. ..... ..... ..... .....",
        "`": ".#... ..#.. ..... ..... ..... ..... .....",
        "%": "##..# ##..# ...#. ..#.. .#... #..## #..##",
        "#": ".#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.",
        "|": "..#.. ..#.. ..#.. ..#.. ..#.. ..#.. ..#.. ..#..",
        "&": ".##.. #..#. #.#.. .#... #.#.# #..#. .##.#",
        "^": "..#.. .#.#. #...# ..... ..... ..... .....",
        "~": "..... ..... .#... #.#.# ...#. ..... .....",
        "@": ".###. #...# #.### #.#.# #.##. #.... .###.",
        "$": "..#.. .#### #.#.. .###. ..#.# ####. ..#..",
        "→": "..... ..#.. ...#. ##### ...#. ..#.. .....",
        "·": "..... ..... ..... ..#.. ..... ..... .....",
        "×": "..... #...# .#.#. ..#.. .#.#. #...# .....",
        "η": "..... ..... #.##. ##..# #...# #...# #...# ....# ....#",
        "σ": "..... ..... .#### #..#. #...# #...# .###.",
        "Σ": "##### #.... .#... ..#.. .#... #.... #####",
        "∂": ".##.. ...#. ....# .#### #...# #...# .###.",
        "°": ".##.. #..#. .##.. ..... ..... ..... .....",
        "²": ".##.. ...#. ..#.. .###. ..... ..... .....",
    ]
}

extension Canvas {
    /// Draws one line of text with the top of its glyph cells at `y`; returns the x just past the
    /// last glyph, so calls can be chained.
    @discardableResult
    public mutating func drawText(
        _ text: String, x: Int, y: Int, scale: Int = 1,
        color: RGB = .black
    ) -> Int {
        let s = max(1, scale)
        var cursor = x
        for key in BitmapFont.glyphKeys(text) {
            let rows = BitmapFont.glyphs[key] ?? BitmapFont.missingGlyph
            for (row, bits) in rows.enumerated() where bits != 0 {
                for column in 0..<BitmapFont.glyphWidth
                where bits & (1 << (BitmapFont.glyphWidth - 1 - column)) != 0 {
                    fillRect(x: cursor + column * s, y: y + row * s, width: s, height: s, color)
                }
            }
            cursor += BitmapFont.advance * s
        }
        return cursor
    }

    /// Draws text centred horizontally on `centerX`.
    public mutating func drawText(
        _ text: String, centerX: Int, y: Int, scale: Int = 1,
        color: RGB = .black
    ) {
        drawText(
            text, x: centerX - BitmapFont.textWidth(text, scale: scale) / 2, y: y,
            scale: scale, color: color)
    }

    /// Draws text turned a quarter turn anticlockwise (read bottom to top), as for a y-axis
    /// label. (x, y) is the top-left of its box, which is `textHeight` wide and `textWidth` tall.
    public mutating func drawTextUpward(
        _ text: String, x: Int, y: Int, scale: Int = 1,
        color: RGB = .black
    ) {
        let s = max(1, scale)
        let length = BitmapFont.textWidth(text, scale: s)
        var along = 0  // distance from the bottom of the box, in pixels
        for key in BitmapFont.glyphKeys(text) {
            let rows = BitmapFont.glyphs[key] ?? BitmapFont.missingGlyph
            for (row, bits) in rows.enumerated() where bits != 0 {
                for column in 0..<BitmapFont.glyphWidth
                where bits & (1 << (BitmapFont.glyphWidth - 1 - column)) != 0 {
                    // Glyph column runs upward; glyph row runs rightward.
                    fillRect(
                        x: x + row * s, y: y + length - along - (column + 1) * s,
                        width: s, height: s, color)
                }
            }
            along += BitmapFont.advance * s
        }
    }
}
