// Activation functions, each forward next to its backward: ReLU (the workhorse), sigmoid (the
// classic lessons compare it with) and identity (the output layer of a regression or of logits).
import Foundation

/// The nonlinearity applied after a layer's weighted sum z.
public enum Activation: String, Sendable, CaseIterable {
    case relu, sigmoid, identity

    /// activation = f(z), elementwise. `activation` may be the same view as `z`; either may be a
    /// band of columns.
    @inlinable
    public func forward(_ activation: MatrixView, _ z: MatrixView) {
        precondition(shape: activation, equals: z, "\(self).forward")
        let n = z.cols
        for r in 0..<z.rows {
            let a = activation.row(r), zr = z.row(r)
            switch self {
            case .relu:
                // max(z, 0) sixteen at a time: a select, no branch (NaN stays NaN, -0 becomes 0).
                var j = 0
                while j + 16 <= n {
                    let v = UnsafeRawPointer(zr + j).loadUnaligned(as: SIMD16<Float>.self)
                    UnsafeMutableRawPointer(a + j).storeBytes(
                        of: v.replacing(with: 0, where: v .<= 0), as: SIMD16<Float>.self)
                    j += 16
                }
                while j < n {
                    a[j] = Swift.max(zr[j], 0)
                    j += 1
                }
            case .sigmoid: for j in 0..<n { a[j] = Activation.sigmoid(zr[j]) }
            case .identity: if a != zr { a.update(from: zr, count: n) }
            }
        }
    }

    /// dZ = dActivation * f'(z), elementwise; uses z (ReLU) or the forward's output (sigmoid).
    /// `dZ` may be the same view as `dActivation`; any may be a band of columns.
    @inlinable
    public func backward(dZ: MatrixView, dActivation: MatrixView, z: MatrixView, activation: MatrixView) {
        precondition(shape: dZ, equals: dActivation, "\(self).backward")
        let n = dZ.cols
        for r in 0..<dZ.rows {
            let d = dZ.row(r), da = dActivation.row(r)
            switch self {
            case .relu:
                // dActivation where z > 0, else 0: a mask select sixteen at a time, no branch.
                let zr = z.row(r)
                var j = 0
                while j + 16 <= n {
                    let zv = UnsafeRawPointer(zr + j).loadUnaligned(as: SIMD16<Float>.self)
                    let dv = UnsafeRawPointer(da + j).loadUnaligned(as: SIMD16<Float>.self)
                    UnsafeMutableRawPointer(d + j).storeBytes(
                        of: SIMD16<Float>(repeating: 0).replacing(with: dv, where: zv .> 0), as: SIMD16<Float>.self)
                    j += 16
                }
                while j < n {
                    d[j] = zr[j] > 0 ? da[j] : 0
                    j += 1
                }
            case .sigmoid:
                let s = activation.row(r)
                for j in 0..<n { d[j] = da[j] * s[j] * (1 - s[j]) }
            case .identity: if d != da { d.update(from: da, count: n) }
            }
        }
    }

    /// f(z) for one number, for tables and formulas.
    @inlinable
    public func apply(_ z: Float) -> Float {
        switch self {
        case .relu: return Swift.max(z, 0)
        case .sigmoid: return Activation.sigmoid(z)
        case .identity: return z
        }
    }

    /// The formula of f at z with numbers: "max(-0.26, 0)".
    public func formula(_ z: Float) -> String {
        switch self {
        case .relu: return "max(\(TraceNumber.precise(z)), 0)"
        case .sigmoid: return "1/(1 + exp(-\(TraceNumber.operand(z))))"
        case .identity: return TraceNumber.precise(z)
        }
    }

    /// 1 / (1 + e^-z), written so that large |z| neither overflows nor loses the tail.
    @inlinable
    public static func sigmoid(_ z: Float) -> Float {
        if z >= 0 { return 1 / (1 + Foundation.exp(-z)) }
        let e = Foundation.exp(z)
        return e / (1 + e)
    }
}
