import CLibUSB
import POSIXSupport
import USBLink
#if canImport(Glibc)
import Glibc
#endif

/// Walks a context's device list and describes the reader interfaces it finds, without
/// opening anything: descriptors come from libusb's cache (sysfs on Linux) and the serial
/// number from sysfs, so listing readers sends no USB traffic and needs no permissions.
enum LibUSBDiscovery {
    struct Candidate {
        /// libusb_device*, referenced while the device list is alive.
        var device: OpaquePointer
        var info: USBDeviceInfo
        var serialIndex: UInt8
    }

    /// Calls `body` with the reader candidates of `context`; the device list (and the
    /// `device` pointers) live until `body` returns.
    static func withCandidates<R>(_ context: LibUSBContext, kind: USBInterfaceKind = .cardReader,
                                  _ body: ([Candidate]) throws(USBError) -> R) throws(USBError) -> R {
        var list: UnsafeMutablePointer<OpaquePointer?>?
        let count = libusb_get_device_list(context.raw, &list)
        guard count >= 0, let list else { throw LibUSBStatus.error(Int32(count), "listing USB devices") }
        defer { libusb_free_device_list(list, 1) }
        var candidates: [Candidate] = []
        for index in 0..<count {
            guard let device = list[index], let candidate = describe(device, kind: kind) else { continue }
            candidates.append(candidate)
        }
        return try body(candidates)
    }

    static func describe(_ device: OpaquePointer, kind: USBInterfaceKind) -> Candidate? {
        var descriptor = libusb_device_descriptor()
        guard libusb_get_device_descriptor(device, &descriptor) == 0 else { return nil }
        var config: UnsafeMutablePointer<libusb_config_descriptor>?
        if libusb_get_active_config_descriptor(device, &config) != 0 || config == nil {
            // Unconfigured (or the active configuration is unknown): look at the first one.
            guard libusb_get_config_descriptor(device, 0, &config) == 0 else { return nil }
        }
        guard let config else { return nil }
        defer { libusb_free_config_descriptor(config) }
        guard let reader = ReaderInterface(choosingFrom: InterfaceDescription.all(in: config), kind: kind) else { return nil }
        let info = USBDeviceInfo(
            busNumber: UInt16(libusb_get_bus_number(device)),
            deviceAddress: libusb_get_device_address(device),
            vendorID: descriptor.idVendor, productID: descriptor.idProduct,
            bcdDevice: descriptor.bcdDevice, serialNumber: sysfsSerial(device),
            interfaceNumber: reader.number, interfaceClass: reader.interfaceClass,
            bulkOutEndpoint: reader.bulkOut, bulkInEndpoint: reader.bulkIn,
            interruptInEndpoint: reader.interruptIn, classDescriptor: reader.classDescriptor)
        return Candidate(device: device, info: info, serialIndex: descriptor.iSerialNumber)
    }

    /// The kernel's cached serial string: /sys/bus/usb/devices/<bus>-<port.port...>/serial.
    static func sysfsSerial(_ device: OpaquePointer) -> String? {
        var ports = [UInt8](repeating: 0, count: 8)
        let depth = libusb_get_port_numbers(device, &ports, Int32(ports.count))
        guard depth > 0 else { return nil }
        let name = "\(libusb_get_bus_number(device))-" + ports[0..<Int(depth)].map(String.init).joined(separator: ".")
        guard let bytes = SmallFile.read("/sys/bus/usb/devices/\(name)/serial", limit: 4096) else { return nil }
        // As Foundation's trimmingCharacters(in: .whitespacesAndNewlines) did, for ASCII.
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || (0x09...0x0D).contains($0) }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }),
              let last = bytes.lastIndex(where: { !isSpace($0) }) else { return nil }
        return String(validating: bytes[first...last], as: UTF8.self)  // nil if not UTF-8, as before
    }

    /// The serial string descriptor, read over the wire (fallback when sysfs has none).
    static func wireSerial(_ handle: OpaquePointer, index: UInt8) -> String? {
        guard index != 0 else { return nil }
        var text = [UInt8](repeating: 0, count: 256)
        let length = libusb_get_string_descriptor_ascii(handle, index, &text, Int32(text.count))
        guard length > 0 else { return nil }
        return String(decoding: text[0..<Int(length)], as: UTF8.self)
    }
}
