import CLibUSB
import POSIXSupport
import TrustedPathCore
import USBLink

/// Short libusb sessions on one device by bus and address, for the hub class requests and
/// the "does it answer" probe.
///
/// A fresh context per session: after a reset or power cycle the device may have a new
/// address, and a fresh context's device list is read from sysfs now, not remembered.
/// libusb's synchronous calls, each session on a thread of its own (`runBlocking`).
public enum USBControl {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// The libusb status (LIBUSB_ERROR_*), 0 when the failure is not libusb's.
        public var status: Int32
        public var description: String

        init(_ status: Int32, _ what: String) {
            self.status = status
            let name = status == 0 ? "" : ": " + String(cString: libusb_error_name(status))
            self.description = what + name
        }

        public var isPermission: Bool { status == Int32(LIBUSB_ERROR_ACCESS.rawValue) }
    }

    /// Opens the device at bus:address, runs the transfers in order, and returns the IN data
    /// of each (empty for OUT).
    public static func transfer(bus: Int, address: Int, _ setups: [USBControlSetup],
                                timeoutMilliseconds: UInt32 = 1000) async throws(Failure) -> [[UInt8]] {
        try await runBlocking { () throws(Failure) in
            try transferBlocking(bus: bus, address: address, setups, timeoutMilliseconds)
        }
    }

    private static func transferBlocking(bus: Int, address: Int, _ setups: [USBControlSetup],
                                         _ timeoutMilliseconds: UInt32) throws(Failure) -> [[UInt8]] {
        var context: OpaquePointer?
        let initialized = libusb_init(&context)
        guard initialized == 0, let context else { throw Failure(initialized, "libusb_init") }
        defer { libusb_exit(context) }
        var list: UnsafeMutablePointer<OpaquePointer?>?
        let count = libusb_get_device_list(context, &list)
        guard count >= 0, let list else { throw Failure(Int32(truncatingIfNeeded: count), "libusb_get_device_list") }
        defer { libusb_free_device_list(list, 1) }
        var found: OpaquePointer?
        for index in 0..<Int(count) {
            guard let device = list[index] else { continue }
            if Int(libusb_get_bus_number(device)) == bus && Int(libusb_get_device_address(device)) == address {
                found = device
            }
        }
        guard let found else { throw Failure(0, "no USB device at bus \(bus) address \(address)") }
        var handle: OpaquePointer?
        let opened = libusb_open(found, &handle)
        guard opened == 0, let handle else { throw Failure(opened, "open bus \(bus) address \(address)") }
        defer { libusb_close(handle) }
        var replies: [[UInt8]] = []
        for setup in setups {
            var buffer = [UInt8](repeating: 0, count: Int(setup.wLength))
            let result = buffer.withUnsafeMutableBufferPointer { data in
                libusb_control_transfer(handle, setup.bmRequestType, setup.bRequest, setup.wValue, setup.wIndex,
                                        data.baseAddress, setup.wLength, timeoutMilliseconds)
            }
            guard result >= 0 else {
                throw Failure(result, "control \(Hex.encode(setup.bytes, separator: " ")) to bus \(bus) address \(address)")
            }
            replies.append(setup.isIn ? Array(buffer.prefix(Int(result))) : [])
        }
        return replies
    }

    /// Asks the device at bus:address for its device descriptor (GET_DESCRIPTOR(DEVICE)):
    /// the lowest-level sign of a device that is back, before any class protocol. Throws
    /// why it did not answer (stall, timeout, not permitted, gone, not a device descriptor).
    public static func probe(bus: Int, address: Int, timeoutMilliseconds: UInt32 = 1000) async throws(Failure) {
        let reply = try await transfer(bus: bus, address: address, [.getDeviceDescriptor],
                                 timeoutMilliseconds: timeoutMilliseconds).first ?? []
        guard reply.count == 18, reply[0] == 18, reply[1] == 1 else {
            throw Failure(0, "bus \(bus) address \(address) answered GET_DESCRIPTOR(DEVICE) with "
                          + "\(reply.count) byte(s) that are not a device descriptor: \(Hex.encode(reply.prefix(18), separator: " "))")
        }
    }

    public static func answers(bus: Int, address: Int, timeoutMilliseconds: UInt32 = 1000) async -> Bool {
        (try? await probe(bus: bus, address: address, timeoutMilliseconds: timeoutMilliseconds)) != nil
    }
}

extension USBControlSetup {
    /// GET_DESCRIPTOR(DEVICE), 18 bytes: every device answers it in any state.
    public static let getDeviceDescriptor = USBControlSetup(bmRequestType: 0x80, bRequest: 6, wValue: 0x0100,
                                                            wIndex: 0, wLength: 18)

    /// GET_DESCRIPTOR(hub) as a class request to the hub device (bmRequestType 0xA0).
    /// 64 bytes: more than the 5 used, and the whole descriptor of any hub up to 255 ports.
    public static func getHubDescriptor(type: UInt8) -> USBControlSetup {
        USBControlSetup(bmRequestType: 0xA0, bRequest: 6, wValue: UInt16(type) << 8, wIndex: 0, wLength: 64)
    }

    /// CLEAR_FEATURE (1) / SET_FEATURE (3) of PORT_POWER (8) on port `port`:
    /// bmRequestType 0x23 (class, to the "other" recipient: a port).
    public static func portPower(_ on: Bool, port: Int) -> USBControlSetup {
        USBControlSetup(bmRequestType: 0x23, bRequest: on ? 3 : 1, wValue: 8, wIndex: UInt16(truncatingIfNeeded: port),
                        wLength: 0)
    }
}
