#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Set by a task's cancellation handler, read by the Dispatch thread about to block in
/// SCardGetStatusChange: SCardCancel only wakes a wait already in progress, so a cancel that
/// lands before the wait starts must be seen through this flag instead.
final class CancellationFlag: @unchecked Sendable {
    // Guarded by `mutex`; a pthread mutex because Synchronization.Mutex needs macOS 15.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var cancelled = false

    init() { pthread_mutex_init(mutex, nil) }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    var isCancelled: Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return cancelled
    }

    func cancel() {
        pthread_mutex_lock(mutex)
        cancelled = true
        pthread_mutex_unlock(mutex)
    }
}
