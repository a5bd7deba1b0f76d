// swift-tools-version:6.0
// NeuralTracer: an educational, step-by-step, visual neural-network tracer.
//
// Arrows go one way: tracer -> (Lessons, Training) -> (NeuralCore, Render, Datasets) -> SafeIO.
// NeuralCore knows nothing of files, PNG or lessons; Render and Datasets know nothing of each other.
import PackageDescription

/// Numeric loops are the product here: build every target with full optimisation of generics
/// across module boundaries, even in debug test builds of the hot modules.
let package = Package(
    name: "NeuralTracer",
    products: [
        .executable(name: "tracer", targets: ["tracer"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // MARK: C libraries, provided by the system (see scripts/setup).
        .systemLibrary(
            name: "CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CPNG", pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]),
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),

        // MARK: Hand-written kernels in C (a first layer that skips zero inputs, the byte-to-float
        // fill), each with AVX-512, AVX2+FMA and portable bodies chosen at run time.
        .target(name: "Kernels"),

        // MARK: The shared training core: tensors, ops with their backward, layers, losses,
        // optimisers, RNG and the tracing hook.
        .target(name: "NeuralCore", dependencies: ["CBLAS", "Kernels"]),

        // MARK: Files in and out without loss: regular files only, atomic writes, checked stdout.
        .target(name: "SafeIO"),

        // MARK: Pictures, data, and the two programs built on the core.
        .target(name: "Render", dependencies: ["CPNG", "SafeIO"]),
        .target(name: "Datasets", dependencies: ["CZlib", "SafeIO"]),
        .target(
            name: "Lessons",
            dependencies: ["NeuralCore", "Render", "Datasets", "SafeIO", .product(name: "Yams", package: "Yams")]),
        .target(name: "Training", dependencies: ["NeuralCore", "Render", "Datasets", "SafeIO"]),

        // MARK: The command-line tool: parse, call, report.
        .executableTarget(
            name: "tracer",
            dependencies: [
                "NeuralCore", "Lessons", "Training", "Datasets", "Render", "SafeIO",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // MARK: Tests, one target per module.
        .testTarget(name: "NeuralCoreTests", dependencies: ["NeuralCore", "Kernels"]),
        .testTarget(name: "SafeIOTests", dependencies: ["SafeIO"]),
        .testTarget(name: "RenderTests", dependencies: ["Render"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets"]),
        .testTarget(name: "LessonsTests", dependencies: ["Lessons", "NeuralCore"], exclude: ["Snapshots"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "NeuralCore", "Datasets", "Render"]),
        .testTarget(name: "TracerCLITests", dependencies: ["tracer"]),
    ]
)
