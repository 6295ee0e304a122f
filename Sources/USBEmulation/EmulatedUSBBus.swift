import CUMockdev
import Glibc
import Synchronization

/// A USB bus of simulated devices, seen by every program started with `environment`: a
/// umockdev testbed holding an xHCI root hub and, on its ports, the gadgets plugged in.
/// libudev enumerates and monitors them, libusb opens them and its URBs reach the
/// simulators through `GadgetBridge`.
///
/// One per process: umockdev's testbed sets UMOCKDEV_DIR in this process's environment.
public final class EmulatedUSBBus: Sendable {
    /// A gadget on a port of the root hub.
    public struct Port: Sendable, Hashable {
        public var number: Int
        public var deviceAddress: Int
        public var sysPath: String
        public var devnode: String

        /// The device's one interface (configuration 1, interface 0), as the kernel names it.
        public var interfaceSysPath: String { sysPath + "/" + (sysPath.split(separator: "/").last.map(String.init) ?? "") + ":1.0" }
    }

    public static let busNumber = 1
    static let rootHubPath = "/sys/devices/pci0000:00/0000:00:14.0/usb1"

    /// umockdev's testbed; every call on it is made under `lock`.
    nonisolated(unsafe) private let raw: UnsafeMutablePointer<UMockdevTestbed>
    nonisolated(unsafe) private let testbedAddress: UnsafeMutableRawPointer
    private let lock = Mutex(())
    public let rootDirectory: String
    private let plugged = Mutex<[Int: (port: Port, bridge: GadgetBridge)]>([:])
    private let nextAddress = Mutex(2)

    public init() throws(EmulationError) {
        guard let raw = umockdev_testbed_new() else { throw EmulationError("umockdev could not make a testbed") }
        self.raw = raw
        testbedAddress = UnsafeMutableRawPointer(raw)
        guard let root = umockdev_testbed_get_root_dir(raw) else { throw EmulationError("umockdev testbed has no root") }
        rootDirectory = String(cString: root)
        g_free(root)
        try add(UdevDescription.rootHub(sysPath: Self.rootHubPath))
    }

    deinit {
        for entry in plugged.withLock({ Array($0.values) }) {
            entry.bridge.disconnect()
            entry.bridge.detach(testbed: testbedAddress)
        }
        g_object_unref(raw)
    }

    /// What a child process needs to see this bus: the testbed and umockdev's preload library.
    public var environment: [String: String] {
        ["UMOCKDEV_DIR": rootDirectory, "LD_PRELOAD": Self.preloadLibrary]
    }

    /// libumockdev-preload as Debian installs it (`umockdev-wrapper` preloads the same file).
    public static let preloadLibrary = "libumockdev-preload.so.0"

    /// Plugs `gadget` into the first free port (or `port`), as a hotplug: an "add" uevent.
    @discardableResult
    public func plug(_ gadget: USBGadget, port number: Int? = nil) throws(EmulationError) -> Port {
        let portNumber = number ?? plugged.withLock { ports in (1...).first { ports[$0] == nil }! }
        if plugged.withLock({ $0[portNumber] != nil }) { throw EmulationError("port \(portNumber) is taken") }
        let address = nextAddress.withLock { next in defer { next += 1 }; return next }
        let devnode = "/dev/bus/usb/\(pad(Self.busNumber, 3))/\(pad(address, 3))"
        let port = Port(number: portNumber, deviceAddress: address,
                        sysPath: "\(Self.rootHubPath)/\(Self.busNumber)-\(portNumber)", devnode: devnode)
        let bridge = GadgetBridge(gadget: gadget)
        // The handler first: a host that opens the node on the add uevent must find it served.
        try bridge.attach(testbed: testbedAddress, devnode: devnode)
        try add(UdevDescription.device(gadget, port: port, busNumber: Self.busNumber))
        try bridge.makeFIFO(at: rootDirectory + devnode)
        plugged.withLock { $0[portNumber] = (port, bridge) }
        return port
    }

    /// Unplugs the gadget on `port`: URBs in flight end with -ESHUTDOWN, a "remove" uevent,
    /// and the device leaves /sys and /dev.
    public func unplug(port number: Int) {
        guard let entry = plugged.withLock({ $0.removeValue(forKey: number) }) else { return }
        entry.bridge.disconnect()
        lock.withLock { _ in
            let bed = raw
            umockdev_testbed_uevent(bed, entry.port.interfaceSysPath, "remove")
            umockdev_testbed_uevent(bed, entry.port.sysPath, "remove")
            umockdev_testbed_remove_device(bed, entry.port.sysPath)
        }
        entry.bridge.detach(testbed: testbedAddress)
    }

    public var ports: [Port] { plugged.withLock { $0.values.map(\.port).sorted { $0.number < $1.number } } }

    /// ioctls answered for the gadget on `port` so far (the idle benchmark's spinning figure).
    public func ioctlCount(port: Int) -> UInt64 { plugged.withLock { $0[port]?.bridge.ioctlCount ?? 0 } }

    private func add(_ description: String) throws(EmulationError) {
        var failure: UnsafeMutablePointer<GError>?
        let ok = lock.withLock { _ in umockdev_testbed_add_from_string(raw, description, &failure) }
        if let failure {
            let message = String(cString: failure.pointee.message)
            g_error_free(failure)
            throw EmulationError("umockdev refused a device description: \(message)")
        }
        guard ok != 0 else { throw EmulationError("umockdev refused a device description") }
    }
}

func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}
