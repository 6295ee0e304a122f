/// Which PED firmware an HSM firmware works with: the table docs/ped-firmware.md mirrors
/// (a test checks that the two agree). Data, not code, so a new firmware release is one row.
public enum FirmwareCompatibility {
    /// For HSM firmware in `hsm` (lower bound included, upper excluded), PED firmware in any
    /// of `ped` works; anything else is refused with LUNA_RET_PED_UNSUPPORTED_PROTOCOL.
    public struct Rule: Sendable, Hashable {
        public var hsm: Range<FirmwareVersion>
        public var ped: [Range<FirmwareVersion>]
        public var note: String
    }

    static let hsm7 = FirmwareVersion(7, 0, 0), hsm770 = FirmwareVersion(7, 7, 0), hsm8 = FirmwareVersion(8, 0, 0)
    static let ped271 = FirmwareVersion(2, 7, 1), ped274 = FirmwareVersion(2, 7, 4)
    static let ped280 = FirmwareVersion(2, 8, 0), ped290 = FirmwareVersion(2, 9, 0), ped3 = FirmwareVersion(3, 0, 0)

    public static let table: [Rule] = [
        Rule(hsm: hsm7..<hsm770, ped: [ped271..<ped3],
             note: "HSM 7.x before 7.7.0 needs PED firmware 2.7.1 or newer"),
        Rule(hsm: hsm770..<hsm8, ped: [ped274..<ped280, ped290..<ped3],
             note: "HSM 7.7.0 and newer needs PED firmware 2.7.4 or newer in the 2.7 series, or 2.9.0 or newer"),
    ]

    public enum Decision: Sendable, Hashable {
        case supported
        /// Refused; the text says what to update.
        case unsupported(String)
    }

    public static func decide(hsm: FirmwareVersion, ped: FirmwareVersion) -> Decision {
        guard let rule = table.first(where: { $0.hsm.contains(hsm) }) else {
            return .unsupported("HSM firmware \(hsm) is not in the PED compatibility table (7.0.0 up to 8.0.0)")
        }
        if rule.ped.contains(where: { $0.contains(ped) }) { return .supported }
        return .unsupported("PED firmware \(ped) does not work with HSM firmware \(hsm): \(rule.note)")
    }

    /// The orange (remote PED vector) key format changed with HSM firmware 7.7.0. A PED older
    /// than 2.7.4 copies such a key without its new parts, so the copy does not work with a
    /// 7.7.0 HSM.
    public static let orangeFormatHSM = hsm770
    public static let orangeFormatPED = ped274

    public static func copiesOrangeKeyCompletely(ped: FirmwareVersion) -> Bool { ped >= ped274 }

    /// PEDs of the 2.7 series take power from their own supply, not from USB: switching the
    /// USB port's power off and on does not restart them.
    public static func isExternallyPowered(ped: FirmwareVersion) -> Bool { ped < ped280 }
}
