// The Matrix-level surface: the core's operations on owning `Matrix` values, so that a lesson or
// a test reads like the maths (`w1.times(w2)`, `network.loss(...)`) instead of borrowing views in
// nested closures. Each call borrows the views and runs the one implementation underneath; the
// fast paths keep working on views and allocate nothing. Not for hot loops: these allocate.

extension Matrix {
    /// self (m, k) * other (k, n), by `kernel`.
    public func times(_ other: Matrix, kernel: ProductKernel = .blas) -> Matrix {
        var out = Matrix(rows: rows, cols: other.cols)
        out.withMutableView { o in withView { a in other.withView { b in matrixProduct(o, a, b, kernel: kernel) } } }
        return out
    }

    /// self * other + plus (beta = 1), by the readable product, which records each product and
    /// running sum with `tracer` as it adds them, named after `names`.
    public func times<T: Tracer>(
        _ other: Matrix, plus: Matrix? = nil, tracer: T, names: ProductTraceNames
    ) -> Matrix {
        var out = plus ?? Matrix(rows: rows, cols: other.cols)
        out.withMutableView { o in
            withView { a in
                other.withView { b in
                    matrixProductNaive(o, a, b, beta: plus == nil ? 0 : 1, tracer: tracer, names: names)
                }
            }
        }
        return out
    }

    /// `activation` applied to every element.
    public func applying(_ activation: Activation) -> Matrix {
        var out = self
        out.withMutableView { o in withView { activation.forward(o, $0) } }
        return out
    }

    /// One row as a 1 x n matrix.
    public static func row(_ values: [Float]) -> Matrix { Matrix(rows: 1, cols: values.count, values: values) }

    /// One column as an n x 1 matrix (one input per row).
    public static func column(_ values: [Float]) -> Matrix { Matrix(rows: values.count, cols: 1, values: values) }
}

extension Network {
    /// The output for each row of `input`, as a new matrix; every step recorded by `tracer`.
    public func output<T: Tracer>(_ input: Matrix, kernel: ProductKernel = .naive, tracer: T) -> Matrix {
        let workspace = Workspace(for: self, capacity: Swift.max(input.rows, 1))
        return input.withView { forward($0, workspace: workspace, kernel: kernel, tracer: tracer).toMatrix() }
    }

    /// The loss of `input` against `target` (forward and loss, no gradients).
    public func loss<T: Tracer>(
        _ loss: Loss, input: Matrix, target: Matrix, kernel: ProductKernel = .naive, tracer: T
    ) -> Float {
        let workspace = Workspace(for: self, capacity: Swift.max(input.rows, 1))
        return input.withView { x in
            target.withView { t in
                lossOnly(input: x, target: t, loss: loss, workspace: workspace, kernel: kernel, tracer: tracer)
            }
        }
    }

    /// The loss and every parameter's gradient by backpropagation, in the flat parameter order.
    public func lossAndGradients<T: Tracer>(
        _ loss: Loss, input: Matrix, target: Matrix, kernel: ProductKernel = .naive, tracer: T
    ) -> (loss: Float, gradients: [Float]) {
        let workspace = Workspace(for: self, capacity: Swift.max(input.rows, 1))
        let value = input.withView { x in
            target.withView { t in
                lossAndGradients(
                    input: x, target: t, loss: loss, workspace: workspace, kernel: kernel, tracer: tracer)
            }
        }
        return (value, workspace.gradients.array)
    }

    /// Every parameter's gradient by nudging it h up and down.
    public func numericalGradient<T: Tracer>(
        _ loss: Loss, input: Matrix, target: Matrix, h: Float, tracer: T
    ) -> [Float] {
        input.withView { x in
            target.withView { t in numericalGradient(input: x, target: t, loss: loss, h: h, tracer: tracer) }
        }
    }

    /// Backpropagation and nudging side by side for every parameter.
    public func checkGradients(_ loss: Loss, input: Matrix, target: Matrix, h: Float) -> [GradientComparison] {
        input.withView { x in target.withView { t in checkGradients(input: x, target: t, loss: loss, h: h) } }
    }
}

extension Trainer {
    /// One training step on `input` and `target` (the whole batch); returns the loss before it.
    public func step<T: Tracer>(input: Matrix, target: Matrix, tracer: T) -> Float {
        input.withView { x in target.withView { t in step(input: x, target: t, tracer: tracer) } }
    }
}
