/// What a descriptor's numbers mean for a driver: the decisions libccid takes from them.
extension CCIDClassDescriptor {
    /// Release as text, "1.10" for 0x0110, printed like libccid (major in hex, minor two digits).
    public var version: String {
        let major = String(bcdCCID >> 8, radix: 16, uppercase: true)
        var minor = String(bcdCCID & 0xFF, radix: 16, uppercase: true)
        if minor.count < 2 { minor = "0" + minor }
        return major + "." + minor
    }

    public var exchangeLevel: CCIDExchangeLevel { CCIDExchangeLevel(features: dwFeatures) }

    /// Automatic features, each dwFeatures bit by name; the exchange-level bits are excluded.
    public var features: CCIDFeatures { CCIDFeatures(rawValue: dwFeatures) }

    public var supportsPINVerify: Bool { bPINSupport & 0x01 != 0 }
    public var supportsPINModify: Bool { bPINSupport & 0x02 != 0 }

    /// wLcdLayout: 0 means no LCD; otherwise lines in the high byte, characters per line low.
    public var lcdLayout: (lines: Int, characters: Int)? {
        wLcdLayout == 0 ? nil : (Int(wLcdLayout >> 8), Int(wLcdLayout & 0xFF))
    }

    public var maxMessageLength: Int { Int(dwMaxCCIDMessageLength) }
    /// bMaxSlotIndex is zero-based.
    public var slotCount: Int { Int(bMaxSlotIndex) + 1 }
    public var maxBusySlots: Int { Int(bMaxCCIDBusySlots) }

    /// Voltages the reader can apply, by name: bit 0 5.0V, bit 1 3.0V, bit 2 1.8V.
    public var voltages: [String] {
        [(0x01, "5.0V"), (0x02, "3.0V"), (0x04, "1.8V")].filter { bVoltageSupport & $0.0 != 0 }.map { $0.1 }
    }

    /// Protocols offered (dwProtocols bit n = T=n); bits 0 and 1 are the only CCID 1.1 ones.
    public var protocols: [Int] { (0..<16).filter { dwProtocols & (1 << UInt32($0)) != 0 } }

    /// Mechanical features: bit 0 accept, 1 eject, 2 capture, 3 lock/unlock.
    public var mechanicalFeatures: [String] {
        [(0x1, "Card accept mechanism"), (0x2, "Card ejection mechanism"),
         (0x4, "Card capture mechanism"), (0x8, "Card lock/unlock mechanism")]
            .filter { dwMechanical & $0.0 != 0 }.map { $0.1 }
    }

    /// One JSON object, keys in the order the CLI contract fixes.
    public var json: JSONValue {
        .object([
            ("bcdCCID", .int(Int(bcdCCID))), ("bMaxSlotIndex", .int(Int(bMaxSlotIndex))),
            ("bVoltageSupport", .int(Int(bVoltageSupport))), ("dwProtocols", .int(Int(dwProtocols))),
            ("dwDefaultClock", .int(Int(dwDefaultClock))), ("dwMaximumClock", .int(Int(dwMaximumClock))),
            ("bNumClockSupported", .int(Int(bNumClockSupported))), ("dwDataRate", .int(Int(dwDataRate))),
            ("dwMaxDataRate", .int(Int(dwMaxDataRate))),
            ("bNumDataRatesSupported", .int(Int(bNumDataRatesSupported))),
            ("dwMaxIFSD", .int(Int(dwMaxIFSD))), ("dwSynchProtocols", .int(Int(dwSynchProtocols))),
            ("dwMechanical", .int(Int(dwMechanical))), ("dwFeatures", .int(Int(dwFeatures))),
            ("dwMaxCCIDMessageLength", .int(Int(dwMaxCCIDMessageLength))),
            ("bClassGetResponse", .int(Int(bClassGetResponse))), ("bClassEnvelope", .int(Int(bClassEnvelope))),
            ("wLcdLayout", .int(Int(wLcdLayout))), ("bPINSupport", .int(Int(bPINSupport))),
            ("bMaxCCIDBusySlots", .int(Int(bMaxCCIDBusySlots))), ("exchangeLevel", .string(exchangeLevel.name)),
        ])
    }
}
