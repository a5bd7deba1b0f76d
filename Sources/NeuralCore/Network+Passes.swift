// The network's forward pass, loss, and backward pass (backpropagation), layer by layer on top of
// the dense layer, activation and loss ops. With a recording tracer every value is kept.

extension Network {
    /// Forward pass: input (rows, inputSize) -> output (rows, outputSize), a view into `workspace`
    /// valid until its next pass. Every layer's z and activation stay in the workspace.
    public func forward<T: Tracer>(
        _ input: MatrixView, workspace: Workspace, kernel: ProductKernel = .blas, tracer: T
    ) -> MatrixView {
        precondition(
            input.cols == inputSize, "forward: input has \(input.cols) columns, the network takes \(inputSize)")
        precondition(
            input.rows <= workspace.capacity, "forward: \(input.rows) rows exceed the workspace's \(workspace.capacity)"
        )
        let rows = input.rows
        if tracer.isRecording {
            tracer.record(TraceStep(.input, label: "x", value: .matrix(input.toMatrix())))
        }
        var layerInput = input
        for l in 0..<layerCount {
            let names = DenseNames(layer: l, layerCount: layerCount)
            let z = workspace.z(l, rows: rows), activation = workspace.activation(l, rows: rows)
            if tracer.isRecording {
                tracer.record(
                    TraceStep(
                        .weights, label: names.weights, value: .matrix(weights(l).toMatrix()),
                        parameter: TraceParameter(layer: l + 1, kind: .weights, index: [], name: names.weights),
                        layer: l + 1))
                tracer.record(
                    TraceStep(
                        .bias, label: names.bias, value: .matrix(bias(l).toMatrix()),
                        parameter: TraceParameter(layer: l + 1, kind: .bias, index: [], name: names.bias), layer: l + 1))
            }
            denseForward(
                z: z, input: layerInput, weights: weights(l), bias: bias(l),
                kernel: kernel, names: names, layer: l + 1, tracer: tracer)
            activations[l].forward(activation, z)
            if tracer.isRecording && activations[l] != .identity {
                recordActivation(
                    activations[l], z: z, activation: activation, names: names, layer: l + 1, tracer: tracer)
            }
            layerInput = activation
        }
        if tracer.isRecording {
            tracer.record(TraceStep(.output, label: "y", value: .matrix(layerInput.toMatrix())))
        }
        return layerInput
    }

    private func recordActivation<T: Tracer>(
        _ function: Activation, z: MatrixView, activation: MatrixView, names: DenseNames, layer: Int, tracer: T
    ) {
        guard tracer.recordsElements(count: z.count) else {
            tracer.record(
                TraceStep(
                    .activation, label: "\(names.activation) = \(function.rawValue)(\(names.z))",
                    value: .matrix(activation.toMatrix()), layer: layer))
            return
        }
        for i in 0..<z.rows {
            for j in 0..<z.cols {
                tracer.record(
                    TraceStep(
                        .activation,
                        label: TraceName.element(names.activation, [i, j], sizes: [z.rows, z.cols]),
                        value: .scalar(activation[i, j]), formula: function.formula(z[i, j]),
                        index: [i, j], layer: layer))
            }
        }
    }

    /// The loss of the last forward pass's output against `target` (rows, outputSize), divided
    /// by `batchSize` (defaults to the rows here; a shard of a larger batch passes the batch's).
    public func loss<T: Tracer>(
        _ loss: Loss, target: MatrixView, workspace: Workspace, rows: Int, batchSize: Int? = nil, tracer: T
    ) -> Float {
        if tracer.isRecording {
            tracer.record(TraceStep(.target, label: "t", value: .matrix(target.toMatrix())))
        }
        return loss.forward(
            output: workspace.activation(layerCount - 1, rows: rows), target: target,
            probabilities: workspace.probabilities(rows: rows), batchSize: batchSize ?? rows, tracer: tracer)
    }

    /// Backpropagation after `forward` and `loss`: fills `workspace.gradients` with dLoss/dParameter
    /// for every weight and bias, from the output layer back to the first. (Training folds the
    /// gradients into its step instead: the same `denseBackward`, in its `.update` variant.)
    public func backward<T: Tracer>(
        input: MatrixView, target: MatrixView, loss: Loss, workspace: Workspace, batchSize: Int? = nil,
        kernel: ProductKernel = .blas, tracer: T
    ) {
        let rows = input.rows
        let last = layerCount - 1
        let dOutput = workspace.dActivation(last, rows: rows)
        loss.backward(
            dOutput: dOutput, output: workspace.activation(last, rows: rows), target: target,
            probabilities: workspace.probabilities(rows: rows), batchSize: batchSize ?? rows)
        if tracer.isRecording {
            loss.recordBackward(
                dOutput: dOutput, output: workspace.activation(last, rows: rows), target: target,
                probabilities: workspace.probabilities(rows: rows), batchSize: batchSize ?? rows, tracer: tracer)
        }
        for l in stride(from: last, through: 0, by: -1) {
            let names = DenseNames(layer: l, layerCount: layerCount)
            let z = workspace.z(l, rows: rows), dZ = workspace.dZ(l, rows: rows)
            let dActivation = workspace.dActivation(l, rows: rows)
            activations[l].backward(
                dZ: dZ, dActivation: dActivation, z: z, activation: workspace.activation(l, rows: rows))
            if tracer.isRecording {
                recordDZ(
                    activations[l], dZ: dZ, dActivation: dActivation, z: z, names: names, layer: l + 1, tracer: tracer)
            }
            let layerInput = l == 0 ? input : workspace.activation(l - 1, rows: rows)
            denseBackward(
                .store(
                    dWeights: workspace.gradients.view(
                        offset: weightOffsets[l], rows: layerSizes[l], cols: layerSizes[l + 1]),
                    dBias: workspace.gradients.view(offset: biasOffsets[l], rows: 1, cols: layerSizes[l + 1])),
                dInput: l == 0 ? nil : workspace.dActivation(l - 1, rows: rows),
                dZ: dZ, input: layerInput, weights: weights(l), kernel: kernel, names: names, layer: l + 1,
                tracer: tracer)
        }
    }

    private func recordDZ<T: Tracer>(
        _ function: Activation, dZ: MatrixView, dActivation: MatrixView, z: MatrixView, names: DenseNames, layer: Int,
        tracer: T
    ) {
        guard tracer.recordsElements(count: dZ.count) else {
            tracer.record(TraceStep(.dZ, label: "dL/d\(names.z)", value: .matrix(dZ.toMatrix()), layer: layer))
            return
        }
        for i in 0..<dZ.rows {
            for j in 0..<dZ.cols {
                let slope: String
                switch function {
                case .relu: slope = z[i, j] > 0 ? "1" : "0"
                case .sigmoid:
                    let s = Activation.sigmoid(z[i, j])
                    slope = TraceNumber.operand(s * (1 - s))
                case .identity: slope = "1"
                }
                tracer.record(
                    TraceStep(
                        .dZ,
                        label: "dL/d" + TraceName.element(names.z, [i, j], sizes: [dZ.rows, dZ.cols]),
                        value: .scalar(dZ[i, j]),
                        formula: "\(TraceNumber.precise(dActivation[i, j]))*\(slope)",
                        note: "dL/d\(names.activation) * \(function.rawValue)'(\(names.z))",
                        index: [i, j], layer: layer))
            }
        }
    }

    /// Forward, loss and backward in one call, for a whole batch: returns the loss; the gradients
    /// are in `workspace.gradients`.
    @discardableResult
    public func lossAndGradients<T: Tracer>(
        input: MatrixView, target: MatrixView, loss: Loss, workspace: Workspace,
        kernel: ProductKernel = .blas, tracer: T
    ) -> Float {
        _ = forward(input, workspace: workspace, kernel: kernel, tracer: tracer)
        let value = self.loss(loss, target: target, workspace: workspace, rows: input.rows, tracer: tracer)
        backward(input: input, target: target, loss: loss, workspace: workspace, kernel: kernel, tracer: tracer)
        return value
    }

    /// The loss alone (forward and loss, no gradients), e.g. for nudging a weight.
    public func lossOnly<T: Tracer>(
        input: MatrixView, target: MatrixView, loss: Loss, workspace: Workspace,
        kernel: ProductKernel = .blas, tracer: T
    ) -> Float {
        _ = forward(input, workspace: workspace, kernel: kernel, tracer: tracer)
        return self.loss(loss, target: target, workspace: workspace, rows: input.rows, tracer: tracer)
    }

    /// Convenience for small inputs: the network's output for `input` as a new matrix.
    public func predict(_ input: Matrix) -> Matrix {
        let workspace = Workspace(for: self, capacity: Swift.max(input.rows, 1))
        return input.withView { forward($0, workspace: workspace, tracer: NoTracer()).toMatrix() }
    }
}
