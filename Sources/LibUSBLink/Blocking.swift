/// Runs a blocking libusb call (reset, open) on its own thread and awaits it, so that a
/// USB reset that takes a second never pins a thread of Swift's cooperative pool.
func runBlocking<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        PosixThread(name: "libusb-blocking", detached: true) { continuation.resume(returning: body()) }
    }
}
