// Activation functions, each forward next to its backward: ReLU (the workhorse), sigmoid (the
// classic lessons compare it with) and identity (the output layer of a regression or of logits).
import Foundation

/// The nonlinearity applied after a layer's weighted sum z.
public enum Activation: String, Sendable, CaseIterable {
    case relu, sigmoid, identity

    /// activation = f(z), elementwise. `activation` may be the same view as `z`.
    @inlinable
    public func forward(_ activation: MatrixView, _ z: MatrixView) {
        precondition(shape: activation, equals: z, "\(self).forward")
        let n = z.count
        switch self {
        case .relu: for i in 0..<n { activation.base[i] = Swift.max(z.base[i], 0) }
        case .sigmoid: for i in 0..<n { activation.base[i] = Activation.sigmoid(z.base[i]) }
        case .identity: if activation.base != z.base { activation.copy(from: z) }
        }
    }

    /// dZ = dActivation * f'(z), elementwise; uses z (ReLU) or the forward's output (sigmoid).
    /// `dZ` may be the same view as `dActivation`.
    @inlinable
    public func backward(dZ: MatrixView, dActivation: MatrixView, z: MatrixView, activation: MatrixView) {
        precondition(shape: dZ, equals: dActivation, "\(self).backward")
        let n = dZ.count
        switch self {
        case .relu: for i in 0..<n { dZ.base[i] = z.base[i] > 0 ? dActivation.base[i] : 0 }
        case .sigmoid:
            for i in 0..<n {
                let s = activation.base[i]
                dZ.base[i] = dActivation.base[i] * s * (1 - s)
            }
        case .identity: if dZ.base != dActivation.base { dZ.copy(from: dActivation) }
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
