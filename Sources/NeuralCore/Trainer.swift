// The training loop shared by every lesson and by full MNIST: mini-batches through forward, loss,
// backward and the SGD step, on buffers sized once. A batch is cut into two halves that two
// threads run side by side; each weight matrix's rows are cut in two for the update, so the
// result is the same bits whether one thread or two did the work.
import Foundation

/// What one epoch did.
public struct EpochResult: Sendable {
    /// Mean of the batch losses, weighted by batch size.
    public var meanLoss: Float
    /// Examples whose output's largest entry matched the target's (classification accuracy).
    public var correct: Int
    public var examples: Int
    /// The batch at which the loss became NaN or infinite (the update was not applied), if any.
    public var divergedAtBatch: Int?
    public var accuracy: Double { examples == 0 ? 0 : Double(correct) / Double(examples) }
}

/// Progress after a batch: batches done, examples seen, summed loss and correct count so far.
public struct BatchProgress: Sendable {
    public var batchesDone: Int
    public var batchCount: Int
    public var examplesSeen: Int
    public var meanLoss: Float
    public var correct: Int
}

/// Trains a network with SGD on mini-batches. Everything a step needs is allocated here, once.
///
/// How a batch is split over two threads: each thread runs forward and backward (down to each
/// layer's dZ) for its half of the rows, in its band of one shared workspace. After a barrier,
/// each thread updates its half of every weight matrix's rows with one sgemm over the whole batch,
/// W[rows] -= lr * input[:, rows]^T * dZ, so no per-thread gradient is written, summed or
/// zeroed. Both halves are fixed by the batch, not by the threads, so one thread running both
/// halves computes the same bits.
public final class Trainer: @unchecked Sendable {
    public let network: Network
    public let loss: Loss
    public let optimizer: SGD
    public let batchSize: Int
    /// How many parts each batch (and each weight matrix, in the update) is cut into.
    public let shards: Int
    /// How many threads run the shards (1 or `shards`); the result does not depend on it.
    public let threads: Int
    public let kernel: ProductKernel

    /// Activations and deltas of a whole batch (capacity `batchSize`).
    private let workspace: Workspace
    private let input: FloatBuffer  // (batchSize, inputSize) row-major
    private let target: FloatBuffer  // (batchSize, outputSize) row-major
    /// Each shard's loss and correct count of the current batch, a cache line apart so that the
    /// two threads writing them do not fight over one line (and are not a Swift array, whose
    /// element writes from two threads would race on its storage).
    private let shardLoss: UnsafeMutablePointer<Float>
    private let shardCorrect: UnsafeMutablePointer<Int>
    private static let cacheLineStride = 16
    private let barrier: SpinBarrier
    private let worker: WorkerThread?

    public init(
        network: Network, loss: Loss, optimizer: SGD, batchSize: Int, shards: Int = 2, threads: Int = 2,
        kernel: ProductKernel = .blas
    ) {
        precondition(batchSize > 0, "Trainer needs a positive batch size, got \(batchSize)")
        precondition(shards == 1 || shards == 2, "Trainer supports one or two shards, got \(shards)")
        precondition(
            threads == 1 || threads == shards,
            "Trainer runs on one thread or one per shard, got \(threads) for \(shards) shards")
        self.network = network
        self.loss = loss
        self.optimizer = optimizer
        self.batchSize = batchSize
        self.shards = shards
        self.threads = threads
        self.kernel = kernel
        workspace = Workspace(for: network, capacity: batchSize)
        input = FloatBuffer(count: batchSize * network.inputSize)
        target = FloatBuffer(count: batchSize * network.outputSize)
        shardLoss = .allocate(capacity: shards * Trainer.cacheLineStride)
        shardLoss.initialize(repeating: 0, count: shards * Trainer.cacheLineStride)
        shardCorrect = .allocate(capacity: shards * Trainer.cacheLineStride)
        shardCorrect.initialize(repeating: 0, count: shards * Trainer.cacheLineStride)
        barrier = SpinBarrier(parties: threads)
        worker = threads > 1 ? WorkerThread() : nil
    }

    deinit {
        shardLoss.deallocate()
        shardCorrect.deallocate()
    }

    /// Part s of `count` things when cut into `shards` parts: the first half (rounded up), then the rest.
    func part(_ s: Int, of count: Int) -> Range<Int> {
        if shards == 1 { return 0..<count }
        let split = (count + 1) / 2
        return s == 0 ? 0..<split : split..<count
    }

    /// One epoch over `source` in the order of `batches` (call `batches.startEpoch()` first).
    /// `progress` is called on the calling thread every `progressEvery` batches and after the last.
    public func trainEpoch(
        source: some ExampleSource, batches: MiniBatches, progressEvery: Int = 50,
        progress: ((BatchProgress) -> Void)? = nil
    ) -> EpochResult {
        precondition(
            source.inputSize == network.inputSize && source.targetSize == network.outputSize,
            "trainEpoch: examples are \(source.inputSize) -> \(source.targetSize), the network is \(network.inputSize) -> \(network.outputSize)"
        )
        precondition(
            batches.batchSize == batchSize && batches.exampleCount == source.count,
            "trainEpoch: batches of \(batches.batchSize) over \(batches.exampleCount) examples, trainer expects \(batchSize) over \(source.count)"
        )
        // The shards' bands of the workspace, for a full batch and for the last, shorter one:
        // made here, once an epoch, so that no batch allocates.
        let lastRows = source.count - (batches.batchCount - 1) * batchSize
        let fullBands = bands(rows: batchSize), lastBands = bands(rows: lastRows)
        var result = EpochResult(meanLoss: 0, correct: 0, examples: 0, divergedAtBatch: nil)
        var lossSum: Double = 0
        batches.order.withUnsafeBufferPointer { order in
            let run: (Int) -> Void = { thread in
                for b in 0..<batches.batchCount {
                    let range = batches.range(ofBatch: b)
                    let indices = UnsafeBufferPointer(rebasing: order[range])
                    let bands = range.count == self.batchSize ? fullBands : lastBands
                    // 1. Forward and backward (to the deltas) of this thread's rows.
                    for s in stride(from: thread, to: self.shards, by: self.threads) {
                        self.forwardAndDeltas(shard: s, band: bands[s], indices: indices, source: source)
                    }
                    if self.threads > 1 { self.barrier.wait() }
                    // 2. Every thread sees the same losses, so all stop together on divergence.
                    var batchLoss: Float = 0, batchCorrect = 0
                    for s in 0..<self.shards {
                        batchLoss += self.shardLoss[s * Trainer.cacheLineStride]
                        batchCorrect += self.shardCorrect[s * Trainer.cacheLineStride]
                    }
                    if !batchLoss.isFinite {
                        if thread == 0 { result.divergedAtBatch = b }
                        break
                    }
                    // 3. This thread's parts of every weight matrix, updated over the whole batch.
                    for s in stride(from: thread, to: self.shards, by: self.threads) {
                        self.update(part: s, rows: range.count)
                    }
                    if self.threads > 1 { self.barrier.wait() }
                    if thread == 0 {
                        lossSum += Double(batchLoss) * Double(range.count)
                        result.examples += range.count
                        // Counted before the second barrier: past it, the other thread is already
                        // writing the next batch's shard counts.
                        result.correct += batchCorrect
                        if let progress, (b + 1) % progressEvery == 0 || b + 1 == batches.batchCount {
                            progress(
                                BatchProgress(
                                    batchesDone: b + 1, batchCount: batches.batchCount,
                                    examplesSeen: result.examples, meanLoss: Float(lossSum / Double(result.examples)),
                                    correct: result.correct))
                        }
                    }
                }
            }
            if let worker {
                worker.start { run(1) }
                run(0)
                worker.join()
            } else {
                run(0)
            }
        }
        result.meanLoss = result.examples == 0 ? .nan : Float(lossSum / Double(result.examples))
        return result
    }

    /// Each shard's rows of a batch of `rows`, with its band of the workspace (nil when empty).
    private func bands(rows: Int) -> [(rows: Range<Int>, workspace: Workspace?)] {
        (0..<shards).map { s in
            let rows = part(s, of: rows)
            return (rows, rows.isEmpty ? nil : Workspace(shardOf: workspace, rows: rows))
        }
    }

    /// Fills shard s's rows, runs them forward, takes their loss, and backpropagates to every
    /// layer's dZ (the weight gradients are left to `update`).
    private func forwardAndDeltas(
        shard s: Int, band: (rows: Range<Int>, workspace: Workspace?), indices: UnsafeBufferPointer<Int32>,
        source: some ExampleSource
    ) {
        guard let bandWorkspace = band.workspace else {
            shardLoss[s * Trainer.cacheLineStride] = 0
            shardCorrect[s * Trainer.cacheLineStride] = 0
            return
        }
        let rows = band.rows
        let input = self.input.view(
            offset: rows.lowerBound * network.inputSize, rows: rows.count, cols: network.inputSize)
        let target = self.target.view(
            offset: rows.lowerBound * network.outputSize, rows: rows.count, cols: network.outputSize)
        source.fill(input: input, target: target, indices: UnsafeBufferPointer(rebasing: indices[rows]))
        let output = network.forward(input, workspace: bandWorkspace, kernel: kernel, tracer: NoTracer())
        shardLoss[s * Trainer.cacheLineStride] = network.loss(
            loss, target: target, workspace: bandWorkspace, rows: rows.count,
            batchSize: indices.count, tracer: NoTracer())
        shardCorrect[s * Trainer.cacheLineStride] = countCorrect(output: output, target: target)
        network.backward(
            input: input, target: target, loss: loss, workspace: bandWorkspace, batchSize: indices.count,
            parameterGradients: false, kernel: kernel, tracer: NoTracer())
    }

    /// Updates part p of every layer's weight rows (and, with part 0, every bias) from the deltas
    /// of the whole batch of `rows`.
    private func update(part p: Int, rows: Int) {
        for l in 0..<network.layerCount {
            let layerInput =
                l == 0 ? input.view(rows: rows, cols: network.inputSize) : workspace.activation(l - 1, rows: rows)
            let dZ = workspace.dZ(l, rows: rows)
            optimizer.updateWeights(
                network: network, layer: l, rows: part(p, of: network.layerSizes[l]),
                input: layerInput, dZ: dZ, kernel: kernel)
            if p == 0 { optimizer.updateBias(network: network, layer: l, dZ: dZ) }
        }
    }

    /// One SGD step on a batch the caller holds, on this thread, recording every value when the
    /// tracer records: the step the lessons show. Returns the batch's loss before the step.
    ///
    /// It computes the full gradient (`workspace.gradients`, which a lesson may print) and then
    /// updates; `trainEpoch` folds the two together, so their results agree to rounding, not bits.
    @discardableResult
    public func step<T: Tracer>(input: MatrixView, target: MatrixView, tracer: T) -> Float {
        precondition(input.rows <= batchSize, "step: \(input.rows) rows exceed the batch size \(batchSize)")
        let value = network.lossAndGradients(
            input: input, target: target, loss: loss, workspace: workspace,
            kernel: kernel, tracer: tracer)
        if value.isFinite { optimizer.step(network: network, gradients: workspace.gradients, tracer: tracer) }
        return value
    }

    /// The gradients of the last `step` (dLoss/dParameter in the network's flat layout).
    public var gradients: FloatBuffer { workspace.gradients }
}

/// Rows whose largest output is at the same position as the target's largest entry.
func countCorrect(output: MatrixView, target: MatrixView) -> Int {
    var correct = 0
    for i in 0..<output.rows {
        if argmax(output.base + i * output.cols, output.cols) == argmax(target.base + i * target.cols, target.cols) {
            correct += 1
        }
    }
    return correct
}

/// Position of the largest of `count` values (the first one on ties).
public func argmax(_ values: UnsafePointer<Float>, _ count: Int) -> Int {
    var best = 0
    for j in 1..<Swift.max(count, 1) where values[j] > values[best] { best = j }
    return best
}

/// One long-lived helper thread that runs a job when asked: starting a thread per epoch (or
/// worse, per batch) would cost more than the work it shares. The thread keeps only the shared
/// `Mailbox`, so it can finish after the `WorkerThread` is gone.
final class WorkerThread: Sendable {
    private final class Mailbox: @unchecked Sendable {
        let jobReady = DispatchSemaphore(value: 0)
        let jobDone = DispatchSemaphore(value: 0)
        var job: (() -> Void)?
        var stopping = false
    }
    private let mailbox = Mailbox()

    init() {
        let mailbox = self.mailbox
        let thread = Thread {
            while true {
                mailbox.jobReady.wait()
                if mailbox.stopping { return }
                mailbox.job?()
                mailbox.job = nil
                mailbox.jobDone.signal()
            }
        }
        thread.name = "neuraltracer-trainer"
        thread.start()
    }

    func start(_ body: @escaping () -> Void) {
        mailbox.job = body
        mailbox.jobReady.signal()
    }

    func join() { mailbox.jobDone.wait() }

    deinit {
        mailbox.stopping = true
        mailbox.jobReady.signal()
    }
}
