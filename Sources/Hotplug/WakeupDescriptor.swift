#if canImport(Glibc)
import Glibc
#endif

/// A pipe the monitor thread polls beside the udev socket, so `stop()` can end its poll(2)
/// without a timeout. (A pipe, not an eventfd or pipe2: Glibc's Swift module exports
/// neither.) Closed on deinit of the last holder, so a late `wake()` never hits a
/// reused descriptor.
final class WakeupDescriptor: Sendable {
    /// The end to poll.
    let fd: Int32
    private let writeEnd: Int32

    init() throws(HotplugError) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw HotplugError(.monitor, "pipe failed (errno \(errno))") }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, O_NONBLOCK)
        }
        fd = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        close(fd)
        close(writeEnd)
    }

    func wake() {
        var one: UInt8 = 1
        _ = write(writeEnd, &one, 1)
    }
}
