import TrustedPathCore

/// SW1 SW2 with the meanings of ISO 7816-4 §5.6 (and the PIN-pad codes of EN 1546 / PC/SC
/// part 10 readers that surface as 64xx).
public struct StatusWord: Sendable, Hashable, CustomStringConvertible {
    public var rawValue: UInt16

    public init(_ rawValue: UInt16) { self.rawValue = rawValue }
    public init(sw1: UInt8, sw2: UInt8) { rawValue = UInt16(sw1) << 8 | UInt16(sw2) }

    public var sw1: UInt8 { UInt8(rawValue >> 8) }
    public var sw2: UInt8 { UInt8(rawValue & 0xFF) }

    public static let success = StatusWord(0x9000)
    public static let securityStatusNotSatisfied = StatusWord(0x6982)
    public static let authenticationMethodBlocked = StatusWord(0x6983)
    public static let referenceDataNotUsable = StatusWord(0x6984)
    public static let conditionsNotSatisfied = StatusWord(0x6985)
    public static let wrongData = StatusWord(0x6A80)
    public static let fileNotFound = StatusWord(0x6A82)
    public static let wrongLength = StatusWord(0x6700)
    public static let instructionNotSupported = StatusWord(0x6D00)
    public static let classNotSupported = StatusWord(0x6E00)
    public static let pinPadTimeout = StatusWord(0x6400)
    public static let pinPadCancelled = StatusWord(0x6401)

    /// 9000 and 61xx: the command completed.
    public var isSuccess: Bool { rawValue == 0x9000 || sw1 == 0x61 }
    /// 62xx and 63xx: completed with a warning.
    public var isWarning: Bool { sw1 == 0x62 || sw1 == 0x63 }

    /// 63Cx: x further tries allowed (a PIN counter); nil for every other status word.
    public var triesLeft: Int? {
        sw1 == 0x63 && sw2 & 0xF0 == 0xC0 ? Int(sw2 & 0x0F) : nil
    }

    /// 61xx: bytes still available (00: 256 or more); 6Cxx: the exact Ne to use.
    public var availableLength: Int? {
        sw1 == 0x61 || sw1 == 0x6C ? (sw2 == 0 ? 256 : Int(sw2)) : nil
    }

    public var description: String {
        Hex.encode([sw1, sw2]) + " " + meaning
    }

    /// A sentence for the user; what the card said and, where it helps, what to do.
    public var meaning: String {
        switch (sw1, sw2) {
        case (0x90, 0x00): return "success"
        case (0x61, _): return "success, \(availableLength ?? 0) more response byte(s) available with GET RESPONSE"
        case (0x62, 0x00): return "warning: non-volatile memory unchanged"
        case (0x62, 0x81): return "warning: part of the returned data may be corrupted"
        case (0x62, 0x82): return "warning: end of file or record reached before reading Ne bytes"
        case (0x62, 0x83): return "warning: selected file deactivated"
        case (0x62, 0x84): return "warning: file control information not formatted as expected"
        case (0x62, 0x85): return "warning: selected file in termination state"
        case (0x62, 0x86): return "warning: no input data available from a sensor"
        case (0x62, _): return "warning: non-volatile memory unchanged"
        case (0x63, 0x00): return "warning: non-volatile memory changed, verification failed"
        case (0x63, 0x81): return "warning: file filled up by the last write"
        case (0x63, let x) where x & 0xF0 == 0xC0:
            return "verification failed, \(x & 0x0F) tries left" + (x & 0x0F == 0 ? "; the reference data is now blocked" : "")
        case (0x63, _): return "warning: non-volatile memory changed"
        case (0x64, 0x00): return "execution error (on a PIN pad: PIN entry timed out); try again"
        case (0x64, 0x01): return "PIN entry cancelled by the user"
        case (0x64, 0x02): return "PIN entry: the two new PINs do not match"
        case (0x64, 0x03): return "PIN entry: PIN length out of range"
        case (0x64, _): return "execution error, non-volatile memory unchanged"
        case (0x65, 0x81): return "memory failure; the card may be worn out"
        case (0x65, _): return "execution error, non-volatile memory changed"
        case (0x66, _): return "security-related error"
        case (0x67, 0x00): return "wrong length"
        case (0x67, _): return "wrong length"
        case (0x68, 0x81): return "logical channel not supported"
        case (0x68, 0x82): return "secure messaging not supported"
        case (0x68, 0x83): return "last command of the chain expected"
        case (0x68, 0x84): return "command chaining not supported"
        case (0x68, _): return "function in CLA not supported"
        case (0x69, 0x81): return "command incompatible with file structure"
        case (0x69, 0x82): return "security status not satisfied; authenticate (verify the PIN) first"
        case (0x69, 0x83): return "authentication method blocked; the PIN must be unblocked"
        case (0x69, 0x84): return "reference data not usable"
        case (0x69, 0x85): return "conditions of use not satisfied"
        case (0x69, 0x86): return "command not allowed (no current EF)"
        case (0x69, 0x87): return "expected secure messaging data objects missing"
        case (0x69, 0x88): return "incorrect secure messaging data objects"
        case (0x69, _): return "command not allowed"
        case (0x6A, 0x80): return "incorrect parameters in the command data field"
        case (0x6A, 0x81): return "function not supported"
        case (0x6A, 0x82): return "file or application not found"
        case (0x6A, 0x83): return "record not found"
        case (0x6A, 0x84): return "not enough memory space in the file"
        case (0x6A, 0x85): return "Nc inconsistent with TLV structure"
        case (0x6A, 0x86): return "incorrect parameters P1-P2"
        case (0x6A, 0x87): return "Nc inconsistent with parameters P1-P2"
        case (0x6A, 0x88): return "referenced data or reference data not found"
        case (0x6A, 0x89): return "file already exists"
        case (0x6A, 0x8A): return "DF name already exists"
        case (0x6A, _): return "wrong parameters P1-P2"
        case (0x6B, 0x00): return "wrong parameters P1-P2 (offset outside the file)"
        case (0x6C, _): return "wrong Le field; \(availableLength ?? 0) byte(s) available"
        case (0x6D, 0x00): return "instruction code not supported or invalid"
        case (0x6E, 0x00): return "class not supported"
        case (0x6F, 0x00): return "no precise diagnosis"
        default:
            switch sw1 {
            case 0x6B, 0x6D, 0x6E, 0x6F: return "checking error"
            case 0x90...0x9F: return "proprietary status"
            default: return "unknown status"
            }
        }
    }
}
