// The training loop shared by every lesson and by full MNIST: mini-batches through forward, loss,
// backward and the SGD step, on buffers sized once. A batch is cut into shards (two by default)
// that two threads run side by side; their gradients are added in a fixed order, so the result
// is the same bits whether one thread or two did the work.
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
public final class Trainer: @unchecked Sendable {
    public let network: Network
    public let loss: Loss
    public let optimizer: SGD
    public let batchSize: Int
    /// How many parts each batch is cut into (each with its own workspace and gradients).
    public let shards: Int
    /// How many threads run the shards (1 or `shards`); the result does not depend on it.
    public let threads: Int
    public let kernel: ProductKernel

    private let workspaces: [Workspace]
    private let inputs: [FloatBuffer]
    private let targets: [FloatBuffer]
    private var shardLoss: [Float]
    private var shardCorrect: [Int]
    private let barrier: SpinBarrier
    private let worker: WorkerThread?

    public init(
        network: Network, loss: Loss, optimizer: SGD, batchSize: Int, shards: Int = 2, threads: Int = 2,
        kernel: ProductKernel = .blas
    ) {
        precondition(batchSize > 0, "Trainer needs a positive batch size, got \(batchSize)")
        precondition(shards == 1 || shards == 2, "Trainer supports one or two shards, got \(shards)")
        precondition(threads == 1 || threads == shards, "Trainer runs on one thread or one per shard, got \(threads) for \(shards) shards")
        self.network = network
        self.loss = loss
        self.optimizer = optimizer
        self.batchSize = batchSize
        self.shards = shards
        self.threads = threads
        self.kernel = kernel
        let capacity = (batchSize + shards - 1) / shards
        workspaces = (0..<shards).map { _ in Workspace(for: network, capacity: capacity) }
        inputs = (0..<shards).map { _ in FloatBuffer(count: capacity * network.inputSize) }
        targets = (0..<shards).map { _ in FloatBuffer(count: capacity * network.outputSize) }
        shardLoss = Array(repeating: 0, count: shards)
        shardCorrect = Array(repeating: 0, count: shards)
        barrier = SpinBarrier(parties: threads)
        worker = threads > 1 ? WorkerThread() : nil
    }

    /// Rows of a batch of `rows` that shard s takes: the first half (rounded up), then the rest.
    func shardRows(_ s: Int, of rows: Int) -> Range<Int> {
        if shards == 1 { return 0..<rows }
        let split = (rows + 1) / 2
        return s == 0 ? 0..<split : split..<rows
    }

    /// One epoch over `source` in the order of `batches` (call `batches.startEpoch()` first).
    /// `progress` is called on the calling thread every `progressEvery` batches and after the last.
    public func trainEpoch(
        source: some ExampleSource, batches: MiniBatches, progressEvery: Int = 50,
        progress: ((BatchProgress) -> Void)? = nil
    ) -> EpochResult {
        precondition(source.inputSize == network.inputSize && source.targetSize == network.outputSize,
            "trainEpoch: examples are \(source.inputSize) -> \(source.targetSize), the network is \(network.inputSize) -> \(network.outputSize)")
        precondition(batches.batchSize == batchSize && batches.exampleCount == source.count,
            "trainEpoch: batches of \(batches.batchSize) over \(batches.exampleCount) examples, trainer expects \(batchSize) over \(source.count)")
        var result = EpochResult(meanLoss: 0, correct: 0, examples: 0, divergedAtBatch: nil)
        var lossSum: Double = 0
        batches.order.withUnsafeBufferPointer { order in
            let run: (Int) -> Void = { thread in
                for b in 0..<batches.batchCount {
                    let range = batches.range(ofBatch: b)
                    let batchIndices = UnsafeBufferPointer(rebasing: order[range])
                    // 1. Forward and backward of this thread's shards (all of them with one thread).
                    for s in stride(from: thread, to: self.shards, by: self.threads) {
                        self.runShard(s, indices: batchIndices, source: source)
                    }
                    if self.threads > 1 { self.barrier.wait() }
                    // 2. Every thread sees the same losses, so all stop together on divergence.
                    var batchLoss: Float = 0, batchCorrect = 0
                    for s in 0..<self.shards { batchLoss += self.shardLoss[s]; batchCorrect += self.shardCorrect[s] }
                    if !batchLoss.isFinite {
                        if thread == 0 { result.divergedAtBatch = b }
                        break
                    }
                    // 3. Each thread updates its part of the parameters with the summed gradients.
                    let count = self.network.parameterCount
                    let part = (count + self.threads - 1) / self.threads
                    self.optimizer.step(parameters: self.network.parameters, gradients: self.workspaces.map(\.gradients),
                        range: Swift.min(thread * part, count)..<Swift.min((thread + 1) * part, count))
                    if self.threads > 1 { self.barrier.wait() }
                    if thread == 0 {
                        lossSum += Double(batchLoss) * Double(range.count)
                        result.examples += range.count
                        // Counted before the second barrier: past it, the other thread is already
                        // writing the next batch's shard counts.
                        result.correct += batchCorrect
                        if let progress, (b + 1) % progressEvery == 0 || b + 1 == batches.batchCount {
                            progress(BatchProgress(batchesDone: b + 1, batchCount: batches.batchCount,
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

    /// Forward, loss and backward of shard s of the batch `indices`, into that shard's workspace.
    private func runShard(_ s: Int, indices: UnsafeBufferPointer<Int32>, source: some ExampleSource) {
        let rows = shardRows(s, of: indices.count)
        let workspace = workspaces[s]
        guard !rows.isEmpty else {
            workspace.gradients.base.update(repeating: 0, count: workspace.gradients.count)
            shardLoss[s] = 0
            shardCorrect[s] = 0
            return
        }
        let input = inputs[s].view(rows: rows.count, cols: network.inputSize)
        let target = targets[s].view(rows: rows.count, cols: network.outputSize)
        source.fill(input: input, target: target, indices: UnsafeBufferPointer(rebasing: indices[rows]))
        let output = network.forward(input, workspace: workspace, kernel: kernel, tracer: NoTracer())
        shardLoss[s] = network.loss(loss, target: target, workspace: workspace, rows: rows.count,
            batchSize: indices.count, tracer: NoTracer())
        shardCorrect[s] = countCorrect(output: output, target: target)
        network.backward(input: input, target: target, loss: loss, workspace: workspace,
            batchSize: indices.count, kernel: kernel, tracer: NoTracer())
    }

    /// One SGD step on a batch the caller holds, on this thread, recording every value when the
    /// tracer records: the step the lessons show. Returns the batch's loss before the step.
    @discardableResult
    public func step<T: Tracer>(input: MatrixView, target: MatrixView, tracer: T) -> Float {
        precondition(input.rows <= workspaces[0].capacity * shards, "step: \(input.rows) rows exceed the batch size \(batchSize)")
        let workspace = input.rows <= workspaces[0].capacity ? workspaces[0] : Workspace(for: network, capacity: input.rows)
        let value = network.lossAndGradients(input: input, target: target, loss: loss, workspace: workspace,
            kernel: kernel, tracer: tracer)
        if value.isFinite { optimizer.step(network: network, gradients: workspace.gradients, tracer: tracer) }
        return value
    }
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
