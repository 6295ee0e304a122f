import CLibUSB

/// The part of a configuration descriptor that decides whether an interface is a reader,
/// copied out of libusb's structures so that the choice is plain code over plain values.
struct InterfaceDescription: Sendable, Hashable {
    struct Endpoint: Sendable, Hashable {
        var address: UInt8
        var attributes: UInt8
        var extra: [UInt8]

        var isIn: Bool { address & 0x80 != 0 }
        /// bmAttributes bits 1..0: 2 bulk, 3 interrupt.
        var isBulk: Bool { attributes & 0x03 == 0x02 }
        var isInterrupt: Bool { attributes & 0x03 == 0x03 }
    }

    var number: UInt8
    var alternateSetting: UInt8
    var interfaceClass: UInt8
    var extra: [UInt8]
    var endpoints: [Endpoint]
}

/// Which interface of a device a link is for.
public enum USBInterfaceKind: Sendable, Hashable {
    /// A card reader: CCID (class 0x0B), or vendor class (0xFF) carrying the CCID class
    /// descriptor.
    case cardReader
    /// A vendor-class (0xFF) interface with a bulk OUT and a bulk IN endpoint, speaking its
    /// own protocol: the PED (docs/ped-protocol.md).
    case vendorBulk

    var noun: String { self == .cardReader ? "reader" : "vendor-class bulk interface" }
}

/// A reader interface found in a configuration: its endpoints and its CCID class descriptor.
struct ReaderInterface: Sendable, Hashable {
    static let ccidClass: UInt8 = 0x0B
    static let vendorClass: UInt8 = 0xFF
    static let classDescriptorType: UInt8 = 0x21
    static let classDescriptorLength = 54

    var number: UInt8
    var interfaceClass: UInt8
    var bulkOut: UInt8
    var bulkIn: UInt8
    var interruptIn: UInt8?
    var classDescriptor: [UInt8]

    /// Picks the reader interface of a configuration, if it has one. A CCID interface
    /// (class 0x0B) counts even without a class descriptor (libccid tolerates that too);
    /// a vendor-class interface (0xFF) only when it carries the 54-byte 0x21 descriptor,
    /// which REINER cyberJack (0c4b:0300) and OZ776 put on the last endpoint instead of
    /// on the interface. Both bulk endpoints are required.
    init?(choosingFrom interfaces: [InterfaceDescription], kind: USBInterfaceKind = .cardReader) {
        for interface in interfaces where interface.alternateSetting == 0 {
            if let found = ReaderInterface(interface, kind: kind) {
                self = found
                return
            }
        }
        return nil
    }

    init?(_ interface: InterfaceDescription, kind: USBInterfaceKind = .cardReader) {
        var descriptor = Self.classDescriptor(in: interface.extra)
        if descriptor == nil, let last = interface.endpoints.last {
            descriptor = Self.classDescriptor(in: last.extra)
        }
        switch (kind, interface.interfaceClass) {
        case (.cardReader, Self.ccidClass): break
        case (.cardReader, Self.vendorClass) where descriptor != nil: break
        // A vendor interface that is a CCID reader in disguise is not a PED.
        case (.vendorBulk, Self.vendorClass) where descriptor == nil: break
        default: return nil
        }
        guard let bulkOut = interface.endpoints.first(where: { $0.isBulk && !$0.isIn }),
              let bulkIn = interface.endpoints.first(where: { $0.isBulk && $0.isIn }) else { return nil }
        number = interface.number
        interfaceClass = interface.interfaceClass
        self.bulkOut = bulkOut.address
        self.bulkIn = bulkIn.address
        interruptIn = interface.endpoints.first(where: { $0.isInterrupt && $0.isIn })?.address
        classDescriptor = descriptor ?? []
    }

    /// The first 54-byte descriptor of type 0x21 in a run of descriptors ("extra" bytes).
    /// Stops at a malformed length rather than reading past it: this is device input.
    static func classDescriptor(in extra: [UInt8]) -> [UInt8]? {
        var offset = 0
        while offset + 2 <= extra.count {
            let length = Int(extra[offset])
            guard length >= 2, offset + length <= extra.count else { return nil }
            if extra[offset + 1] == classDescriptorType, length == classDescriptorLength {
                return Array(extra[offset..<offset + length])
            }
            offset += length
        }
        return nil
    }
}

extension InterfaceDescription {
    /// Copies every alternate setting of every interface out of a libusb config descriptor.
    static func all(in config: UnsafePointer<libusb_config_descriptor>) -> [InterfaceDescription] {
        var result: [InterfaceDescription] = []
        let c = config.pointee
        for i in 0..<Int(c.bNumInterfaces) {
            let interface = c.interface[i]
            for a in 0..<Int(interface.num_altsetting) {
                let alt = interface.altsetting[a]
                var endpoints: [Endpoint] = []
                for e in 0..<Int(alt.bNumEndpoints) {
                    let ep = alt.endpoint[e]
                    endpoints.append(Endpoint(address: ep.bEndpointAddress, attributes: ep.bmAttributes,
                                              extra: bytes(ep.extra, ep.extra_length)))
                }
                result.append(InterfaceDescription(
                    number: alt.bInterfaceNumber, alternateSetting: alt.bAlternateSetting,
                    interfaceClass: alt.bInterfaceClass, extra: bytes(alt.extra, alt.extra_length),
                    endpoints: endpoints))
            }
        }
        return result
    }

    private static func bytes(_ pointer: UnsafePointer<UInt8>?, _ length: Int32) -> [UInt8] {
        guard let pointer, length > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: pointer, count: Int(length)))
    }
}
