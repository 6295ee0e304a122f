/// Finds the CCID class descriptor inside a full configuration descriptor. The specification
/// puts it right after the interface descriptor; some readers (REINER SCT cyberJack, class
/// 0xFF) put it after the last endpoint descriptor instead, so both places are searched.
public enum CCIDDescriptorLocator {
    public struct Found: Hashable, Sendable {
        public var interfaceNumber: UInt8
        public var interfaceClass: UInt8
        /// Offset of the class descriptor's bLength within the configuration blob.
        public var offset: Int
        public var descriptor: CCIDClassDescriptor
    }

    private static let interfaceType: UInt8 = 0x04
    private static let endpointType: UInt8 = 0x05

    /// Every CCID class descriptor in `configuration`, one per CCID (0x0B) or vendor (0xFF)
    /// interface that carries one, in order.
    public static func locateAll(in configuration: [UInt8]) -> [Found] {
        var found: [Found] = []
        var current: (number: UInt8, cls: UInt8)? = nil
        var taken = false
        var offset = 0
        // Walk descriptor by descriptor; a bLength under 2 would loop forever, so it ends the walk.
        while offset + 2 <= configuration.count {
            let length = Int(configuration[offset])
            let type = configuration[offset + 1]
            guard length >= 2, offset + length <= configuration.count else { break }
            if type == interfaceType, length >= 9 {
                current = (configuration[offset + 2], configuration[offset + 5])
                taken = false
            } else if let interface = current, !taken, length == CCIDClassDescriptor.length,
                      interface.cls == 0x0B || interface.cls == 0xFF,
                      type == CCIDClassDescriptor.descriptorType
                        || type == CCIDClassDescriptor.proprietaryDescriptorType,
                      let descriptor = try? CCIDClassDescriptor(parsing: configuration, at: offset) {
                found.append(Found(interfaceNumber: interface.number, interfaceClass: interface.cls,
                                   offset: offset, descriptor: descriptor))
                taken = true
            }
            offset += length
        }
        return found
    }

    /// The first CCID class descriptor, or an error saying none was found.
    public static func locate(in configuration: [UInt8]) throws(CCIDError) -> Found {
        guard let first = locateAll(in: configuration).first else {
            throw CCIDError(.descriptorNotFound, field: "bDescriptorType", offset: 0,
                            "no CCID class descriptor (bLength 0x36, bDescriptorType 0x21) after an interface or its endpoints")
        }
        return first
    }
}
