/// Where a USB device sits, from its kernel name ("1-2", "3-1.4.2"): the bus, then the port
/// on each hub from the root hub down.
///
/// Why names and not /sys/devices paths: every USB device, interface and hub is linked by
/// name under /sys/bus/usb/devices, and the names alone give the parent hub, its hub
/// interface and the port, so the port is found even while the device itself is gone
/// (after its port was switched off).
public struct USBTopology: Sendable, Equatable, CustomStringConvertible {
    public var bus: Int
    /// Port numbers from the root hub down; never empty.
    public var ports: [Int]

    public init?(bus: Int, ports: [Int]) {
        // USB allows 7 tiers (5 hubs below the root hub), ports 1...255 on each.
        guard bus > 0, !ports.isEmpty, ports.count <= 7, ports.allSatisfy({ (1...255).contains($0) }) else {
            return nil
        }
        self.bus = bus
        self.ports = ports
    }

    /// Parses "B-P[.P...]"; nil for anything else (a root hub "usb1", an interface
    /// "1-2:1.0", a path).
    public init?(deviceName name: some StringProtocol) {
        let parts = name.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let bus = Self.number(parts[0]) else { return nil }
        var ports: [Int] = []
        for piece in parts[1].split(separator: ".", omittingEmptySubsequences: false) {
            guard let port = Self.number(piece) else { return nil }
            ports.append(port)
        }
        self.init(bus: bus, ports: ports)
    }

    public var deviceName: String { "\(bus)-" + ports.map(String.init).joined(separator: ".") }
    public var description: String { deviceName }

    /// The port on the parent hub the device is plugged into.
    public var port: Int { ports[ports.count - 1] }

    public var isOnRootHub: Bool { ports.count == 1 }

    /// The parent hub's kernel name: "usbB" for the root hub, else "B-P[.P...]".
    public var hubName: String {
        isOnRootHub ? "usb\(bus)" : "\(bus)-" + ports.dropLast().map(String.init).joined(separator: ".")
    }

    /// The parent hub's hub interface. The kernel names interfaces "<device>:<config>.<n>"
    /// with the root hub as "B-0"; a hub has one configuration and one interface.
    public var hubInterfaceName: String {
        (isOnRootHub ? "\(bus)-0" : hubName) + ":1.0"
    }

    /// The port device's name: "<hub>-port<N>" (drivers/usb/core/port.c).
    public var portName: String { "\(hubName)-port\(port)" }

    public var portPath: String { "\(Sysfs.usbDevices)/\(hubInterfaceName)/\(portName)" }
    public var devicePath: String { "\(Sysfs.usbDevices)/\(deviceName)" }
    public var hubPath: String { "\(Sysfs.usbDevices)/\(hubName)" }

    /// The stable path of the port from the target of the device's `port` link
    /// ("../1-0:1.0/usb1-port2"): the link itself vanishes with the device.
    public static func portPath(fromLinkTarget target: String) -> String? {
        let components = target.split(separator: "/")
        guard components.count >= 2, portNumber(components[components.count - 1]) != nil else { return nil }
        let interface = components[components.count - 2]
        guard interface.contains(":") else { return nil }
        return "\(Sysfs.usbDevices)/\(interface)/\(components[components.count - 1])"
    }

    /// N from a port name "<hub>-portN"; nil for anything else.
    public static func portNumber(_ portName: some StringProtocol) -> Int? {
        let pieces = portName.split(separator: "-", omittingEmptySubsequences: false)
        guard pieces.count >= 2, let last = pieces.last, last.hasPrefix("port"),
              let port = number(last.dropFirst(4)), (1...255).contains(port) else { return nil }
        return port
    }

    /// A decimal number of at most 3 digits, no sign: kernel names never hold more.
    static func number(_ text: some StringProtocol) -> Int? {
        guard !text.isEmpty, text.count <= 3, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return Int(text)
    }
}
