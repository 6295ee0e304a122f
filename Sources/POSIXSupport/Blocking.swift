#if canImport(Glibc)
import Glibc
#endif

/// Runs a blocking call (a libusb reset, open or control transfer that may wait out its
/// timeout, a USBDEVFS ioctl) on a thread of its own and awaits it, so it never pins a
/// thread of Swift's cooperative pool (as many as cores: two here).
public func runBlocking<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        PosixThread(name: "tp-blocking", detached: true) { continuation.resume(returning: body()) }
    }
}

/// `runBlocking` for a call that throws: its error comes back typed.
public func runBlocking<T: Sendable, E: Error>(throwing body: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
    try await runBlocking { Result(catching: body) }.get()
}
