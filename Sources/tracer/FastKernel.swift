// Puts OpenBLAS on its fast kernel without the user doing anything. Debian's OpenBLAS 0.3.21 does
// not know some newer CPUs and falls back to its generic "Prescott" kernel (about a fifth of the
// speed). The kernel is chosen when the library loads, before `main`, so when that happened we
// set OPENBLAS_CORETYPE to the best kernel this CPU can run and start the program again.
import Foundation
import NeuralCore

enum FastKernel {
    /// Set in the restarted process: the kernel OpenBLAS had chosen by itself.
    static let restartMarker = "NEURALTRACER_BLAS_FALLBACK"

    /// Restarts this program on a fast kernel when OpenBLAS chose a slow one and the CPU can do
    /// better. Returns when there is nothing to do, when the user set OPENBLAS_CORETYPE, or when
    /// the restart fails (the program then runs on the kernel it has).
    static func ensure() {
        let environment = ProcessInfo.processInfo.environment
        guard environment["OPENBLAS_CORETYPE"] == nil, environment[restartMarker] == nil else { return }
        let current = BLASKernel.coreName
        guard !BLASKernel.fastCoreNames.contains(current.lowercased()),
            let flags = cpuFlags(), let wanted = BLASKernel.preferredCoreType(cpuFlags: flags)
        else { return }
        setenv("OPENBLAS_CORETYPE", wanted, 1)
        setenv(restartMarker, current, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        unsetenv("OPENBLAS_CORETYPE")  // exec failed: carry on as we are
        unsetenv(restartMarker)
    }

    /// How the running kernel came to be chosen, for `tracer bench`.
    static var howChosen: String {
        let environment = ProcessInfo.processInfo.environment
        if let fallback = environment[restartMarker] { return "chosen by tracer (OpenBLAS picked \(fallback))" }
        if environment["OPENBLAS_CORETYPE"] != nil { return "set by OPENBLAS_CORETYPE" }
        return "chosen by OpenBLAS"
    }

    /// The CPU feature flags the kernel reports (first "flags" line of /proc/cpuinfo).
    static func cpuFlags() -> Set<String>? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
            let colon = line.firstIndex(of: ":")
        else { return nil }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }
}
