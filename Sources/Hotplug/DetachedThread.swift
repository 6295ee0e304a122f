#if canImport(Glibc)
import Glibc
#endif

/// Starts a detached POSIX thread that runs `body`, named `name` for top(1) and gdb
/// (`package`: the daemon runs its executor on one, too).
///
/// Why not Foundation's `Thread`: importing Foundation maps Foundation, FoundationEssentials
/// and ICU's data (several MiB resident) into every process that links this module, and
/// the daemon must stay small. Why not a Dispatch queue: a blocking poll(2) would pin one
/// of Dispatch's worker threads for the life of the process.
/// (LibUSBLink's `PosixThread` is its twin: the two modules share no dependency that may
/// do I/O, and neither should link the other's C library for 30 lines.)
package enum DetachedThread {
    package static func start(name: String, _ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Body(name: name, run: body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, threadEntry, box)
        // Out of threads: nothing sensible to do but say so; the caller can't work without it.
        precondition(result == 0, "pthread_create failed (\(result))")
        pthread_detach(thread)
    }

    fileprivate final class Body: Sendable {
        let name: String
        let run: @Sendable () -> Void
        init(name: String, run: @escaping @Sendable () -> Void) {
            self.name = name
            self.run = run
        }
    }

    /// Through /proc: pthread_setname_np and prctl aren't imported by Glibc's Swift module
    /// (GNU extension, variadic); without a name the thread shows the process's.
    fileprivate static func nameCurrentThread(_ name: String) {
        let fd = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = name.utf8CString.withUnsafeBytes { write(fd, $0.baseAddress, $0.count - 1) }
        close(fd)
    }
}

/// The thread's start routine: a plain function, as pthread_create wants a C function pointer.
private func threadEntry(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    let body = Unmanaged<DetachedThread.Body>.fromOpaque(context!).takeRetainedValue()
    DetachedThread.nameCurrentThread(body.name)
    body.run()
    return nil
}
