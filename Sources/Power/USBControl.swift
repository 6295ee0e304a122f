import CLibUSB

/// Short libusb sessions on one device by bus and address, for the hub class requests and
/// the "does it answer" probe.
///
/// A fresh context per session: after a reset or power cycle the device may have a new
/// address, and a fresh context's device list is read from sysfs now, not remembered.
/// The calls are synchronous with millisecond timeouts (the recovery path is rare and
/// already waits seconds for re-enumeration).
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

    /// One control transfer's SETUP fields; `length` is wLength (IN) or the data's length (OUT).
    public struct Setup: Sendable, Equatable {
        public var requestType: UInt8
        public var request: UInt8
        public var value: UInt16
        public var index: UInt16
        public var length: UInt16

        public init(requestType: UInt8, request: UInt8, value: UInt16, index: UInt16, length: UInt16) {
            self.requestType = requestType
            self.request = request
            self.value = value
            self.index = index
            self.length = length
        }

        public var isIn: Bool { requestType & 0x80 != 0 }

        /// GET_DESCRIPTOR(DEVICE), 18 bytes: every device answers it in any state.
        public static let getDeviceDescriptor = Setup(requestType: 0x80, request: 6, value: 0x0100, index: 0, length: 18)

        /// GET_DESCRIPTOR(hub) as a class request to the hub device (bmRequestType 0xA0).
        /// 64 bytes covers a USB 2.0 hub of up to 255 ports' bitmaps being cut short: only
        /// the first 5 bytes are used.
        public static func getHubDescriptor(type: UInt8) -> Setup {
            Setup(requestType: 0xA0, request: 6, value: UInt16(type) << 8, index: 0, length: 64)
        }

        /// CLEAR_FEATURE (1) / SET_FEATURE (3) of PORT_POWER (8) on port `port`:
        /// bmRequestType 0x23 (class, to the "other" recipient: a port).
        public static func portPower(_ on: Bool, port: Int) -> Setup {
            Setup(requestType: 0x23, request: on ? 3 : 1, value: 8, index: UInt16(truncatingIfNeeded: port), length: 0)
        }
    }

    /// Opens the device at bus:address, runs the transfers in order, and returns the IN data
    /// of each (empty for OUT).
    public static func transfer(bus: Int, address: Int, _ setups: [Setup],
                                timeoutMilliseconds: UInt32 = 1000) throws(Failure) -> [[UInt8]] {
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
            var buffer = [UInt8](repeating: 0, count: Int(setup.length))
            let result = buffer.withUnsafeMutableBufferPointer { data in
                libusb_control_transfer(handle, setup.requestType, setup.request, setup.value, setup.index,
                                        data.baseAddress, setup.length, timeoutMilliseconds)
            }
            guard result >= 0 else {
                throw Failure(result, "\(setup) to bus \(bus) address \(address)")
            }
            replies.append(setup.isIn ? Array(buffer.prefix(Int(result))) : [])
        }
        return replies
    }

    /// Whether the device at bus:address answers GET_DESCRIPTOR(DEVICE) with a device
    /// descriptor: the lowest-level sign of a device that is back, before any class protocol.
    public static func answers(bus: Int, address: Int, timeoutMilliseconds: UInt32 = 1000) -> Bool {
        guard let reply = try? transfer(bus: bus, address: address, [.getDeviceDescriptor],
                                        timeoutMilliseconds: timeoutMilliseconds).first else { return false }
        return reply.count == 18 && reply[0] == 18 && reply[1] == 1
    }
}

extension USBControl.Setup: CustomStringConvertible {
    /// "control 23 01 0008 0002 0000": the SETUP as usbmon prints it, for error messages.
    public var description: String {
        func hex(_ value: some BinaryInteger, _ digits: Int) -> String {
            let text = String(value, radix: 16)
            return String(repeating: "0", count: max(0, digits - text.count)) + text
        }
        return "control \(hex(requestType, 2)) \(hex(request, 2)) \(hex(value, 4)) \(hex(index, 4)) \(hex(length, 4))"
    }
}
