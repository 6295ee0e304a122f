/// Hex text for bytes, the form every CLI argument, fixture and log line uses.
public enum Hex {
    private static let digits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// Upper-case hex, optionally with a separator between bytes ("3B BF 96").
    public static func encode<C: Collection>(_ bytes: C, separator: String = "") -> String
    where C.Element == UInt8 {
        var out = [UInt8]()
        let sep = Array(separator.utf8)
        out.reserveCapacity(bytes.count * (2 + sep.count))
        var first = true
        for byte in bytes {
            if !first { out.append(contentsOf: sep) }
            first = false
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Lower-case hex without separators, as JSON output carries it.
    public static func lower<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        encode(bytes).lowercased()
    }

    /// Parses hex, ignoring spaces, colons and a leading "0x"; nil when a character is not
    /// a hex digit or the digit count is odd.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var text = Substring(text)
        if text.hasPrefix("0x") || text.hasPrefix("0X") { text = text.dropFirst(2) }
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count / 2)
        var high: UInt8? = nil
        for char in text.utf8 {
            let nibble: UInt8
            switch char {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = char - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = char - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = char - UInt8(ascii: "A") + 10
            case UInt8(ascii: " "), UInt8(ascii: ":"), UInt8(ascii: "\t"), UInt8(ascii: "\n"),
                 UInt8(ascii: "\r"):
                continue
            default:
                return nil
            }
            if let h = high {
                out.append(h << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return high == nil ? out : nil
    }
}
