/// A device named on a command line or by a driver that could not be found.
public struct USBDeviceLookupError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Finds a USB device's kernel name through /sys/bus/usb/devices from what a person or a
/// driver has at hand: a sysfs path, the name itself, "bus:address", or "vid:pid".
public struct USBDeviceLookup: Sendable {
    public var sysfs: Sysfs

    public init(sysfs: Sysfs = Sysfs()) {
        self.sysfs = sysfs
    }

    public func deviceName(for spec: String) throws(USBDeviceLookupError) -> String {
        if spec.hasPrefix("/") {
            // /sys/devices/.../usb1/1-2 or /sys/bus/usb/devices/1-2: the last component is
            // the kernel name, and /sys/bus/usb/devices links every device by it.
            guard let last = spec.split(separator: "/").last, USBTopology(deviceName: last) != nil else {
                throw USBDeviceLookupError("\(spec) is not a USB device's sysfs path (it should end in a name like 1-2)")
            }
            return String(last)
        }
        if let topology = USBTopology(deviceName: spec) { return topology.deviceName }
        let halves = spec.split(separator: ":", omittingEmptySubsequences: false)
        guard halves.count == 2 else {
            throw USBDeviceLookupError("\"\(spec)\": expected a sysfs path, a name like 1-2, bus:address (1:5) or vid:pid (0c4b:0400)")
        }
        if halves.allSatisfy({ $0.count == 4 }), let vendor = UInt16(halves[0], radix: 16),
           let product = UInt16(halves[1], radix: 16) {
            return try unique(spec, devices().filter { name in
                sysfs.read("\(Sysfs.usbDevices)/\(name)/idVendor").flatMap { UInt16($0, radix: 16) } == vendor
                    && sysfs.read("\(Sysfs.usbDevices)/\(name)/idProduct").flatMap { UInt16($0, radix: 16) } == product
            })
        }
        guard let bus = USBTopology.number(halves[0]), let address = USBTopology.number(halves[1]) else {
            throw USBDeviceLookupError("\"\(spec)\": bus:address takes decimal numbers (1:5), vid:pid four hex digits each")
        }
        return try unique(spec, devices().filter { name in
            sysfs.read("\(Sysfs.usbDevices)/\(name)/busnum").flatMap { Int($0) } == bus
                && sysfs.read("\(Sysfs.usbDevices)/\(name)/devnum").flatMap { Int($0) } == address
        })
    }

    /// The devices (not root hubs, not interfaces) sysfs lists now.
    public func devices() -> [String] {
        sysfs.list(Sysfs.usbDevices).filter { USBTopology(deviceName: $0) != nil }
    }

    private func unique(_ spec: String, _ matches: [String]) throws(USBDeviceLookupError) -> String {
        guard let first = matches.first else { throw USBDeviceLookupError("no USB device \(spec) is attached") }
        guard matches.count == 1 else {
            throw USBDeviceLookupError("\(matches.count) devices match \(spec) (\(matches.joined(separator: ", "))): "
                                       + "name one by its sysfs name or bus:address")
        }
        return first
    }
}
