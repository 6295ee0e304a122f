import CCID

/// Everything that makes one simulated reader look like a particular real one: its USB
/// identity, its CCID class descriptor, and the few behaviours the descriptor cannot say.
/// Keypad and display presence follow the descriptor (bPINSupport, wLcdLayout), so the host
/// sees exactly what the simulator does.
public struct ReaderProfile: Sendable, Hashable {
    /// How the reader moves data to the card (dwFeatures bits 16-18).
    public enum ExchangeLevel: Sendable, Hashable {
        case character, tpdu, shortAPDU, extendedAPDU
    }

    public var name: String
    public var manufacturer: String
    public var vendorID: UInt16
    public var productID: UInt16
    public var bcdDevice: UInt16
    /// 0x0B for CCID; some cyberJacks use 0xFF with the same descriptor.
    public var interfaceClass: UInt8
    public var descriptor: CCIDClassDescriptor
    /// Answer to GET_CLOCK_FREQUENCIES (kHz). Empty: the request stalls, as it does on the
    /// many readers with bNumClockSupported 0.
    public var clockFrequencies: [UInt32]
    /// Answer to GET_DATA_RATES (bps); empty stalls likewise.
    public var dataRates: [UInt32]
    /// bError for a PIN modify whose new PIN and confirmation differ. CCID 1.1 defines no
    /// code for it; 0x81...0xC0 are the vendor range, and the value is a profile setting
    /// so a host can be tested against whichever its reader uses.
    public var pinMismatchError: UInt8
    /// Which real reader the values come from, for test names and reports.
    public var provenance: String

    public init(name: String, manufacturer: String, vendorID: UInt16, productID: UInt16, bcdDevice: UInt16,
                interfaceClass: UInt8 = 0x0B, descriptor: CCIDClassDescriptor, clockFrequencies: [UInt32] = [],
                dataRates: [UInt32] = [], pinMismatchError: UInt8 = 0xC0, provenance: String) {
        self.name = name; self.manufacturer = manufacturer
        self.vendorID = vendorID; self.productID = productID; self.bcdDevice = bcdDevice
        self.interfaceClass = interfaceClass; self.descriptor = descriptor
        self.clockFrequencies = clockFrequencies; self.dataRates = dataRates
        self.pinMismatchError = pinMismatchError; self.provenance = provenance
    }

    public var slotCount: Int { Int(descriptor.bMaxSlotIndex) + 1 }

    public var exchangeLevel: ExchangeLevel {
        switch descriptor.dwFeatures & 0x0007_0000 {
        case 0x0001_0000: .tpdu
        case 0x0002_0000: .shortAPDU
        case 0x0004_0000: .extendedAPDU
        default: .character
        }
    }

    public var hasKeypad: Bool { descriptor.bPINSupport & 0x03 != 0 }

    /// wLcdLayout is XXYY: lines, then characters per line; nil without a display.
    public var displaySize: (lines: Int, columns: Int)? {
        let layout = descriptor.wLcdLayout
        return layout == 0 ? nil : (Int(layout >> 8), Int(layout & 0xFF))
    }

    /// The largest abData a single bulk message may carry.
    public var maxMessageData: Int { max(1, Int(descriptor.dwMaxCCIDMessageLength) - CCIDMessage.headerLength) }
}
