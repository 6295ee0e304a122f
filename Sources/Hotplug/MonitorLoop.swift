import CUdev
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The body of the monitor thread: monitor first, then coldplug, then poll(2) on the udev
/// socket and the wakeup eventfd. The timeout is infinite unless a debounced change is
/// pending, so an idle monitor never wakes up.
///
/// Everything libudev lives and dies on this thread (see `UdevContext`).
struct MonitorLoop {
    let options: HotplugMonitor.Options
    let wakeup: WakeupDescriptor
    let logger: Logger
    let emit: @Sendable (DeviceEvent) -> Void
    /// Called once the coldplug events are out and the monitor is listening.
    let coldplugDone: @Sendable () -> Void
    /// Counts every uevent taken off the socket, ours or not.
    let counter: UeventCounter

    func run() throws(HotplugError) {
        let context = try UdevContext(logger: logger)
        guard let monitor = udev_monitor_new_from_netlink(context.udev, options.netlinkSource) else {
            throw HotplugError(.monitor, "udev_monitor_new_from_netlink(\(options.netlinkSource)) failed: no netlink?")
        }
        defer { udev_monitor_unref(monitor) }
        // Devices for add/remove, interfaces so a device first seen without its interfaces
        // (the kernel adds them after it) is classified again once they appear.
        udev_monitor_filter_add_match_subsystem_devtype(monitor, "usb", "usb_device")
        udev_monitor_filter_add_match_subsystem_devtype(monitor, "usb", "usb_interface")
        if options.receiveBufferSize > 0 {
            // A storm of uevents must queue, not overflow: ENOBUFS would lose events.
            udev_monitor_set_receive_buffer_size(monitor, Int32(options.receiveBufferSize))
        }
        guard udev_monitor_enable_receiving(monitor) >= 0 else {
            throw HotplugError(.monitor, "udev_monitor_enable_receiving failed (errno \(errno))")
        }
        let monitorFD = udev_monitor_get_fd(monitor)
        var registry = DeviceRegistry(debounce: options.debounce)

        // Coldplug after the monitor is listening: a device plugged in meanwhile is in both,
        // and the registry says it once.
        for snapshot in try context.enumerate() {
            classifyAndObserve(snapshot, &registry, settled: true)
        }
        logger.info("coldplug done", metadata: ["devices": "\(registry.reported.count)"])
        coldplugDone()

        var fds = [pollfd(fd: monitorFD, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: wakeup.fd, events: Int16(POLLIN), revents: 0)]
        while true {
            let timeout: Int32
            if let deadline = registry.nextDeadline {
                let wait = ContinuousClock.now.duration(to: deadline)
                timeout = wait <= .zero ? 0 : Int32(min(wait / .milliseconds(1), 60_000).rounded(.up))
            } else {
                timeout = -1
            }
            let ready = poll(&fds, 2, timeout)
            if ready < 0 {
                if errno == EINTR { continue }
                throw HotplugError(.monitor, "poll failed (errno \(errno))")
            }
            if fds[1].revents != 0 { return }
            if fds[0].revents & Int16(POLLIN) != 0 {
                while true {
                    errno = 0
                    guard let device = udev_monitor_receive_device(monitor) else { break }
                    counter.value.add(1, ordering: .relaxed)
                    handle(device, context, &registry)
                    udev_device_unref(device)
                }
                if errno == ENOBUFS {
                    // The kernel dropped uevents (the socket overflowed in a storm): what
                    // changed meanwhile is unknown, so look at sysfs again and report the
                    // difference. The final state is right even though a bounce is lost.
                    logger.warning("uevents lost (monitor socket overflowed); enumerating again")
                    try resynchronize(context, &registry)
                }
            }
            for event in registry.due(at: .now) { emit(event) }
        }
    }

    private func handle(_ device: OpaquePointer, _ context: UdevContext, _ registry: inout DeviceRegistry) {
        let action = udev_device_get_action(device).map { String(cString: $0) } ?? ""
        let devtype = udev_device_get_devtype(device).map { String(cString: $0) } ?? ""
        guard let rawPath = udev_device_get_syspath(device) else { return }
        let syspath = String(cString: rawPath)
        logger.debug("uevent", metadata: ["action": "\(action)", "devtype": "\(devtype)", "syspath": "\(syspath)"])
        if devtype == "usb_interface" {
            // Only as a hint to look at the parent again, for one not yet reported.
            guard action == "add" || action == "bind",
                  let parent = udev_device_get_parent_with_subsystem_devtype(device, "usb", "usb_device"),
                  let parentPath = udev_device_get_syspath(parent),
                  registry.reported[String(cString: parentPath)] == nil,
                  let snapshot = context.snapshot(parent) else { return }
            classifyAndObserve(snapshot, &registry, settled: false)
            return
        }
        switch action {
        case "remove":
            emitAll(registry.observe(syspath, nil, at: .now))
        case "add", "change", "bind":
            if let snapshot = context.snapshot(device) {
                classifyAndObserve(snapshot, &registry, settled: false)
            }
        default:
            break  // unbind, move, online/offline: not a change in what is attached
        }
    }

    private func resynchronize(_ context: UdevContext, _ registry: inout DeviceRegistry) throws(HotplugError) {
        let present = try context.enumerate()
        let paths = Set(present.map(\.syspath))
        for gone in registry.reported.keys.sorted() where !paths.contains(gone) {
            emitAll(registry.observe(gone, nil, at: .now, settled: true))
        }
        for snapshot in present {
            classifyAndObserve(snapshot, &registry, settled: true)
        }
    }

    private func classifyAndObserve(_ snapshot: USBDeviceSnapshot, _ registry: inout DeviceRegistry, settled: Bool) {
        let result = DeviceClassifier.classify(snapshot)
        if let result {
            logger.debug("device classified", metadata: ["syspath": "\(snapshot.syspath)",
                                                         "role": "\(result.identity.role.rawValue)",
                                                         "reason": "\(result.reason)"])
        }
        emitAll(registry.observe(snapshot.syspath, result, at: .now, settled: settled))
    }

    private func emitAll(_ events: [DeviceEvent]) {
        for event in events { emit(event) }
    }
}

/// How many uevents the monitor thread has received: diagnostics, and what tests wait on
/// to know the socket is drained.
final class UeventCounter: Sendable {
    let value = Atomic<Int>(0)
}
