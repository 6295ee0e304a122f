/// PED PINs: 4 to 48 digits, typed on the PED's keypad and checked by the PED against the key;
/// they never cross the USB link. Set when a key is created; a duplicate made at creation may
/// get its own PIN, a copy made later keeps the source key's PIN.
public enum PEDPINRule {
    public static let lengths = 4...48

    public enum Violation: Sendable, Hashable, CustomStringConvertible {
        case tooShort(Int)
        case tooLong(Int)
        case notDigits

        public var description: String {
            switch self {
            case .tooShort(let n): "a PED PIN has 4 to 48 digits; this one has \(n)"
            case .tooLong(let n): "a PED PIN has 4 to 48 digits; this one has \(n)"
            case .notDigits: "a PED PIN is digits only"
            }
        }
    }

    /// Checks ASCII digits; the PIN's bytes are not kept or echoed.
    public static func check(_ pin: [UInt8]) -> Violation? {
        guard pin.allSatisfy({ (0x30...0x39).contains($0) }) else { return .notDigits }
        if pin.count < lengths.lowerBound { return .tooShort(pin.count) }
        if pin.count > lengths.upperBound { return .tooLong(pin.count) }
        return nil
    }
}
