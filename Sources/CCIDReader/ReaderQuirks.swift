import CCID

/// What a particular reader model needs beyond the CCID specification, as data: the session
/// asks `ReaderQuirks.lookup` and reads these fields, it never tests vendor IDs itself.
public struct ReaderQuirks: Hashable, Sendable {
    /// Replaces the descriptor's dwMaxIFSD, for readers whose descriptor overstates it.
    public var maxIFSD: Int?
    /// Replaces the descriptor's dwMaxCCIDMessageLength (e.g. SCM firmware says 263, means 270).
    public var maxMessageLength: Int?
    /// Power the card with this bPowerSelect only (1 5V, 2 3V, 3 1.8V), no fallback.
    public var forcedVoltage: UInt8?
    /// After a bulk-IN answer whose length is a multiple of the packet size, the reader
    /// sends a zero-length packet that must be read before the next command.
    public var readZeroLengthPacket: Bool
    /// libccid refuses firmware older than this bcdDevice; we keep going but flag it.
    public var bogusFirmware: Bool
    /// The class descriptor sits after the last endpoint (class 0xFF readers); handled by
    /// `CCIDDescriptorLocator`, recorded here so tools can say why.
    public var descriptorOnLastEndpoint: Bool
    /// Send no PPS even when the ATR's TA1 asks for a faster rate.
    public var skipPPS: Bool
    /// Replaces bPINSupport. 0 for keypads that must not be trusted with a PIN: HP and
    /// Fujitsu keyboards also send the typed PIN to the host, and several chips announce a
    /// keypad they do not have.
    public var pinSupport: UInt8?
    /// Replaces the exchange level dwFeatures announces, for firmware that speaks another.
    public var exchangeLevel: CCIDExchangeLevel?
    /// Short name for messages.
    public var note: String

    public init(maxIFSD: Int? = nil, maxMessageLength: Int? = nil, forcedVoltage: UInt8? = nil,
                readZeroLengthPacket: Bool = false, bogusFirmware: Bool = false,
                descriptorOnLastEndpoint: Bool = false, skipPPS: Bool = false, pinSupport: UInt8? = nil,
                exchangeLevel: CCIDExchangeLevel? = nil, note: String = "") {
        self.maxIFSD = maxIFSD
        self.maxMessageLength = maxMessageLength
        self.forcedVoltage = forcedVoltage
        self.readZeroLengthPacket = readZeroLengthPacket
        self.bogusFirmware = bogusFirmware
        self.descriptorOnLastEndpoint = descriptorOnLastEndpoint
        self.skipPPS = skipPPS
        self.pinSupport = pinSupport
        self.exchangeLevel = exchangeLevel
        self.note = note
    }

    /// The descriptor as the session uses it: bPINSupport and the exchange level replaced
    /// where the table says so, as libccid's ccid_open_hack_post edits its copy. Message
    /// length and IFSD corrections stay apart (`CCIDReader.maxMessageLength`, `.maxIFSD`).
    public func applied(to descriptor: CCIDClassDescriptor) -> CCIDClassDescriptor {
        var out = descriptor
        if let pinSupport { out.bPINSupport = pinSupport }
        if let exchangeLevel { out.dwFeatures = out.dwFeatures & ~0x0007_0000 | exchangeLevel.featureBits }
        return out
    }

    public static let none = ReaderQuirks()

    /// Merges `other` over `self`: set fields and true flags of `other` win.
    func merged(with other: ReaderQuirks) -> ReaderQuirks {
        var out = self
        out.maxIFSD = other.maxIFSD ?? maxIFSD
        out.maxMessageLength = other.maxMessageLength ?? maxMessageLength
        out.forcedVoltage = other.forcedVoltage ?? forcedVoltage
        out.readZeroLengthPacket = readZeroLengthPacket || other.readZeroLengthPacket
        out.bogusFirmware = bogusFirmware || other.bogusFirmware
        out.descriptorOnLastEndpoint = descriptorOnLastEndpoint || other.descriptorOnLastEndpoint
        out.skipPPS = skipPPS || other.skipPPS
        out.pinSupport = other.pinSupport ?? pinSupport
        out.exchangeLevel = other.exchangeLevel ?? exchangeLevel
        out.note = note.isEmpty ? other.note : (other.note.isEmpty ? note : note + "; " + other.note)
        return out
    }
}

/// One row of the quirks table: a vendor, a product and a bcdDevice range.
public struct ReaderQuirkEntry: Hashable, Sendable {
    public var vendorID: UInt16
    public var productID: UInt16
    /// Inclusive range of bcdDevice this row applies to.
    public var bcdDevice: ClosedRange<UInt16>
    public var quirks: ReaderQuirks

    public init(vendorID: UInt16, productID: UInt16, bcdDevice: ClosedRange<UInt16> = 0...0xFFFF,
                quirks: ReaderQuirks) {
        self.vendorID = vendorID
        self.productID = productID
        self.bcdDevice = bcdDevice
        self.quirks = quirks
    }

    public func matches(vendorID: UInt16, productID: UInt16, bcdDevice: UInt16) -> Bool {
        self.vendorID == vendorID && self.productID == productID && self.bcdDevice.contains(bcdDevice)
    }
}

extension ReaderQuirks {
    /// Every row matching the device, merged in table order.
    public static func lookup(vendorID: UInt16, productID: UInt16, bcdDevice: UInt16,
                              in table: [ReaderQuirkEntry] = ReaderQuirks.table) -> ReaderQuirks {
        var out = ReaderQuirks.none
        for entry in table where entry.matches(vendorID: vendorID, productID: productID, bcdDevice: bcdDevice) {
            out = out.merged(with: entry.quirks)
        }
        return out
    }
}
