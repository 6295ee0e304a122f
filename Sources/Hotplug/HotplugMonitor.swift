import Logging
import POSIXSupport
import Synchronization

/// Readers and PEDs coming and going, as an AsyncSequence of `DeviceEvent`s.
///
/// `events()` starts a dedicated thread that owns libudev (its objects are not
/// thread-safe) and sleeps in poll(2) on the monitor socket: no timer wakeups while nothing
/// happens. It first reports what is attached (coldplug, as `…-added` events), then every
/// change, exactly once and in order. The stream ends when `stop()` is called, the
/// consumer stops iterating, or libudev fails (logged). The thread holds the monitor until
/// then, so dropping the last reference alone does not stop it: call `stop()`.
public final class HotplugMonitor: Sendable {
    public struct Options: Sendable {
        /// How long a device must be quiet before its change is reported; zero reports every
        /// change at once.
        public var debounce: Duration
        /// "udev" (events after udevd ran its rules: properties set, permissions right) or
        /// "kernel" (raw kernel events; for systems without udevd).
        public var netlinkSource: String
        /// SO_RCVBUF for the monitor socket, so bursts queue rather than drop; 0 keeps libudev's.
        public var receiveBufferSize: Int

        public init(debounce: Duration = .zero, netlinkSource: String = "udev", receiveBufferSize: Int = 4 << 20) {
            self.debounce = debounce
            self.netlinkSource = netlinkSource
            self.receiveBufferSize = receiveBufferSize
        }
    }

    public let options: Options
    private let logger: Logger
    private let wakeup: WakeupDescriptor
    private let started = Mutex(false)
    private let counter = UeventCounter()
    private let readiness = Mutex<(done: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    public init(options: Options = Options(), logger: Logger = Logger(label: "trustedpath.hotplug")) throws(HotplugError) {
        self.options = options
        self.logger = logger
        self.wakeup = try WakeupDescriptor()
    }

    deinit {
        wakeup.wake()
    }

    /// Starts monitoring; call once per monitor.
    public func events() throws(HotplugError) -> AsyncStream<DeviceEvent> {
        let already = started.withLock { value in
            defer { value = true }
            return value
        }
        guard !already else { throw HotplugError(.alreadyStarted, "events() was already called on this monitor") }
        // Unbounded: a slow consumer delays events but never loses one.
        let (stream, continuation) = AsyncStream<DeviceEvent>.makeStream(bufferingPolicy: .unbounded)
        let loop = MonitorLoop(options: options, wakeup: wakeup, logger: logger,
                               emit: { continuation.yield($0) }, coldplugDone: { [self] in markReady() },
                               counter: counter)
        let wakeup = self.wakeup
        let logger = self.logger
        continuation.onTermination = { _ in wakeup.wake() }
        PosixThread(name: "tp-hotplug", detached: true) {
            do {
                try loop.run()
            } catch {
                logger.error("hotplug monitor stopped: \(error)")
            }
            // Also on failure, so nobody waits forever for a coldplug that never comes.
            self.markReady()
            continuation.finish()
        }
        return stream
    }

    /// uevents taken off the monitor socket so far (usb devices and interfaces, ours or
    /// not, duplicates included): for diagnostics, and for tests that must know the
    /// socket is drained.
    public var ueventsReceived: Int { counter.value.load(ordering: .relaxed) }

    /// Returns once the coldplug events are in the stream and later uevents will be seen
    /// (what systemd's READY=1 should wait for), or once the monitor has failed.
    public func ready() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let resumeNow = readiness.withLock { state in
                if !state.done { state.waiters.append(waiter) }
                return state.done
            }
            if resumeNow { waiter.resume() }
        }
    }

    private func markReady() {
        let waiters = readiness.withLock { state in
            defer { state = (true, []) }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Ends the stream; the thread leaves poll(2) at once.
    public func stop() {
        wakeup.wake()
    }

    /// What is attached now, classified; synchronous, on the caller's thread.
    public static func enumerate(logger: Logger = Logger(label: "trustedpath.hotplug")) throws(HotplugError)
        -> [DeviceClassifier.Result] {
        let context = try UdevContext(logger: logger)
        return try context.enumerate().compactMap(DeviceClassifier.classify)
    }
}
