/// dwFeatures of the CCID class descriptor (CCID 1.1 §5.1, table 5.1-1). The exchange level
/// lives in bits 16-18 and is not a flag set, so it is decoded apart (`CCIDExchangeLevel`).
public struct CCIDFeatures: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let autoParameterConfiguration = CCIDFeatures(rawValue: 0x0000_0002)
    public static let autoActivation = CCIDFeatures(rawValue: 0x0000_0004)
    public static let autoVoltageSelection = CCIDFeatures(rawValue: 0x0000_0008)
    public static let autoClockChange = CCIDFeatures(rawValue: 0x0000_0010)
    public static let autoBaudRateChange = CCIDFeatures(rawValue: 0x0000_0020)
    public static let autoParameterNegotiation = CCIDFeatures(rawValue: 0x0000_0040)
    public static let autoPPS = CCIDFeatures(rawValue: 0x0000_0080)
    public static let clockStop = CCIDFeatures(rawValue: 0x0000_0100)
    public static let nadOtherThanZero = CCIDFeatures(rawValue: 0x0000_0200)
    public static let autoIFSDExchange = CCIDFeatures(rawValue: 0x0000_0400)
    /// Not in CCID 1.1; ICCD (USB CCID for tokens) devices set it, libccid calls it "ICCD token".
    public static let iccdToken = CCIDFeatures(rawValue: 0x0000_0800)
    public static let usbWakeUp = CCIDFeatures(rawValue: 0x0010_0000)

    /// Every named automatic feature with the words libccid's parse prints for it.
    public static let named: [(CCIDFeatures, String, String)] = [
        (.autoParameterConfiguration, "autoParameterConfiguration", "Automatic parameter configuration based on ATR data"),
        (.autoActivation, "autoActivation", "Automatic activation of ICC on inserting"),
        (.autoVoltageSelection, "autoVoltageSelection", "Automatic ICC voltage selection"),
        (.autoClockChange, "autoClockChange", "Automatic ICC clock frequency change according to parameters"),
        (.autoBaudRateChange, "autoBaudRateChange", "Automatic baud rate change according to frequency and Fi, Di params"),
        (.autoParameterNegotiation, "autoParameterNegotiation", "Automatic parameters negotiation made by the CCID"),
        (.autoPPS, "autoPPS", "Automatic PPS made by the CCID"),
        (.clockStop, "clockStop", "CCID can set ICC in clock stop mode"),
        (.nadOtherThanZero, "nadOtherThanZero", "NAD value other than 00 accepted (T=1)"),
        (.autoIFSDExchange, "autoIFSDExchange", "Automatic IFSD exchange as first exchange (T=1)"),
        (.iccdToken, "iccdToken", "ICCD token"),
        (.usbWakeUp, "usbWakeUp", "USB Wake up signaling supported on card insertion and removal"),
    ]

    /// Short names of the flags set, in bit order.
    public var names: [String] { Self.named.filter { contains($0.0) }.map { $0.1 } }
}

/// The level at which the host exchanges data with the reader (dwFeatures bits 16-18).
public enum CCIDExchangeLevel: Hashable, Sendable {
    case character
    case tpdu
    case shortAPDU
    case extendedAPDU
    /// More than one level bit set, or a reserved one: not a valid CCID 1.1 value.
    case unknown(UInt32)

    public init(features: UInt32) {
        switch features & 0x0007_0000 {
        case 0x0000_0000: self = .character
        case 0x0001_0000: self = .tpdu
        case 0x0002_0000: self = .shortAPDU
        case 0x0004_0000: self = .extendedAPDU
        case let other: self = .unknown(other)
        }
    }

    /// The dwFeatures bits that announce this level (the inverse of `init(features:)`).
    public var featureBits: UInt32 {
        switch self {
        case .character: 0
        case .tpdu: 0x0001_0000
        case .shortAPDU: 0x0002_0000
        case .extendedAPDU: 0x0004_0000
        case .unknown(let other): other & 0x0007_0000
        }
    }

    public var name: String {
        switch self {
        case .character: "character"
        case .tpdu: "tpdu"
        case .shortAPDU: "shortAPDU"
        case .extendedAPDU: "extendedAPDU"
        case .unknown: "unknown"
        }
    }
}
