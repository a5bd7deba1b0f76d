// Lesson 5, flattening: the 3x3 image becomes a row of 9 inputs, pixel (row, col) going to
// position row*3 + col. The reshape is the core's; nothing is computed on the pixels.
import NeuralCore

enum Lesson05Flattening: Lesson {
    static func run(_ log: LessonLog, context: LessonContext) throws {
        let image = try log.file.inputs["pixels"].image()

        try log.explain("The image")
        log.show(step(.image, "image", image))
        log.picture("image.png", .image(title: "The 3x3 image", pixels: image))

        try log.explain("Row by row")
        let flat = image.reshaped(rows: 1, cols: image.count)
        var mapping: [TraceStep] = []
        var rows: [[String]] = []
        for r in 0..<image.rows {
            for c in 0..<image.cols {
                let position = r * image.cols + c
                mapping.append(
                    step(.flatten, "image[\(r),\(c)] -> x\(position)", flat.values[position],
                        note: "position \(r)*\(image.cols) + \(c) = \(position)", index: [r, c]))
                rows.append(["\(r)", "\(c)", "\(r)*\(image.cols) + \(c) = \(position)", format(flat.values[position])])
            }
        }
        log.table(["row", "col", "position row*3 + col", "pixel"], rows)
        log.data(mapping)
        log.show(step(.input, "x", flat), isResult: true)
        log.picture(
            "flattened.png",
            .image(
                title: "Flattened: x0 ... x\(flat.count - 1)", pixels: flat,
                columnLabels: (0..<flat.count).map { "x\($0)" }))
    }
}
