// A barrier for the two training threads. A batch of 64 takes about a tenth of a millisecond, so
// waiting must cost far less than that: spin on an atomic, yielding the core if it takes long.
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// All `parties` threads call `wait()`; none returns until all have arrived.
final class SpinBarrier: Sendable {
    private let parties: Int
    private let arrived = Atomic<Int>(0)
    private let generation = Atomic<Int>(0)

    init(parties: Int) { self.parties = parties }

    func wait() {
        let current = generation.load(ordering: .acquiring)
        if arrived.add(1, ordering: .acquiringAndReleasing).newValue == parties {
            arrived.store(0, ordering: .relaxed)
            generation.add(1, ordering: .releasing)
            return
        }
        var spins = 0
        while generation.load(ordering: .acquiring) == current {
            spins += 1
            if spins > 2000 { sched_yield() }
        }
    }
}
