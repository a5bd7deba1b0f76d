// Adding a bias to every row, and its backward (the bias gradient sums dZ over the batch).

/// z[i, j] += bias[j] for every row i. `bias` is a 1 x n view; z may be a band of columns.
@inlinable
public func addBias(_ z: MatrixView, _ bias: MatrixView) {
    precondition(
        bias.rows == 1 && bias.cols == z.cols, "addBias: bias is \(bias.rows)x\(bias.cols), z is \(z.rows)x\(z.cols)")
    for i in 0..<z.rows {
        let row = z.row(i)
        for j in 0..<z.cols { row[j] += bias.base[j] }
    }
}

/// dBias[j] (+)= sum over rows i of dZ[i, j]. Rows are summed top to bottom.
@inlinable
public func addBiasBackward(dBias: MatrixView, dZ: MatrixView, accumulate: Bool = false) {
    precondition(
        dBias.rows == 1 && dBias.cols == dZ.cols,
        "addBiasBackward: dBias is \(dBias.rows)x\(dBias.cols), dZ is \(dZ.rows)x\(dZ.cols)")
    if !accumulate { dBias.fill(0) }
    for i in 0..<dZ.rows {
        let row = dZ.row(i)
        for j in 0..<dZ.cols { dBias.base[j] += row[j] }
    }
}
