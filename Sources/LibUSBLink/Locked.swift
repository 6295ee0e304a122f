#if canImport(Glibc)
import Glibc
#endif

/// A value guarded by a lock, shared between Swift tasks and libusb's event thread.
///
/// Why not an actor: the libusb completion callback runs synchronously on the event thread
/// and must update the state before it returns (the transfer memory is freed right after),
/// so it cannot hop onto an actor. Why not `Synchronization.Mutex`: its `withLock` takes and
/// returns `sending` values, which a generic, non-Sendable `State` (transfer boxes,
/// continuations) can't promise. Why not Foundation's `NSLock`: Foundation costs the daemon
/// several MiB resident; a pthread mutex is what `NSLock` wraps anyway.
final class Locked<State>: @unchecked Sendable {
    // Invariant that makes the @unchecked sound: `state` is only touched inside `withLock`,
    // under `mutex`, which lives (at a stable address, as pthreads requires) as long as self.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var state: State

    init(_ state: State) {
        self.state = state
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func withLock<R, E: Error>(_ body: (inout State) throws(E) -> R) throws(E) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state)
    }
}
