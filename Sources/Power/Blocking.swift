#if canImport(Glibc)
import Glibc
#endif

/// Runs a blocking call (a libusb control transfer that may wait out its timeout) on a
/// thread of its own and awaits it, so it never pins a thread of Swift's cooperative pool
/// (two cores here, shared with the daemon's sessions). pthreads, not Foundation's Thread:
/// Power stays out of Foundation.
func runBlocking<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let job = Unmanaged.passRetained(BlockingJob { continuation.resume(returning: body()) })
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            Unmanaged<BlockingJob>.fromOpaque(raw).takeRetainedValue().run()
            return nil
        }, job.toOpaque())
        if created == 0 {
            pthread_detach(thread)
        } else {
            // No thread to be had: block this one rather than never answering.
            job.takeRetainedValue().run()
        }
    }
}

/// `runBlocking` for a call that throws: its error comes back typed.
func runBlocking<T: Sendable, E: Error>(throwing body: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
    try await runBlocking { Result(catching: body) }.get()
}

private final class BlockingJob: Sendable {
    let run: @Sendable () -> Void
    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
}
