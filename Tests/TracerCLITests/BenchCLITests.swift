// `tracer bench` runs and reports the figures its contract names; a malformed command line gets
// the parser's usage error. (The figures themselves are measured, not tested: machines are noisy.)
import Foundation
import Testing

@Suite struct BenchCLITests {
    @Test func quickBenchPrintsEveryFigure() throws {
        let result = try runTracer(["bench", "--json", "--quick"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let lines = jsonLines(result.stdout)
        let gemm = lines.filter { $0["bench"] as? String == "gemm" }
        #expect(Set(gemm.compactMap { $0["threads"] as? Int }) == [1, 2])
        #expect(gemm.allSatisfy { ($0["gflops"] as? Double ?? 0) > 0 && !($0["kernel"] as? String ?? "").isEmpty })
        let epoch = try #require(lines.first { $0["bench"] as? String == "epoch" })
        for key in ["model", "batch", "epochs", "seconds_median", "seconds_min", "images_per_second", "floor_seconds"] {
            #expect(epoch[key] != nil, "epoch figure lacks \(key)")
        }
        #expect(epoch["model"] as? String == "784-128-10")
        #expect(lines.contains { $0["bench"] as? String == "tracer_overhead" })
    }

    @Test func badFlagIsAUsageError() throws {
        let result = try runTracer(["bench", "--epochs", "0"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--epochs"))
        let unknown = try runTracer(["bench", "--no-such-flag"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("--no-such-flag"))
    }

    @Test func runsOnAFastKernelWhenTheCPUHasOne() throws {
        let result = try runTracer(
            ["bench", "--json", "--quick"], unset: ["OPENBLAS_CORETYPE", "NEURALTRACER_BLAS_FALLBACK"])
        let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let kernel = (jsonLines(result.stdout).first { $0["bench"] as? String == "gemm" }?["kernel"] as? String ?? "")
            .lowercased()
        // Every CPU gets a named kernel; one with AVX2 and FMA gets one of the fast ones, and one
        // without them must not claim a kernel that needs them.
        #expect(!kernel.isEmpty && kernel != "unknown", "no kernel reported")
        let fast = ["haswell", "zen", "skylakex", "cooperlake", "sapphirerapids"]
        if flags.contains(" avx2") && flags.contains(" fma") {
            #expect(fast.contains(kernel), "kernel \(kernel)")
        } else {
            #expect(!fast.contains(kernel), "kernel \(kernel) needs AVX2 and FMA, which this CPU lacks")
        }
    }
}
