// The look every picture shares: ink and axis colours, margins, series colours and the
// correct/wrong border colours. Change them here and every composition follows.

/// Shared colours and spacing, so all outputs look like one family.
public enum Theme {
    /// Background of every picture.
    public static let background = RGB.white
    /// Text and titles.
    public static let ink = RGB(32, 32, 36)
    /// Axes, frames and tick marks.
    public static let axis = RGB(90, 90, 96)
    /// Grid lines behind plots.
    public static let grid = RGB(228, 228, 232)
    /// Secondary text such as tick labels and captions.
    public static let faintInk = RGB(80, 80, 88)
    /// Border of a correct prediction.
    public static let correct = RGB(34, 150, 64)
    /// Border of a wrong prediction.
    public static let wrong = RGB(210, 40, 40)
    /// A bar or point picked out (the predicted class).
    public static let highlight = RGB(230, 120, 20)
    /// Outer margin around every picture.
    public static let margin = 16
    /// Titles are drawn at this text scale.
    public static let titleScale = 2
    /// Series colours, used in order: blue, orange, green, red, purple, brown, pink, grey.
    public static let seriesColors: [RGB] = [
        RGB(31, 100, 180), RGB(235, 125, 20), RGB(40, 150, 60), RGB(200, 40, 45),
        RGB(130, 90, 180), RGB(140, 86, 70), RGB(220, 110, 180), RGB(110, 110, 110),
    ]

    /// Colour `index` of `count` evenly spaced hues (for more series than `seriesColors` has, so
    /// that twelve lines get twelve colours).
    public static func distinctColor(_ index: Int, of count: Int) -> RGB {
        guard count > seriesColors.count else { return seriesColor(index) }
        let hue = Double(index % count) / Double(count) * 6, chroma = 0.8 * 0.78
        let x = chroma * (1 - abs(hue.truncatingRemainder(dividingBy: 2) - 1)), m = 0.8 - chroma
        let (r, g, b): (Double, Double, Double) =
            switch Int(hue) {
            case 0: (chroma, x, 0)
            case 1: (x, chroma, 0)
            case 2: (0, chroma, x)
            case 3: (0, x, chroma)
            case 4: (x, 0, chroma)
            default: (chroma, 0, x)
            }
        func byte(_ v: Double) -> UInt8 { UInt8(((v + m) * 255).rounded()) }
        return RGB(byte(r), byte(g), byte(b))
    }

    /// The colour of the series with the given index.
    public static func seriesColor(_ index: Int) -> RGB {
        seriesColors[index % seriesColors.count]
    }
}
