#if canImport(Glibc)
import Glibc
#endif

/// A POSIX thread running one closure, named for top(1) and gdb: the udev monitor, libusb's
/// event loop, the daemon's executor, blocking calls.
///
/// Why not Foundation's `Thread`: importing Foundation maps Foundation, FoundationEssentials
/// and ICU's data (several MiB resident) into every process linking it, the daemon
/// included. Why not Dispatch: a blocking poll(2) or libusb call would pin one of its
/// worker threads.
public struct PosixThread: @unchecked Sendable {
    // @unchecked: pthread_t is a plain integer handle; joining it from any thread is allowed.
    private let handle: pthread_t

    /// Starts the thread; `join()` it, or pass `detached: true` when nobody waits for it.
    @discardableResult
    public init(name: String, detached: Bool = false, _ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Body(name: name, run: body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, threadEntry, box)
        // Out of threads: the link can't work without it, and there is no error to map it to.
        precondition(result == 0, "pthread_create failed (\(result))")
        if detached { pthread_detach(thread) }
        handle = thread
    }

    /// Waits for the thread to end; once, and only for a thread not started detached.
    public func join() {
        pthread_join(handle, nil)
    }

    fileprivate final class Body: Sendable {
        let name: String
        let run: @Sendable () -> Void
        init(name: String, run: @escaping @Sendable () -> Void) {
            self.name = name
            self.run = run
        }
    }

    /// Through /proc: pthread_setname_np isn't imported by Glibc's Swift module (GNU extension).
    fileprivate static func nameCurrentThread(_ name: String) {
        let fd = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = name.utf8CString.withUnsafeBytes { write(fd, $0.baseAddress, $0.count - 1) }
        close(fd)
    }
}

/// The thread's start routine: a plain function, as pthread_create wants a C function pointer.
private func threadEntry(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    let body = Unmanaged<PosixThread.Body>.fromOpaque(context!).takeRetainedValue()
    PosixThread.nameCurrentThread(body.name)
    body.run()
    return nil
}
