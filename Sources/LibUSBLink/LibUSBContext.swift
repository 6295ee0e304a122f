import CLibUSB
import POSIXSupport
import USBLink

/// A libusb context and the one thread that runs its events.
///
/// Every open `LibUSBLink` owns its own context. That costs one sleeping thread per open
/// reader (a handful at most), and buys isolation: a context sees the device list of the
/// moment it was created (which is what the umockdev tests need, a fresh testbed per test),
/// and closing one link can never stall another link's completions.
///
/// The event thread sits in `libusb_handle_events_timeout_completed`, blocked in poll(2)
/// on the device fds and libusb's timerfd: no busy-polling. Transfer timeouts fire from the
/// timerfd; `shutdown()` wakes it with `libusb_interrupt_event_handler`.
///
/// Under umockdev with a pcap loaded, the "usbfs" fd is a socket to umockdev's ioctl
/// server and always polls writable, so libusb's loop spins (measured ~4000 iterations a
/// second, about half a core between this thread and umockdev's). That is the emulation,
/// not this loop: on a real usbfs fd, POLLOUT only means a URB is ready to reap.
final class LibUSBContext: @unchecked Sendable {
    // Invariant for @unchecked: `raw` is immutable and valid from init until `shutdown()`,
    // which runs once, after every device handle of this context is closed. libusb's
    // context functions are thread-safe.
    let raw: OpaquePointer
    private let stopping = Locked(false)
    private let eventThread = Locked<PosixThread?>(nil)

    init() throws(USBError) {
        var context: OpaquePointer?
        let result = libusb_init(&context)
        guard result == 0, let context else { throw LibUSBStatus.error(result, "libusb_init") }
        raw = context
    }

    /// Starts the event thread. Only links that submit transfers need it; enumeration doesn't.
    func startEventThread() {
        let thread = PosixThread(name: "libusb-events") { [self] in
            // The timeout only bounds how long one call may sleep; wake-ups come from fds.
            var interval = timeval(tv_sec: 3600, tv_usec: 0)
            while !stopping.withLock({ $0 }) {
                _ = libusb_handle_events_timeout_completed(raw, &interval, nil)
            }
        }
        eventThread.withLock { $0 = thread }
    }

    /// Stops the event thread (if any) and frees the context. Call once, last.
    func shutdown() {
        if let thread = eventThread.withLock({ $0 }) {
            stopping.withLock { $0 = true }
            libusb_interrupt_event_handler(raw)
            thread.join()
        }
        libusb_exit(raw)
    }
}
