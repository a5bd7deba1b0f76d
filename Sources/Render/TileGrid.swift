// A grid of small grey images (digits) with captions and correct/wrong borders, for predictions
// and misclassified examples. Colour-mapped matrices are in HeatMap.swift and HeatMapGrid.swift.

/// Draws small grey images (for example 28x28 MNIST digits) in rows and columns, scaled up with
/// nearest neighbour so the pixels stay visible, each with an optional caption underneath (such
/// as `7 -> 2 (0.93)`) and an optional coloured border (`Theme.correct` green, `Theme.wrong` red).
/// Captions are dark, except under a `Theme.wrong` border, where they are red too.
public struct TileGrid: Picture {
    /// One image of the grid.
    public struct Tile: Sendable {
        public var image: GreyImage
        public var caption: String?
        public var border: RGB?

        public init(image: GreyImage, caption: String? = nil, border: RGB? = nil) {
            self.image = image
            self.caption = caption
            self.border = border
        }
    }

    public let tiles: [Tile]
    public let columns: Int
    public let scale: Int
    public let captionScale: Int
    public let title: String?

    /// - Parameters:
    ///   - columns: images per row; defaults to a near-square grid of at most 10 columns.
    ///   - scale: pixels per image pixel.
    ///   - captionScale: text scale of the captions; by default 2 when every caption fits under
    ///     its image at that size, else 1 (so long ones do not widen the grid).
    public init(
        tiles: [Tile], columns: Int? = nil, scale: Int = 3, captionScale: Int? = nil,
        title: String? = nil
    ) {
        self.tiles = tiles
        let square = Int(Double(max(tiles.count, 1)).squareRoot().rounded(.up))
        self.columns = max(1, min(columns ?? min(square, 10), max(tiles.count, 1)))
        self.scale = max(1, scale)
        let imageWidth = (tiles.map(\.image.width).max() ?? 0) * self.scale
        let widest =
            tiles.compactMap(\.caption).map { BitmapFont.textWidth($0, scale: 2) }
            .max() ?? 0
        self.captionScale = max(1, captionScale ?? (widest <= imageWidth + 10 ? 2 : 1))
        self.title = title
    }

    /// Images with optional captions and borders, index for index.
    public init(
        images: [GreyImage], captions: [String]? = nil, borders: [RGB?]? = nil,
        columns: Int? = nil, scale: Int = 3, captionScale: Int? = nil,
        title: String? = nil
    ) {
        let tiles = images.enumerated().map { index, image in
            Tile(
                image: image, caption: captions.flatMap { index < $0.count ? $0[index] : nil },
                border: borders.flatMap { index < $0.count ? $0[index] : nil })
        }
        self.init(
            tiles: tiles, columns: columns, scale: scale, captionScale: captionScale,
            title: title)
    }

    public func render() -> Canvas {
        let border = 3, gap = 10
        let imageWidth = (tiles.map(\.image.width).max() ?? 0) * scale
        let imageHeight = (tiles.map(\.image.height).max() ?? 0) * scale
        let hasCaptions = tiles.contains { $0.caption != nil }
        let captionHeight = hasCaptions ? BitmapFont.textHeight(scale: captionScale) + 4 : 0
        let widestCaption =
            tiles.compactMap { $0.caption }
            .map { BitmapFont.textWidth($0, scale: captionScale) }.max() ?? 0
        let cellWidth = max(imageWidth + 2 * border, widestCaption)
        let cellHeight = imageHeight + 2 * border + captionHeight
        let gridRows = (tiles.count + columns - 1) / columns
        let top = Theme.margin + Layout.titleHeight(title)
        let width = max(
            2 * Theme.margin + columns * cellWidth + (columns - 1) * gap,
            Layout.titleWidth(title))
        let height =
            top + max(gridRows * cellHeight + max(gridRows - 1, 0) * gap, 0)
            + Theme.margin
        var canvas = Canvas(width: width, height: height, background: Theme.background)
        Layout.drawTitle(title, on: &canvas)

        for (index, tile) in tiles.enumerated() {
            let cellX = Theme.margin + (index % columns) * (cellWidth + gap)
            let cellY = top + (index / columns) * (cellHeight + gap)
            let frameX = cellX + (cellWidth - imageWidth - 2 * border) / 2
            if let colour = tile.border {
                canvas.strokeRect(
                    x: frameX, y: cellY, width: imageWidth + 2 * border,
                    height: imageHeight + 2 * border, thickness: border, colour)
            }
            canvas.drawGrey(tile.image, x: frameX + border, y: cellY + border, scale: scale)
            if let caption = tile.caption {
                canvas.drawText(
                    caption, centerX: cellX + cellWidth / 2,
                    y: cellY + imageHeight + 2 * border + 3, scale: captionScale,
                    color: tile.border == Theme.wrong ? Theme.wrong : Theme.ink)
            }
        }
        return canvas
    }
}
