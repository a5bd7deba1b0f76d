// `tracer bench`: the performance figures. GEMM GFLOP/s on one and two threads, the time of one
// MNIST-sized training epoch against its FLOP floor (with the fraction of zero pixels the first
// layer skipped, and GFLOP/s counted as dense work and as work done), the first layer's sparse and
// dense paths side by side, and what the no-op tracer costs (nothing, if generic specialisation
// works across modules). Medians of repeated runs; noisy machines.
import ArgumentParser
import Foundation
import NeuralCore
import Training

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure GEMM speed, epoch time and tracing overhead.")

    @Flag(help: "One JSON object per figure, one per line.")
    var json = false

    @Option(help: "Timed training epochs (after one warm-up epoch).")
    var epochs = 5

    @Option(help: "Timed repetitions of each GEMM.")
    var repeats = 7

    @Flag(help: "Small sizes and few repetitions: checks that the benchmark runs, measures little.")
    var quick = false

    @Option(help: "MNIST folder for the epoch benchmark (default: $MNIST_DIR, then the cache; random data without).")
    var data: String?

    @Option(
        help:
            "Train the epoch on synthetic images instead of MNIST: random bytes on a black background that covers this share of each image (0.5 stands in for Fashion-MNIST)."
    )
    var syntheticZeros: Double?

    func validate() throws {
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1, got \(repeats)") }
        if let syntheticZeros, !(0...1).contains(syntheticZeros) {
            throw ValidationError("--synthetic-zeros must be between 0 and 1, got \(syntheticZeros)")
        }
    }

    func run() throws {
        let report = BenchReport(json: json)
        let kernel = BLASKernel.coreName
        report.note("OpenBLAS kernel: \(kernel) (\(FastKernel.howChosen))")

        // 1. GEMM, square, one then two OpenBLAS threads.
        let size = quick ? 128 : 1024
        var gflopsByThreads: [Int: Double] = [:]
        for threads in [2, 1] {
            let (median, best) = gemmGFLOPS(size: size, threads: threads, repeats: quick ? 2 : repeats)
            gflopsByThreads[threads] = median
            report.figure(
                [
                    "bench": "gemm", "m": size, "n": size, "k": size, "threads": threads, "gflops": round1(median),
                    "gflops_best": round1(best), "kernel": kernel,
                ],
                human:
                    "gemm \(size)^3, \(threads) thread\(threads == 1 ? "" : "s"): \(round1(median)) GFLOP/s median (best \(round1(best)))"
            )
        }
        BLASKernel.threads = 1

        // 2. One epoch of 784-128-10, batch 64, SGD lr 0.1: 60,000 images (fewer with --quick),
        //    on two threads and on one (same arithmetic, same bits), interleaved so that drift in
        //    the machine's speed hits both alike.
        let images = quick ? 2_000 : 60_000
        let source = EpochBenchData.source(count: images, dataFlag: data, syntheticZeros: syntheticZeros)
        let flopsPerImage = 2.0 * Double(784 * 128 + 128 * 10) * 2 + 2.0 * Double(128 * 10)  // 409,088
        /// The first layer's forward product and weight update: the work that skipping zeros saves.
        let firstLayerFlopsPerImage = 2.0 * Double(784 * 128) * 2
        var runs: [Int: EpochRuns] = [2: EpochRuns(threads: 2), 1: EpochRuns(threads: 1)]
        for round in 0...(quick ? 1 : epochs) {
            for threads in [2, 1] { runs[threads]!.run(source: source.examples, counted: round > 0) }
        }
        var medians: [Int: Double] = [:]
        for threads in [2, 1] {
            let run = runs[threads]!
            let sorted = run.seconds.sorted()
            let median = sorted[sorted.count / 2]
            medians[threads] = median
            let floor = Double(images) * flopsPerImage / ((gflopsByThreads[threads] ?? 1) * 1e9)
            let skipped = run.sparseShare * run.zeroFraction * firstLayerFlopsPerImage
            let denseRate = Double(images) * flopsPerImage / median / 1e9
            let doneRate = Double(images) * (flopsPerImage - skipped) / median / 1e9
            let path =
                run.sparseShare == 0
                ? "dense (OpenBLAS)"
                : "skips zeros (\(KernelPath.active.rawValue)) in \(round1(run.sparseShare * 100))% of batches"
            report.figure(
                [
                    "bench": "epoch", "model": "784-128-10", "batch": 64, "epochs": sorted.count, "images": images,
                    "data": source.name, "seconds_median": round4(median), "seconds_min": round4(sorted[0]),
                    "seconds_max": round4(sorted[sorted.count - 1]), "images_per_second": Int(Double(images) / median),
                    "floor_seconds": round4(floor), "threads": threads, "zero_fraction": round3(run.zeroFraction),
                    "first_layer": path, "gflops_dense": round1(denseRate), "gflops_done": round1(doneRate),
                    "epochs_second_thread_given_back": run.epochsAlone,
                ],
                human:
                    "epoch 784-128-10, batch 64, \(images) \(source.name) images, \(threads) thread\(threads == 1 ? "" : "s"): "
                    + "\(round4(median)) s median (min \(round4(sorted[0])), max \(round4(sorted[sorted.count - 1])), "
                    + "\(sorted.count) epochs), \(Int(Double(images) / median)) images/s; "
                    + "floor at the \(threads)-thread GEMM rate \(round4(floor)) s; "
                    + "\(round1(run.zeroFraction * 100))% of the inputs are 0, first layer \(path); "
                    + "\(round1(denseRate)) GFLOP/s counted as dense work, \(round1(doneRate)) as work done"
                    + (run.epochsAlone == 0
                        ? ""
                        : "; in \(run.epochsAlone) of \(sorted.count) epochs the first thread took the second's part "
                            + "over (its core was busy)"))
        }
        if let one = medians[1], let two = medians[2] {
            report.figure(
                ["bench": "epoch_speedup", "threads": 2, "ratio": round3(one / two)],
                human: "second thread speeds an epoch up \(round3(one / two))x")
        }
        if let run = runs[1], run.zeroFraction > 0.5 {
            report.note(
                "  Most of these pixels are 0 (\(Int((run.zeroFraction * 100).rounded()))%): black background. As lesson 6 "
                    + "showed, a black pixel contributes nothing whatever its weight, so the core's first layer skips "
                    + "the zeros, in its forward product and in its weight update, and gives the same sums.")
        }

        // 2b. Why a batch takes the path it takes: the first layer (64 x 784 -> 128) forward and
        //     update through the kernels that skip zeros and through sgemm, on inputs with a given
        //     share of zeros at random places (the kernels' worst case: real images have their
        //     zeros together, as on MNIST's 81%).
        for zeroFraction in quick ? [0.81] : [0.81, 0.6, 0.5, 0.3] {
            let (sparse, dense, skips) = firstLayerPaths(zeroFraction: zeroFraction, repeats: quick ? 20 : 400)
            let chosen = skips ? "skips zeros" : "dense"
            report.figure(
                [
                    "bench": "first_layer", "zero_fraction": zeroFraction, "sparse_us": round3(sparse * 1e6),
                    "dense_us": round3(dense * 1e6), "chosen": chosen,
                ],
                human:
                    "first layer 64x784 -> 128 forward + update, \(Int(zeroFraction * 100))% zeros at random places: skipping zeros "
                    + "\(round3(sparse * 1e6)) us, dense sgemm \(round3(dense * 1e6)) us; the trainer takes: \(chosen)")
        }

        // 3. The tracing hook: a dense layer through the generic op with NoTracer, against the
        //    same sgemm + bias add called directly. Equal times mean the hook compiled away.
        let (direct, traced) = tracerOverhead(repeats: quick ? 50 : 2000)
        report.figure(
            [
                "bench": "tracer_overhead", "op": "dense 64x784x128", "direct_us": round3(direct * 1e6),
                "no_op_tracer_us": round3(traced * 1e6), "ratio": round3(traced / direct),
            ],
            human: "dense forward 64x784 -> 128: direct \(round3(direct * 1e6)) us, through the no-op tracer "
                + "\(round3(traced * 1e6)) us (ratio \(round3(traced / direct)))")
    }

    /// Median and best GFLOP/s of an n^3 sgemm over `repeats` runs after one warm-up.
    func gemmGFLOPS(size n: Int, threads: Int, repeats: Int) -> (median: Double, best: Double) {
        BLASKernel.threads = threads
        var random = SeededRandom(seed: 1)
        let a = FloatBuffer(count: n * n), b = FloatBuffer(count: n * n), c = FloatBuffer(count: n * n)
        for i in 0..<(n * n) { a.base[i] = random.uniform(-1, 1); b.base[i] = random.uniform(-1, 1) }
        let (av, bv, cv) = (a.view(rows: n, cols: n), b.view(rows: n, cols: n), c.view(rows: n, cols: n))
        matrixProduct(cv, av, bv)
        var rates: [Double] = []
        for _ in 0..<repeats {
            let seconds = timed { matrixProduct(cv, av, bv) }
            rates.append(2 * Double(n * n * n) / seconds / 1e9)
        }
        rates.sort()
        return (rates[rates.count / 2], rates[rates.count - 1])
    }

    /// Median seconds of the first layer's forward product plus weight update, per batch: through
    /// the kernels that skip zeros, and through sgemm.
    func firstLayerPaths(zeroFraction: Double, repeats: Int) -> (sparse: Double, dense: Double, skips: Bool) {
        let rows = 64, inputs = 784, units = 128
        var random = SeededRandom(seed: 4)
        let x = FloatBuffer(count: rows * inputs), w = FloatBuffer(count: inputs * units)
        let z = FloatBuffer(count: rows * units), dz = FloatBuffer(count: rows * units)
        for i in 0..<x.count { x.base[i] = random.nextUnitFloat() < Float(zeroFraction) ? 0 : random.nextUnitFloat() }
        for i in 0..<w.count { w.base[i] = random.uniform(-0.1, 0.1) }
        for i in 0..<dz.count { dz.base[i] = random.uniform(-1e-3, 1e-3) }
        let (xv, wv) = (x.view(rows: rows, cols: inputs), w.view(rows: inputs, cols: units))
        let (zv, dzv) = (z.view(rows: rows, cols: units), dz.view(rows: rows, cols: units))
        let zeros = InputZeros(capacity: rows, cols: inputs)
        var sparse: [Double] = [], dense: [Double] = []
        for _ in 0..<repeats {
            sparse.append(
                timed {
                    zeros.measure(xv)
                    sparseProduct(zv, xv, zeros: zeros, wv)
                    sparseTransposedProduct(wv, xv, zeros: zeros, dzv, alpha: -0.1, beta: 1)
                })
            dense.append(
                timed {
                    matrixProduct(zv, xv, wv)
                    matrixProduct(wv, xv, transposeA: true, dzv, alpha: -0.1, beta: 1)
                })
        }
        return (sparse.sorted()[repeats / 2], dense.sorted()[repeats / 2], zeros.skipsZeros)
    }

    /// Median seconds per call: sgemm + bias add directly, and `denseForward` with `NoTracer`.
    func tracerOverhead(repeats: Int) -> (direct: Double, traced: Double) {
        var random = SeededRandom(seed: 2)
        let x = FloatBuffer(count: 64 * 784), w = FloatBuffer(count: 784 * 128), b = FloatBuffer(count: 128)
        let z = FloatBuffer(count: 64 * 128)
        for i in 0..<x.count { x.base[i] = random.nextUnitFloat() }
        for i in 0..<w.count { w.base[i] = random.uniform(-0.1, 0.1) }
        let (xv, wv, bv, zv) = (
            x.view(rows: 64, cols: 784), w.view(rows: 784, cols: 128), b.view(rows: 1, cols: 128),
            z.view(rows: 64, cols: 128)
        )
        let names = DenseNames(layer: 0, layerCount: 2)
        var direct: [Double] = [], traced: [Double] = []
        for _ in 0..<repeats {  // interleaved, so drift in the machine's speed hits both alike
            direct.append(
                timed {
                    matrixProduct(zv, xv, wv); addBias(zv, bv)
                })
            traced.append(
                timed {
                    denseForward(
                        z: zv, input: xv, weights: wv, bias: bv, kernel: .blas, names: names, layer: 1,
                        tracer: NoTracer())
                })
        }
        direct.sort()
        traced.sort()
        return (direct[direct.count / 2], traced[traced.count / 2])
    }
}

/// Wall-clock seconds of `body`, from the monotonic clock.
func timed(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func round1(_ x: Double) -> Double { (x * 10).rounded() / 10 }
func round3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
func round4(_ x: Double) -> Double { (x * 10000).rounded() / 10000 }

/// Prints figures as human lines or as JSON lines (keys in the order written here).
final class BenchReport {
    let json: Bool
    init(json: Bool) { self.json = json }

    func note(_ text: String) { if !json { print(text) } }

    func figure(_ fields: KeyValuePairs<String, Any>, human: String) {
        guard json else { return print("  " + human) }
        let pairs = fields.map { key, value -> (String, JSONValue) in
            switch value {
            case let number as Int: return (key, .integer(number))
            case let number as Double: return (key, .number(number))
            default: return (key, .string("\(value)"))
            }
        }
        print(JSONValue.object(pairs).text)
    }
}

/// The epoch benchmark's data: MNIST's training set when the data folder has it (`--data`,
/// `$MNIST_DIR`, the cache) and no synthetic data is asked for, otherwise random bytes of the same
/// shape: everywhere, or (`syntheticZeros`) inside a centred box on a black background, as a
/// photographed object sits. Either way the examples go through `DigitExamples`, the same
/// byte-to-float conversion training uses.
enum EpochBenchData {
    static func source(count: Int, dataFlag: String?, syntheticZeros: Double? = nil)
        -> (examples: DigitExamples, name: String)
    {
        if syntheticZeros == nil,
            let data = try? TrainingData.load(kind: .mnist, dataFlag: dataFlag, trainLimit: count, testLimit: 1),
            data.train.count == count
        {
            // A folder given with --data may hold another set in MNIST's format (Fashion-MNIST).
            return (data.train, dataFlag.map { "MNIST-format (\(URL(fileURLWithPath: $0).lastPathComponent))" } ?? "MNIST")
        }
        var random = SeededRandom(seed: 3)
        var pixels = (0..<(count * 784)).map { _ in UInt8(truncatingIfNeeded: random.next() >> 56) | 1 }
        var name = "random"
        if let zeros = syntheticZeros {
            name = "synthetic \(Int((zeros * 100).rounded()))%-black"
            // A box of about (1 - zeros) * 784 pixels, its sides and place drawn per image.
            let area = (1 - zeros) * 784
            for image in 0..<count {
                let aspect = Double(random.uniform(0.7, 1.4))
                let height = min(28, max(0, Int((area * aspect).squareRoot().rounded())))
                let width = height == 0 ? 0 : min(28, Int((area / Double(height)).rounded()))
                let top = random.nextIndex(below: 29 - height), left = random.nextIndex(below: 29 - width)
                for r in 0..<28 {
                    for c in 0..<28 where !((top..<(top + height)).contains(r) && (left..<(left + width)).contains(c)) {
                        pixels[image * 784 + r * 28 + c] = 0
                    }
                }
            }
        }
        let labels = (0..<count).map { _ in UInt8(random.nextIndex(below: 10)) }
        return (DigitExamples(pixels: pixels, labels: labels, imageRows: 28, imageCols: 28, classCount: 10), name)
    }
}

/// One trainer's timed epochs and what its batches looked like.
struct EpochRuns {
    let trainer: Trainer
    var batches: MiniBatches
    var seconds: [Double] = []
    var zeroFraction: Double = 0
    /// Fraction of batches whose first layer skipped zeros.
    var sparseShare: Double = 0
    /// Timed epochs in which the first thread took the second one's part over (its core was busy).
    var epochsAlone = 0

    init(threads: Int) {
        let network = Network(layerSizes: [784, 128, 10])
        var random = SeededRandom(seed: 1)
        network.initialize(.he, random: &random)
        trainer = Trainer(
            network: network, loss: .softmaxCrossEntropy,
            optimizer: SGD(learningRate: 0.1, parameterCount: network.parameterCount), batchSize: 64, shards: 2,
            threads: threads)
        batches = MiniBatches(exampleCount: 1, batchSize: 64, seed: 1)
    }

    /// One epoch; `counted: false` is the warm-up.
    mutating func run(source: DigitExamples, counted: Bool) {
        if batches.exampleCount != source.count {
            batches = MiniBatches(exampleCount: source.count, batchSize: 64, seed: 1)
        }
        batches.startEpoch()
        let (trainer, batches) = (self.trainer, self.batches)
        let elapsed = timed { _ = trainer.trainEpoch(source: source, batches: batches) }
        guard counted else { return }
        seconds.append(elapsed)
        zeroFraction = trainer.lastEpochZeroFraction
        sparseShare = Double(trainer.lastEpochSparseBatches) / Double(batches.batchCount)
        if trainer.lastEpochAloneFromBatch != nil { epochsAlone += 1 }
    }
}
