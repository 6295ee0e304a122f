import TrustedPathCore

/// The hub class descriptor (USB 2.0 11.23.2.1, type 0x29; USB 3.2 10.15.2.1, type 0x2A):
/// the fields that say whether a port's power can be switched on its own.
public struct HubDescriptor: Sendable, Equatable {
    public enum PowerSwitching: String, Sendable, Equatable {
        /// All ports switched together: one port can't be cycled without the others.
        case ganged
        /// Each port switched on its own: CLEAR/SET_FEATURE(PORT_POWER) cycles one port.
        case perPort = "per-port"
        /// Ports always powered (USB 1.x hubs; 1x is reserved in USB 2.0 and later).
        case none
    }

    public static let usb2Type: UInt8 = 0x29
    public static let superSpeedType: UInt8 = 0x2A

    public var descriptorType: UInt8
    public var portCount: Int
    public var characteristics: UInt16

    public init(descriptorType: UInt8, portCount: Int, characteristics: UInt16) {
        self.descriptorType = descriptorType
        self.portCount = portCount
        self.characteristics = characteristics
    }

    /// Parses the first bytes of a hub descriptor: bLength, bDescriptorType, bNbrPorts,
    /// wHubCharacteristics (little-endian). The rest (power-on time, port bitmaps) is not needed.
    public init(parsing bytes: [UInt8]) throws(PowerParseError) {
        var reader = ByteReader(bytes)
        do {
            let length = try reader.u8("bLength")
            guard length >= 7 else {
                throw PowerParseError(field: "bLength", offset: 0, "\(length) is shorter than a hub descriptor (7)")
            }
            let type = try reader.u8("bDescriptorType")
            guard type == Self.usb2Type || type == Self.superSpeedType else {
                throw PowerParseError(field: "bDescriptorType", offset: 1,
                                      "0x\(String(type, radix: 16)) is not a hub descriptor (0x29 or 0x2a)")
            }
            let ports = try reader.u8("bNbrPorts")
            let characteristics = try reader.u16le("wHubCharacteristics")
            self.init(descriptorType: type, portCount: Int(ports), characteristics: characteristics)
        } catch let error as ByteReaderError {
            throw PowerParseError(field: error.field, offset: error.offset, error.description)
        } catch let error as PowerParseError {
            throw error
        } catch {
            throw PowerParseError(field: "hub descriptor", offset: 0, "\(error)")
        }
    }

    /// wHubCharacteristics bits 1..0: 00 ganged, 01 per port, 1x none.
    public var powerSwitching: PowerSwitching {
        switch characteristics & 0b11 {
        case 0b00: .ganged
        case 0b01: .perPort
        default: .none
        }
    }
}

/// Bytes from a device or sysfs that could not be read as what they should be.
public struct PowerParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var offset: Int
    public var reason: String

    public init(field: String, offset: Int, _ reason: String) {
        self.field = field
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "\(field) at offset \(offset): \(reason)" }
}
