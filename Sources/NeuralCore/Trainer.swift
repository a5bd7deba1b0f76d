// The training loop shared by every lesson and by full MNIST: mini-batches through forward, loss,
// backward and the SGD step, on buffers sized once. Two threads split the first layer by hidden
// units: each owns its half of the first layer's weights (and of the second layer's rows), so what
// a thread writes stays in its core's cache and only small activations cross between them. The
// result is the same bits whether one thread or two did the work.
import Foundation
import Synchronization

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
/// How a batch is split over two threads (the hidden units of the first layer cut into two parts,
/// p = 0 and 1, fixed by the network, not by the threads):
/// 1. each thread fills the whole batch and runs the first layer forward for its part's hidden
///    units, then multiplies them into the second layer: a partial z2 of (batch, out2);
/// 2. after one barrier, each sums the partials (part 0 then part 1) and runs the rest of the
///    network forward, the loss and the backward pass down to the second layer, alike on both
///    threads (these layers are small; each thread keeps its own copy of them, updated alike);
/// 3. each updates its part of the second layer's rows and of the first layer's columns.
/// One thread runs both parts in the same order, so it computes the same bits. A thread only ever
/// writes weights it owns, and only the partials (batch x out2 floats) cross between the cores.
/// Because the bits do not depend on who runs a part, thread 0 may take thread 1's part over at a
/// batch boundary when thread 1's core is busy elsewhere (`shouldGoSolo`).
public final class Trainer: @unchecked Sendable {
    public let network: Network
    public let loss: Loss
    public let optimizer: SGD
    public let batchSize: Int
    /// How many parts the first layer's hidden units are cut into (1, or 2 when the network has a
    /// layer after the first).
    public let shards: Int
    /// How many threads run the parts (1 or `shards`); the result does not depend on it.
    public let threads: Int
    public let kernel: ProductKernel

    /// What each thread works in: its batch, its workspace, and the copy of the layers after the
    /// first's weights that both threads update alike (thread 0's is the trainer's own).
    private final class Lane {
        let network: Network
        let optimizer: SGD
        let workspace: Workspace
        let input: FloatBuffer  // (batchSize, inputSize) row-major
        let target: FloatBuffer  // (batchSize, outputSize) row-major
        let zeros: InputZeros

        init(network: Network, optimizer: SGD, batchSize: Int) {
            self.network = network
            self.optimizer = optimizer
            workspace = Workspace(for: network, capacity: batchSize)
            input = FloatBuffer(count: batchSize * network.inputSize)
            target = FloatBuffer(count: batchSize * network.outputSize)
            zeros = InputZeros(capacity: batchSize, cols: network.inputSize)
        }
    }
    private let lanes: [Lane]
    /// Each part's partial z2 = activation1[:, part] * w2[part, :], (batchSize, out2), two sets used
    /// in turn by even and odd batches: a thread rewrites a set only after the other thread has
    /// passed the next batch's barrier, so one barrier a batch is enough.
    private let partials: [[FloatBuffer]]
    private let barrier: SpinBarrier
    /// How thread 0 takes the second thread's part over in the middle of an epoch.
    private final class Handover: Sendable {
        /// The first batch thread 0 runs alone (Int.max: none).
        let soloFrom = Atomic<Int>(.max)
        /// Set by the second thread after its last batch: its weight updates are all written.
        let secondDone = Atomic<Bool>(false)

        func waitForSecondThread() {
            var spins = 0
            while !secondDone.load(ordering: .acquiring) {
                spins += 1
                if spins > 2000 { sched_yield() }
            }
        }
    }
    private let handover = Handover()
    /// For tests: with two threads, thread 0 decides after this batch of every epoch to take both
    /// parts over (from two batches on), as it does by itself when the second thread lags.
    public var forceSoloAfterBatch: Int?
    private let worker: WorkerThread?
    /// What the last epoch's batches looked like: mean fraction of zero inputs and how many
    /// batches took the kernels that skip them.
    public private(set) var lastEpochZeroFraction: Double = 0
    public private(set) var lastEpochSparseBatches = 0
    /// The batch from which thread 0 ran the last epoch alone (nil: two threads to the end).
    public private(set) var lastEpochAloneFromBatch: Int?

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
        // A one-layer network's loss needs all its outputs at once: nothing to split.
        let parts = network.layerCount >= 2 ? shards : 1
        self.shards = parts
        self.threads = network.layerCount >= 2 ? threads : 1
        self.kernel = kernel
        var lanes = [Lane(network: network, optimizer: optimizer, batchSize: batchSize)]
        if self.threads > 1 {
            let twin = SGD(
                learningRate: optimizer.learningRate, momentum: optimizer.momentum,
                weightDecay: optimizer.weightDecay, parameterCount: network.parameterCount)
            lanes.append(Lane(network: network.copy(), optimizer: twin, batchSize: batchSize))
        }
        self.lanes = lanes
        let partialCount = network.layerCount >= 2 ? batchSize * network.layerSizes[2] : 1
        partials = (0..<2).map { _ in (0..<parts).map { _ in FloatBuffer(count: partialCount) } }
        barrier = SpinBarrier(parties: self.threads)
        worker = self.threads > 1 ? WorkerThread() : nil
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
        // Two threads again at the start of each epoch; the second thread's copy of the shared
        // layers starts from the trainer's (which the caller may have changed, e.g. the learning rate).
        handover.soloFrom.store(Int.max, ordering: .relaxed)
        handover.secondDone.store(false, ordering: .relaxed)
        for lane in lanes.dropFirst() {
            lane.network.parameters.base.update(from: network.parameters.base, count: network.parameterCount)
            lane.optimizer.copyState(from: optimizer)
        }
        var result = EpochResult(meanLoss: 0, correct: 0, examples: 0, divergedAtBatch: nil)
        var lossSum: Double = 0, zeroFractionSum: Double = 0, sparseBatches = 0
        var aloneFrom: Int?
        batches.order.withUnsafeBufferPointer { order in
            let run: (Int) -> Void = { thread in
                // Denormals as 0 on every training thread alike (so one thread or two still agree);
                // the readable `.naive` runs of the lessons keep IEEE arithmetic in full.
                let flushed = self.kernel == .blas ? flushDenormals(true) : false
                defer { if self.kernel == .blas { flushDenormals(flushed) } }
                let lane = self.lanes[thread]
                // With two threads: from batch `soloFrom` on, thread 0 runs both parts alone (see
                // `shouldGoSolo`); the bits do not change, since one thread computes what two do.
                var soloFrom = self.threads > 1 ? Int.max : 0
                var waited: UInt64 = 0, windowStart = DispatchTime.now().uptimeNanoseconds
                for b in 0..<batches.batchCount {
                    if thread == 0 && b == soloFrom && self.threads > 1 { self.handover.waitForSecondThread() }
                    let alone = b >= soloFrom
                    let parts = alone ? 0..<self.shards : thread..<(thread + 1)
                    let range = batches.range(ofBatch: b)
                    let rows = range.count
                    // 1. The batch (the next one's rows start loading), the first layer's parts.
                    let input = lane.input.view(rows: rows, cols: self.network.inputSize)
                    let target = lane.target.view(rows: rows, cols: self.network.outputSize)
                    source.fill(input: input, target: target, indices: UnsafeBufferPointer(rebasing: order[range]))
                    if b + 1 < batches.batchCount {
                        source.prefetch(indices: UnsafeBufferPointer(rebasing: order[batches.range(ofBatch: b + 1)]))
                    }
                    if self.kernel == .blas { lane.zeros.measure(input) }
                    for p in parts { self.firstLayerForward(part: p, lane: lane, input: input, parity: b % 2) }
                    if !alone {
                        let start = DispatchTime.now().uptimeNanoseconds
                        self.barrier.wait()
                        waited += DispatchTime.now().uptimeNanoseconds - start
                    }
                    // 2. The rest, alike on every thread: all see the same loss, so all stop
                    //    together on divergence.
                    let batchLoss = self.upperForward(lane: lane, target: target, parity: b % 2)
                    if !batchLoss.isFinite {
                        if thread == 0 { result.divergedAtBatch = b }
                        break
                    }
                    // 3. Backward, each update folded into the weights this thread owns.
                    self.backwardAndUpdate(parts: parts, lane: lane, input: input, target: target)
                    if thread == 1 && b + 1 >= self.handover.soloFrom.load(ordering: .acquiring) {
                        self.handover.secondDone.store(true, ordering: .releasing)
                        break
                    }
                    if thread == 0 && !alone && soloFrom == Int.max
                        && self.shouldGoSolo(batch: b, of: batches.batchCount, waited: &waited, since: &windowStart)
                    {
                        // Announced before the next barrier, so the second thread reads it after
                        // that barrier, finishes that batch and stops.
                        soloFrom = b + 2
                        self.handover.soloFrom.store(soloFrom, ordering: .releasing)
                        aloneFrom = soloFrom
                    }
                    if thread == 0 {
                        lossSum += Double(batchLoss) * Double(rows)
                        result.examples += rows
                        result.correct += countCorrect(
                            output: lane.workspace.activation(self.network.layerCount - 1, rows: rows), target: target)
                        if self.kernel == .blas {
                            zeroFractionSum += lane.zeros.zeroFraction
                            sparseBatches += lane.zeros.skipsZeros ? 1 : 0
                        }
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
        let batchesRun = result.divergedAtBatch ?? batches.batchCount
        lastEpochZeroFraction = batchesRun == 0 ? 0 : zeroFractionSum / Double(batchesRun)
        lastEpochSparseBatches = sparseBatches
        lastEpochAloneFromBatch = aloneFrom
        return result
    }

    /// Whether thread 0 should take both parts from now on: over each window of 32 batches it
    /// measures how long it waited at the barrier, and when that is more than half of the window
    /// (the second thread's core is busy with other work, as on a loaded host), two threads cost
    /// more than they save. `forceSoloAfterBatch` makes the switch happen for tests.
    private func shouldGoSolo(batch b: Int, of batchCount: Int, waited: inout UInt64, since start: inout UInt64)
        -> Bool
    {
        guard b + 3 < batchCount else { return false }
        if let forced = forceSoloAfterBatch { return b == forced }
        guard (b + 1) % 32 == 0 else { return false }
        let now = DispatchTime.now().uptimeNanoseconds
        defer {
            waited = 0
            start = now
        }
        return waited * 2 > now - start
    }

    /// The first layer's forward for part p's hidden units, and (with a second layer) their share
    /// of its product: partial z2 = activation1[:, part] * w2[part, :].
    private func firstLayerForward(part p: Int, lane: Lane, input: MatrixView, parity: Int) {
        let rows = input.rows, units = part(p, of: network.layerSizes[1])
        let z = lane.workspace.z(0, rows: rows).columns(units)
        let activation = lane.workspace.activation(0, rows: rows).columns(units)
        denseForward(
            z: z, input: input, weights: network.weights(0).columns(units), bias: network.bias(0).columns(units),
            kernel: kernel, names: DenseNames(layer: 0, layerCount: network.layerCount), layer: 1,
            tracer: NoTracer(), skipping: kernel == .blas ? lane.zeros : nil)
        network.activations[0].forward(activation, z)
        if network.layerCount >= 2 {
            let partial = partials[parity][p].view(rows: rows, cols: network.layerSizes[2])
            matrixProduct(partial, activation, network.weights(1).rows(units), kernel: kernel)
        }
    }

    /// z2 from the partials (in part order), then every later layer forward and the loss, on this
    /// thread's copy of those layers. Returns the batch's loss.
    private func upperForward(lane: Lane, target: MatrixView, parity: Int) -> Float {
        let rows = target.rows, workspace = lane.workspace, layers = network.layerCount
        if layers >= 2 {
            let z = workspace.z(1, rows: rows)
            z.copy(from: partials[parity][0].view(rows: rows, cols: z.cols))
            for p in 1..<shards {
                let partial = partials[parity][p].base
                for i in 0..<z.count { z.base[i] += partial[i] }
            }
            addBias(z, lane.network.bias(1))
            network.activations[1].forward(workspace.activation(1, rows: rows), z)
            for l in 2..<layers {
                let z = workspace.z(l, rows: rows)
                denseForward(
                    z: z, input: workspace.activation(l - 1, rows: rows), weights: lane.network.weights(l),
                    bias: lane.network.bias(l), kernel: kernel, names: DenseNames(layer: l, layerCount: layers),
                    layer: l + 1, tracer: NoTracer())
                network.activations[l].forward(workspace.activation(l, rows: rows), z)
            }
        }
        return lane.network.loss(loss, target: target, workspace: workspace, rows: rows, tracer: NoTracer())
    }

    /// Backpropagation with every layer's update folded in (`denseBackward(.update)`): the later
    /// layers on this thread's copy, then this thread's parts of the second layer's rows and of the
    /// first layer's columns on the trainer's network.
    private func backwardAndUpdate(parts: Range<Int>, lane: Lane, input: MatrixView, target: MatrixView) {
        let rows = input.rows, workspace = lane.workspace, layers = network.layerCount, last = layers - 1
        let own = lane.network, ownOptimizer = lane.optimizer
        loss.backward(
            dOutput: workspace.dActivation(last, rows: rows), output: workspace.activation(last, rows: rows),
            target: target, probabilities: workspace.probabilities(rows: rows), batchSize: rows)
        func deltas(_ l: Int, _ columns: Range<Int>) -> MatrixView {
            let dZ = workspace.dZ(l, rows: rows).columns(columns)
            network.activations[l].backward(
                dZ: dZ, dActivation: workspace.dActivation(l, rows: rows).columns(columns),
                z: workspace.z(l, rows: rows).columns(columns),
                activation: workspace.activation(l, rows: rows).columns(columns))
            return dZ
        }
        for l in stride(from: last, through: 2, by: -1) {
            let weights = own.weights(l), bias = own.bias(l)
            denseBackward(
                .update(
                    DenseUpdate(
                        optimizer: ownOptimizer,
                        weightsVelocity: ownOptimizer.velocity(of: weights, in: own.parameters),
                        bias: bias, biasVelocity: ownOptimizer.velocity(of: bias, in: own.parameters))),
                dInput: workspace.dActivation(l - 1, rows: rows), dZ: deltas(l, 0..<network.layerSizes[l + 1]),
                input: workspace.activation(l - 1, rows: rows), weights: weights, kernel: kernel,
                names: DenseNames(layer: l, layerCount: layers), layer: l + 1, tracer: NoTracer())
        }
        if layers >= 2 {
            let dZ = deltas(1, 0..<network.layerSizes[2])
            let bias = own.bias(1)
            ownOptimizer.step(bias: bias, velocity: ownOptimizer.velocity(of: bias, in: own.parameters), dZ: dZ)
            for p in parts {
                let units = part(p, of: network.layerSizes[1])
                let weights = network.weights(1).rows(units)
                denseBackward(
                    .update(
                        DenseUpdate(
                            optimizer: optimizer,
                            weightsVelocity: optimizer.velocity(of: weights, in: network.parameters),
                            bias: nil, biasVelocity: nil)),
                    dInput: workspace.dActivation(0, rows: rows).columns(units), dZ: dZ,
                    input: workspace.activation(0, rows: rows).columns(units), weights: weights, kernel: kernel,
                    names: DenseNames(layer: 1, layerCount: layers), layer: 2, tracer: NoTracer())
            }
        }
        for p in parts {
            let units = part(p, of: network.layerSizes[1])
            let weights = network.weights(0).columns(units), bias = network.bias(0).columns(units)
            denseBackward(
                .update(
                    DenseUpdate(
                        optimizer: optimizer, weightsVelocity: optimizer.velocity(of: weights, in: network.parameters),
                        bias: bias, biasVelocity: optimizer.velocity(of: bias, in: network.parameters),
                        zeros: kernel == .blas ? lane.zeros : nil)),
                dInput: nil, dZ: deltas(0, units), input: input, weights: weights, kernel: kernel,
                names: DenseNames(layer: 0, layerCount: layers), layer: 1, tracer: NoTracer())
        }
    }

    /// One SGD step on a batch the caller holds, on this thread, recording every value when the
    /// tracer records: the step the lessons show. Returns the batch's loss before the step.
    ///
    /// It computes the full gradient (`gradients`, which a lesson may print) and then updates;
    /// `trainEpoch` folds the two together, so their results agree to rounding, not bits.
    @discardableResult
    public func step<T: Tracer>(input: MatrixView, target: MatrixView, tracer: T) -> Float {
        precondition(input.rows <= batchSize, "step: \(input.rows) rows exceed the batch size \(batchSize)")
        let value = network.lossAndGradients(
            input: input, target: target, loss: loss, workspace: lanes[0].workspace,
            kernel: kernel, tracer: tracer)
        if value.isFinite { optimizer.step(network: network, gradients: lanes[0].workspace.gradients, tracer: tracer) }
        return value
    }

    /// The gradients of the last `step` (dLoss/dParameter in the network's flat layout).
    public var gradients: FloatBuffer { lanes[0].workspace.gradients }
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
