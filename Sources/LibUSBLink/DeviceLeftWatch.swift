import CLibUSB

/// Tells a link when its device is unplugged, through a libusb hotplug callback.
///
/// Why: libusb does not fail pending transfers when a device goes away unless the device
/// fd reports an error, and under umockdev (and on some kernels' half-dead devices) it
/// never does; transfers would then sit until their deadline. With this, pending and new
/// transfers fail with `.noDevice` as soon as the kernel's remove uevent arrives.
///
/// The callback runs on the context's event thread. `user_data` holds a +1 reference on
/// this watch, dropped by `release()` once the event thread has stopped, so that a
/// callback already running while `cancel()` deregisters never sees a freed watch.
final class DeviceLeftWatch: @unchecked Sendable {
    // Invariants for @unchecked: `device`/`context` are immutable and outlive the watch
    // (the link holds the open handle, which references the device); `registration`
    // is written once in `start` before any callback can observe it.
    private let device: OpaquePointer
    private let context: LibUSBContext
    private let onLeft: @Sendable () -> Void
    private var registration: libusb_hotplug_callback_handle = 0
    private var registered = false

    init(handle: OpaquePointer, context: LibUSBContext, onLeft: @escaping @Sendable () -> Void) {
        device = libusb_get_device(handle)
        self.context = context
        self.onLeft = onLeft
    }

    /// Registers the callback; false where libusb has no hotplug support (then transfers
    /// still end, at their deadline or with whatever error the kernel reports).
    @discardableResult
    func start(vendorID: UInt16, productID: UInt16) -> Bool {
        guard libusb_has_capability(UInt32(LIBUSB_CAP_HAS_HOTPLUG.rawValue)) != 0 else { return false }
        let user = Unmanaged.passRetained(self).toOpaque()
        let result = libusb_hotplug_register_callback(
            context.raw, Int32(LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT.rawValue), 0,
            Int32(vendorID), Int32(productID), LIBUSB_HOTPLUG_MATCH_ANY,
            { _, device, _, user in
                guard let user else { return 0 }
                let watch = Unmanaged<DeviceLeftWatch>.fromOpaque(user).takeUnretainedValue()
                if device == watch.device { watch.onLeft() }
                return 0  // stay registered; `cancel()` deregisters
            }, user, &registration)
        guard result == 0 else {
            Unmanaged<DeviceLeftWatch>.fromOpaque(user).release()
            return false
        }
        registered = true
        return true
    }

    /// Deregisters the callback. Call once, from `close()`, before the context goes.
    func cancel() {
        guard registered else { return }
        libusb_hotplug_deregister_callback(context.raw, registration)
    }

    /// Drops the callback's reference. Call once, after the context's event thread stopped.
    func release() {
        guard registered else { return }
        registered = false
        Unmanaged.passUnretained(self).release()
    }
}
