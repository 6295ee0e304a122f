import TrustedPathCore

/// The CCID class descriptor (CCID 1.1 §5.1): 54 bytes after the interface descriptor, or on
/// the last endpoint for some readers. Field names follow the specification so that a dump
/// of libccid's `parse` and this value read alike.
///
/// `bcdCCID` is kept as the raw binary-coded number: 0x0100 (256) for release 1.00, 0x0110
/// for 1.10. `version` gives the "1.00" text.
public struct CCIDClassDescriptor: Hashable, Sendable {
    public static let length = 0x36
    public static let descriptorType: UInt8 = 0x21
    /// Some early readers mark the descriptor vendor-specific; libccid accepts it all the same.
    public static let proprietaryDescriptorType: UInt8 = 0xFF

    public var bLength: UInt8
    public var bDescriptorType: UInt8
    public var bcdCCID: UInt16
    public var bMaxSlotIndex: UInt8
    public var bVoltageSupport: UInt8
    public var dwProtocols: UInt32
    /// kHz.
    public var dwDefaultClock: UInt32
    /// kHz.
    public var dwMaximumClock: UInt32
    public var bNumClockSupported: UInt8
    /// bps.
    public var dwDataRate: UInt32
    /// bps.
    public var dwMaxDataRate: UInt32
    public var bNumDataRatesSupported: UInt8
    public var dwMaxIFSD: UInt32
    public var dwSynchProtocols: UInt32
    public var dwMechanical: UInt32
    public var dwFeatures: UInt32
    public var dwMaxCCIDMessageLength: UInt32
    public var bClassGetResponse: UInt8
    public var bClassEnvelope: UInt8
    public var wLcdLayout: UInt16
    public var bPINSupport: UInt8
    public var bMaxCCIDBusySlots: UInt8

    /// Decodes the 54 bytes starting at `offset`. Bytes beyond those are ignored, since the
    /// descriptor usually arrives inside a larger configuration descriptor.
    public init(parsing bytes: [UInt8], at offset: Int = 0) throws(CCIDError) {
        var reader = ByteReader(bytes, offset: offset)
        guard reader.remaining >= Self.length else {
            throw CCIDError(.truncated, field: "bLength", offset: offset,
                            "CCID class descriptor needs 54 bytes, \(reader.remaining) present")
        }
        // The length check above makes every read below succeed; `reading` keeps it honest.
        let fields = try CCIDError.reading { () throws(ByteReaderError) -> CCIDClassDescriptor in
            CCIDClassDescriptor(
                bLength: try reader.u8("bLength"), bDescriptorType: try reader.u8("bDescriptorType"),
                bcdCCID: try reader.u16le("bcdCCID"), bMaxSlotIndex: try reader.u8("bMaxSlotIndex"),
                bVoltageSupport: try reader.u8("bVoltageSupport"), dwProtocols: try reader.u32le("dwProtocols"),
                dwDefaultClock: try reader.u32le("dwDefaultClock"), dwMaximumClock: try reader.u32le("dwMaximumClock"),
                bNumClockSupported: try reader.u8("bNumClockSupported"), dwDataRate: try reader.u32le("dwDataRate"),
                dwMaxDataRate: try reader.u32le("dwMaxDataRate"),
                bNumDataRatesSupported: try reader.u8("bNumDataRatesSupported"),
                dwMaxIFSD: try reader.u32le("dwMaxIFSD"), dwSynchProtocols: try reader.u32le("dwSynchProtocols"),
                dwMechanical: try reader.u32le("dwMechanical"), dwFeatures: try reader.u32le("dwFeatures"),
                dwMaxCCIDMessageLength: try reader.u32le("dwMaxCCIDMessageLength"),
                bClassGetResponse: try reader.u8("bClassGetResponse"), bClassEnvelope: try reader.u8("bClassEnvelope"),
                wLcdLayout: try reader.u16le("wLcdLayout"), bPINSupport: try reader.u8("bPINSupport"),
                bMaxCCIDBusySlots: try reader.u8("bMaxCCIDBusySlots"))
        }
        guard Int(fields.bLength) == Self.length else {
            throw CCIDError(.invalidValue, field: "bLength", offset: offset,
                            "bLength is 0x\(Hex.encode([fields.bLength])), a CCID class descriptor has 0x36")
        }
        guard fields.bDescriptorType == Self.descriptorType
                || fields.bDescriptorType == Self.proprietaryDescriptorType else {
            throw CCIDError(.invalidValue, field: "bDescriptorType", offset: offset + 1,
                            "bDescriptorType is 0x\(Hex.encode([fields.bDescriptorType])), a CCID class descriptor has 0x21")
        }
        self = fields
    }

    public init(bLength: UInt8 = 0x36, bDescriptorType: UInt8 = 0x21, bcdCCID: UInt16, bMaxSlotIndex: UInt8,
                bVoltageSupport: UInt8, dwProtocols: UInt32, dwDefaultClock: UInt32, dwMaximumClock: UInt32,
                bNumClockSupported: UInt8, dwDataRate: UInt32, dwMaxDataRate: UInt32,
                bNumDataRatesSupported: UInt8, dwMaxIFSD: UInt32, dwSynchProtocols: UInt32,
                dwMechanical: UInt32, dwFeatures: UInt32, dwMaxCCIDMessageLength: UInt32,
                bClassGetResponse: UInt8, bClassEnvelope: UInt8, wLcdLayout: UInt16, bPINSupport: UInt8,
                bMaxCCIDBusySlots: UInt8) {
        self.bLength = bLength; self.bDescriptorType = bDescriptorType; self.bcdCCID = bcdCCID
        self.bMaxSlotIndex = bMaxSlotIndex; self.bVoltageSupport = bVoltageSupport
        self.dwProtocols = dwProtocols; self.dwDefaultClock = dwDefaultClock
        self.dwMaximumClock = dwMaximumClock; self.bNumClockSupported = bNumClockSupported
        self.dwDataRate = dwDataRate; self.dwMaxDataRate = dwMaxDataRate
        self.bNumDataRatesSupported = bNumDataRatesSupported; self.dwMaxIFSD = dwMaxIFSD
        self.dwSynchProtocols = dwSynchProtocols; self.dwMechanical = dwMechanical
        self.dwFeatures = dwFeatures; self.dwMaxCCIDMessageLength = dwMaxCCIDMessageLength
        self.bClassGetResponse = bClassGetResponse; self.bClassEnvelope = bClassEnvelope
        self.wLcdLayout = wLcdLayout; self.bPINSupport = bPINSupport; self.bMaxCCIDBusySlots = bMaxCCIDBusySlots
    }

    /// The 54 bytes, as a reader would send them.
    public func encode() -> [UInt8] {
        var out: [UInt8] = [bLength, bDescriptorType]
        out.appendLE16(bcdCCID)
        out += [bMaxSlotIndex, bVoltageSupport]
        out.appendLE32(dwProtocols); out.appendLE32(dwDefaultClock); out.appendLE32(dwMaximumClock)
        out.append(bNumClockSupported)
        out.appendLE32(dwDataRate); out.appendLE32(dwMaxDataRate)
        out.append(bNumDataRatesSupported)
        out.appendLE32(dwMaxIFSD); out.appendLE32(dwSynchProtocols); out.appendLE32(dwMechanical)
        out.appendLE32(dwFeatures); out.appendLE32(dwMaxCCIDMessageLength)
        out += [bClassGetResponse, bClassEnvelope]
        out.appendLE16(wLcdLayout)
        out += [bPINSupport, bMaxCCIDBusySlots]
        return out
    }
}
