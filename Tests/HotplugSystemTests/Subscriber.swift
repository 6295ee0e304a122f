import Hotplug
import Synchronization

/// A test's subscriber: starts a HotplugMonitor, collects its events as they come, and
/// waits for a count with a deadline (so a missing event fails instead of hanging).
final class Subscriber: Sendable {
    private final class Box: Sendable {
        let events = Mutex<[DeviceEvent]>([])
    }

    let monitor: HotplugMonitor
    private let box = Box()
    private let task: Task<Void, Never>

    init(debounce: Duration = .zero) async throws {
        monitor = try HotplugMonitor(options: .init(debounce: debounce))
        let stream = try monitor.events()
        let box = self.box
        task = Task {
            for await event in stream { box.events.withLock { $0.append(event) } }
        }
        await monitor.ready()
    }

    var events: [DeviceEvent] { box.events.withLock { $0 } }

    /// Waits until `count` events arrived (or `timeout`), then `quiet` longer so that an
    /// extra (duplicated) event would show up too.
    func waitFor(_ count: Int, timeout: Duration = .seconds(10), quiet: Duration = .milliseconds(300)) async -> [DeviceEvent] {
        let deadline = ContinuousClock.now + timeout
        while events.count < count, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        try? await Task.sleep(for: quiet)
        return events
    }

    /// Waits until the monitor has taken `count` uevents off its socket (or `timeout`).
    /// Tests pace their uevents with this: umockdev aborts the process when more than
    /// net.unix.max_dgram_qlen (10) wait unread (see the storm test).
    func waitForUevents(_ count: Int, timeout: Duration = .seconds(10)) async {
        let deadline = ContinuousClock.now + timeout
        while monitor.ueventsReceived < count, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    func stop() async {
        monitor.stop()
        await task.value
    }
}

extension DeviceEvent {
    /// "reader-added 1-2": what the assertions compare.
    var short: String { "\(kind.rawValue) \(device.syspath.split(separator: "/").last ?? "")" }
}
