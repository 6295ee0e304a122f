import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// systemd's watchdog: WATCHDOG=1 at half of WATCHDOG_USEC. The daemon's one timer, and
/// only when the unit asks for it (WatchdogSec=); without it the daemon has no timers.
///
/// It pings only while `isHealthy()` holds (the hotplug thread still running), so a stuck
/// or dead monitor gets the daemon restarted rather than silently deaf.
final class Watchdog {
    private let timer: any DispatchSourceTimer

    /// nil when the unit has no watchdog, or it is meant for another process.
    init?(environment: [String: String], notifier: SystemdNotifier, isHealthy: @escaping @Sendable () -> Bool) {
        guard let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0 else { return nil }
        if let pid = environment["WATCHDOG_PID"].flatMap({ Int32($0) }), pid != getpid() { return nil }
        let interval = DispatchTimeInterval.microseconds(Int(min(usec / 2, UInt64(Int32.max))))
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "trustedpathd.watchdog"))
        timer.schedule(deadline: .now(), repeating: interval, leeway: .milliseconds(100))
        timer.setEventHandler {
            if isHealthy() { notifier.send("WATCHDOG=1") }
        }
        timer.resume()
    }

    func cancel() {
        timer.cancel()
    }
}
