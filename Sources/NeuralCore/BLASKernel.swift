// What OpenBLAS is doing: which kernel ("core") it chose for this CPU, and how many threads it
// uses. Choosing the core happens before the library loads, so that part lives in the program
// (see the tracer's FastKernel.swift); here is only what the core can ask and set at run time.
import CBLAS

public enum BLASKernel {
    /// OpenBLAS's name for the kernel it runs, e.g. "Haswell", "SkylakeX" or "Prescott".
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// Threads OpenBLAS uses inside one call. The trainer runs its own two threads and wants 1.
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(newValue)) }
    }

    /// Kernels that use AVX2/FMA or AVX-512: the fast ones on current x86-64 CPUs.
    public static let fastCoreNames: Set<String> = ["haswell", "zen", "skylakex", "cooperlake", "sapphirerapids"]

    /// The OpenBLAS core type to force for a CPU with these /proc/cpuinfo flags, or nil when the
    /// CPU has neither AVX-512 nor AVX2 with FMA (then OpenBLAS's own choice is the best there is).
    public static func preferredCoreType(cpuFlags: Set<String>) -> String? {
        if ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(cpuFlags.contains) {
            return "SkylakeX"
        }
        if ["avx2", "fma"].allSatisfy(cpuFlags.contains) { return "Haswell" }
        return nil
    }
}
