/// A PC/SC part 10 feature tag (reader.h FEATURE_*), and the control code a reader gives it.
public struct PCSCFeature: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let verifyPINStart = PCSCFeature(rawValue: 0x01)
    public static let verifyPINFinish = PCSCFeature(rawValue: 0x02)
    public static let modifyPINStart = PCSCFeature(rawValue: 0x03)
    public static let modifyPINFinish = PCSCFeature(rawValue: 0x04)
    public static let getKeyPressed = PCSCFeature(rawValue: 0x05)
    public static let verifyPINDirect = PCSCFeature(rawValue: 0x06)
    public static let modifyPINDirect = PCSCFeature(rawValue: 0x07)
    public static let mctReaderDirect = PCSCFeature(rawValue: 0x08)
    public static let mctUniversal = PCSCFeature(rawValue: 0x09)
    public static let ifdPINProperties = PCSCFeature(rawValue: 0x0A)
    public static let abort = PCSCFeature(rawValue: 0x0B)
    public static let setSPEMessage = PCSCFeature(rawValue: 0x0C)
    public static let verifyPINDirectAppID = PCSCFeature(rawValue: 0x0D)
    public static let modifyPINDirectAppID = PCSCFeature(rawValue: 0x0E)
    public static let writeDisplay = PCSCFeature(rawValue: 0x0F)
    public static let getKey = PCSCFeature(rawValue: 0x10)
    public static let ifdDisplayProperties = PCSCFeature(rawValue: 0x11)
    public static let getTLVProperties = PCSCFeature(rawValue: 0x12)
    public static let ccidEscCommand = PCSCFeature(rawValue: 0x13)
    public static let executePACE = PCSCFeature(rawValue: 0x20)

    /// SCARD_CTL_CODE(3400): asks the reader driver for its feature list.
    public static let getFeatureRequestCode: UInt32 = scardControlCode(3400)

    /// pcsc-lite's SCARD_CTL_CODE (0x42000000 + code); Windows uses another formula.
    public static func scardControlCode(_ code: UInt32) -> UInt32 { 0x4200_0000 + code }

    public var name: String {
        PCSCFeature.names[rawValue] ?? "FEATURE_0x" + String(rawValue, radix: 16, uppercase: true)
    }

    public var description: String { name }

    private static let names: [UInt8: String] = [
        0x01: "FEATURE_VERIFY_PIN_START", 0x02: "FEATURE_VERIFY_PIN_FINISH",
        0x03: "FEATURE_MODIFY_PIN_START", 0x04: "FEATURE_MODIFY_PIN_FINISH",
        0x05: "FEATURE_GET_KEY_PRESSED", 0x06: "FEATURE_VERIFY_PIN_DIRECT",
        0x07: "FEATURE_MODIFY_PIN_DIRECT", 0x08: "FEATURE_MCT_READER_DIRECT",
        0x09: "FEATURE_MCT_UNIVERSAL", 0x0A: "FEATURE_IFD_PIN_PROPERTIES", 0x0B: "FEATURE_ABORT",
        0x0C: "FEATURE_SET_SPE_MESSAGE", 0x0D: "FEATURE_VERIFY_PIN_DIRECT_APP_ID",
        0x0E: "FEATURE_MODIFY_PIN_DIRECT_APP_ID", 0x0F: "FEATURE_WRITE_DISPLAY",
        0x10: "FEATURE_GET_KEY", 0x11: "FEATURE_IFD_DISPLAY_PROPERTIES",
        0x12: "FEATURE_GET_TLV_PROPERTIES", 0x13: "FEATURE_CCID_ESC_COMMAND", 0x20: "FEATURE_EXECUTE_PACE",
    ]
}
