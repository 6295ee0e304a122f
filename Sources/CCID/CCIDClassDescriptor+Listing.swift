/// A readable listing in the shape of libccid's `parse` tool, so a reader's dump and ours
/// can be compared by eye.
extension CCIDClassDescriptor {
    public var listing: String {
        var lines: [String] = ["CCID Class Descriptor"]
        func add(_ text: String) { lines.append("  " + text) }
        func detail(_ text: String) { lines.append("   " + text) }
        add("bLength: 0x\(hexDigits(bLength, 2))")
        add("bDescriptorType: 0x\(hexDigits(bDescriptorType, 2))")
        if bDescriptorType == Self.proprietaryDescriptorType { detail("PROPRIETARY bDescriptorType") }
        add("bcdCCID: \(version)")
        add("bMaxSlotIndex: 0x\(hexDigits(bMaxSlotIndex, 2)) (\(slotCount) slot\(slotCount == 1 ? "" : "s"))")
        add("bVoltageSupport: 0x\(hexDigits(bVoltageSupport, 2))")
        voltages.forEach(detail)
        add("dwProtocols: 0x\(hexDigits(dwProtocols >> 16, 4)) 0x\(hexDigits(dwProtocols & 0xFFFF, 4))")
        protocols.forEach { detail("T=\($0)") }
        add("dwDefaultClock: \(megahertz(dwDefaultClock)) MHz")
        add("dwMaximumClock: \(megahertz(dwMaximumClock)) MHz")
        add("bNumClockSupported: \(bNumClockSupported)\(bNumClockSupported == 0 ? " (will use whatever is returned)" : "")")
        add("dwDataRate: \(dwDataRate) bps")
        add("dwMaxDataRate: \(dwMaxDataRate) bps")
        add("bNumDataRatesSupported: \(bNumDataRatesSupported)\(bNumDataRatesSupported == 0 ? " (will use whatever is returned)" : "")")
        add("dwMaxIFSD: \(dwMaxIFSD)")
        add("dwSynchProtocols: 0x\(hexDigits(dwSynchProtocols, 8))")
        add("dwMechanical: 0x\(hexDigits(dwMechanical, 8))")
        if mechanicalFeatures.isEmpty { detail("No special characteristics") }
        mechanicalFeatures.forEach(detail)
        add("dwFeatures: 0x\(hexDigits(dwFeatures, 8))")
        for (flag, _, text) in CCIDFeatures.named where features.contains(flag) {
            detail(featureColumn(flag.rawValue) + " " + text)
        }
        detail("\(featureColumn(dwFeatures & 0x0007_0000)) \(exchangeLevelText)")
        add("dwMaxCCIDMessageLength: \(dwMaxCCIDMessageLength) bytes")
        add("bClassGetResponse: 0x\(hexDigits(bClassGetResponse, 2))")
        add("bClassEnvelope: 0x\(hexDigits(bClassEnvelope, 2))")
        add("wLcdLayout: 0x\(hexDigits(wLcdLayout, 4))")
        if let lcd = lcdLayout { detail("\(lcd.lines) lines of \(lcd.characters) characters") }
        add("bPINSupport: 0x\(hexDigits(bPINSupport, 2))")
        if supportsPINVerify { detail("PIN Verification supported") }
        if supportsPINModify { detail("PIN Modification supported") }
        add("bMaxCCIDBusySlots: \(bMaxCCIDBusySlots)")
        return lines.joined(separator: "\n")
    }

    private var exchangeLevelText: String {
        switch exchangeLevel {
        case .character: "Character level exchange"
        case .tpdu: "TPDU level exchange"
        case .shortAPDU: "Short APDU level exchange"
        case .extendedAPDU: "Short and Extended APDU level exchange"
        case .unknown: "Unknown exchange level"
        }
    }

    /// libccid shows a feature bit as its byte in a 6-digit column: "....10", "..02..", "04....".
    private func featureColumn(_ bits: UInt32) -> String {
        let byte = bits & 0xFF != 0 ? 0 : (bits & 0xFF00 != 0 ? 1 : 2)
        let value = UInt8(truncatingIfNeeded: bits >> UInt32(8 * byte))
        var column = Array(repeating: "..", count: 3)
        column[2 - byte] = hexDigits(value, 2)
        return column.joined()
    }

    private func megahertz(_ kilohertz: UInt32) -> String {
        let fraction = String(kilohertz % 1000)
        return "\(kilohertz / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}

/// Upper-case hex of `value`, zero-padded to `digits`.
func hexDigits<T: BinaryInteger>(_ value: T, _ digits: Int) -> String {
    let text = String(value, radix: 16, uppercase: true)
    return text.count >= digits ? text : String(repeating: "0", count: digits - text.count) + text
}
